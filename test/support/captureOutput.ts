import type { Context } from 'aws-lambda';
import { traceHeader } from '../../local-lambda/lambdaContext.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';

/**
 * Capture what this process writes to stdout and stderr (the runtime's EMF
 * and log lines go through process.stdout.write / process.stderr.write), as lines.
 */
export function captureOutput(options: { passThrough?: boolean } = {}) {
  const lines: string[] = [];
  const originals = { out: process.stdout.write, err: process.stderr.write };
  const tap = (stream: NodeJS.WriteStream, original: typeof process.stdout.write) =>
    function write(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
      for (const line of text.split('\n')) if (line.trim()) lines.push(line);
      if (options.passThrough)
        return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    };
  process.stdout.write = tap(process.stdout, originals.out) as typeof process.stdout.write;
  process.stderr.write = tap(process.stderr, originals.err) as typeof process.stderr.write;
  return {
    lines,
    /** Lines written since `mark` (an index into lines). */
    since: (mark: number) => lines.slice(mark),
    restore() {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}

/** What `captureOutput()` returns. */
export type CapturedOutput = ReturnType<typeof captureOutput>;

/**
 * One invocation as the runtime makes it: a fresh trace header in
 * `_X_AMZN_TRACE_ID` (sampled unless told), `call(ctx)` awaited, and what the
 * process wrote meanwhile, as lines and as EMF and log records. What it
 * returned or threw is kept, never rethrown.
 *
 * @example
 * const { emf, logs, error } = await invokeCapturing(out, (ctx) => handler(event, ctx), { ctx: lambdaContext() });
 */
export async function invokeCapturing<T>(
  out: CapturedOutput,
  call: (ctx: Context) => T | Promise<T>,
  options: { readonly ctx: Context; readonly sampled?: boolean },
) {
  const trace = traceHeader(options.sampled ?? true);
  process.env._X_AMZN_TRACE_ID = trace.header;
  const { ctx } = options;
  const mark = out.lines.length;
  let result: T | undefined;
  let error: unknown;
  try {
    result = await call(ctx);
  } catch (e) {
    error = e;
  }
  const lines = out.since(mark);
  return { result, error, trace, ctx, lines, emf: emfRecords(lines), logs: logRecords(lines) };
}
