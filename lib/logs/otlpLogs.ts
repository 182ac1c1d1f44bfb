import { isSpanContextValid, type SpanContext } from '@opentelemetry/api';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';
import type { OtlpSignal } from '../tracing/otlpHttp.js';
import type { LogLevel } from './logLevel.js';

/*
 * Log lines as OTLP log records, built as the SDK's `ReadableLogRecord`
 * data directly (no LoggerProvider: the line is already complete). The
 * types are read off the serializer, so nothing here names `sdk-logs`.
 */
type ReadableLogRecord = Parameters<typeof ProtobufLogsSerializer.serializeRequest>[0][number];

/** One line as the writer took it, before it becomes a log record. */
export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /** Epoch ms. */
  readonly timeMs: number;
  /** The invocation's span: the record's trace and span ids. */
  readonly span: SpanContext | undefined;
}

/** OpenTelemetry's severity numbers (the first of each range) and texts, by our levels. */
export const OTLP_SEVERITY: Readonly<Record<LogLevel, { number: number; text: string }>> = {
  debug: { number: 5, text: 'DEBUG' },
  info: { number: 9, text: 'INFO' },
  warn: { number: 13, text: 'WARN' },
  error: { number: 17, text: 'ERROR' },
};

/** A field as an OTLP `AnyValue`: objects become maps, arrays arrays; what JSON leaves out is left out. */
function anyValue(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'object': {
      if (depth > 8) return '[nested too deep]';
      if (value instanceof Date) return value.toISOString();
      if (Array.isArray(value)) return value.map((v) => anyValue(v, depth + 1) ?? null);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const v = anyValue((value as Record<string, unknown>)[key], depth + 1);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/**
 * A line's fields as log record attributes: flat at the top, nested values
 * as maps and arrays; fields the JSON line leaves out (undefined, null, '')
 * are left out here too. A field that cannot be read becomes a marker.
 *
 * @example
 * toAttributes({ model_name: 'fraud', stages: { predict: 3 } });
 */
export function toAttributes(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in fields) {
    let value: unknown;
    try {
      value = anyValue(fields[key]);
    } catch (error) {
      value = `[unserializable: ${error instanceof Error ? error.name : 'error'}]`;
    }
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

/** Options of {@link otlpLogsSignal}. */
export interface OtlpLogsOptions {
  readonly resource: Resource;
  readonly scope: { readonly name: string; readonly version?: string };
  /** The `service` of the JSON line (Powertools' rule), kept as an attribute. */
  readonly service: string;
}

/**
 * The logs signal of the OTLP sender: each line becomes a LogRecord with
 * the level's severity, the message as body, the fields (and `service`) as
 * attributes, and the invocation span's trace and span ids.
 *
 * @example
 * new OtlpHttpSender({ ...config.otlpLogs, signal: otlpLogsSignal(options), onError });
 */
export function otlpLogsSignal(options: OtlpLogsOptions): OtlpSignal<LogEntry> {
  const { resource, scope, service } = options;
  const toRecord = (entry: LogEntry): ReadableLogRecord => {
    const severity = OTLP_SEVERITY[entry.level];
    const seconds = Math.floor(entry.timeMs / 1000);
    const time: [number, number] = [seconds, Math.round((entry.timeMs - seconds * 1000) * 1e6)];
    const span = entry.span && isSpanContextValid(entry.span) ? entry.span : undefined;
    return {
      hrTime: time,
      hrTimeObserved: time,
      ...(span ? { spanContext: span } : {}),
      severityNumber: severity.number,
      severityText: severity.text,
      body: entry.message,
      resource,
      instrumentationScope: scope,
      attributes: { service, ...toAttributes(entry.fields) },
      droppedAttributesCount: 0,
    } as ReadableLogRecord;
  };
  return {
    items: 'log records',
    serialize: (entries) => ProtobufLogsSerializer.serializeRequest(entries.map(toRecord)),
    rejected(body) {
      const { partialSuccess } = ProtobufLogsSerializer.deserializeResponse(body);
      return {
        count: Number(partialSuccess?.rejectedLogRecords ?? 0),
        message: partialSuccess?.errorMessage,
      };
    },
  };
}
