/**
 * The shapes of a Lambda Node handler that observe() takes, and how each is
 * called: async or sync (`(event, context)`), the older callback style
 * (`(event, context, callback)`, kept by the nodejs22.x runtime), and
 * response streaming (`(event, responseStream, context)`, marked by
 * `awslambda.streamifyResponse`). The one place the layer's zero-code entry
 * and the library share.
 */

/** aws-lambda-ric's `HANDLER_STREAMING`: set to `'response'` on a response-streaming handler. */
export const STREAMING_MARKER = Symbol.for('aws.lambda.runtime.handler.streaming');
/** aws-lambda-ric's `HANDLER_HIGHWATERMARK`: the response stream's buffer size. */
export const HIGH_WATER_MARK_MARKER = Symbol.for(
  'aws.lambda.runtime.handler.streaming.highWaterMark',
);
const STREAM_RESPONSE = 'response';

/** A Lambda handler callback: `callback(error)` or `callback(null, result)`. */
export type HandlerCallback<TResult = unknown> = (error?: unknown, result?: TResult) => void;

type Marked = Record<symbol, unknown>;

/**
 * Whether `handler` is marked for response streaming (`awslambda.streamifyResponse`).
 *
 * @example
 * if (isStreamingHandler(handler)) handler(event, responseStream, context);
 */
export function isStreamingHandler(handler: unknown): boolean {
  return (
    typeof handler === 'function' &&
    (handler as unknown as Marked)[STREAMING_MARKER] === STREAM_RESPONSE
  );
}

/**
 * Copy the runtime's streaming markers from the user's handler to its
 * wrapper, so the runtime client calls the wrapper as it would the handler.
 *
 * @example
 * copyStreamingMarkers(userHandler, observed);
 */
export function copyStreamingMarkers(from: unknown, to: object): void {
  if (typeof from !== 'function') return;
  const source = from as unknown as Marked;
  const target = to as Marked;
  for (const marker of [STREAMING_MARKER, HIGH_WATER_MARK_MARKER]) {
    if (source[marker] !== undefined) target[marker] = source[marker];
  }
}

/**
 * Whether a non-streaming handler takes a callback: it declares a third
 * parameter, as the Lambda runtime decides it.
 *
 * @example
 * isCallbackHandler((event, context, callback) => callback(null, 1)); // true
 */
export function isCallbackHandler(handler: (...args: never[]) => unknown): boolean {
  return handler.length >= 3;
}

/**
 * Call a callback-style handler with a real callback and settle with the
 * first of: the callback, the promise it returns, or its synchronous throw;
 * later ones are ignored, as the runtime does. The callback answers at once,
 * as with `callbackWaitsForEmptyEventLoop = false`: a wrapper cannot hold the
 * runtime's response until the event loop is empty (docs/library.md).
 *
 * @example
 * const result = await callWithCallback(handler, event, context);
 */
export function callWithCallback<TResult>(
  handler: (event: never, context: never, callback: HandlerCallback<TResult>) => unknown,
  event: unknown,
  context: unknown,
): Promise<TResult> {
  return new Promise<TResult>((resolve, reject) => {
    const callback: HandlerCallback<TResult> = (error, result) => {
      // Lambda treats any non-null first argument as the error.
      if (error !== undefined && error !== null) reject(error);
      else resolve(result as TResult);
    };
    const returned = (handler as (e: unknown, c: unknown, cb: HandlerCallback<TResult>) => unknown)(
      event,
      context,
      callback,
    );
    if (isThenable(returned)) (returned as PromiseLike<TResult>).then(resolve, reject);
  });
}

/**
 * Whether `value` is a promise-like (`then` is a function).
 *
 * @example
 * isThenable(Promise.resolve(1)); // true
 */
export function isThenable(value: unknown): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
