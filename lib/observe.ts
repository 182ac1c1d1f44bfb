import type { Context } from 'aws-lambda';
import { responseHold, warnUnregisteredWrite } from './afterResponse.js';
import { resolveConfig } from './config.js';
import {
  callWithCallback,
  copyStreamingMarkers,
  type HandlerCallback,
  isCallbackHandler,
  isStreamingHandler,
} from './handlerShape.js';
import type { Invocation } from './invocation.js';
import { Observation } from './observation.js';
import { withPowertools } from './powertools/sinks.js';
import { primeOnce } from './priming.js';
import { createSinks, type Sinks } from './sinks.js';
import { EXIT, type Exit } from './status.js';
import { type ResponseStream, watchStream } from './streaming.js';
import { runInContext } from './tracer.js';
import type { ObserveOptions } from './types.js';

/** A handler as observe() takes and returns it. */
export type ObservedHandler<TEvent, TResult> = (
  event: TEvent,
  context: Context,
) => Promise<TResult>;

/** The older callback style, kept by the nodejs22.x runtime (not nodejs24.x). */
export type CallbackHandler<TEvent, TResult> = (
  event: TEvent,
  context: Context,
  callback: HandlerCallback<TResult>,
) => unknown;

/** A response-streaming handler, as `awslambda.streamifyResponse` takes and returns it. */
export type StreamingHandler<TEvent> = (
  event: TEvent,
  responseStream: ResponseStream,
  context: Context,
) => Promise<void>;

type Run = (event: unknown, context: Context) => unknown;
type AnyHandler = (...args: never[]) => unknown;

/** Configuration errors already logged, so observe() called per request logs each once. */
const reportedIssues = new Set<string>();
const MAX_REPORTED_ISSUES = 100;

function reportConfigIssues(sinks: Sinks, issues: readonly Error[]): void {
  for (const issue of issues) {
    if (reportedIssues.has(issue.message)) continue;
    if (reportedIssues.size < MAX_REPORTED_ISSUES) reportedIssues.add(issue.message);
    sinks.log.write(
      'error',
      `observed-inference configuration error: ${issue.message}; using the default`,
      {
        error: { name: issue.name, message: issue.message },
      },
    );
  }
}

/**
 * The one core every adapter calls (observe(), the Middy middleware): the
 * config resolved once, its sinks (the user's Powertools Logger and Metrics
 * in place of ours where given), configuration problems logged once.
 *
 * @example
 * const observation = createObservation({ model: 'fraud' });
 */
export function createObservation(
  options: ObserveOptions<unknown, unknown>,
): Observation<unknown, unknown> {
  const { config, issues } = resolveConfig(process.env, options as ObserveOptions<never, never>);
  const sinks = withPowertools(createSinks(config), options.powertools);
  reportConfigIssues(sinks, issues);
  const observation = new Observation<unknown, unknown>(sinks, options);
  // In Lambda, the first observe() compiles the invocation path now, at init (priming.ts).
  primeOnce(sinks, options);
  return observation;
}

/** How the handler is called in the buffered (non-streaming) mode: with a callback when it takes one. */
function bufferedCall(handler: AnyHandler): Run {
  if (!isCallbackHandler(handler)) return handler as unknown as Run;
  return (event, context) =>
    callWithCallback(handler as Parameters<typeof callWithCallback>[0], event, context);
}

/**
 * Public; documented where `index.ts` exports it. The data flow of one
 * invocation: this wrapper → the invocation's record (`Observation.begin`)
 * → the handler, in the record's context → the record completed once
 * (`Observation.end`) → the span, metrics and log writers → the exporters.
 * One wrapper for every handler shape: whether a call streams is read from
 * the returned function's own marker, so `streamifyResponse(observe(h))`
 * streams as `observe(streamifyResponse(h))` does.
 */
