import { Console } from 'node:console';
import { describeError } from './errors.js';

/**
 * Where failures inside observed-inference go: counted (the next metrics
 * record carries them as `TelemetryErrors`) and reported once per area on
 * stderr. Nothing here can throw, so nothing here can reach the handler.
 */
export class Containment {
  #pending = 0;
  #total = 0;
  readonly #reported = new Set<string>();
  readonly #warned = new Set<string>();
  readonly #write: (line: string) => void;
  readonly #listeners: Array<(message: string, fields: Record<string, unknown>) => void> = [];

  constructor(write: (line: string) => void = defaultWrite) {
    this.#write = write;
  }

  /**
   * Hand every warning written from now on (reports and warnings, as
   * message and fields) to `listener` as well: an OTLP log writer, so our
   * warnings reach the same place as the log lines. The stderr line stays:
   * it is how a failing collector is still heard of.
   *
   * @example
   * containment.listen((message, fields) => otlpLog.write('warn', message, fields));
   */
  listen(listener: (message: string, fields: Record<string, unknown>) => void): void {
    this.#listeners.push(listener);
  }

  #tell(message: string, fields: Record<string, unknown>): void {
    for (const listener of this.#listeners) {
      try {
        listener(message, fields);
      } catch {
        // A listener's failure must not turn a report into a thrown error.
      }
    }
  }

  /**
   * Count a failure (or `count` of them: spans dropped together); the first
   * one of each area is written to the log.
   */
  report(area: string, error: unknown, count = 1): void {
    this.#pending += count;
    this.#total += count;
    if (this.#reported.has(area)) return;
    this.#reported.add(area);
    const message = `observed-inference: ${area} failed; telemetry continues without it (reported once)`;
    // Never throws, whatever was thrown (a Proxy trapping everything, a throwing getter).
    const described = describeError(error);
    try {
      this.#write(
        JSON.stringify({
          level: 'WARN',
          message,
          timestamp: new Date().toISOString(),
          error: described,
        }),
      );
    } catch {
      // stderr itself is gone: nothing left to tell.
    }
    this.#tell(message, { error: described });
  }

  /** Write one warning line (a report's shape, with no error); counts nothing, never throws. */
  warn(message: string): void {
    try {
      this.#write(JSON.stringify({ level: 'WARN', message, timestamp: new Date().toISOString() }));
    } catch {
      // stderr itself is gone: nothing left to tell.
    }
    this.#tell(message, {});
  }

  /** {@link warn} the first time `key` is seen; later calls with it write nothing. */
  warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.warn(message);
  }

  /** Failures since the last call, for the next record's `TelemetryErrors`. */
  take(): number {
    const n = this.#pending;
    this.#pending = 0;
    return n;
  }

  get total(): number {
    return this.#total;
  }
}

/** Failures inside our code, for the whole process: every sink and helper reports here. */
export const containment = new Containment();

let stderrConsole: Console | undefined;
/** A Console ignores stream errors (EPIPE on a closed stderr) instead of crashing the process. */
function defaultWrite(line: string): void {
  stderrConsole ??= new Console({ stdout: process.stderr, stderr: process.stderr });
  stderrConsole.error(line);
}

/** Run `fn`, sending any exception to `containment` and returning `fallback`. */
export function contain<T>(containment: Containment, area: string, fallback: T, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    containment.report(area, error);
    return fallback;
  }
}
