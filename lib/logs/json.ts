/**
 * JSON pieces for hand-built log and EMF lines. Values serialize as
 * Powertools Logger serializes them: bigints as strings, errors as
 * `{ name, location, message, stack, cause, … }`, a circular reference left out.
 */

const LOCATION = /\(([^()]*?):(\d+?):(\d+?)\)\\?$/;

/** `file:line` of the first stack frame that has one, as Powertools' `location`. */
function codeLocation(stack: string | undefined): string {
  if (!stack) return '';
  for (const line of stack.split('\n')) {
    const match = LOCATION.exec(line);
    if (match) return `${match[1]}:${Number(match[2])}`;
  }
  return '';
}

/**
 * An error as a plain object, the way Powertools Logger prints one.
 *
 * @example
 * formatError(new Error('boom')); // { name: 'Error', location: '…', message: 'boom', stack: '…' }
 */
export function formatError(error: Error): Record<string, unknown> {
  const { name, message, stack, cause } = error;
  const out: Record<string, unknown> = {
    name,
    location: codeLocation(stack),
    message,
    stack,
    cause: cause instanceof Error ? formatError(cause) : cause,
  };
  for (const key in error) {
    if (key !== 'name' && key !== 'message' && key !== 'stack' && key !== 'cause') {
      out[key] = (error as unknown as Record<string, unknown>)[key];
    }
  }
  return out;
}

/** A JSON.stringify replacer: bigint → string, Error → object, a cycle's back reference left out. */
function safeReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  const ancestors: unknown[] = [];
  return function replace(this: unknown, _key: string, value: unknown): unknown {
    const replaced = value instanceof Error ? formatError(value) : value;
    if (typeof replaced === 'bigint') return replaced.toString();
    if (typeof replaced === 'object' && replaced !== null) {
      while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
      if (ancestors.includes(replaced)) return undefined;
      ancestors.push(replaced);
    }
    return replaced;
  };
}

/**
 * One value as JSON text, or undefined where JSON leaves a key out
 * (undefined, functions, symbols). Throws only when the value cannot be
 * serialized at all (a throwing `toJSON`, a string past V8's length limit).
 *
 * @example
 * jsonValue({ n: 1n }); // '{"n":"1"}'
 */
export function jsonValue(value: unknown): string | undefined {
  if (typeof value !== 'object') return scalarJson(value);
  // The replacer (bigints, errors, cycles) is for nested values: one level of plain scalars needs none.
  return value !== null && isFlat(value)
    ? JSON.stringify(value)
    : JSON.stringify(value, safeReplacer());
}

/** A JSON scalar as JSON.stringify writes it with or without our replacer (`undefined` is left out). */
function isPlainScalar(value: unknown): boolean {
  const type = typeof value;
  return (
    type === 'string' ||
    type === 'number' ||
    type === 'boolean' ||
    type === 'undefined' ||
    value === null
  );
}

/** An array or record whose every value is a plain scalar (the log line's `stages`, most user fields). */
function isFlat(value: object): boolean {
  if (value instanceof Error || hasToJSON(value)) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!isPlainScalar(item)) return false;
    return true;
  }
  for (const key in value)
    if (!isPlainScalar((value as Record<string, unknown>)[key])) return false;
  return true;
}

/** Printable ASCII other than `"` and `\\`: a string JSON writes as it is, between quotes. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * A string's JSON: most of the hot path's strings (ids, names, hashes) need no
 * escaping, and testing for that costs a quarter of `JSON.stringify`.
 *
 * @example
 * stringJson('fraud'); // '"fraud"'
 */
export function stringJson(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}

/**
 * The JSON of a string, finite number (else `null`), boolean or bigint (as a
 * decimal string); undefined for anything else.
 *
 * @example
 * scalarJson(12n); // '"12"'
 */
export function scalarJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return stringJson(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `"${value.toString()}"`;
    default:
      return undefined;
  }
}

/**
 * Whether a value serializes through its own `toJSON` (a Date, a Buffer, a user class).
 *
 * @example
 * hasToJSON(new Date()); // true
 */
export function hasToJSON(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** Keys seen so far, quoted: the hot path's keys are few and always the same. */
const quotedKeys = new Map<string, string>();
const MAX_CACHED_KEYS = 1024;

/**
 * `"key":` for a JSON object member, cached.
 *
 * @example
 * jsonKey('model_name'); // '"model_name":'
 */
export function jsonKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    if (quotedKeys.size < MAX_CACHED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}