export function observe<TEvent, TResult>(
  handler: (event: TEvent, context: Context) => TResult | Promise<TResult>,
  options?: ObserveOptions<TEvent, TResult>,
): ObservedHandler<TEvent, TResult>;
export function observe<TEvent, TResult>(
  handler: CallbackHandler<TEvent, TResult>,
  options?: ObserveOptions<TEvent, TResult>,
): ObservedHandler<TEvent, TResult>;
export function observe<TEvent>(
  handler: StreamingHandler<TEvent>,
  options?: ObserveOptions<TEvent, void>,
): StreamingHandler<TEvent>;
export function observe(
  handler: AnyHandler,
  options: ObserveOptions<never, never> = {},
): (...args: never[]) => Promise<unknown> {
  const observation = createObservation(options as ObserveOptions<unknown, unknown>);
  const buffered = bufferedCall(handler);

  const endBeforeReturn: End = (invocation, exit, value) =>
    observation.end(invocation, exit, value);
  /**
   * The invocation whose record this wrapper scheduled after the response
   * (one at a time: the hold keeps Lambda from handing out the next). Not a
   * closure per invocation: one made in the response cost about 2 µs there.
   */
  let scheduled: string | undefined;
  const endAfterResponse: End = (invocation, exit, value) => {
    scheduled = invocation.lambda.awsRequestId;
    observation.endAfterResponse(invocation, exit, value, leaveHold);
    return DONE;
  };
  /** The handler's call in its invocation's context: one function for all, not a closure each. */
  const call = (invocation: Invocation) => {
    const { event, lambda } = invocation;
    const warm = invocation.warmup ? observation.warmupResponse(event) : undefined;
    return warm ? warm.value : buffered(event, lambda);
  };
  /** One invocation, its record ended by `end` (`late`: after the response). */
  const invoke = (event: unknown, second: unknown, rest: unknown[], end: End) => {
    const late = end !== endBeforeReturn;
    if (isStreamingHandler(observed)) {
      return observeStream(
        observation,
        handler,
        event,
        second as ResponseStream,
        rest[0] as Context,
        end,
        late,
      );
    }
    const context = second as Context;
    const invocation = observation.begin(event, context, late);
    if (!invocation) return buffered(event, context);
    return run(invocation, call, end);
  };

  // Two declared parameters: the nodejs24.x runtime refuses a non-streaming handler with three.
  const observed = async function observed(event: unknown, second: unknown, ...rest: unknown[]) {
    const held = responseHold();
    if (!held) {
      warnUnregisteredWrite(process.env);
      return invoke(event, second, rest, endBeforeReturn);
    }
    const context = (isStreamingHandler(observed) ? rest[0] : second) as Context | undefined;
    const requestId = context?.awsRequestId;
    if (typeof requestId !== 'string') return invoke(event, second, rest, endBeforeReturn);
    // Writes after the response (afterResponse.ts): the extension waits until this invocation leaves.
    held.enter(requestId);
    const outer = scheduled;
    scheduled = undefined;
    try {
      return await invoke(event, second, rest, endAfterResponse);
    } finally {
      // Not scheduled (our record's start failed: the handler ran bare): it leaves now.
      if (scheduled !== requestId) held.leave(requestId);
      scheduled = outer;
    }
  };
  copyStreamingMarkers(handler, observed);
  return observed;
}

/** Once an invocation's records are written after the response: the extension may ask for the next event. */
function leaveHold(invocation: Invocation): void {
  responseHold()?.leave(invocation.lambda.awsRequestId);
}

/** Ends an invocation's record: before the return (awaited), or scheduled for after the response. */
type End = (invocation: Invocation, exit: Exit, value: unknown) => Promise<void>;
const DONE = Promise.resolve();

/**
 * One response-streaming invocation: the handler writes to the runtime's
 * stream (counted on the record); the record ends when the handler has
 * settled and the stream has ended, so its latency is the time to the end.
 */
async function observeStream(
  observation: Observation<unknown, unknown>,
  handler: AnyHandler,
  event: unknown,
  stream: ResponseStream,
  context: Context,
  end: End,
  late: boolean,
): Promise<unknown> {
  const call = () => (handler as unknown as StreamingHandler<unknown>)(event, stream, context);
  const invocation = observation.begin(event, context, late);
  if (!invocation) return call();
  return run(invocation, call, end, watch(invocation, stream));
}

/**
 * The handler's run inside its record, for both shapes: `call` in the
 * invocation's context, then the record ended once with what it returned or
 * threw (rethrown unchanged). A streamed response's record also waits for
 * the stream's end, and a throw marks the stream aborted.
 */
async function run(
  invocation: Invocation,
  call: (invocation: Invocation) => unknown,
  end: End,
  streamEnded?: Promise<void>,
): Promise<unknown> {
  let result: unknown;
  try {
    result = await runInContext(invocation.context, call, invocation);
  } catch (error) {
    if (invocation.stream) invocation.stream.aborted = true;
    await end(invocation, EXIT.Threw, error);
    throw error;
  }
  if (streamEnded) await streamEnded;
  await end(invocation, EXIT.Returned, result);
  return result;
}

/** Start counting the stream on the record; if that fails, the invocation is recorded without it. */
function watch(invocation: Invocation, stream: ResponseStream): Promise<void> {
  const { containment } = invocation.sinks;
  try {
    const { record, ended } = watchStream(stream, invocation.startPerf, containment);
    invocation.stream = record;
    return ended;
  } catch (error) {
    containment.report('stream watch', error);
    return Promise.resolve();
  }
}
