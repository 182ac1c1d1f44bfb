/**
 * The telemetry contract: every name the runtime emits and the CDK alarms and
 * dashboards read. Users' own alarms and queries depend on these, so a change
 * here is a breaking change (see docs/telemetry.md, generated from this file).
 *
 * @example
 * import { METRIC, DIMENSION } from 'observed-inference';
 * console.log(METRIC.InferenceLatency, DIMENSION.ModelName);
 */

/** Default CloudWatch namespace, overridden by `POWERTOOLS_METRICS_NAMESPACE`. */
export const DEFAULT_NAMESPACE = 'ObservedInference';

/** Metric names of the per-invocation EMF record. */
export const METRIC = {
  InferenceLatency: 'InferenceLatency',
  Predictions: 'Predictions',
  BatchSize: 'BatchSize',
  Errors: 'Errors',
  Timeouts: 'Timeouts',
  ColdStart: 'ColdStart',
  ColdStartDuration: 'ColdStartDuration',
  ModelLoadTime: 'ModelLoadTime',
  ModelLoads: 'ModelLoads',
  WarmupPings: 'WarmupPings',
  Confidence: 'Confidence',
  LowConfidence: 'LowConfidence',
  DriftScore: 'DriftScore',
  /** Predictions in the drift window that just closed. */
  DriftWindowSize: 'DriftWindowSize',
  /** Failures inside observed-inference itself (exporter, logger, extractor), never the handler's. */
  TelemetryErrors: 'TelemetryErrors',
  /** Predictions the model declined to make, or answered with a fallback (the result said so). */
  Abstentions: 'Abstentions',
  /** Inputs that failed the handler's own validation (`rejectInput()`, a thrown `InvalidInputError`). */
  InvalidInputs: 'InvalidInputs',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** CloudWatch units as EMF spells them. */
export const UNIT = {
  Milliseconds: 'Milliseconds',
  Count: 'Count',
  None: 'None',
  Percent: 'Percent',
  Bytes: 'Bytes',
  Seconds: 'Seconds',
} as const;
export type MetricUnit = (typeof UNIT)[keyof typeof UNIT];

/** Ground-truth metrics written by `recordOutcome()` (same dimensions as the inference metrics). */
export const OUTCOME_METRIC = {
  /** 1 per outcome recorded. */
  Outcomes: 'Outcomes',
  /** 1 when the prediction matched the outcome, else 0: its Average is the accuracy. */
  PredictionCorrect: 'PredictionCorrect',
  /** 1 per outcome whose prediction could not be found. */
  OutcomesUnmatched: 'OutcomesUnmatched',
} as const;

/** The unit each contract metric is emitted with. */
export const METRIC_UNIT: Readonly<Record<MetricName, MetricUnit>> = {
  InferenceLatency: UNIT.Milliseconds,
  Predictions: UNIT.Count,
  BatchSize: UNIT.Count,
  Errors: UNIT.Count,
  Timeouts: UNIT.Count,
  ColdStart: UNIT.Count,
  ColdStartDuration: UNIT.Milliseconds,
  ModelLoadTime: UNIT.Milliseconds,
  ModelLoads: UNIT.Count,
  WarmupPings: UNIT.Count,
  Confidence: UNIT.None,
  LowConfidence: UNIT.Count,
  DriftScore: UNIT.None,
  DriftWindowSize: UNIT.Count,
  TelemetryErrors: UNIT.Count,
  Abstentions: UNIT.Count,
  InvalidInputs: UNIT.Count,
};

/** `<Stage>Duration`: `preprocess` → `PreprocessDuration`. */
export function stageMetricName(stage: string): string {
  const pascal = stage
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
  return `${pascal || 'Stage'}Duration`;
}

/**
 * The PSI of one drift signal (`confidence`, `label`, or an input feature):
 * `DriftScore.amount`. `DriftScore` itself is the largest of them.
 */
export function driftMetricName(signal: string): string {
  return `${METRIC.DriftScore}.${signal}`;
}

/** Prefix of the label-mix metrics: `PredictedLabel.fraud`, `PredictedLabel.other`. */
export const PREDICTED_LABEL_PREFIX = 'PredictedLabel';

/** The label-mix bucket of every label beyond the bounded set. */
export const OTHER_LABEL = 'other';

/** Longest label kept in a metric name; longer ones are cut (CloudWatch allows 255 in all). */
const MAX_LABEL_NAME = 64;

/**
 * The label-mix metric of one predicted label: `PredictedLabel.<label>`
 * (Count, one per prediction with that label). Characters other than
 * letters, digits, `_`, `-` and `.` become `_`, so every label makes a valid
 * CloudWatch metric name and metric-math id; the dimension set stays the
 * contract's. Labels beyond the bounded set count as `PredictedLabel.other`.
 *
 * @example
 * predictedLabelMetricName('fraud'); // 'PredictedLabel.fraud'
 * predictedLabelMetricName('not sure?'); // 'PredictedLabel.not_sure_'
 */
export function predictedLabelMetricName(label: string | number | boolean): string {
  const text = String(label)
    .slice(0, MAX_LABEL_NAME)
    .replace(/[^A-Za-z0-9_.-]/g, '_');
  return `${PREDICTED_LABEL_PREFIX}.${text || '_'}`;
}

/** Dimension names; every record carries exactly this set. */
export const DIMENSION = {
  Service: 'service',
  ModelName: 'ModelName',
  ModelVersion: 'ModelVersion',
} as const;
/** The one dimension set of every record, in order. */
export const DIMENSION_SET = [
  DIMENSION.Service,
  DIMENSION.ModelName,
  DIMENSION.ModelVersion,
] as const;

/** Span names (X-Ray subsegment names are the same). */
export const SPAN = {
  inference: (model: string) => `inference ${model}`,
  coldStart: 'cold start',
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

/** Keys of the per-invocation log record, beyond Powertools' standard keys. */
export const LOG_KEY = {
  ModelName: 'model_name',
  ModelVersion: 'model_version',
  LatencyMs: 'latency_ms',
  Stages: 'stages',
  BatchSize: 'batch_size',
  Prediction: 'prediction',
  Confidence: 'confidence',
  InputHash: 'input_hash',
  CorrelationId: 'correlation_id',
  ClientId: 'client_id',
  Warmup: 'warmup',
  StartType: 'start_type',
  PredictionId: 'prediction_id',
  /** Predictions that abstained or fell back (present when > 0). */
  Abstentions: 'abstentions',
  /** `{ field, reason, count }` of inputs that failed validation (present when any did). */
  InvalidInput: 'invalid_input',
  Error: 'error',
} as const;

/** Environment variables of the project (ecosystem ones are read as they are). */
export const ENV = {
  Handler: 'OBSERVED_HANDLER',
  ModelName: 'OBSERVED_MODEL_NAME',
  ModelVersion: 'OBSERVED_MODEL_VERSION',
  LowConfidence: 'OBSERVED_LOW_CONFIDENCE',
  LogPayloads: 'OBSERVED_LOG_PAYLOADS',
  Redact: 'OBSERVED_REDACT',
  Traces: 'OBSERVED_TRACES',
  Metrics: 'OBSERVED_METRICS',
  Baseline: 'OBSERVED_BASELINE',
  DriftWindow: 'OBSERVED_DRIFT_WINDOW',
  Labels: 'OBSERVED_LABELS',
} as const;

/** `OBSERVED_TRACES` values. */
export const TRACES_MODE = { XrayUdp: 'xray-udp', XrayApi: 'xray-api', Off: 'off' } as const;
export type TracesMode = (typeof TRACES_MODE)[keyof typeof TRACES_MODE];

/** `OBSERVED_METRICS` values. */
export const METRICS_MODE = { Emf: 'emf', Api: 'api', Off: 'off' } as const;
export type MetricsMode = (typeof METRICS_MODE)[keyof typeof METRICS_MODE];
