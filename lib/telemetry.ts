/**
 * The telemetry contract: every name the runtime emits and the CDK alarms and
 * dashboards read, the units, the limits, the environment variables, and the
 * rules a configured value must follow. Users' own alarms and queries depend
 * on these, so a change here is a breaking change (see docs/telemetry.md,
 * generated from this module). The constants live in lib/contract/ by
 * concern; this is the one module the runtime, cdk/ and the docs import.
 *
 * @example
 * import { METRIC, DIMENSION } from 'observed-inference';
 * console.log(METRIC.InferenceLatency, DIMENSION.ModelName);
 */

export {
  COMPUTE_PRICES,
  DEFAULT_LOW_CONFIDENCE,
  DEFAULT_OTLP_ENDPOINT,
  DEFAULT_OTLP_TIMEOUT_MS,
  ECOSYSTEM_ENV,
  ENV,
  LIST_SEPARATOR,
  LOGS_MODE,
  type LogsMode,
  METRICS_MODE,
  type MetricsMode,
  OTEL_ENV,
  OTEL_TRACES_EXPORTER_VALUE,
  OTLP_COMPRESSION,
  OTLP_LOGS_PATH,
  OTLP_METRICS_PATH,
  OTLP_PROTOCOL,
  OTLP_TRACES_PATH,
  type OtlpCompression,
  TRACES_MODE,
  TRACES_PROVIDER,
  type TracesMode,
  type TracesProvider,
  WRAPPER_PATH,
  WRITE_MODE,
  type WriteMode,
} from './contract/environment.js';
export {
  DEFAULT_DRIFT_WINDOW,
  DEFAULT_MISSING_RATE_RISE,
  DRIFT_MOVED_PSI,
  EMF_MAX_METRICS,
  EMF_MAX_VALUES,
  MAX_CAPTURED_PROMPT_CHARS,
  MAX_CATEGORIES,
  MAX_DEBUG_BYTES,
  MAX_DEBUG_LINES,
  MAX_DIMENSION_VALUE,
  MAX_DRIFT_WINDOW,
  MAX_EXCEPTIONS,
  MAX_FEATURES,
  MAX_LABEL_METRICS,
  MAX_LABEL_NAME,
  MAX_LOGGED_LABELS,
  MAX_LOGGED_MODELS,
  MAX_LOGGED_PAYLOAD_CHARS,
  MAX_NAMESPACE,
  MAX_STACK_FRAMES,
  MIN_DRIFT_WINDOW,
  OUT_OF_RANGE_TOLERANCE,
  PROACTIVE_INIT_GAP_MS,
} from './contract/limits.js';
export {
  DATA_QUALITY_LOG_KEY,
  DRIFT_LOG_KEY,
  DRIFT_STATUS,
  type DriftStatus,
  LOG_KEY,
  MODEL_CALLS_LOG_KEY,
  POWERTOOLS_LOG_KEY,
} from './contract/logs.js';
export {
  DATA_QUALITY_METRIC,
  DATA_QUALITY_METRIC_UNIT,
  DEFAULT_NAMESPACE,
  DIMENSION,
  DIMENSION_SET,
  dataQualityMetricName,
  driftMetricName,
  type FeatureQualityMetric,
  METRIC,
  METRIC_UNIT,
  type MetricName,
  type MetricUnit,
  MODEL_CALL_DIMENSION,
  MODEL_CALL_DIMENSION_SET,
  MODEL_CALL_METRICS,
  MODEL_CALL_METRICS_BY_MODEL,
  OTHER_LABEL,
  OTLP_CONFIDENCE_BOUNDARIES,
  OTLP_GAUGE_COUNTS,
  OTLP_LATENCY_BOUNDARIES_MS,
  OTLP_SUMMED_VALUES,
  OTLP_UNIT,
  OUTCOME_METRIC,
  PREDICTED_LABEL_PREFIX,
  predictedLabelMetricName,
  stageMetricName,
  UNIT,
} from './contract/metrics.js';
export {
  ANNOTATION_OF_ATTR,
  ATTR,
  DRIFT_EVENT,
  GEN_AI_ATTR,
  GEN_AI_OPERATION,
  GEN_AI_PROVIDER_BEDROCK,
  SPAN,
  START_TYPE,
  type StartType,
  XRAY_METADATA_NAMESPACE,
} from './contract/traces.js';
export {
  dimensionValueProblem,
  driftWindowProblem,
  isMetricUnit,
  listItemProblem,
  namespaceProblem,
} from './contract/validators.js';
