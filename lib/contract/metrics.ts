import { MAX_LABEL_NAME } from './limits.js';

/** Default CloudWatch namespace, overridden by `POWERTOOLS_METRICS_NAMESPACE`. */
export const DEFAULT_NAMESPACE = 'ObservedInference';

/**
 * Every unit CloudWatch accepts, as EMF and `PutMetricData` spell them: any
 * other makes a whole EMF record invalid.
 *
 * @example
 * invocation.addMetric('QueueDepth', UNIT.Count, 3);
 */
export const UNIT = {
  Seconds: 'Seconds',
  Microseconds: 'Microseconds',
  Milliseconds: 'Milliseconds',
  Bytes: 'Bytes',
  Kilobytes: 'Kilobytes',
  Megabytes: 'Megabytes',
  Gigabytes: 'Gigabytes',
  Terabytes: 'Terabytes',
  Bits: 'Bits',
  Kilobits: 'Kilobits',
  Megabits: 'Megabits',
  Gigabits: 'Gigabits',
  Terabits: 'Terabits',
  Percent: 'Percent',
  Count: 'Count',
  BytesPerSecond: 'Bytes/Second',
  KilobytesPerSecond: 'Kilobytes/Second',
  MegabytesPerSecond: 'Megabytes/Second',
  GigabytesPerSecond: 'Gigabytes/Second',
  TerabytesPerSecond: 'Terabytes/Second',
  BitsPerSecond: 'Bits/Second',
  KilobitsPerSecond: 'Kilobits/Second',
  MegabitsPerSecond: 'Megabits/Second',
  GigabitsPerSecond: 'Gigabits/Second',
  TerabitsPerSecond: 'Terabits/Second',
  CountPerSecond: 'Count/Second',
  None: 'None',
} as const;
export type MetricUnit = (typeof UNIT)[keyof typeof UNIT];

/**
 * The metrics of the per-invocation EMF record, each with the unit it is
 * emitted in: the one list `METRIC` and `METRIC_UNIT` are read from.
 */
const METRICS = {
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
  /** Predictions in the drift window that just closed. */
  DriftWindowSize: UNIT.Count,
  /** Failures inside observed-inference itself (exporter, logger, extractor), never the handler's. */
  TelemetryErrors: UNIT.Count,
  /** Predictions the model declined to make, or answered with a fallback (the result said so). */
  Abstentions: UNIT.Count,
  /** Inputs that failed the handler's own validation (`rejectInput()`, a thrown `InvalidInputError`). */
  InvalidInputs: UNIT.Count,
  /** Response streaming: invocation start → the first body byte written (`InferenceLatency` is to the end). */
  TimeToFirstByte: UNIT.Milliseconds,
  /** Response streaming: body bytes the handler wrote. */
  BytesStreamed: UNIT.Bytes,
  /** Response streaming: 1 when the stream did not end normally (handler failed, client gone), else 0. */
  StreamsAborted: UNIT.Count,
  /** Model calls (`observeModelCalls()`): input tokens a call's response reported (Bedrock). */
  InputTokens: UNIT.Count,
  /** Model calls: output tokens a call's response (or its stream's metadata) reported (Bedrock). */
  OutputTokens: UNIT.Count,
  /** Model calls, streamed answers: call start → the first content chunk. */
  TimeToFirstToken: UNIT.Milliseconds,
  /** Model calls, streamed answers: (first content chunk → end of stream) / (output tokens − 1). */
  TimePerOutputToken: UNIT.Milliseconds,
  /** Model calls: call start → its response (a streamed answer: → the end of its stream), one value per call. */
  ModelCallLatency: UNIT.Milliseconds,
  /** Model calls that failed (including throttled ones), and streams that failed midway. */
  ModelCallErrors: UNIT.Count,
  /** Model calls refused as throttled (`ThrottlingException`, HTTP 429). */
  ModelCallThrottles: UNIT.Count,
  /** Model calls, streamed answers: 1 per stream not read to its end (consumer stopped, error, or still open when the invocation ended). */
  ModelStreamsAborted: UNIT.Count,
  /**
   * Model calls: estimated cost of a Bedrock call from the user's price table
   * (`observeModelCalls(client, { prices })`), in the table's currency; none ships.
   */
  InferenceCost: UNIT.None,
  /**
   * The process's peak resident memory so far (`ru_maxrss`), read as the
   * invocation ended: what Lambda's REPORT line calls Max Memory Used, for
   * this process (extensions excluded). Every invocation, warmup pings included.
   */
  MaxMemoryUsed: UNIT.Megabytes,
  /** User + system CPU time of the process from invocation start to its end (background threads and overlapping invocations included; written after the response, from the invocation before's records). */
  CpuTime: UNIT.Milliseconds,
  /**
   * Estimated Lambda cost of the invocation: its duration (rounded up to the
   * ms) × the function's memory × the price per GB-second of its
   * architecture, plus the price of a request (`COMPUTE_PRICES`, USD unless
   * overridden). Absent outside Lambda, where the memory is unknown.
   */
  ComputeCost: UNIT.None,
} as const satisfies Readonly<Record<string, MetricUnit>>;

