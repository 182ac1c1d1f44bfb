/**
 * The zero-code entry: the exec wrapper points `_HANDLER` here and keeps the
 * user's handler in `OBSERVED_HANDLER`. It loads that handler and exports it
 * wrapped by observe(), configured from environment variables only.
 */
import type { Context } from 'aws-lambda';
// Only through the package's entry: in the layer it is the one CommonJS core
// that `require('observed-inference')` in the user's handler gets too.
import { ENV, HandlerLoadError, observe } from '../lib/index.js';
import { isStreamingHandler, loadUserHandler, type UserHandler } from './loadHandler.js';

/** Callback-style handlers (3 arguments) become promise-returning ones. */
function asAsync(handler: UserHandler) {
  if (handler.length < 3) return (event: unknown, context: Context) => handler(event, context);
  return (event: unknown, context: Context) =>
    new Promise<unknown>((resolve, reject) => {
      const returned = handler(event, context, (error: unknown, value: unknown) =>
        error ? reject(error) : resolve(value),
      );
      if (returned && typeof (returned as Promise<unknown>).then === 'function') {
        (returned as Promise<unknown>).then(resolve, reject);
      }
    });
}

async function createHandler(): Promise<UserHandler> {
  const spec = process.env[ENV.Handler];
  if (!spec) {
    throw new HandlerLoadError(
      '',
      `${ENV.Handler} is not set: set AWS_LAMBDA_EXEC_WRAPPER to the layer's wrapper, or ${ENV.Handler} to the function's handler`,
    );
  }
  const user = await loadUserHandler(spec, process.env.LAMBDA_TASK_ROOT ?? process.cwd());
  if (isStreamingHandler(user)) return user;
  return observe(asAsync(user)) as UserHandler;
}

export const handler = await createHandler();
