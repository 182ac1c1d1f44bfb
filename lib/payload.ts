import { MAX_HASHED_INPUT_CHARS, MAX_PAYLOAD_DEPTH } from './contract/limits.js';
import { hasToJSON, jsonKey, scalarJson } from './logs/json.js';
import { sha256Hex, sha256HexOfString } from './sha256.js';

export { REDACTED, redact } from './redact.js';
export { MAX_LOGGED_PAYLOAD_CHARS } from './telemetry.js';

/** The canonical JSON written so far, and where writing stops. */
interface Writer {
  out: string;
  readonly budget: number;
  readonly seen: Set<object>;
}

/**
 * JSON with object keys sorted at every level, so equal inputs hash equally
 * whatever their key order. Circular references become `"[Circular]"`,
 * bigints strings; `undefined` and functions are left out as JSON does.
 * With `budget`, writing stops soon after that many characters (the caller
 * cuts there), so a huge input costs no more than a small one.
 *
 * @example
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }); // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown, budget = Number.POSITIVE_INFINITY): string {
  const native = nativeCanonical(value);
  if (native !== undefined) return native;
  const writer: Writer = { out: '', budget, seen: new Set<object>() };
  write(writer, value, 0);
  return writer.out;
}

/** Values (objects, array items, scalars) an input may have for {@link nativeCanonical} to try it. */
const MAX_NATIVE_NODES = 4096;
let nodesLeft = 0;

/**
 * The canonical JSON in one `JSON.stringify` call, for the common input that
 * is canonical as it is: plain JSON values whose object keys are already in
 * sorted order (a parsed body usually is: `{"features":[…]}`). Undefined
 * when it is not, or has more than {@link MAX_NATIVE_NODES} values (a big
 * input is cheaper through the writer, which stops at its budget). Writing
 * the same text as the writer: JSON.stringify leaves out and nulls what the
 * writer does, and what it would write differently (bigints, `toJSON`,
 * Buffers, unsorted keys, cycles and depth) sends the input to the writer.
 */
function nativeCanonical(value: unknown): string | undefined {
  nodesLeft = MAX_NATIVE_NODES;
  try {
    if (!canonicalAsIs(value, 0)) return undefined;
    return JSON.stringify(value) ?? 'null';
  } catch {
    // A getter or proxy that throws, or answers differently the second time: the writer decides.
    return undefined;
  }
}

