export {
  ALARM_KIND,
  type AlarmKind,
  type AlarmOverride,
  type AlarmOverrides,
} from './alarmSpecs.js';
export type { FunctionDeployment } from './canaryDeployment.js';
export { INSTRUMENTATION_MODE, type InstrumentationMode } from './environment.js';
export { InvalidPropError } from './errors.js';
export type { FunctionAlarmProps } from './functionAlarms.js';
export { SUPPORTED_RUNTIMES } from './functionSettings.js';
export { InferenceAlarms, type InferenceAlarmsProps, type ModelAlarms } from './InferenceAlarms.js';
export {
  InferenceDashboard,
  type InferenceDashboardModel,
  type InferenceDashboardProps,
} from './InferenceDashboard.js';
export {
  InferenceObservabilityLayer,
  type InferenceObservabilityLayerProps,
  type InstrumentOptions,
} from './InferenceObservabilityLayer.js';
export {
  type FunctionServiceLevelObjectives,
  InferenceServiceLevelObjectives,
  type InferenceServiceLevelObjectivesProps,
} from './InferenceServiceLevelObjectives.js';
export {
  InferenceVersionComparison,
  type InferenceVersionComparisonProps,
} from './InferenceVersionComparison.js';
export {
  DEFAULT_PERIOD,
  type InferenceMathOptions,
  type InferenceMetricOptions,
  inferenceDimensions,
  inferenceMetric,
} from './metricFactory.js';
export { InferenceMetrics } from './metrics.js';
export { ModelCallMetrics } from './modelCallMetrics.js';
export type { ModelCalls } from './modelCalls.js';
export {
  ObservedInferenceFunction,
  type ObservedInferenceFunctionProps,
} from './ObservedInferenceFunction.js';
export { SLO_KIND, type SloKind } from './sloSpecs.js';
export type {
  DriftSettings,
  InferenceModel,
  InferenceObjective,
  InferenceTarget,
} from './target.js';
export {
  OTLP_COMPRESSION,
  type OtlpCollectorExport,
  type OtlpCompression,
  type OtlpHttpOptions,
  TRACE_EXPORT,
  type TraceExport,
  type TraceExportKind,
  type XrayOtlpEndpointExport,
} from './traceExport.js';
export {
  type ResolvedVersionSettings,
  VERSION_ALARM_KIND,
  type VersionAlarmKind,
  type VersionComparisonSettings,
} from './versionSpecs.js';
