import type { SpanContext } from '@opentelemetry/api';
import { isoTimestamp } from '../clock.js';
import { ECOSYSTEM_ENV, POWERTOOLS_LOG_KEY as KEY } from '../telemetry.js';
import { type DebugLines, HeldLines } from './debugLines.js';
import { jsonKey, jsonValue, stringJson } from './json.js';
import { LOG_THRESHOLD, type LogLevel, type LogSettings } from './logLevel.js';
import { type LineOutput, processOutput } from './output.js';

export type { LogLevel } from './logLevel.js';

/** The per-invocation (and internal) log writer: Powertools Logger's JSON lines on stdout/stderr, or OTLP log records. */
export interface LogWriter {
  /** `span`: the invocation's, whose ids an OTLP log record carries (the JSON line has `xray_trace_id`). */
  write(
    level: LogLevel,
    message: string,
    fields: Record<string, unknown>,
    span?: SpanContext,
  ): void;
  /** Send what the writer holds, before the invocation's response; absent where lines leave at once. */
  settle?(): Promise<void>;
  /** Send everything held and wait for it (`flush()`, the exit flush). */
  flush?(): Promise<void>;
  /** Lines held or in flight: what an exit now would lose. */
  readonly pending?: number;
  /**
   * A holder for one invocation's `log.debug()` lines, where this writer can
   * hold them; undefined where they are written (or dropped) by the level
   * like any other line.
   */
  debugLines?(): DebugLines | undefined;
  /** A failed invocation: write what a log buffer of the writer's own holds (a Powertools Logger's). */
  flushBuffer?(): void;
}

/** Options of {@link JsonLogWriter}. */
export interface JsonLogWriterOptions {
  readonly service: string;
  readonly settings: LogSettings;
  /** Called when a field cannot be serialized (it is written as a marker instead); never throws. */
  readonly onError?: (error: unknown) => void;
  /** @default the process's shared output */
  readonly output?: LineOutput;
  /** Read only for lines whose fields carry no `xray_trace_id` (outside an invocation). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const LEVEL = {
  debug: { value: LOG_THRESHOLD.DEBUG, prefix: '{"level":"DEBUG","message":' },
  info: { value: LOG_THRESHOLD.INFO, prefix: '{"level":"INFO","message":' },
  warn: { value: LOG_THRESHOLD.WARN, prefix: '{"level":"WARN","message":' },
  error: { value: LOG_THRESHOLD.ERROR, prefix: '{"level":"ERROR","message":' },
} as const;

/** Powertools' standard keys after `service`, in its order; `sampling_rate` and `xray_trace_id` are ours to fill. */
const CONTEXT_KEYS = [
  KEY.ColdStart,
  KEY.FunctionArn,
  KEY.FunctionMemorySize,
  KEY.FunctionName,
  KEY.RequestId,
] as const;
/** Keys a caller's fields cannot move or override: Powertools' standard keys, all placed by the writer. */
const PLACED_KEYS: ReadonlySet<string> = new Set(Object.values(KEY));

/** Powertools leaves out top-level keys whose value is undefined, null or ''. */
function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function traceRoot(header: string | undefined): string | undefined {
  const match = header ? /(?:^|;)Root=([^;]*)/.exec(header) : null;
  return match?.[1];
}

/**
 * Writes the JSON lines Powertools Logger wrote (same keys, order, levels and
 * streams) but builds each as one string with everything constant made once:
 * the level prefixes, `"service":…`, `"sampling_rate":…` and quoted keys. The
 * level is resolved once at init; a disabled level costs one comparison. A
 * field that cannot be serialized becomes a marker and is reported, so the
 * line is still written and nothing is thrown.
 *
 * @example
 * const log = new JsonLogWriter({ service: 'fraud-api', settings: resolveLogSettings(process.env) });
 * log.write('info', 'inference', { model_name: 'fraud', latency_ms: 12.5 });
 */
export class JsonLogWriter implements LogWriter {
  readonly #threshold: number;
  readonly #lambdaThreshold: number | undefined;
  /** `,"service":"…"` */
  readonly #service: string;
  /** `,"sampling_rate":…` */
  readonly #samplingRate: string;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #output: LineOutput;
  readonly #env: Readonly<Record<string, string | undefined>>;
  #announceSampling: boolean;

  constructor(options: JsonLogWriterOptions) {
    this.#threshold = options.settings.threshold;
    this.#lambdaThreshold = options.settings.lambdaThreshold;
    this.#service = `,"service":${JSON.stringify(options.service)}`;
    this.#samplingRate = `,"sampling_rate":${jsonValue(options.settings.sampleRate)}`;
    this.#onError = options.onError;
    this.#output = options.output ?? processOutput;
    this.#env = options.env ?? process.env;
    this.#announceSampling = options.settings.sampledDebug;
  }

  write(level: LogLevel, message: string, fields: Record<string, unknown>): void {
    const { value } = LEVEL[level];
    if (value < this.#threshold) return;
    if (this.#announceSampling) {
      this.#announceSampling = false;
      this.write('debug', 'Setting log level to DEBUG due to sampling rate', {});
    }
    const line = this.#render(level, message, fields);
    if (value >= LOG_THRESHOLD.WARN) this.#output.stderr(line);
    else this.#output.stdout(line, true);
  }

  /**
   * Held DEBUG lines, when the level leaves DEBUG out: written on a failed
   * invocation only. None when DEBUG is on (the lines are written at once)
   * or when `AWS_LAMBDA_LOG_LEVEL` is above DEBUG (Lambda would drop them).
   */
  debugLines(): DebugLines | undefined {
    if (this.#threshold <= LOG_THRESHOLD.DEBUG) return undefined;
    if ((this.#lambdaThreshold ?? LOG_THRESHOLD.DEBUG) > LOG_THRESHOLD.DEBUG) return undefined;
    return new HeldLines(
      (message, fields) => this.#render('debug', message, fields),
      (line) => this.#output.stdout(line),
    );
  }

  #render(level: LogLevel, message: string, fields: Record<string, unknown>): string {
    const { prefix } = LEVEL[level];
    let line = `${prefix}${stringJson(String(message))},"timestamp":"${isoTimestamp()}"${this.#service}`;
    for (const key of CONTEXT_KEYS) line += this.#member(key, fields[key]);
    line += this.#samplingRate;
    line += this.#member(
      KEY.XrayTraceId,
      KEY.XrayTraceId in fields
        ? fields[KEY.XrayTraceId]
        : traceRoot(this.#env[ECOSYSTEM_ENV.TraceHeader]),
    );
    for (const key in fields) {
      if (!PLACED_KEYS.has(key)) line += this.#member(key, fields[key]);
    }
    return `${line}}`;
  }

  /** `,"key":value`, or '' when Powertools would leave the key out. */
  #member(key: string, value: unknown): string {
    if (isEmpty(value)) return '';
    let json: string | undefined;
    try {
      json = jsonValue(value);
    } catch (error) {
      this.#report(error);
      json = JSON.stringify(`[unserializable: ${error instanceof Error ? error.name : 'error'}]`);
    }
    return json === undefined ? '' : `,${jsonKey(key)}${json}`;
  }

  #report(error: unknown): void {
    try {
      this.#onError?.(error);
    } catch {
      // The error hook must not turn a log line into a thrown error.
    }
  }
}
