import {
  MAX_ERROR_MESSAGE_CHARS,
  MAX_ERROR_STACK_CHARS,
  MAX_TEXT_FIELD_CHARS,
} from './contract/limits.js';
import { boundText } from './fieldBounds.js';

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

/**
 * Anything thrown, as an Error (for span exceptions); never throws.
 *
 * @example
 * span.recordException(asException(thrown));
 */
export function asException(error: unknown): Error {
  return isError(error) ? error : new Error(nonErrorText(error));
}

/** What a log line and a span say about anything thrown. */
export interface ErrorDescription {
  name: string;
  message: string;
  stack?: string;
}

/**
 * `name`, `message`, `stack` of anything thrown, non-Errors included, bounded
 * (`MAX_TEXT_FIELD_CHARS`, `MAX_ERROR_MESSAGE_CHARS`, `MAX_ERROR_STACK_CHARS`)
 * and never throwing: a throwing getter, a revoked Proxy or a null-prototype
 * object still gets a readable description. The log line and the span both
 * write this, so they say the same. A non-Error is named `NonError`, its
 * message its text (`undefined`, `''`, `{"code":1}`, `Symbol(x)`, `12n`).
 *
 * @example
 * describeError('boom'); // { name: 'NonError', message: 'boom' }
 * describeError(undefined); // { name: 'NonError', message: 'undefined' }
 */
export function describeError(error: unknown): ErrorDescription {
  if (isError(error)) {
    const stack = read(error, 'stack');
    return {
      name: boundText(read(error, 'name') ?? 'Error', MAX_TEXT_FIELD_CHARS),
      message: boundText(read(error, 'message') ?? '', MAX_ERROR_MESSAGE_CHARS),
      ...(stack === undefined ? {} : { stack: boundText(stack, MAX_ERROR_STACK_CHARS) }),
    };
  }
  return { name: 'NonError', message: boundText(nonErrorText(error), MAX_ERROR_MESSAGE_CHARS) };
}

/** `instanceof`, which a Proxy's `getPrototypeOf` trap can make throw. */
function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/** A string property of an Error, undefined when it is not a string or its getter throws. */
function read(error: Error, key: 'name' | 'message' | 'stack'): string | undefined {
  try {
    const value: unknown = error[key];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function nonErrorText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value === '' ? "''" : value;
    case 'bigint':
      return `${value}n`;
    case 'symbol':
    case 'undefined':
    case 'function':
      return String(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // A cycle, a throwing toJSON or getter, a Proxy: say what it is.
    try {
      return String(value);
    } catch {
      return '[unreadable thrown object]';
    }
  }
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
