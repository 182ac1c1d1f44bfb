/** Which layer a contender's function has attached (its `/opt`). */
export const LAYER = {
  /** No layer. */
  None: 'none',
  /** dist/layer.zip, unzipped. */
  Ours: 'ours',
  /** bench/node_modules as /opt/nodejs/node_modules (Powertools, aws-embedded-metrics). */
  Packages: 'packages',
  /** The OpenTelemetry Lambda layer as assembled from bench/layers/otel. */
  Otel: 'otel',
  /** The ADOT Lambda layer as assembled from bench/layers/adot. */
  Adot: 'adot',
} as const;
export type Layer = (typeof LAYER)[keyof typeof LAYER];

export const CONTENDER_IDS = [
  'bare',
  'oi-library',
  'oi-zero-code',
  'powertools',
  'otel',
  'emf',
  'adot',
] as const;
export type ContenderId = (typeof CONTENDER_IDS)[number];

/** One way of running the synthetic inference function. */
export interface Contender {
  readonly id: ContenderId;
  readonly label: string;
  /** What it emits per invocation. */
  readonly signals: string;
  /** File under bench/handlers deployed as the function's index.mjs. */
  readonly handler: string;
  readonly layer: Layer;
  /** `AWS_LAMBDA_EXEC_WRAPPER`, relative to the layer directory. */
  readonly execWrapper?: string;
  /** Function environment variables of this contender. */
  readonly env?: Readonly<Record<string, string>>;
  /** Skipped unless its packages are installed (bench/adot). */
  readonly optional?: boolean;
}

export const CONTENDERS: readonly Contender[] = [
  {
    id: 'bare',
    label: 'bare handler',
    signals: 'none',
    handler: 'bare.mjs',
    layer: LAYER.None,
  },
  {
    id: 'oi-library',
    label: 'observed-inference (library)',
    signals: 'traces + metrics + logs',
    handler: 'observed.mjs',
    layer: LAYER.Ours,
  },
  {
    id: 'oi-zero-code',
    label: 'observed-inference (zero-code)',
    signals: 'traces + metrics + logs',
    handler: 'bare.mjs',
    layer: LAYER.Ours,
    execWrapper: 'observed-inference-wrapper',
    env: { OBSERVED_MODEL_NAME: 'bench-model', OBSERVED_MODEL_VERSION: '1' },
  },
  {
    id: 'powertools',
    label: 'Powertools Logger + Metrics + Tracer',
    signals: 'traces + metrics + logs',
    handler: 'powertools.mjs',
    layer: LAYER.Packages,
  },
  {
    id: 'otel',
    label: 'OpenTelemetry (opentelemetry-lambda wiring)',
    signals: 'traces',
    handler: 'otel.mjs',
    layer: LAYER.Otel,
    execWrapper: 'otel-handler',
  },
  {
    id: 'emf',
    label: 'aws-embedded-metrics',
    signals: 'metrics',
    handler: 'emf.mjs',
    layer: LAYER.Packages,
  },
  {
    id: 'adot',
    label: 'ADOT Node.js (optional)',
    signals: 'traces',
    handler: 'bare.mjs',
    layer: LAYER.Adot,
    execWrapper: 'otel-instrument',
    optional: true,
  },
];

/** The contender the ratios are taken against. */
export const OURS: ContenderId = 'oi-library';
export const BARE: ContenderId = 'bare';
