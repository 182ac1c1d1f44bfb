/**
 * The stateful part of the public API: the functions that reach this
 * process's runtime state (invocations, tracer, model cache, counters) and
 * the error classes the wrapper recognises with `instanceof`. `index.ts`
 * serves them from the first copy of observed-inference loaded in the
 * process, so every copy shares one state (see `index.ts`).
 */

export { writeAfterResponse } from './afterResponse.js';
export {
  ConfigError,
  HandlerLoadError,
  InvalidInputError,
  InvocationTimeoutError,
} from './errors.js';
export { rejectInput } from './invalidInput.js';
export { log } from './invocationLogger.js';
export { loadModel } from './loadModel.js';
export { observedInference } from './middyMiddleware.js';
export { observeHttpModelCalls } from './modelCalls/httpCalls.js';
export { observeModelCalls } from './modelCalls/observeModelCalls.js';
export { observe } from './observe.js';
export { recordOutcome } from './outcomes.js';
export { flush } from './sinks.js';
export { stage } from './stage.js';
export { addMetadata, addMetric, annotate } from './userFields.js';