function canonicalAsIs(value: unknown, depth: number): boolean {
  if (--nodesLeft < 0) return false;
  if (typeof value !== 'object' || value === null) return typeof value !== 'bigint';
  if (depth >= MAX_PAYLOAD_DEPTH || hasToJSON(value)) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!canonicalAsIs(value[i], depth + 1)) return false;
    return true;
  }
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0 && !(keys[i - 1]! < key)) return false;
    if (!canonicalAsIs((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

function write(w: Writer, value: unknown, depth: number): void {
  if (w.out.length >= w.budget) return;
  if (typeof value === 'object') {
    if (value === null) w.out += 'null';
    else writeObject(w, value, depth);
  } else if (typeof value === 'string') {
    w.out += quoted(w, value);
  } else {
    w.out += scalarJson(value) ?? 'null';
  }
}

/**
 * A string's JSON, cut to what the budget can still take: each character
 * writes at least one, so the cut is past the budget and the kept prefix is
 * that of the whole string's JSON.
 */
function quoted(w: Writer, text: string): string {
  const room = w.budget - w.out.length;
  return JSON.stringify(text.length > room ? text.slice(0, room) : text);
}

function writeObject(w: Writer, value: object, depth: number): void {
  if (w.seen.has(value)) w.out += '"[Circular]"';
  else if (depth >= MAX_PAYLOAD_DEPTH) w.out += '"[MaxDepth]"';
  else if (Buffer.isBuffer(value)) w.out += quoted(w, base64Prefix(w, value));
  else if (hasToJSON(value)) write(w, value.toJSON(), depth + 1);
  else {
    w.seen.add(value);
    if (Array.isArray(value)) writeArray(w, value, depth);
    else writeRecord(w, value as Record<string, unknown>, depth);
    w.seen.delete(value);
  }
}

/** Base64 of as many leading bytes as the budget can show (whole 3-byte groups, so it is a prefix of the whole). */
function base64Prefix(w: Writer, bytes: Buffer): string {
  const room = w.budget - w.out.length;
  const take = Math.min(bytes.length, (Math.ceil(room / 4) + 1) * 3);
  return bytes.subarray(0, take).toString('base64');
}

function writeArray(w: Writer, value: readonly unknown[], depth: number): void {
  w.out += '[';
  for (let i = 0; i < value.length && w.out.length < w.budget; i++) {
    const item: unknown = value[i];
    if (i > 0) w.out += ',';
    write(w, item === undefined || typeof item === 'function' ? null : item, depth + 1);
  }
  w.out += ']';
}

/**
 * Own keys, sorted. Under a budget at most a key per 4 characters of it are
 * taken (`"k":0,` is more), in insertion order: a hostile object with a
 * million keys is not listed and sorted whole.
 */
function keysOf(w: Writer, record: Record<string, unknown>): string[] {
  if (w.budget === Number.POSITIVE_INFINITY) return Object.keys(record).sort();
  const max = Math.ceil(w.budget / 4);
  const keys: string[] = [];
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    keys.push(key);
    if (keys.length >= max) break;
  }
  return keys.sort();
}

function writeRecord(w: Writer, record: Record<string, unknown>, depth: number): void {
  w.out += '{';
  let first = true;
  for (const key of keysOf(w, record)) {
    if (w.out.length >= w.budget) break;
    const item = record[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    if (!first) w.out += ',';
    w.out += key.length > w.budget - w.out.length ? `${quoted(w, key)}:` : jsonKey(key);
    write(w, item, depth + 1);
    first = false;
  }
  w.out += '}';
}

/**
 * SHA-256 hex of the input, the `input_hash` that lets an input be found
 * again without logging it: of its canonical JSON (the first
 * {@link MAX_HASHED_INPUT_CHARS} characters of it for a bigger input), of its
 * bytes for a `Uint8Array`, of its UTF-8 for a string longer than that bound
 * (an unparsed big body). docs/library.md ("Big inputs") states the rule.
 *
 * @example
 * inputHash({ amount: 12.5 }) === inputHash(JSON.parse('{"amount":12.5}')); // true
 */
export function inputHash(input: unknown): string {
  if (input instanceof Uint8Array) return hashOf(input, input.length);
  if (typeof input === 'string' && input.length > MAX_HASHED_INPUT_CHARS)
    return hashOf(input, input.length);
  const json = canonicalJson(input, MAX_HASHED_INPUT_CHARS);
  const text = json.length > MAX_HASHED_INPUT_CHARS ? json.slice(0, MAX_HASHED_INPUT_CHARS) : json;
  return hashOf(text, text.length);
}

function hashOf(data: string | Uint8Array, size: number): string {
  // Past a few dozen KB the native hash wins; node:crypto is loaded only then.
  const crypto = size > NATIVE_HASH_FROM ? nativeCrypto() : undefined;
  if (crypto) return crypto.createHash('sha256').update(data).digest('hex');
  return typeof data === 'string' ? sha256HexOfString(data) : sha256Hex(data);
}

/** Inputs (bytes, or UTF-16 units of canonical JSON) from which hashing uses node:crypto. */
const NATIVE_HASH_FROM = 32 * 1024;

function nativeCrypto(): typeof import('node:crypto') | undefined {
  // Node ≥ 20.16 loads a built-in synchronously on demand; older ones hash in JS.
  const load = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  return load?.('node:crypto') as typeof import('node:crypto') | undefined;
}
