import { MAX_PAYLOAD_DEPTH, MAX_REDACTED_BODY_CHARS } from './contract/limits.js';
import { hasToJSON } from './logs/json.js';
import { matcherFor } from './redactKeys.js';
import { MAX_LOGGED_PAYLOAD_CHARS } from './telemetry.js';

/**
 * What a redacted value is logged as.
 *
 * @example
 * redact({ password: 'x' }, new Set(['password'])); // { password: REDACTED }
 */
export const REDACTED = '[REDACTED]';

/** `a=1&b=2`: a form-encoded body or query string (keys of URL-safe characters). */
const FORM = /^[\w.~%+*[\]-]+=[^&=]*(?:&[\w.~%+*[\]-]+(?:=[^&]*)?)*$/;

interface Walk {
  readonly redacts: (key: string) => boolean;
  readonly seen: Set<object>;
  /** Characters of output so far, roughly: the walk stops past the logged bound. */
  size: number;
  cut: boolean;
}

/**
 * A copy of a payload safe to log, or a `{ truncated, preview }` of it past
 * {@link MAX_LOGGED_PAYLOAD_CHARS}. Values under redacted keys are replaced
 * at any depth, keys matched by their words (`password` redacts
 * `user_password` and `userPassword`; see `redactKeys.ts`). Encoded strings
 * are decoded and redacted too, never logged raw: a JSON string (a
 * double-encoded body), a form-encoded one (`a=1&password=x`), a body under
 * `isBase64Encoded: true`; one too large to decode
 * ({@link MAX_REDACTED_BODY_CHARS}) or malformed is replaced by a note of its
 * size. The walk stops once the output passes the bound, so a 6 MB payload
 * costs about what a 16 KB one does.
 *
 * @example
 * redact({ user: 'a', user_password: 'x' }, new Set(['password'])); // { user: 'a', user_password: '[REDACTED]' }
 */
export function redact(value: unknown, keys: ReadonlySet<string>): unknown {
  const matcher = matcherFor(keys);
  const walk: Walk = {
    redacts: (key) => matcher.redacts(key),
    seen: new Set(),
    size: 0,
    cut: false,
  };
  const copy = redactValue(walk, value, 0);
  const json = JSON.stringify(copy) ?? 'null';
  if (!walk.cut && json.length <= MAX_LOGGED_PAYLOAD_CHARS) return copy;
  return { truncated: true, preview: json.slice(0, MAX_LOGGED_PAYLOAD_CHARS) };
}

function full(walk: Walk): boolean {
  if (walk.size <= MAX_LOGGED_PAYLOAD_CHARS) return false;
  walk.cut = true;
  return true;
}

function redactValue(walk: Walk, value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactString(walk, value, depth);
  // About what JSON writes for it (at most, so a cut walk still fills the preview).
  walk.size += typeof value === 'number' || typeof value === 'bigint' ? String(value).length : 2;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (walk.seen.has(value)) return '[Circular]';
  if (depth >= MAX_PAYLOAD_DEPTH) return '[MaxDepth]';
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (hasToJSON(value)) return redactValue(walk, value.toJSON(), depth + 1);
  walk.seen.add(value);
  const copy = Array.isArray(value)
    ? redactArray(walk, value, depth)
    : redactRecord(walk, value as Record<string, unknown>, depth);
  walk.seen.delete(value);
  return copy;
}

function redactArray(walk: Walk, value: readonly unknown[], depth: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < value.length && !full(walk); i++)
    out.push(redactValue(walk, value[i], depth + 1));
  return out;
}

function redactRecord(walk: Walk, record: Record<string, unknown>, depth: number): object {
  const out: Record<string, unknown> = {};
  const base64 = record.isBase64Encoded === true;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    if (full(walk)) break;
    walk.size += key.length + 3;
    const item = record[key];
    if (walk.redacts(key)) out[key] = REDACTED;
    else if (base64 && key === 'body' && typeof item === 'string')
      out[key] = redactBase64(walk, item, depth + 1);
    else out[key] = redactValue(walk, item, depth + 1);
  }
  return out;
}

/** A base64 body: decoded, then redacted as structured data if it is; never the raw base64. */
function redactBase64(walk: Walk, body: string, depth: number): unknown {
  const bytes = Math.floor((body.length * 3) / 4);
  if (body.length > (MAX_REDACTED_BODY_CHARS * 4) / 3) return `[base64 body, ${bytes} bytes]`;
  const text = Buffer.from(body, 'base64').toString('utf8');
  // U+FFFD: the bytes were not UTF-8 text (an image, say): say what they were instead.
  const decoded = text.includes('\uFFFD') ? undefined : decode(text);
  if (decoded === undefined) return `[base64 body, ${bytes} bytes]`;
  return redactValue(walk, decoded.value, depth);
}

/** A string: decoded and redacted when encoded, else kept (cut to what can still be logged). */
function redactString(walk: Walk, text: string, depth: number): unknown {
  const kind = encoding(text);
  if (kind !== undefined) {
    walk.size += 8;
    if (text.length > MAX_REDACTED_BODY_CHARS)
      return `[${text.length} characters of ${kind}, too large to redact]`;
    const decoded = decode(text);
    if (decoded === undefined) return `[${text.length} characters of malformed ${kind}]`;
    return redactValue(walk, decoded.value, depth + 1);
  }
  const room = MAX_LOGGED_PAYLOAD_CHARS + 1 - walk.size;
  walk.size += text.length + 2;
  if (text.length <= room) return text;
  // The preview is cut from the JSON later; a whole bound's worth keeps it full.
  walk.cut = true;
  return text.slice(0, MAX_LOGGED_PAYLOAD_CHARS);
}

/** What an encoded string looks like: JSON (an object, an array or a JSON string) or a form. */
function encoding(text: string): 'JSON' | 'form data' | undefined {
  const first = text.charCodeAt(0);
  const start = first <= 0x20 ? text.trimStart().charCodeAt(0) : first;
  // '{', '[', or a quoted JSON string
  if (start === 0x7b || start === 0x5b) return 'JSON';
  if (start === 0x22 && text.trimEnd().endsWith('"') && text.length > 1) return 'JSON';
  // The head is enough to tell a form, and keeps a huge string from costing a full scan.
  const head = text.length > FORM_HEAD ? text.slice(0, FORM_HEAD) : text;
  if (head.includes('=') && FORM.test(head) && (head.includes('&') || !head.endsWith('=')))
    return 'form data';
  return undefined;
}

/** Characters of a string looked at to tell whether it is a form. */
const FORM_HEAD = 4096;

/** The value of a JSON or form string, or undefined if it is neither. */
function decode(text: string): { value: unknown } | undefined {
  const kind = encoding(text);
  if (kind === 'JSON') {
    try {
      return { value: JSON.parse(text) as unknown };
    } catch {
      return undefined;
    }
  }
  if (kind === 'form data') return { value: formFields(text) };
  return text === '' ? undefined : { value: text };
}

/** A form's fields; a repeated field keeps all its values. */
function formFields(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const seen = fields[key];
    fields[key] =
      seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return fields;
}
