import { createHash } from 'node:crypto';
import { normaliseKey } from './config.js';

/** Past this depth a payload is summarised, so hostile nesting cannot overflow the stack. */
const MAX_DEPTH = 200;
/** Logged payloads are cut to this many characters of JSON. */
export const MAX_LOGGED_PAYLOAD_CHARS = 16_384;
export const REDACTED = '[REDACTED]';

function hasToJSON(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * JSON with object keys sorted at every level, so equal inputs hash equally
 * whatever their key order. Circular references become `"[Circular]"`,
 * bigints strings; `undefined` and functions are left out as JSON does.
 *
 * @example
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }); // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const seen = new Set<object>();
  const parts: string[] = [];
  write(value, parts, seen, 0);
  return parts.join('');
}

function write(value: unknown, out: string[], seen: Set<object>, depth: number): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      out.push(Number.isFinite(value) ? String(value) : 'null');
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'bigint':
      out.push(JSON.stringify(value.toString()));
      return;
    case 'object':
      if (value === null) out.push('null');
      else writeObject(value, out, seen, depth);
      return;
    default:
      out.push('null');
  }
}

function writeObject(value: object, out: string[], seen: Set<object>, depth: number): void {
  if (seen.has(value)) out.push('"[Circular]"');
  else if (depth >= MAX_DEPTH) out.push('"[MaxDepth]"');
  else if (Buffer.isBuffer(value)) out.push(JSON.stringify(value.toString('base64')));
  else if (hasToJSON(value)) write(value.toJSON(), out, seen, depth + 1);
  else writeContainer(value, out, seen, depth);
}

function writeContainer(value: object, out: string[], seen: Set<object>, depth: number): void {
  seen.add(value);
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      const item: unknown = value[i];
      write(item === undefined || typeof item === 'function' ? null : item, out, seen, depth + 1);
    }
    out.push(']');
  } else {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    out.push('{');
    let first = true;
    for (const key of keys) {
      const item = record[key];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      out.push(first ? '' : ',', JSON.stringify(key), ':');
      first = false;
      write(item, out, seen, depth + 1);
    }
    out.push('}');
  }
  seen.delete(value);
}

/**
 * SHA-256 hex of the canonical JSON of the input: the `input_hash` that lets
 * an input be found again without logging it.
 *
 * @example
 * inputHash({ amount: 12.5 }) === inputHash(JSON.parse('{"amount":12.5}')); // true
 */
export function inputHash(input: unknown): string {
  const hash = createHash('sha256');
  if (Buffer.isBuffer(input) || input instanceof Uint8Array) hash.update(input);
  else hash.update(canonicalJson(input));
  return hash.digest('hex');
}

/**
 * A copy of a payload safe to log: values under redacted keys (normalised:
 * `api_key` matches `apiKey`) replaced at any depth, cycles cut, output
 * bounded. Returns the JSON-ready value.
 *
 * @example
 * redact({ user: 'a', password: 'x' }, new Set(['password'])); // { user: 'a', password: '[REDACTED]' }
 */
export function redact(value: unknown, keys: ReadonlySet<string>): unknown {
  const copy = redactValue(value, keys, new Set(), 0);
  const json = JSON.stringify(copy) ?? 'null';
  if (json.length <= MAX_LOGGED_PAYLOAD_CHARS) return copy;
  return { truncated: true, length: json.length, preview: json.slice(0, MAX_LOGGED_PAYLOAD_CHARS) };
}

function redactValue(
  value: unknown,
  keys: ReadonlySet<string>,
  seen: Set<object>,
  depth: number,
): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[MaxDepth]';
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (hasToJSON(value)) return redactValue(value.toJSON(), keys, seen, depth + 1);
  seen.add(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    copy = value.map((item: unknown) => redactValue(item, keys, seen, depth + 1));
  } else {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = keys.has(normaliseKey(key)) ? REDACTED : redactValue(item, keys, seen, depth + 1);
    }
    copy = out;
  }
  seen.delete(value);
  return copy;
}
