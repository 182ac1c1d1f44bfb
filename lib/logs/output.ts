import { Console } from 'node:console';

/** Where a finished line goes: Powertools' choice (stdout, or stderr for WARN and ERROR). */
export interface LineOutput {
  /**
   * A line for stdout. Queued unless `last`: a `last` line leaves now, in one
   * write with those queued before it; queued lines otherwise leave at the
   * end of the current synchronous stretch (a microtask).
   */
  stdout(line: string, last?: boolean): void;
  /** Write a line to stderr now (after what is queued for stdout). */
  stderr(line: string): void;
  /** Write what is queued for stdout now. */
  flush(): void;
}

/**
 * The function's output as Powertools writes it: its own `Console` over
 * `process.stdout` / `process.stderr` (so Lambda's patched global console and
 * its JSON log format leave our lines as they are, and a closed stream is
 * ignored instead of crashing the process). An invocation's EMF record is
 * queued and leaves with its log line: one write syscall per invocation
 * instead of two. A queued line never waits past the current synchronous
 * stretch, so nothing is held across a Lambda freeze.
 *
 * @example
 * const out = new ConsoleOutput();
 * out.stdout('{"_aws":…}');
 * out.stdout('{"level":"INFO",…}', true); // both leave now, in one write
 */
export class ConsoleOutput implements LineOutput {
  #console: Console | undefined;
  #pending = '';
  #scheduled = false;
  readonly #flush = () => {
    this.#scheduled = false;
    this.flush();
  };

  stdout(line: string, last = false): void {
    this.#pending = this.#pending === '' ? line : `${this.#pending}\n${line}`;
    if (last) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#flush);
    }
  }

  stderr(line: string): void {
    this.flush();
    this.#getConsole().error(line);
  }

  flush(): void {
    const text = this.#pending;
    if (text === '') return;
    this.#pending = '';
    this.#getConsole().log(text);
  }

  #getConsole(): Console {
    // Created on first use: touching process.stdout at import would cost init time.
    this.#console ??= new Console({ stdout: process.stdout, stderr: process.stderr });
    return this.#console;
  }
}

/** The process's output: every writer shares it, so their lines can share a write. */
export const processOutput: LineOutput = new ConsoleOutput();
