import type { DebugLines } from '../logs/debugLines.js';
import type { LogLevel, LogWriter } from '../logs/logger.js';
import { LOG_THRESHOLD } from '../logs/logLevel.js';
import type { PowertoolsLogger } from './types.js';

/**
 * Our lines through the user's Powertools Logger: the invocation's line, our
 * warnings and the `log` lines each become one `logger.<level>(message,
 * fields)`, so they carry its persistent keys, correlation id and service,
 * and obey its level, sampling and `AWS_LAMBDA_LOG_LEVEL` handling. Its own
 * log buffer (`logBufferOptions`) holds DEBUG lines; a failed invocation
 * flushes it.
 *
 * @example
 * const writer = new PowertoolsLogWriter(new Logger({ serviceName: 'fraud-api' }));
 * writer.write('info', 'inference', { model_name: 'fraud' });
 */
export class PowertoolsLogWriter implements LogWriter {
  readonly #logger: PowertoolsLogger;

  constructor(logger: PowertoolsLogger) {
    this.#logger = logger;
  }

  write(level: LogLevel, message: string, fields: Record<string, unknown>): void {
    this.#logger[level](message, defined(fields));
  }

  /** None when the Logger writes DEBUG anyway: the lines go out at once, like any other. */
  debugLines(): DebugLines | undefined {
    const { level } = this.#logger;
    if (typeof level === 'number' && level <= LOG_THRESHOLD.DEBUG) return undefined;
    return new PowertoolsDebugLines(this.#logger);
  }

  flushBuffer(): void {
    this.#logger.flushBuffer?.();
  }
}

/**
 * The fields that have a value: an absent one of ours (`correlation_id` of
 * an event without the header) must not hide the Logger's own key.
 */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in fields) if (fields[key] !== undefined) out[key] = fields[key];
  return out;
}

/** DEBUG lines go to the Logger at once: its level, or its log buffer, decides. */
class PowertoolsDebugLines implements DebugLines {
  readonly #logger: PowertoolsLogger;
  #added = 0;
  readonly dropped = 0;

  constructor(logger: PowertoolsLogger) {
    this.#logger = logger;
  }

  add(message: string, fields: Record<string, unknown>): void {
    this.#added++;
    this.#logger.debug(message, defined(fields));
  }

  flush(): boolean {
    this.#logger.flushBuffer?.();
    return this.#added > 0;
  }

  discard(): void {}
}
