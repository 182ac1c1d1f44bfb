/** Which layer a contender's function has attached (its `/opt`). */
export const LAYER = {
  /** No layer. */
  None: 'none',
  /** dist/layer.zip, unzipped. */
  Ours: 'ours',
  /** dist/layer.zip, unzipped, with bench/node_modules' packages beside it (Powertools). */
  OursWithPackages: 'ours-packages',
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
  'bare-woken',
  'io-floor',
  'io-floor-woken',
  'records-floor',
  'oi-library',
  'oi-library-cjs',
  'oi-after-response',
  'oi-zero-code',
  'oi-otlp-udp',
  'oi-otlp-http',
  'oi-otlp-all',
  'oi-powertools',
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
  /** File under bench/handlers deployed as the function's `index` (keeping its extension). */
  readonly handler: string;
  readonly layer: Layer;
  /** `AWS_LAMBDA_EXEC_WRAPPER`, relative to the layer directory. */
  readonly execWrapper?: string;
  /** Function environment variables of this contender. */
  readonly env?: Readonly<Record<string, string>>;
  /** Sends OTLP/HTTP to the harness's collector stand-in (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
  readonly collector?: boolean;
  /**
   * The function registers an internal extension (`writeAfterResponse()`): a
   * stand-in of Lambda's Extensions API runs beside it in a process of its own
   * (bench/child/extensionsApi.mjs), its runner releases the extension before
   * each invocation (bench/child/runner.mjs) and measures the work the
   * extension does after each response.
   */
  readonly extensionsApi?: boolean;
  /**
   * Woken before each invocation: its runner waits for the Extensions API
   * stand-in's answer to a message, a sleep and a wakeup, as a contender with
   * `extensionsApi` waits for its extension's poll (`bare-woken`).
   */
  readonly wake?: boolean;
  /** Skipped unless its packages are installed (bench/adot). */
  readonly optional?: boolean;
  /**
   * What a working set-up emits per warm invocation, at least: a run short of it
   * (say, a span that failed to end and was never sent) is flagged in the report,
   * since its figures would flatter it.
   */
  readonly expect: Expected;
}

export interface Expected {
  readonly stdoutLines: number;
  readonly udpDatagrams: number;
  readonly otlpRequests: number;
  /** Whether anything on stderr means it is failing (the OpenTelemetry SDKs chat there). */
  readonly quietStderr: boolean;
}

const NOTHING: Expected = { stdoutLines: 0, udpDatagrams: 0, otlpRequests: 0, quietStderr: true };
/** Our EMF record and log line, and one datagram per trace; stderr only when we fail. */
const OURS_EXPECTED: Expected = {
  stdoutLines: 2,
  udpDatagrams: 1,
  otlpRequests: 0,
  quietStderr: true,
};

