/**
 * observed-inference: observe(), stage(), loadModel() and the rest of the
 * public API.
 *
 * One runtime state per process. A process can load two copies of this
 * package: the CommonJS and the ESM build (a `require` in one module, an
 * `import` in another), or the layer's copy beside one bundled into the
 * handler. Each copy has its own module state, and `stage()` from one would
 * not see the invocation `observe()` of the other opened. So the first copy
 * loaded publishes its stateful API on `globalThis` under a versioned
 * `Symbol.for` key, and every later copy of the same API version serves that
 * one: one tracer, one model cache, one cold start, and `instanceof
 * InvalidInputError` true across copies. A copy of another API version keeps
 * its own state (its functions may differ).
 *
 * @example
 * import { observe, stage } from 'observed-inference';
 * export const handler = observe(async (event: { features: number[] }) =>
 *   stage('predict', () => ({ label: 'legit', confidence: 0.97 })));
 */
import * as own from './api.js';

/** Bumped when a function or class of `api.ts` changes in a way another copy could not serve. */
const API_KEY = Symbol.for('observed-inference.api.v1');

type Api = typeof own;
const registry = globalThis as { [API_KEY]?: Api };
registry[API_KEY] ??= own;
const api: Api = registry[API_KEY];

export const {
  addMetadata,
  addMetric,
  annotate,
  ConfigError,
  flush,
  HandlerLoadError,
  InvalidInputError,
  InvocationTimeoutError,
  loadModel,
  observe,
  recordOutcome,
  rejectInput,
  stage,
} = api;
export type ConfigError = own.ConfigError;
export type HandlerLoadError = own.HandlerLoadError;
export type InvalidInputError = own.InvalidInputError;
export type InvocationTimeoutError = own.InvocationTimeoutError;

export type { InputRejection } from './invalidInput.js';
export type { ObservedHandler } from './observe.js';
export type { Outcome } from './outcomes.js';
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
