import { MAX_DEBUG_BYTES, MAX_DEBUG_LINES } from '../contract/limits.js';

/**
 * One invocation's `log.debug()` lines, held until the invocation knows
 * whether they are worth writing: written when it went wrong (a fault, a
 * timeout, a 5xx answer, a prediction below the confidence threshold),
 * dropped when it went well.
 *
 * @example
 * const held = writer.debugLines?.();
 * held?.add('features', { n: 3 });
 * if (failed) held?.flush(); else held?.discard();
 */
export interface DebugLines {
  add(message: string, fields: Record<string, unknown>): void;
  /** Write what is held; true when there was anything. */
  flush(): boolean;
  /** Drop what is held. */
  discard(): void;
  /** Lines not kept, past the bounds. */
  readonly dropped: number;
}

/**
 * DEBUG lines rendered when logged (so they keep their own timestamp),
 * bounded by `MAX_DEBUG_LINES` and `MAX_DEBUG_BYTES`: past either, a line is
 * dropped and counted.
 *
 * @example
 * const held = new HeldLines((m, f) => render('debug', m, f), (line) => out.stdout(line));
 * held.add('features', { n: 3 });
 * held.flush(); // the line is written now
 */
export class HeldLines implements DebugLines {
  readonly #render: (message: string, fields: Record<string, unknown>) => string;
  readonly #write: (line: string) => void;
  #lines: string[] = [];
  #bytes = 0;
  dropped = 0;

  constructor(
    render: (message: string, fields: Record<string, unknown>) => string,
    write: (line: string) => void,
  ) {
    this.#render = render;
    this.#write = write;
  }

  add(message: string, fields: Record<string, unknown>): void {
    if (this.#lines.length >= MAX_DEBUG_LINES) {
      this.dropped++;
      return;
    }
    const line = this.#render(message, fields);
    const bytes = Buffer.byteLength(line);
    if (this.#bytes + bytes > MAX_DEBUG_BYTES) {
      this.dropped++;
      return;
    }
    this.#bytes += bytes;
    this.#lines.push(line);
  }

  flush(): boolean {
    const lines = this.#lines;
    this.discard();
    for (const line of lines) this.#write(line);
    return lines.length > 0;
  }

  discard(): void {
    this.#lines = [];
    this.#bytes = 0;
  }
}
