/**
 * The zero-code entry: the exec wrapper points `_HANDLER` here and keeps the
 * user's handler in `OBSERVED_HANDLER`. It loads that handler and exports it
 * wrapped by observe(), configured from environment variables only: every
 * handler shape (async, callback, response streaming) is observe()'s to call.
 */
// Only through the package's entry: in the layer it is the one CommonJS core
// that `require('observed-inference')` in the user's handler gets too.
import {
  ENV,
  HandlerLoadError,
  log,
  observe,
  WRITE_MODE,
  writeAfterResponse,
} from '../lib/index.js';
import { loadUserHandler, type UserHandler } from './loadHandler.js';

async function createHandler(): Promise<UserHandler> {
  const spec = process.env[ENV.Handler];
  if (!spec) {
    throw new HandlerLoadError(
      '',
      `${ENV.Handler} is not set: set AWS_LAMBDA_EXEC_WRAPPER to the layer's wrapper, or ${ENV.Handler} to the function's handler`,
    );
  }
  const user = await loadUserHandler(spec, process.env.LAMBDA_TASK_ROOT ?? process.cwd());
  return observe(user as Parameters<typeof observe>[0]) as UserHandler;
}

/** `OBSERVED_WRITE=after-response`: register the extension now, at init, as it must be. */
async function chooseWrites(): Promise<void> {
  const mode = process.env[ENV.Write]?.trim().toLowerCase();
  if (!mode || mode === WRITE_MODE.BeforeReturn) return;
  if (mode === WRITE_MODE.AfterResponse) {
    await writeAfterResponse();
    return;
  }
  log.error(
    `observed-inference configuration error: ${ENV.Write} '${process.env[ENV.Write]}' is neither '${WRITE_MODE.BeforeReturn}' nor '${WRITE_MODE.AfterResponse}'; using the default`,
  );
}

await chooseWrites();
export const handler = await createHandler();
