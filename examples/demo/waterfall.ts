/** X-Ray documents of one trace drawn as a text waterfall, as the X-Ray console's timeline shows them. */

interface Doc {
  readonly id?: unknown;
  readonly name?: unknown;
  readonly start_time?: unknown;
  readonly end_time?: unknown;
  readonly parent_id?: unknown;
  readonly fault?: unknown;
  readonly error?: unknown;
  readonly subsegments?: readonly Doc[];
}

interface Row {
  readonly depth: number;
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly flag: string;
}

function rows(doc: Doc, depth: number, out: Row[]): void {
  const start = Number(doc.start_time);
  const end = Number(doc.end_time ?? doc.start_time);
  const flag = doc.fault ? ' fault' : doc.error ? ' error' : '';
  out.push({ depth, name: String(doc.name), start, end, flag });
  const children = [...(doc.subsegments ?? [])].sort(
    (a, b) => Number(a.start_time) - Number(b.start_time),
  );
  for (const child of children) rows(child, depth + 1, out);
}

/**
 * Render documents (a trace's subsegment trees) as lines: name, offset and
 * duration in ms, and a bar on a shared time axis.
 *
 * @example
 * console.log(waterfall(docs, 40).join('\n'));
 */
export function waterfall(docs: readonly Doc[], width = 40): string[] {
  const all: Row[] = [];
  for (const doc of [...docs].sort((a, b) => Number(a.start_time) - Number(b.start_time)))
    rows(doc, 0, all);
  if (all.length === 0) return ['(no segments)'];
  const t0 = Math.min(...all.map((r) => r.start));
  const t1 = Math.max(...all.map((r) => r.end));
  const span = Math.max(t1 - t0, 1e-6);
  const label = (r: Row) => `${'  '.repeat(r.depth)}${r.name}`;
  const nameWidth = Math.max(...all.map((r) => label(r).length));
  return all.map((r) => {
    const from = Math.min(width - 1, Math.round(((r.start - t0) / span) * width));
    const to = Math.min(width, Math.max(from + 1, Math.round(((r.end - t0) / span) * width)));
    const bar = `${' '.repeat(from)}${'█'.repeat(to - from)}`.padEnd(width);
    const ms = ((r.end - r.start) * 1000).toFixed(2).padStart(8);
    const at = ((r.start - t0) * 1000).toFixed(1).padStart(7);
    return `${label(r).padEnd(nameWidth)}  ${at} ms ${ms} ms  |${bar}|${r.flag}`;
  });
}
