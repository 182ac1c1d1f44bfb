import { isServerErrorResponse } from './events.js';

/**
 * How an invocation ended, decided once when it ends. The span, the metrics
 * and the log line all read it; none works it out again.
 *
 * @example
 * if (invocation.status === STATUS.Fault) console.log('the handler threw');
 */
export const STATUS = {
  /** The handler returned a result that is neither a client nor a server error. */
  Ok: 'ok',
  /**
   * The caller's mistake: a result the `clientError` option (default: a 4xx
   * proxy response) calls one, or a thrown `InvalidInputError`. X-Ray `error`,
   * not `fault`; no predictions counted.
   */
  ClientError: 'client_error',
  /** The handler threw anything else: `Errors` 1, X-Ray `fault`. */
  Fault: 'fault',
  /** The Lambda deadline was `timeoutMarginMs` away with the handler still running. */
  Timeout: 'timeout',
  /** The handler returned a 5xx proxy response instead of throwing: an ERROR line and span. */
  ServerErrorResponse: 'server_error_response',
} as const;
export type Status = (typeof STATUS)[keyof typeof STATUS];

/** How the handler's run came to an end, as the wrapper sees it. */
export const EXIT = { Returned: 0, Threw: 1, TimedOut: 2 } as const;
export type Exit = (typeof EXIT)[keyof typeof EXIT];

/**
 * The one classification of an invocation's end. `rejected`: what the handler
 * threw is an `InvalidInputError`. `isClientError` (the `clientError` option or
 * its default) is asked only about a returned result. A warmup ping is never
 * the caller's mistake.
 *
 * @example
 * classify(EXIT.Returned, { statusCode: 503 }, false, false, () => false); // 'server_error_response'
 */
export function classify(
  exit: Exit,
  result: unknown,
  warmup: boolean,
  rejected: boolean,
  isClientError: (result: unknown) => boolean,
): Status {
  if (exit === EXIT.TimedOut) return STATUS.Timeout;
  if (exit === EXIT.Threw) return rejected && !warmup ? STATUS.ClientError : STATUS.Fault;
  if (!warmup && isClientError(result)) return STATUS.ClientError;
  return isServerErrorResponse(result) ? STATUS.ServerErrorResponse : STATUS.Ok;
}
