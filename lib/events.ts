/**
 * Default readers of the common Lambda event shapes (API Gateway REST/HTTP,
 * ALB, Function URLs, EventBridge). Each tolerates any input: a malformed event
 * yields `undefined`, never an exception.
 */

import { MAX_PARSED_BODY_CHARS } from './contract/limits.js';

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Case-insensitive header lookup (API Gateway keeps the client's case, HTTP APIs lower-case). */
export function header(event: unknown, name: string): string | undefined {
  if (!isObj(event) || !isObj(event.headers)) return undefined;
  const headers = event.headers;
  const direct = str(headers[name]);
  if (direct !== undefined) return direct;
  for (const key in headers) {
    if (key.length === name.length && key.toLowerCase() === name) return str(headers[key]);
  }
  return undefined;
}

/** API Gateway (REST/HTTP), ALB and Function URL events carry `body` and `headers`/`requestContext`. */
export function isProxyEvent(event: unknown): event is Obj {
  return isObj(event) && 'body' in event && ('requestContext' in event || 'headers' in event);
}

/**
 * The model input of an event: the parsed JSON `body` of a proxy event (the
 * raw body when it is not JSON), else the event itself. A body longer than
 * {@link MAX_PARSED_BODY_CHARS} is not parsed (the handler parses it already;
 * a second parse of 6 MB costs ~100 ms): the input is then its text, or its
 * decoded bytes when `isBase64Encoded`, and `input_hash` hashes those bytes.
 *
 * @example
 * defaultInput({ headers: {}, body: '{"amount":3}' }); // { amount: 3 }
 */
export function defaultInput(event: unknown): unknown {
  if (!isProxyEvent(event)) return event;
  const body = event.body;
  if (typeof body !== 'string') return body ?? null;
  return bodyInput(body, event.isBase64Encoded === true);
}

/** A proxy event's string body and its encoding, kept to be read later ({@link laterInput}). */
export interface LaterInput {
  readonly body: string;
  readonly base64: boolean;
}

/**
 * The default input of a proxy event whose body is a string, to read later:
 * a string cannot change, so reading it after the response (`afterResponse.ts`)
 * gives what reading it before would have. Undefined for any other event,
 * whose input is read at once. Data rather than a closure: it is taken in
 * the response.
 *
 * @example
 * const later = laterInput({ body: '{"amount":1}', headers: {} });
 * if (later) readLaterInput(later); // { amount: 1 }
 */
export function laterInput(event: unknown): LaterInput | undefined {
  if (!isProxyEvent(event) || typeof event.body !== 'string') return undefined;
  return { body: event.body, base64: event.isBase64Encoded === true };
}

/** The input {@link laterInput} kept, read now as {@link defaultInput} would have read it. */
export function readLaterInput(later: LaterInput): unknown {
  return bodyInput(later.body, later.base64);
}

function bodyInput(body: string, base64: boolean): unknown {
  if (body.length > MAX_PARSED_BODY_CHARS) return base64 ? Buffer.from(body, 'base64') : body;
  const text = base64 ? Buffer.from(body, 'base64').toString('utf8') : body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `node[key]` when `node` is an object, else undefined. */
function field(node: unknown, key: string): unknown {
  return isObj(node) ? node[key] : undefined;
}

/**
 * The calling client: explicit headers, then the API key id, then JWT/Cognito
 * claims. Each object on the way is read once (this runs in the response).
 */
export function defaultClientId(event: unknown): string | undefined {
  const fromHeader = header(event, 'x-client-id');
  if (fromHeader !== undefined) return fromHeader;
  const context = field(event, 'requestContext');
  if (!isObj(context)) return undefined;
  const apiKeyId = str(field(context.identity, 'apiKeyId'));
  if (apiKeyId !== undefined) return apiKeyId;
  const authorizer = context.authorizer;
  if (!isObj(authorizer)) return undefined;
  const jwtClaims = field(authorizer.jwt, 'claims');
  return (
    str(field(jwtClaims, 'client_id')) ??
    str(field(jwtClaims, 'azp')) ??
    str(field(authorizer.claims, 'client_id')) ??
    str(authorizer.clientId)
  );
}

/** The request's correlation id: the usual headers, then the API Gateway request id. */
export function defaultCorrelationId(event: unknown): string | undefined {
  return (
    header(event, 'x-correlation-id') ??
    header(event, 'x-request-id') ??
    str(field(field(event, 'requestContext'), 'requestId'))
  );
}

/**
 * Keep-warm pings: `{ "warmup": <truthy> }`, serverless-plugin-warmup's event,
 * and EventBridge scheduled events whose `detail` says warmup.
 */
export function defaultIsWarmup(event: unknown): boolean {
  if (!isObj(event)) return false;
  if (event.warmup) return true;
  if (event.source === 'serverless-plugin-warmup') return true;
  if (event['detail-type'] === 'Scheduled Event') {
    const detail = event.detail;
    if (isObj(detail)) return Boolean(detail.warmup) || detail.type === 'warmup';
    return detail === 'warmup';
  }
  return false;
}

/** A proxy response with a 4xx `statusCode`: a client error, not a fault. */
export function defaultIsClientError(result: unknown): boolean {
  const status = isObj(result) ? result.statusCode : undefined;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Whether a (proxy) result reports a server error without throwing. */
export function isServerErrorResponse(result: unknown): boolean {
  const status = isObj(result) ? result.statusCode : undefined;
  return typeof status === 'number' && status >= 500;
}