export type MetricName = keyof typeof METRICS;

/** Each key spelled as its own value: `{ A: 'A' }`; the mapped type keeps the keys' TSDoc. */
function namesOf<T extends Readonly<Record<string, unknown>>>(
  table: T,
): { readonly [K in keyof T]: K } {
  return Object.fromEntries(Object.keys(table).map((key) => [key, key])) as {
    readonly [K in keyof T]: K;
  };
}

/**
 * Metric names of the per-invocation EMF record.
 *
 * @example
 * new cloudwatch.Metric({ namespace: DEFAULT_NAMESPACE, metricName: METRIC.InferenceLatency });
 */
export const METRIC = namesOf(METRICS);

/**
 * The unit each contract metric is emitted with.
 *
 * @example
 * invocation.addMetric(METRIC.ModelLoads, METRIC_UNIT.ModelLoads, 1);
 */
export const METRIC_UNIT: Readonly<Record<MetricName, MetricUnit>> = METRICS;

/** Ground-truth metrics written by `recordOutcome()` (same dimensions as the inference metrics, unit Count). */
export const OUTCOME_METRIC = {
  /** 1 per outcome recorded. */
  Outcomes: 'Outcomes',
  /** 1 when the prediction matched the outcome, else 0: its Average is the accuracy. */
  PredictionCorrect: 'PredictionCorrect',
  /** 1 per outcome whose prediction could not be found. */
  OutcomesUnmatched: 'OutcomesUnmatched',
} as const;

/**
 * `<Stage>Duration` (Milliseconds) of each `stage()` run.
 *
 * @example
 * stageMetricName('preprocess'); // 'PreprocessDuration'
 */
export function stageMetricName(stage: string): string {
  const pascal = stage
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
  return `${pascal || 'Stage'}Duration`;
}

/**
 * The PSI of one drift signal (`confidence`, `label`, or an input feature).
 * `DriftScore` itself is the largest of them.
 *
 * @example
 * driftMetricName('amount'); // 'DriftScore.amount'
 */
export function driftMetricName(signal: string): string {
  return `${METRIC.DriftScore}.${signal}`;
}

/** Prefix of the label-mix metrics: `PredictedLabel.fraud`, `PredictedLabel.other`. */
export const PREDICTED_LABEL_PREFIX = 'PredictedLabel';

/** The label-mix bucket of every label beyond the bounded set. */
export const OTHER_LABEL = 'other';

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

/**
 * The extra dimension of the model-call metrics by Bedrock model: the record
 * states them twice, under `DIMENSION_SET` and under `MODEL_CALL_DIMENSION_SET`.
 */
export const MODEL_CALL_DIMENSION = {
  BedrockModelId: 'BedrockModelId',
} as const;

/**
 * The metrics only a function whose clients go through `observeModelCalls()`
 * emits (a dashboard graphs them for such functions only).
 */
export const MODEL_CALL_METRICS = [
  'InputTokens',
  'OutputTokens',
  'TimeToFirstToken',
  'TimePerOutputToken',
  'ModelCallLatency',
  'ModelCallErrors',
  'ModelCallThrottles',
  'ModelStreamsAborted',
  'InferenceCost',
] as const satisfies readonly MetricName[];

/**
 * The model-call metrics also published per Bedrock model id, with the
 * values of that model's calls (tokens, time to first token and cost only
 * come from Bedrock calls; `ModelCallLatency` of its calls only).
 */
export const MODEL_CALL_METRICS_BY_MODEL = [
  'ModelCallLatency',
  'InputTokens',
  'OutputTokens',
  'TimeToFirstToken',
  'TimePerOutputToken',
  'InferenceCost',
] as const satisfies readonly MetricName[];

/** The one dimension set of every record, in order. */
export const DIMENSION_SET = [
  DIMENSION.Service,
  DIMENSION.ModelName,
  DIMENSION.ModelVersion,
] as const;

/** The dimension set of `MODEL_CALL_METRICS_BY_MODEL`'s second statement: `DIMENSION_SET` plus the model id. */
export const MODEL_CALL_DIMENSION_SET = [
  ...DIMENSION_SET,
  MODEL_CALL_DIMENSION.BedrockModelId,
] as const;

/**
 * The unit each CloudWatch unit becomes in OTLP (UCUM, as OpenTelemetry's
 * semantic conventions write them): `ms`, `By`, `1` for a count or a ratio.
 * Time units become `ms` (values converted): every duration is a histogram
 * with {@link OTLP_LATENCY_BOUNDARIES_MS}.
 */
