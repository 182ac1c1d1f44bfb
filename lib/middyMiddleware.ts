import type { Context } from 'aws-lambda';
import { contain, containment } from './containment.js';
import type { Invocation } from './invocation.js';
import { createObservation } from './observe.js';
import { EXIT, type Exit } from './status.js';
import { enterContext } from './tracer.js';
import type { ObserveOptions } from './types.js';

/**
 * What Powertools' `logMetrics` middleware leaves in `request.internal` in
 * its `before` (`METRICS_KEY` of `@aws-lambda-powertools/commons` 2.x): when
 * it is there at ours, its `after` runs after ours and flushes the Metrics.
 */
const POWERTOOLS_METRICS_KEY = 'powertools-for-aws.metrics';

function hasKey(internal: unknown, key: string): boolean {
  return typeof internal === 'object' && internal !== null && key in internal;
}

/**
 * The parts of a Middy request the middleware reads (Middy 4 to 7).
 *
 * @example
 * const request: MiddyRequest = { event: {}, context, response: undefined, error: undefined, internal: {} };
 */
export interface MiddyRequest<TEvent = unknown, TResult = unknown> {
  readonly event: TEvent;
  readonly context: Context;
  readonly response: TResult | null | undefined;
  readonly error: unknown;
  readonly internal: object;
}

/**
 * A Middy middleware object (`before`, `after`, `onError`).
 *
 * @example
 * const middleware: ObservedInferenceMiddleware = observedInference();
 */
export interface ObservedInferenceMiddleware<TEvent = unknown, TResult = unknown> {
  before(request: MiddyRequest<TEvent, TResult>): unknown;
  after(request: MiddyRequest<TEvent, TResult>): Promise<void>;
  onError(request: MiddyRequest<TEvent, TResult>): Promise<void>;
}

/**
 * Public through `observed-inference/middy` (`middy.ts`). A Middy
 * middleware that observes each invocation as `observe()` does: the same options, the same trace, EMF record and log line; `stage()`,
 * `log` and the other helpers work in the handler. Use it last (innermost),
 * after Powertools' `injectLambdaContext` and `logMetrics`: then our line
 * goes through a Logger that already has the Lambda context, our metrics
 * leave in `logMetrics`' one flush, and a middleware that answers early
 * (a cache) does so before an invocation is opened.
 *
 * @example
 * import middy from '@middy/core';
 * import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
 * import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
 * import { observedInference } from 'observed-inference/middy';
 * export const handler = middy(predict)
 *   .use(injectLambdaContext(logger))
 *   .use(logMetrics(metrics))
 *   .use(observedInference({ model: 'fraud', powertools: { logger, metrics } }));
 */
export function observedInference<TEvent = unknown, TResult = unknown>(
  options: ObserveOptions<TEvent, TResult> = {},
): ObservedInferenceMiddleware<TEvent, TResult> {
  const observation = createObservation(options as ObserveOptions<unknown, unknown>);
  const open = new WeakMap<object, Invocation>();
  const end = async (request: object, exit: Exit, value: unknown) => {
    const invocation = open.get(request);
    if (!invocation) return;
    open.delete(request);
    await observation.end(invocation, exit, value);
  };
  return {
    before(request) {
      const invocation = observation.begin(request.event, request.context);
      if (!invocation) return undefined;
      open.set(request, invocation);
      invocation.metricsFlushedAfter = contain(containment, 'middy', false, () =>
        hasKey(request.internal, POWERTOOLS_METRICS_KEY),
      );
      if (!enterContext(invocation.context)) {
        containment.warnOnce(
          'middy context',
          'observed-inference: another OpenTelemetry context manager is registered, so stage() and log cannot find the invocation in a Middy handler; observe() can',
        );
      }
      const warm = invocation.warmup ? observation.warmupResponse(request.event) : undefined;
      // An early response skips the after middlewares: the record ends here.
      if (warm) return end(request, EXIT.Returned, warm.value).then(() => warm.value);
      return undefined;
    },
    after: (request) => end(request, EXIT.Returned, request.response),
    onError: (request) => end(request, EXIT.Threw, request.error),
  };
}
