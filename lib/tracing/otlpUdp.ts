import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { MAX_TEXT_FIELD_CHARS, MAX_UDP_PAYLOAD_BYTES } from '../contract/limits.js';

/*
 * OTLP spans over the X-Ray daemon's UDP endpoint, framed the way AWS's own
 * OpenTelemetry distribution sends them, so Lambda's daemon (and CloudWatch
 * Application Signals / Transaction Search behind it) reads them like ADOT's:
 * the daemon header line, then `T1S` for sampled spans (`T1U` unsampled),
 * then the base64 of one OTLP protobuf `ExportTraceServiceRequest`. The bytes
 * are those of aws-observability/aws-otel-js-instrumentation,
 * aws-distro-opentelemetry-node-autoinstrumentation/src/otlp-udp-exporter.ts
 * (`PROTOCOL_HEADER`, `DEFAULT_FORMAT_OTEL_TRACES_BINARY_PREFIX`), and of
 * aws-otel-python-instrumentation's OTLP UDP exporter, which also names
 * `T1U`. ADOT writes the header without spaces; the daemon parses it as JSON,
 * so it equals our X-Ray header, but we send ADOT's exact bytes.
 */

/** The daemon protocol header as ADOT's OTLP UDP exporter writes it. */
export const OTLP_DAEMON_HEADER = '{"format":"json","version":1}\n';
/** Before the base64 of sampled spans. */
export const OTLP_SAMPLED_PREFIX = 'T1S';
/** Before the base64 of unsampled spans (which we do not record, see docs/library.md). */
export const OTLP_UNSAMPLED_PREFIX = 'T1U';

/**
 * The largest encoded request one datagram carries: the UDP payload limit
 * less the header and the prefix, as base64 (4 characters per 3 bytes).
 */
export const MAX_OTLP_DATAGRAM_REQUEST_BYTES =
  Math.floor((MAX_UDP_PAYLOAD_BYTES - OTLP_DAEMON_HEADER.length - OTLP_SAMPLED_PREFIX.length) / 4) *
  3;

/** A span's name and status message in its last-resort form. */
const MAX_TRIMMED_NAME_CHARS = 200;
/** Events kept on a trimmed span (exceptions come first in a failed invocation's span). */
const MAX_TRIMMED_EVENTS = 10;

/** Options of {@link toOtlpDatagrams}. */
export interface OtlpDatagramOptions {
  /**
   * A span that did not fit a datagram on its own: trimmed (`dropped` false)
   * or, when even trimmed it did not fit, dropped. Never throws.
   */
  readonly onOversize: (error: Error, dropped: boolean) => void;
  /** @default MAX_OTLP_DATAGRAM_REQUEST_BYTES */
  readonly maxRequestBytes?: number;
}

function encode(spans: readonly ReadableSpan[]): Uint8Array {
  return ProtobufTraceSerializer.serializeRequest(spans as ReadableSpan[]) ?? new Uint8Array(0);
}

function payload(request: Uint8Array): string {
  return (
    OTLP_SAMPLED_PREFIX +
    Buffer.from(request.buffer, request.byteOffset, request.byteLength).toString('base64')
  );
}

function cut(value: string, max: number): string {
  return value.length <= max ? value : value.slice(0, max);
}

function cutValue(value: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof value === 'string') return cut(value, MAX_TEXT_FIELD_CHARS);
  if (!Array.isArray(value)) return value;
  const items = value.slice(0, 100);
  return items.every((v) => typeof v !== 'string')
    ? items
    : (items.map((v) => (typeof v === 'string' ? cut(v, MAX_TEXT_FIELD_CHARS) : v)) as string[]);
}

function cutAttributes(attributes: Attributes | undefined): Attributes {
  const out: Attributes = {};
  for (const key of Object.keys(attributes ?? {})) {
    out[cut(key, MAX_TEXT_FIELD_CHARS)] = cutValue(attributes?.[key]);
  }
  return out;
}

