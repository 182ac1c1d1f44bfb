import { jsonValue } from './logs/json.js';

/*
 * The one bound on user-supplied values that reach a log line, a span or a
 * segment (labels, ids, annotations, metadata, error messages and stacks).
 * A value is bounded once, when the invocation's record is completed, and
 * every writer then writes the same bounded value: the log line and the
 * segment never disagree about what was cut. The limits are in
 * `contract/limits.ts` ("Field bounds").
 */

/**
 * Cut `text` to at most `max` characters, visibly: a preview ending in
 * `...[truncated from <original length> chars]`, never halving a surrogate pair.
 *
 * @example
 * boundText('x'.repeat(5000), 100); // 'xxx…x...[truncated from 5000 chars]' (100 chars)
 */
export function boundText(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = `...[truncated from ${text.length} chars]`;
  let end = Math.max(0, max - marker.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end) + marker;
}

/** What an over-long object value becomes: its JSON's start and how long the whole was. */
export interface TruncatedValue {
  readonly truncated: true;
  /** Characters of the whole value's JSON. */
  readonly length: number;
  /** Its first characters. */
  readonly preview: string;
}

/**
 * Any value as one that every writer serializes the same way, in at most
 * about `max` characters of JSON, and that nothing can make throw: strings cut
 * by {@link boundText}; bigints as decimal strings; objects as a plain JSON
 * copy (a cycle's back reference left out, a bigint as a string), or a
 * {@link TruncatedValue} when longer than `max`, or an `[unserializable: …]`
 * marker when they cannot be read at all (a throwing `toJSON`, a revoked
 * Proxy); undefined for what JSON leaves out (undefined, functions, symbols).
 *
 * @example
 * boundValue({ n: 1n }, 100); // { n: '1' }
 */
export function boundValue(value: unknown, max: number): unknown {
  switch (typeof value) {
    case 'string':
      return boundText(value, max);
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      return value === null ? null : boundObject(value, max);
    default:
      return undefined;
  }
}

function boundObject(value: object, max: number): unknown {
  let json: string | undefined;
  try {
    json = jsonValue(value);
  } catch (error) {
    return `[unserializable: ${errorName(error)}]`;
  }
  if (json === undefined) return undefined;
  if (json.length > max)
    return { truncated: true, length: json.length, preview: boundText(json, max) };
  // A plain copy: no cycle, bigint, getter or Proxy left for a writer to trip on.
  return JSON.parse(json) as unknown;
}

function errorName(error: unknown): string {
  try {
    return error instanceof Error ? error.name : typeof error;
  } catch {
    return 'error';
  }
}
