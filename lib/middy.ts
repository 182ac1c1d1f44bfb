/**
 * observed-inference/middy: `observedInference()`, the Middy middleware
 * (Middy 4 to 7). The same core as `observe()`: one record per invocation,
 * the same span, EMF record and log line, and `stage()`, `log` and the other
 * helpers in the handler. Middy itself is not imported.
 *
 * @example
 * import middy from '@middy/core';
 * import { observedInference } from 'observed-inference/middy';
 * export const handler = middy(async (event: { amount: number }) => ({ label: 'legit', confidence: 0.9 }))
 *   .use(observedInference({ model: { name: 'fraud', version: '3' } }));
 */
import { sharedApi } from './apiRegistry.js';

/**
 * A Middy middleware that observes each invocation as `observe()` does,
 * with the same options. Use it last (innermost), after Powertools'
 * `injectLambdaContext` and `logMetrics`: our line then goes through a
 * Logger that already has the Lambda context, our metrics leave in
 * `logMetrics`' one flush, and a middleware that answers early (a cache)
 * does so before an invocation is opened.
 *
 * @example
 * export const handler = middy(predict)
 *   .use(injectLambdaContext(logger))
 *   .use(logMetrics(metrics))
 *   .use(observedInference({ model: 'fraud', powertools: { logger, metrics } }));
 */
export const observedInference: ReturnType<typeof sharedApi>['observedInference'] =
  sharedApi().observedInference;

export type { MiddyRequest, ObservedInferenceMiddleware } from './middyMiddleware.js';
