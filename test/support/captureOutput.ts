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
