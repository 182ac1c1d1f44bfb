import { isSpanContextValid, type SpanContext, trace } from '@opentelemetry/api';
import { type BatchSender, HeldBatch } from '../otlpLoader.js';
import type { LogWriter } from './logger.js';
import { LOG_THRESHOLD, type LogLevel, type LogSettings } from './logLevel.js';
import type { LogEntry } from './otlpLogs.js';

const LEVEL_VALUE: Readonly<Record<LogLevel, number>> = {
  debug: LOG_THRESHOLD.DEBUG,
  info: LOG_THRESHOLD.INFO,
  warn: LOG_THRESHOLD.WARN,
  error: LOG_THRESHOLD.ERROR,
};

/**
 * Log lines as OTLP log records (`OBSERVED_LOGS=otlp-http`): the same level
 * threshold as the JSON line; each line is held until {@link settle}, which
 * the invocation awaits before its response, so nothing is held across a
 * Lambda freeze. A line's span is the one given (the invocation's), else the
 * active span, so a record carries the trace and span ids it belongs to.
 *
 * @example
 * const log = new OtlpLogWriter(sender, resolveLogSettings(process.env));
 * log.write('info', 'inference', { model_name: 'fraud' }, span.spanContext());
 * await log.settle();
 */
export class OtlpLogWriter implements LogWriter {
  readonly #batch: HeldBatch<LogEntry>;
  readonly #threshold: number;

  constructor(sender: BatchSender<LogEntry>, settings: LogSettings) {
    this.#batch = new HeldBatch(sender);
    this.#threshold = settings.threshold;
  }

  write(level: LogLevel, message: string, fields: Record<string, unknown>, span?: SpanContext) {
    if (LEVEL_VALUE[level] < this.#threshold) return;
    const active = span ?? trace.getActiveSpan()?.spanContext();
    this.#batch.hold({
      level,
      message: String(message),
      fields,
      timeMs: Date.now(),
      span: active && isSpanContextValid(active) ? active : undefined,
    });
  }

  /** Send what is held, in one request, and wait for its answer. Never rejects. */
  settle(): Promise<void> {
    return this.#batch.settle();
  }

  flush(): Promise<void> {
    return this.#batch.flush();
  }

  get pending(): number {
    return this.#batch.pending;
  }
}

/**
 * `OBSERVED_LOGS=both`: every line to each writer.
 *
 * @example
 * const log = new TeeLogWriter(jsonWriter, otlpWriter);
 */
export class TeeLogWriter implements LogWriter {
  readonly #first: LogWriter;
  readonly #second: OtlpLogWriter;

  constructor(first: LogWriter, second: OtlpLogWriter) {
    this.#first = first;
    this.#second = second;
  }

  write(level: LogLevel, message: string, fields: Record<string, unknown>, span?: SpanContext) {
    this.#first.write(level, message, fields, span);
    this.#second.write(level, message, fields, span);
  }

  settle(): Promise<void> {
    return this.#second.settle();
  }

  flush(): Promise<void> {
    return this.#second.flush();
  }

  get pending(): number {
    return this.#second.pending;
  }
}