/**
 * The span with less in it: `1` keeps every attribute with strings cut to
 * `MAX_TEXT_FIELD_CHARS` and the first events, likewise cut; `2` keeps only
 * its identity, timing and status. What was left out is counted in the
 * span's `dropped_*_count` fields, as OTLP defines them.
 */
function trimmed(span: ReadableSpan, level: 1 | 2): ReadableSpan {
  const context = span.spanContext();
  const attributeCount = Object.keys(span.attributes).length;
  const events: TimedEvent[] =
    level === 1
      ? span.events
          .slice(0, MAX_TRIMMED_EVENTS)
          .map((e) => ({ ...e, attributes: cutAttributes(e.attributes) }))
      : [];
  const attributes = level === 1 ? cutAttributes(span.attributes) : {};
  const links = level === 1 ? span.links : [];
  return {
    name: level === 1 ? span.name : cut(span.name, MAX_TRIMMED_NAME_CHARS),
    kind: span.kind,
    spanContext: () => context,
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    ended: span.ended,
    status: {
      code: span.status.code,
      ...(span.status.message !== undefined
        ? { message: cut(span.status.message, MAX_TRIMMED_NAME_CHARS) }
        : {}),
    },
    attributes,
    links,
    events,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount:
      span.droppedAttributesCount + attributeCount - Object.keys(attributes).length,
    droppedEventsCount: span.droppedEventsCount + span.events.length - events.length,
    droppedLinksCount: span.droppedLinksCount + span.links.length - links.length,
  };
}

function fitOne(span: ReadableSpan, max: number, options: OtlpDatagramOptions, out: string[]) {
  const size = encode([span]).length;
  for (const level of [1, 2] as const) {
    const request = encode([trimmed(span, level)]);
    if (request.length > max) continue;
    out.push(payload(request));
    report(options, `span '${cut(span.name, 100)}' was ${size} bytes as OTLP: trimmed`, false);
    return;
  }
  report(
    options,
    `span '${cut(span.name, 100)}' was ${size} bytes as OTLP even trimmed: dropped`,
    true,
  );
}

function report(options: OtlpDatagramOptions, message: string, dropped: boolean): void {
  try {
    options.onOversize(new Error(`${message} to fit one UDP datagram`), dropped);
  } catch {
    // The hook is the caller's code; an export must not fail for it.
  }
}

function pack(
  spans: readonly ReadableSpan[],
  max: number,
  options: OtlpDatagramOptions,
  out: string[],
): void {
  const request = encode(spans);
  if (request.length <= max) {
    out.push(payload(request));
    return;
  }
  if (spans.length === 1) {
    fitOne(spans[0] as ReadableSpan, max, options, out);
    return;
  }
  // Halves until each fits: a few extra encodings, only for a trace past ~48 KB.
  const middle = Math.ceil(spans.length / 2);
  pack(spans.slice(0, middle), max, options, out);
  pack(spans.slice(middle), max, options, out);
}

/**
 * The payloads (after {@link OTLP_DAEMON_HEADER}) that carry `spans` as
 * OTLP: one `T1S` + base64 request where the spans fit one datagram (an
 * invocation's usually do), else the spans split across several. No
 * datagram exceeds `MAX_UDP_PAYLOAD_BYTES` with the header: a span too large
 * on its own is trimmed, or dropped when even its identity does not fit, and
 * `onOversize` says which.
 *
 * @example
 * await udp.send(toOtlpDatagrams(processor.takeTrace(traceId), { onOversize: report }));
 */
export function toOtlpDatagrams(
  spans: readonly ReadableSpan[],
  options: OtlpDatagramOptions,
): string[] {
  const out: string[] = [];
  if (spans.length > 0) {
    pack(spans, options.maxRequestBytes ?? MAX_OTLP_DATAGRAM_REQUEST_BYTES, options, out);
  }
  return out;
}