export const CONTENDERS: readonly Contender[] = [
  {
    id: 'bare',
    label: 'bare handler',
    signals: 'none',
    handler: 'bare.mjs',
    layer: LAYER.None,
    expect: NOTHING,
  },
  {
    // The baseline of contenders with `extensionsApi`: before each of their
    // invocations the runner sleeps until the extension's poll reaches the
    // stand-in in another process, and a handler woken from sleep runs slower
    // (caches, branch predictors) than one called in a tight loop. Its own
    // overhead over bare is that wakeup's cost.
    id: 'bare-woken',
    label: 'bare handler, woken before each invocation',
    signals: 'none',
    handler: 'bare.mjs',
    layer: LAYER.None,
    wake: true,
    expect: NOTHING,
  },
  {
    id: 'io-floor',
    label: 'I/O floor (one stdout write + one datagram)',
    signals: 'I/O only',
    handler: 'floor.mjs',
    layer: LAYER.None,
    expect: { stdoutLines: 1, udpDatagrams: 1, otlpRequests: 0, quietStderr: true },
  },
  {
    // The I/O floor as the contenders with `extensionsApi` run: woken before each
    // invocation, against bare-woken. Its calls then run cold, as theirs do: the
    // like-with-like limit of a contender timed that way (the target
    // stays the I/O floor above).
    id: 'io-floor-woken',
    label: 'I/O floor, woken before each invocation',
    signals: 'I/O only',
    handler: 'floor.mjs',
    layer: LAYER.None,
    wake: true,
    expect: { stdoutLines: 1, udpDatagrams: 1, otlpRequests: 0, quietStderr: true },
  },
  {
    id: 'records-floor',
    label: 'records floor (our three records from templates + the I/O floor)',
    signals: 'I/O + records',
    handler: 'recordsFloor.mjs',
    layer: LAYER.None,
    expect: { stdoutLines: 2, udpDatagrams: 1, otlpRequests: 0, quietStderr: true },
  },
  {
    id: 'oi-library',
    label: 'observed-inference (library)',
    signals: 'traces + metrics + logs',
    handler: 'observed.mjs',
    layer: LAYER.Ours,
    expect: OURS_EXPECTED,
  },
  {
    id: 'oi-library-cjs',
    label: 'observed-inference (library, CommonJS)',
    signals: 'traces + metrics + logs',
    handler: 'observed.cjs',
    layer: LAYER.Ours,
    expect: OURS_EXPECTED,
  },
  {
    id: 'oi-after-response',
    label: 'observed-inference (library, writes after the response)',
    signals: 'traces + metrics + logs',
    handler: 'observedAfterResponse.mjs',
    layer: LAYER.Ours,
    // Its warm figures time the response; the telemetry is written after it, before
    // the extension's next poll of the Extensions API (its post-response time).
    extensionsApi: true,
    expect: OURS_EXPECTED,
  },
  {
    id: 'oi-zero-code',
    label: 'observed-inference (zero-code)',
    signals: 'traces + metrics + logs',
    handler: 'bare.mjs',
    layer: LAYER.Ours,
    execWrapper: 'observed-inference-wrapper',
    env: { OBSERVED_MODEL_NAME: 'bench-model', OBSERVED_MODEL_VERSION: '1' },
    expect: OURS_EXPECTED,
  },
  {
    id: 'oi-otlp-udp',
    label: 'observed-inference (library, OTLP over UDP)',
    signals: 'traces + metrics + logs',
    handler: 'observed.mjs',
    layer: LAYER.Ours,
    // The same spans as OTLP protobuf in AWS's T1S framing to the daemon's UDP endpoint.
    env: { OBSERVED_TRACES: 'otlp-udp' },
    expect: OURS_EXPECTED,
  },
  {
    id: 'oi-otlp-http',
    label: 'observed-inference (library, OTLP/HTTP to a collector)',
    signals: 'traces + metrics + logs',
    handler: 'observed.mjs',
    layer: LAYER.Ours,
    // One request per invocation to a collector extension on localhost, awaited before the response.
    env: { OBSERVED_TRACES: 'otlp-http' },
    collector: true,
    expect: { stdoutLines: 2, udpDatagrams: 0, otlpRequests: 1, quietStderr: true },
  },
  {
    id: 'oi-otlp-all',
    label: 'observed-inference (library, traces, metrics and logs over OTLP/HTTP)',
    signals: 'traces + metrics + logs',
    handler: 'observed.mjs',
    layer: LAYER.Ours,
    // Nothing on stdout: three requests per invocation (traces, metrics, logs), each awaited before the response.
    env: {
      OBSERVED_TRACES: 'otlp-http',
      OBSERVED_METRICS: 'otlp-http',
      OBSERVED_LOGS: 'otlp-http',
    },
    collector: true,
    expect: { stdoutLines: 0, udpDatagrams: 0, otlpRequests: 3, quietStderr: true },
  },
  {
    id: 'oi-powertools',
    label: 'observed-inference (library, through a Powertools Logger + Metrics)',
    signals: 'traces + metrics + logs',
    handler: 'observedPowertools.mjs',
    layer: LAYER.OursWithPackages,
    // Their Metrics' EMF record and their Logger's line, each its own write; one datagram per trace.
    expect: OURS_EXPECTED,
  },
  {
    id: 'powertools',
    label: 'Powertools Logger + Metrics + Tracer',
    signals: 'traces + metrics + logs',
    handler: 'powertools.mjs',
    layer: LAYER.Packages,
    // EMF record and log line; the X-Ray SDK streams each closed subsegment as a datagram.
    expect: { stdoutLines: 2, udpDatagrams: 2, otlpRequests: 0, quietStderr: true },
  },
  {
    id: 'otel',
    label: 'OpenTelemetry (opentelemetry-lambda wiring)',
    signals: 'traces',
    handler: 'otel.mjs',
    layer: LAYER.Otel,
    execWrapper: 'otel-handler',
    collector: true,
    // The Lambda instrumentation force-flushes the batch processor: one export per invocation.
    expect: { stdoutLines: 0, udpDatagrams: 0, otlpRequests: 1, quietStderr: false },
  },
  {
    id: 'emf',
    label: 'aws-embedded-metrics',
    signals: 'metrics',
    handler: 'emf.mjs',
    layer: LAYER.Packages,
    expect: { stdoutLines: 1, udpDatagrams: 0, otlpRequests: 0, quietStderr: true },
  },
  {
    id: 'adot',
    label: 'ADOT Node.js (optional)',
    signals: 'traces',
    handler: 'bare.mjs',
    layer: LAYER.Adot,
    execWrapper: 'otel-instrument',
    optional: true,
    // OTLP spans to the X-Ray daemon over UDP, about one datagram per invocation.
    expect: { stdoutLines: 0, udpDatagrams: 0.9, otlpRequests: 0, quietStderr: false },
  },
];

/** The contender the ratios are taken against. */
export const OURS: ContenderId = 'oi-library';
/** Ours with the telemetry written after the response (`writeAfterResponse()`). */
export const OURS_AFTER_RESPONSE: ContenderId = 'oi-after-response';
export const BARE: ContenderId = 'bare';
/** The baseline of contenders with `extensionsApi` (see its entry above). */
export const BARE_WOKEN: ContenderId = 'bare-woken';

/** The bare handler `contender`'s overheads are taken against, run in the same rounds. */
export function baselineOf(contender: ContenderId): ContenderId {
  if (contender === BARE_WOKEN) return BARE;
  const c = CONTENDERS.find((c) => c.id === contender);
  return c?.extensionsApi || c?.wake ? BARE_WOKEN : BARE;
}
/** What complete telemetry cannot avoid doing per invocation: the physical limit of every overhead. */
export const FLOOR: ContenderId = 'io-floor';
/** {@link FLOOR} woken before each invocation: the limit of a contender timed as `extensionsApi` ones are. */
export const FLOOR_WOKEN: ContenderId = 'io-floor-woken';
/**
 * The least computation complete telemetry needs on top of the floor's I/O:
 * our three records filled from templates (bench/handlers/recordsFloor.mjs).
 */
export const RECORDS_FLOOR: ContenderId = 'records-floor';