export const OTLP_UNIT: Readonly<Record<MetricUnit, string>> = {
  Seconds: 'ms',
  Microseconds: 'ms',
  Milliseconds: 'ms',
  Bytes: 'By',
  Kilobytes: 'kBy',
  Megabytes: 'MBy',
  Gigabytes: 'GBy',
  Terabytes: 'TBy',
  Bits: 'bit',
  Kilobits: 'kbit',
  Megabits: 'Mbit',
  Gigabits: 'Gbit',
  Terabits: 'Tbit',
  Percent: '%',
  Count: '1',
  'Bytes/Second': 'By/s',
  'Kilobytes/Second': 'kBy/s',
  'Megabytes/Second': 'MBy/s',
  'Gigabytes/Second': 'GBy/s',
  'Terabytes/Second': 'TBy/s',
  'Bits/Second': 'bit/s',
  'Kilobits/Second': 'kbit/s',
  'Megabits/Second': 'Mbit/s',
  'Gigabits/Second': 'Gbit/s',
  'Terabits/Second': 'Tbit/s',
  'Count/Second': '1/s',
  None: '1',
};

/**
 * Explicit bucket boundaries (ms) of every duration histogram over OTLP
 * (`InferenceLatency`, `ColdStartDuration`, `ModelLoadTime`, stage
 * durations, …): fine where inference answers (1 ms to 1 s), coarse up to
 * Lambda's 15-minute limit; the last bucket is above 900 s.
 */
export const OTLP_LATENCY_BOUNDARIES_MS: readonly number[] = [
  1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000,
  10_000, 30_000, 60_000, 300_000, 900_000,
];

/** Bucket boundaries of the `Confidence` histogram over OTLP: tenths, finer near 1. */
export const OTLP_CONFIDENCE_BOUNDARIES: readonly number[] = [
  0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99,
];

/**
 * Count metrics that are sizes, not events: over OTLP they are gauges (the
 * last value of the record), since adding them up across invocations says
 * nothing. Every other `Count` metric is a monotonic delta sum.
 */
export const OTLP_GAUGE_COUNTS: ReadonlySet<string> = new Set([
  METRIC.BatchSize,
  METRIC.DriftWindowSize,
  METRIC.MaxMemoryUsed,
]);

/** Metrics of unit `None` that add up across invocations: over OTLP a delta sum, not a gauge. */
export const OTLP_SUMMED_VALUES: ReadonlySet<string> = new Set([METRIC.ComputeCost]);

/**
 * Data-quality metrics of a closed drift window, one per baseline feature
 * (`MissingRate.amount`), with the same dimensions as every record. Only
 * non-zero values are written, so a healthy window adds none of them to its
 * EMF record; `DataQualityBroken` is written on every closed window.
 *
 * @example
 * dataQualityMetricName(DATA_QUALITY_METRIC.MissingRate, 'amount'); // 'MissingRate.amount'
 */
export const DATA_QUALITY_METRIC = {
  /** Share (0–1) of the window's predictions whose feature was missing (absent, `null`, NaN). */
  MissingRate: 'MissingRate',
  /** Values of the wrong type: a string in a numeric feature, an object in a categorical one. */
  TypeMismatches: 'TypeMismatches',
  /** Numeric values outside the baseline's range widened by `OUT_OF_RANGE_TOLERANCE`. */
  OutOfRange: 'OutOfRange',
  /** Categorical values not among the baseline's categories (when the baseline lists them all). */
  UnseenCategories: 'UnseenCategories',
  /** Per closed window: 1 when a feature's data quality broke (the window is `data_quality_broken`), else 0. */
  DataQualityBroken: 'DataQualityBroken',
} as const;

/** The unit of each data-quality metric. */
export const DATA_QUALITY_METRIC_UNIT: Readonly<
  Record<keyof typeof DATA_QUALITY_METRIC, MetricUnit>
> = {
  MissingRate: UNIT.None,
  TypeMismatches: UNIT.Count,
  OutOfRange: UNIT.Count,
  UnseenCategories: UNIT.Count,
  DataQualityBroken: UNIT.Count,
};

/** The per-feature data-quality metrics (all but the per-window `DataQualityBroken`). */
export type FeatureQualityMetric = Exclude<
  (typeof DATA_QUALITY_METRIC)[keyof typeof DATA_QUALITY_METRIC],
  'DataQualityBroken'
>;

/**
 * The data-quality metric of one baseline feature: `<metric>.<feature>`,
 * bounded like `DriftScore.<feature>` by the baseline's features (`MAX_FEATURES`).
 *
 * @example
 * dataQualityMetricName('TypeMismatches', 'amount'); // 'TypeMismatches.amount'
 */
export function dataQualityMetricName(metric: FeatureQualityMetric, feature: string): string {
  return `${metric}.${feature}`;
}
