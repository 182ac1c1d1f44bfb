import type { Readable } from 'node:stream';
import { Waiters } from './waiters.js';

/** Which output a line came from. */
export type OutputStream = 'stdout' | 'stderr';

/** A position in the captured output; lines after it are read with `linesSince`. */
export type OutputMark = number;

/** One captured line. */
export interface OutputLine {
  readonly stream: OutputStream;
  readonly line: string;
}

/**
 * Lines of a child process's stdout and stderr, in arrival order, as Lambda
 * would ship them to the log group. A partial last line is held back until its
 * newline (or the end of the stream) arrives.
 *
 * @example
 * const output = new ProcessOutput();
 * output.capture('stdout', child.stdout);
 * const mark = output.mark();
 * // ... later
 * const emf = output.linesSince(mark, 'stdout').filter((l) => l.includes('"_aws"'));
 */
export class ProcessOutput {
  private readonly entries: OutputLine[] = [];
  private readonly waiters = new Waiters();

  /** Split `source` into lines recorded under `stream`. */
  capture(stream: OutputStream, source: Readable | null): void {
    if (!source) return;
    let carry = '';
    source.setEncoding('utf8');
    source.on('data', (chunk: string) => {
      const parts = (carry + chunk).split('\n');
      carry = parts.pop() ?? '';
      for (const line of parts) this.record(stream, line);
    });
    source.on('end', () => {
      if (carry) this.record(stream, carry);
      carry = '';
    });
  }

  /** A mark at the current end of the output. */
  mark(): OutputMark {
    return this.entries.length;
  }

  /** Every line so far, of one stream or both (interleaved in arrival order). */
  lines(stream?: OutputStream): string[] {
    return this.linesSince(0, stream);
  }

  /** The lines produced after `mark`. */
  linesSince(mark: OutputMark, stream?: OutputStream): string[] {
    return this.entries
      .slice(mark)
      .filter((entry) => !stream || entry.stream === stream)
      .map((entry) => entry.line);
  }

  /**
   * Wait for a line (after `mark`, default 0) matching `predicate`: output
   * travels through a pipe, so it may land after the invocation's response.
   */
  waitForLine(
    predicate: (line: string) => boolean,
    options: { mark?: OutputMark; stream?: OutputStream; timeoutMs?: number } = {},
  ): Promise<string> {
    const find = () => this.linesSince(options.mark ?? 0, options.stream).find(predicate);
    return this.waiters.until(
      find,
      options.timeoutMs ?? 5_000,
      'no matching output line within the timeout',
    );
  }

  /** Add a line that did not come through a captured stream (e.g. a bootstrap message). */
  record(stream: OutputStream, line: string): void {
    this.entries.push({ stream, line });
    this.waiters.wake();
  }
}
