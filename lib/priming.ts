import type { Context } from 'aws-lambda';
import { Observation } from './observation.js';
import { createPrimingSinks, type Sinks } from './sinks.js';
import { EXIT } from './status.js';
import type { ObserveOptions } from './types.js';

/**
 * Priming: the invocation path compiled at init, not in the first invocation.
 *
 * V8 compiles a function when it first runs. Our per-invocation path is
 * some 120 functions (the record, its spans, the segment document, the EMF
 * record, the log line), and compiling them made the first invocation about
 * 7 ms slower than the second on the nodejs24.x runtime's Node; Powertools
 * does most of its work at init and its first invocation is the cheaper one.
 * Lambda runs init before the first request where it can (provisioned
 * concurrency, proactive initialization), and otherwise in the same cold
 * start, so the work is never worse spent there: AWS's own advice for
 * one-time work.
 *
 * So once per process, in Lambda, the first observe() runs one synthetic
 * invocation through an Observation of its own (`new Observation(…, true)`)
 * whose sinks write nothing (`createPrimingSinks`). It changes nothing the
 * real invocations see: not the environment's first invocation nor its
 * cold start (its start is `warm`, and it takes none of init's model loads),
 * no predictions remembered, no drift, no user callback called (only the
 * default extractors run), nothing written to stdout, stderr or the daemon,
 * and a failure of its own is reported nowhere. Skipped where it would not
 * compile what the invocations run: with the user's Powertools Logger and
 * Metrics, under a global tracer provider not ours, and in the api and OTLP
 * modes; and off with `OBSERVED_PRIMING=off` (or `priming: false`).
 */
let primed = false;

/** A proxy event and a result the default extractors read as one prediction. */
const EVENT = {
  httpMethod: 'POST',
  path: '/',
  headers: { 'content-type': 'application/json' },
  requestContext: {},
  body: '{"features":[0.5,0.25]}',
  isBase64Encoded: false,
};
const RESULT = { statusCode: 200, body: '{"label":"priming","confidence":0.5}' };

function primingContext(): Context {
  const env = process.env;
  return {
    awsRequestId: 'observed-inference-priming',
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'priming',
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    invokedFunctionArn: '',
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '',
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
    callbackWaitsForEmptyEventLoop: true,
  } as Context;
}

/**
 * Run the priming invocation once per process (see above); never throws.
 *
 * @example
 * primeOnce(sinks, options); // in createObservation(), after the real Observation
 */
export function primeOnce(sinks: Sinks, options: ObserveOptions<unknown, unknown>): void {
  if (primed) return;
  primed = true;
  try {
    if (!sinks.config.priming || options.powertools) return;
    const quiet = createPrimingSinks(sinks);
    if (!quiet) return;
    // The model names the spans as the real ones do; none of the user's callbacks is called.
    const observation = new Observation<unknown, unknown>(
      quiet,
      { model: options.model, warmup: false },
      true,
    );
    const invocation = observation.begin(EVENT, primingContext());
    if (invocation) observation.end(invocation, EXIT.Returned, RESULT).catch(() => {});
    // Node makes process.stdout on first use (its stream code compiled then): make it now, write nothing.
    void process.stdout;
  } catch {
    // Priming only saves time: without it the first invocation compiles what it runs.
  }
}
