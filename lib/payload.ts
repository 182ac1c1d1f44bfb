import { normaliseKey } from './config.js';
import { jsonKey, scalarJson } from './logs/json.js';
import { sha256Hex, sha256HexOfString } from './sha256.js';
import { MAX_LOGGED_PAYLOAD_CHARS } from './telemetry.js';

/** Past this depth a payload is summarised, so hostile nesting cannot overflow the stack. */
const MAX_DEPTH = 200;

export { MAX_LOGGED_PAYLOAD_CHARS } from './telemetry.js';
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
  return write(value, new Set<object>(), 0);
}

function write(value: unknown, seen: Set<object>, depth: number): string {
  if (typeof value === 'object') return value === null ? 'null' : writeObject(value, seen, depth);
  return scalarJson(value) ?? 'null';
}

function writeObject(value: object, seen: Set<object>, depth: number): string {
  if (seen.has(value)) return '"[Circular]"';
  if (depth >= MAX_DEPTH) return '"[MaxDepth]"';
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('base64'));
  if (hasToJSON(value)) return write(value.toJSON(), seen, depth + 1);
  seen.add(value);
  const json = Array.isArray(value)
    ? writeArray(value, seen, depth)
    : writeRecord(value as Record<string, unknown>, seen, depth);
  seen.delete(value);
  return json;
}

function writeArray(value: readonly unknown[], seen: Set<object>, depth: number): string {
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (i > 0) out += ',';
    out += write(item === undefined || typeof item === 'function' ? null : item, seen, depth + 1);
  }
  return `${out}]`;
}

function writeRecord(record: Record<string, unknown>, seen: Set<object>, depth: number): string {
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    out += `${first ? '' : ','}${jsonKey(key)}${write(item, seen, depth + 1)}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * SHA-256 hex of the canonical JSON of the input: the `input_hash` that lets
 * an input be found again without logging it.
 *
 * @example
 * inputHash({ amount: 12.5 }) === inputHash(JSON.parse('{"amount":12.5}')); // true
 */
export function inputHash(input: unknown): string {
  const bytes = input instanceof Uint8Array;
  const text = bytes ? '' : canonicalJson(input);
  const size = bytes ? input.length : text.length;
  // Past a few dozen KB the native hash wins; node:crypto is loaded only then.
  const crypto = size > NATIVE_HASH_FROM ? nativeCrypto() : undefined;
  if (crypto)
    return crypto
      .createHash('sha256')
      .update(bytes ? input : text)
      .digest('hex');
  return bytes ? sha256Hex(input) : sha256HexOfString(text);
}

/** Inputs (bytes, or UTF-16 units of canonical JSON) from which hashing uses node:crypto. */
const NATIVE_HASH_FROM = 32 * 1024;

function nativeCrypto(): typeof import('node:crypto') | undefined {
  // Node ≥ 20.16 loads a built-in synchronously on demand; older ones hash in JS.
  const load = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  return load?.('node:crypto') as typeof import('node:crypto') | undefined;
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
