import { MAX_INVALID_INPUT_CHARS } from './contract/limits.js';
import { boundText } from './fieldBounds.js';
import type { Invocation } from './invocation.js';
import { invocationFor } from './userFields.js';

/**
 * Why an input was rejected: the field (a path such as `transactions[3].hour`
 * for a batch item) and what is wrong with it.
 *
 * @example
 * const rejection: InputRejection = { field: 'hour', reason: 'must be an integer from 0 to 23, got 25' };
 */
export interface InputRejection {
  readonly field: string;
  readonly reason: string;
}

/** Field and reason go into every log line and span of a rejected input: bounded like every user text. */
const clip = (text: string) => boundText(text, MAX_INVALID_INPUT_CHARS);

/** Count a rejected input on an invocation; the first rejection's field and reason are kept. */
export function recordInvalidInput(invocation: Invocation, rejection: InputRejection): void {
  const seen = invocation.invalidInput;
  if (seen) seen.count++;
  else
    invocation.invalidInput = {
      field: clip(String(rejection.field)),
      reason: clip(String(rejection.reason)),
      count: 1,
    };
}

/** Public; documented where `index.ts` exports it. */
export function rejectInput(rejection: InputRejection): boolean {
  const invocation = invocationFor('rejectInput');
  if (!invocation || typeof rejection?.field !== 'string') return false;
  recordInvalidInput(invocation, rejection);
  return true;
}

/**
 * The rejection an error thrown by the handler carries: an `InvalidInputError`
 * (recognised by name and shape, so a copy of the class from another bundle counts too).
 */
export function rejectionOf(error: unknown): InputRejection | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: unknown; field?: unknown; reason?: unknown; message?: unknown };
  if (e.name !== 'InvalidInputError' || typeof e.field !== 'string') return undefined;
  return { field: e.field, reason: typeof e.reason === 'string' ? e.reason : String(e.message) };
}
