import { type Attributes, type HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { ANNOTATION_OF_ATTR, ATTR, XRAY_METADATA_NAMESPACE } from '../telemetry.js';
import { causeOf, EXCEPTION_EVENT, MAX_EXCEPTIONS, type XRayCause } from './xrayCause.js';

/** A value X-Ray indexes as an annotation. */
export type AnnotationValue = string | number | boolean;
/** A value that survives `JSON.stringify` unchanged. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A segment or subsegment document (the fields this exporter writes). */
export interface SegmentDocument {
  id: string;
  name: string;
  start_time: number;
  end_time?: number;
  in_progress?: boolean;
  /** Only on an independent subsegment document. */
  type?: 'subsegment';
  /** Only on a top-level document (segment or independent subsegment), never nested. */
  trace_id?: string;
  parent_id?: string;
  namespace?: 'remote';
  fault?: boolean;
  error?: boolean;
  annotations?: Record<string, AnnotationValue>;
  metadata?: Record<string, Record<string, JsonValue>>;
  cause?: XRayCause;
  subsegments?: SegmentDocument[];
}

/**
 * ADOT's convention: a span attribute listing further attribute keys to index
 * as annotations.
 */
export const XRAY_ANNOTATIONS_ATTR = 'aws.xray.annotations';
/** Metadata key of the span's non-exception events. */
export const EVENTS_METADATA_KEY = 'events';

/** Ends every string this exporter had to cut, so a reader knows it is not the whole value. */
export const TRUNCATION_MARKER = '...[truncated]';
const MAX_NAME_CHARS = 200;
const MAX_ANNOTATION_KEY_CHARS = 500;
const MAX_ANNOTATION_VALUE_CHARS = 1000;
const MAX_EVENTS = 20;
const DEFAULT_NAME = 'span';
/** X-Ray names: letters, digits, spaces and `_ . : / % & # = + \ - @`; the schema leaves out `\`. */
const INVALID_NAME_CHAR = /[^\p{L}\p{N}\p{Z}_.:/%&#=+\-@]/gu;
const INVALID_ANNOTATION_KEY_CHAR = /[^A-Za-z0-9_]/g;
/** Span names repeat (`inference <model>`, stage names): each is cleaned once. */
const sanitizedNames = new Map<string, string>();
const MAX_CACHED_NAMES = 256;
const ANNOTATION_KEYS: ReadonlyMap<string, string> = new Map(Object.entries(ANNOTATION_OF_ATTR));

/**
 * OTel's 32-hex trace id in X-Ray form, `1-<8 hex epoch>-<24 hex>`.
 *
 * @example
 * toXRayTraceId('5759e988bd862e3fe1be46a994272793'); // '1-5759e988-bd862e3fe1be46a994272793'
 */
export function toXRayTraceId(traceId: string): string {
  return `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
}

/**
 * Epoch seconds with sub-millisecond precision, as X-Ray times are written.
 *
 * @example
 * epochSeconds([1_700_000_000, 123_456_789]); // 1700000000.1234568
 */
export function epochSeconds(time: HrTime): number {
  return time[0] + time[1] / 1e9;
}

/**
 * Cut `value` to at most `max` UTF-16 units, ending in
 * {@link TRUNCATION_MARKER}, never halving a surrogate pair.
 *
 * @example
 * truncate('x'.repeat(2000), 1000).length; // 1000
 */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = Math.max(0, max - TRUNCATION_MARKER.length);
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return value.slice(0, end) + TRUNCATION_MARKER;
}

/**
 * A name X-Ray accepts: disallowed characters become `_`, at most 200
 * characters, never empty.
 *
 * @example
 * sanitizeName('predict (v2)'); // 'predict _v2_'
 */
export function sanitizeName(name: string): string {
  const cached = sanitizedNames.get(name);
  if (cached !== undefined) return cached;
  // Cut first: a surrogate half left at the end is then replaced like any invalid character.
  const cut = name.length > MAX_NAME_CHARS ? name.slice(0, MAX_NAME_CHARS) : name;
  const clean = cut.replace(INVALID_NAME_CHAR, '_');
  const sanitized = clean.length > 0 ? clean : DEFAULT_NAME;
  if (sanitizedNames.size < MAX_CACHED_NAMES) sanitizedNames.set(name, sanitized);
  return sanitized;
}

function annotationKey(key: string): string | undefined {
  const clean = key.slice(0, MAX_ANNOTATION_KEY_CHARS).replace(INVALID_ANNOTATION_KEY_CHAR, '_');
  return clean.length > 0 ? clean : undefined;
}

function isAnnotationValue(value: unknown): value is AnnotationValue {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function isJsonScalar(value: unknown): value is string | boolean | number | null {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    Number.isFinite(value)
  );
}

function jsonScalar(value: unknown): JsonValue {
  if (isJsonScalar(value)) return value;
  if (value === undefined) return null;
  try {
    return String(value);
  } catch {
    // e.g. a null-prototype object: no toString to call.
    return Object.prototype.toString.call(value);
  }
}

/** Attribute values are typed, but anything can arrive; metadata must serialize and never throw. */
function toJson(value: unknown): JsonValue {
  if (!Array.isArray(value)) return jsonScalar(value);
  // Arrays are usually clean already: copy only when an element needs converting.
  return value.every(isJsonScalar) ? (value as JsonValue[]) : value.map(jsonScalar);
}

/** Null-prototype maps: an attribute named `__proto__` must stay data. */
/**
 * Plain objects serialize faster than null-prototype ones (which V8 keeps in
 * dictionary mode); only the key `__proto__` needs care on a plain object.
 */
function setKey<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else record[key] = value;
}

/** Collects annotations and metadata, allocating only what a span uses. */
class Fields {
  annotations: Record<string, AnnotationValue> | undefined;
  metadata: Record<string, JsonValue> | undefined;

  annotate(key: string, value: AnnotationValue): void {
    this.annotations ??= {};
    setKey(
      this.annotations,
      key,
      typeof value === 'string' ? truncate(value, MAX_ANNOTATION_VALUE_CHARS) : value,
    );
  }

  describe(key: string, value: JsonValue): void {
    this.metadata ??= {};
    setKey(this.metadata, key, value);
  }
}

function addAttributes(fields: Fields, attributes: Attributes): void {
  const listed = attributes[XRAY_ANNOTATIONS_ATTR];
  const extra: readonly unknown[] | undefined = Array.isArray(listed) ? listed : undefined;
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (key === XRAY_ANNOTATIONS_ATTR || value === undefined) continue;
    const annotation =
      ANNOTATION_KEYS.get(key) ?? (extra?.includes(key) ? annotationKey(key) : undefined);
    if (annotation !== undefined && isAnnotationValue(value)) fields.annotate(annotation, value);
    else fields.describe(key, toJson(value));
  }
}

function eventMetadata(event: TimedEvent): JsonValue {
  const entry: Record<string, JsonValue> = { name: event.name, time: epochSeconds(event.time) };
  if (event.attributes) {
    const attributes: Record<string, JsonValue> = {};
    for (const key of Object.keys(event.attributes)) {
      setKey(attributes, key, toJson(event.attributes[key]));
    }
    entry.attributes = attributes;
  }
  return entry;
}

/** Exceptions become the cause, other events (bounded) metadata; returns the exception events. */
function addEvents(fields: Fields, span: ReadableSpan): TimedEvent[] {
  const exceptions: TimedEvent[] = [];
  const others: JsonValue[] = [];
  let dropped = span.droppedEventsCount;
  for (const event of span.events) {
    if (event.name === EXCEPTION_EVENT) exceptions.push(event);
    else if (others.length < MAX_EVENTS) others.push(eventMetadata(event));
    else dropped++;
  }
  if (others.length > 0) fields.describe(EVENTS_METADATA_KEY, others);
  if (dropped > 0) fields.describe('events_dropped', dropped);
  if (exceptions.length > MAX_EXCEPTIONS) {
    fields.describe('exceptions_dropped', exceptions.length - MAX_EXCEPTIONS);
  }
  return exceptions;
}

/**
 * A caller's mistake (a 4xx, `inference.client_error`) is an X-Ray `error`,
 * even with the status left UNSET as OTel's HTTP conventions ask for 4xx on
 * server spans; any other ERROR status is a `fault`.
 */
function addOutcome(doc: SegmentDocument, span: ReadableSpan, exceptions: TimedEvent[]): void {
  const failed = span.status.code === SpanStatusCode.ERROR;
  if (span.attributes[ATTR.ClientError] === true) doc.error = true;
  else if (failed) doc.fault = true;
  // A recorded exception is worth showing even when the span was not marked failed (handled errors).
  const cause = causeOf(exceptions, failed ? span.status.message : undefined);
  if (cause) doc.cause = cause;
}

/**
 * One span as a nested subsegment document: no `trace_id`, `type` or
 * `parent_id` (the caller adds those to top-level documents).
 *
 * @example
 * const doc = spanToDocument(span);
 * console.log(doc.id, doc.name, doc.annotations?.model_name);
 */
export function spanToDocument(span: ReadableSpan): SegmentDocument {
  const doc: SegmentDocument = {
    id: span.spanContext().spanId,
    name: sanitizeName(span.name),
    start_time: epochSeconds(span.startTime),
  };
  if (span.ended) doc.end_time = epochSeconds(span.endTime);
  else doc.in_progress = true;
  if (span.kind === SpanKind.CLIENT) doc.namespace = 'remote';
  const fields = new Fields();
  addAttributes(fields, span.attributes);
  const exceptions = addEvents(fields, span);
  addOutcome(doc, span, exceptions);
  if (fields.annotations) doc.annotations = fields.annotations;
  if (fields.metadata) doc.metadata = { [XRAY_METADATA_NAMESPACE]: fields.metadata };
  return doc;
}
