import { containment } from '../containment.js';

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
 * The function's output where Powertools writes it: `process.stdout` /
 * `process.stderr` directly, not the global console (so Lambda's patched
 * console and its JSON log format leave our lines as they are). A failing
 * stream (EPIPE on a closed pipe, ENOSPC on a full disk) never crashes the
 * function: each lost write is counted in `TelemetryErrors` and the first is
 * reported on stderr (a lost stderr is only counted). An invocation's EMF record is
 * queued and leaves with its log line: one write syscall per invocation
 * instead of two. A queued line never waits past the current synchronous
 * stretch, so nothing is held across a Lambda freeze.
 *
 * @example
 * const out = new StdioOutput();
 * out.stdout('{"_aws":…}');
 * out.stdout('{"level":"INFO",…}', true); // both leave now, in one write
 */
export class StdioOutput implements LineOutput {
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
    writeLine(process.stderr, line);
  }

  flush(): void {
    const text = this.#pending;
    if (text === '') return;
    this.#pending = '';
    // process.stdout is created on first use: touching it at import would cost init time.
    writeLine(process.stdout, text);
  }
}

function noop(): void {}

/**
 * Kept on a stream once a write to it failed: a destroyed stream emits
 * 'error', and a listener someone else left there (a `pipe()` into stdout
 * removes its own and re-emits when it finds no other) must not turn it into
 * an uncaught exception. Later writes fail at once and are counted.
 */
const lostStreams = new WeakSet<NodeJS.WriteStream>();

/** A write failed: count it (`TelemetryErrors`), report it once, and keep the failure from crashing the process. */
function lost(stream: NodeJS.WriteStream, error: unknown): void {
  if (!lostStreams.has(stream)) {
    lostStreams.add(stream);
    stream.on('error', noop);
  }
  // stderr is where the report would go: a lost stderr is only counted (the report's own write fails quietly).
  containment.report(stream === process.stdout ? 'stdout' : 'stderr', error);
}

const afterStdout = (error?: Error | null) => {
  if (error) lost(process.stdout, error);
};
const afterStderr = (error?: Error | null) => {
  if (error) lost(process.stderr, error);
};

function writeLine(stream: NodeJS.WriteStream, text: string): void {
  // A synchronous failure throws; an asynchronous one (a pipe, a file) reaches the write's callback.
  const guard = stream.listenerCount('error') === 0;
  // on(), not once(): once() builds a wrapper per call, and the listener leaves below either way.
  if (guard) stream.on('error', noop);
  try {
    stream.write(`${text}\n`, stream === process.stdout ? afterStdout : afterStderr);
  } catch (error) {
    // The output is gone: nothing of ours may crash the function over it.
    lost(stream, error);
  } finally {
    if (guard) stream.removeListener('error', noop);
  }
}

/** The process's output: every writer shares it, so their lines can share a write. */
export const processOutput: LineOutput = new StdioOutput();
