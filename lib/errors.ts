/**
 * The few error classes of observed-inference. Each sets `name` and keeps the
 * original failure as `cause`, so logs show both.
 *
 * @example
 * import { ConfigError } from 'observed-inference';
 * try { resolveSomething(); } catch (e) { if (e instanceof ConfigError) console.error(e.variable); }
 */

/** Public; documented where `index.ts` exports it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The option or environment variable at fault, e.g. `OBSERVED_TRACES`. */
  readonly variable: string;
  constructor(variable: string, message: string, options?: ErrorOptions) {
    super(`${variable}: ${message}`, options);
    this.variable = variable;
  }
}

/** Public; documented where `index.ts` exports it. */
export class HandlerLoadError extends Error {
  override readonly name = 'HandlerLoadError';
  readonly handler: string;
  constructor(handler: string, message: string, options?: ErrorOptions) {
    super(`cannot load handler '${handler}': ${message}`, options);
    this.handler = handler;
  }
}

/** Public; documented where `index.ts` exports it. */
export class InvocationTimeoutError extends Error {
  override readonly name = 'InvocationTimeoutError';
  constructor(remainingMs: number) {
    super(`invocation about to reach the Lambda timeout (${Math.round(remainingMs)} ms left)`);
  }
}

/** Anything thrown, as an Error (for span exceptions). */
export function asException(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * `name`, `message`, `stack` of anything thrown, non-Errors included.
 *
 * @example
 * describeError('boom'); // { name: 'NonError', message: 'boom' }
 */
export function describeError(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error)
    return { name: error.name, message: error.message, stack: error.stack };
  let message: string;
  try {
    message = typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
  } catch {
    message = String(error);
  }
  return { name: 'NonError', message };
}

/** Public; documented where `index.ts` exports it. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  /** The offending field, e.g. `amount` or `transactions[3].hour`. */
  readonly field: string;
  /** What is wrong with it. */
  readonly reason: string;
  constructor(field: string, reason: string, options?: ErrorOptions) {
    super(`${field}: ${reason}`, options);
    this.field = field;
    this.reason = reason;
  }
}
