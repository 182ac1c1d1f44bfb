/** Span names (X-Ray subsegment names are the same). */
export const SPAN = {
  inference: (model: string) => `inference ${model}`,
  coldStart: 'cold start',
  /** Inside `cold start`: library load → the first invocation began. */
  init: 'init',
  modelLoad: (model: string) => `model load ${model}`,
  warmup: 'warmup',
} as const;

/** Span attributes beyond the OpenTelemetry semantic conventions. */
export const ATTR = {
  ModelName: 'inference.model.name',
  ModelVersion: 'inference.model.version',
  BatchSize: 'inference.batch_size',
  Prediction: 'inference.prediction',
  Confidence: 'inference.confidence',
  InputHash: 'inference.input_hash',
  ClientId: 'inference.client_id',
  CorrelationId: 'inference.correlation_id',
  StartType: 'inference.start_type',
  Warmup: 'inference.warmup',
  LowConfidence: 'inference.low_confidence',
  Timeout: 'inference.timeout',
  PredictionId: 'inference.prediction_id',
  ModelLoadNumber: 'inference.model.load_number',
  ClientError: 'inference.client_error',
  /** Predictions of the invocation that abstained or fell back (set when > 0). */
  Abstentions: 'inference.abstentions',
  /** The field of the first input that failed validation. */
  InvalidInputField: 'inference.invalid_input.field',
  /** Why it failed. */
  InvalidInputReason: 'inference.invalid_input.reason',
  /** Response streaming: invocation start → the first body byte, in ms. */
  StreamFirstByteMs: 'inference.stream.first_byte_ms',
  /** Response streaming: body bytes written. */
  StreamBytes: 'inference.stream.bytes',
  /** Response streaming: the stream did not end normally (handler failed, client gone). */
  StreamAborted: 'inference.stream.aborted',
} as const;

/** Span attributes that become indexed X-Ray annotations, by annotation key. */
export const ANNOTATION_OF_ATTR: Readonly<Record<string, string>> = {
  [ATTR.ModelName]: 'model_name',
  [ATTR.ModelVersion]: 'model_version',
  'faas.coldstart': 'cold_start',
  [ATTR.Warmup]: 'warmup',
  [ATTR.ClientId]: 'client_id',
  [ATTR.Prediction]: 'prediction',
  [ATTR.LowConfidence]: 'low_confidence',
};

/** X-Ray metadata namespace for every attribute that is not an annotation. */
export const XRAY_METADATA_NAMESPACE = 'observed_inference';

/** How an execution environment started; only `on-demand` is a cold start for the user. */
export const START_TYPE = {
  OnDemand: 'on-demand',
  ProvisionedConcurrency: 'provisioned-concurrency',
  Proactive: 'proactive-initialization',
  SnapStart: 'snap-start',
  ManagedInstances: 'lambda-managed-instances',
  Warm: 'warm',
} as const;
export type StartType = (typeof START_TYPE)[keyof typeof START_TYPE];

/**
 * The span event a drift window adds when it closes, and its attributes (the
 * drift log line carries the same facts under `DRIFT_LOG_KEY`).
 */
export const DRIFT_EVENT = {
  Name: 'drift window closed',
  Score: 'inference.drift.score',
  WindowSize: 'inference.drift.window_size',
  /** The signals with PSI ≥ `DRIFT_MOVED_PSI`, comma-separated, most moved first. */
  Moved: 'inference.drift.moved',
  /** `stable`, `moved` or `data_quality_broken` (`DRIFT_STATUS`). */
  Status: 'inference.drift.status',
  /** The features whose data quality broke, comma-separated (absent when none). */
  Broken: 'inference.drift.data_quality_broken',
} as const;
