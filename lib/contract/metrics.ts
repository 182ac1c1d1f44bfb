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

/** The one dimension set of every record, in order. */
export const DIMENSION_SET = [
  DIMENSION.Service,
  DIMENSION.ModelName,
  DIMENSION.ModelVersion,
] as const;

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
