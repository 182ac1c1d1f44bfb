export { addMetadata, addMetric, annotate, flush } from './custom.js';
export {
  ConfigError,
  HandlerLoadError,
  InvalidInputError,
  InvocationTimeoutError,
} from './errors.js';
export { type InputRejection, rejectInput } from './invalidInput.js';
export { loadModel } from './loadModel.js';
export { type ObservedHandler, observe } from './observe.js';
export { type Outcome, recordOutcome } from './outcomes.js';
export { stage } from './stage.js';
export {
  DEFAULT_NAMESPACE,
  DIMENSION,
  DIMENSION_SET,
  driftMetricName,
  ENV,
  METRIC,
  METRIC_UNIT,
  type MetricName,
  OTHER_LABEL,
  OUTCOME_METRIC,
  PREDICTED_LABEL_PREFIX,
  predictedLabelMetricName,
  SPAN,
  stageMetricName,
} from './telemetry.js';
export type {
  AsyncHandler,
  ModelSpec,
  ObserveOptions,
  Prediction,
  WarmupOptions,
} from './types.js';
