import {
  fieldValue,
  LogQueryError,
  type LogQueryResult,
  type LogRecord,
  splitList,
} from './logFields.js';
import { percentile } from './statistics.js';

/** The `stats` command of the Logs Insights subset (see `logQuery.ts`). */

interface Aggregate {
  readonly fn: string;
  readonly field: string | undefined;
  readonly p: number | undefined;
  readonly column: string;
}

const FUNCTIONS = ['count', 'sum', 'avg', 'min', 'max', 'pct'];

function parseAggregate(item: string): Aggregate {
  const m = /^(\w+)\s*\(\s*([^,)]*?)\s*(?:,\s*([\d.]+)\s*)?\)(?:\s+as\s+(\S+))?$/i.exec(item);
  const fn = m?.[1]?.toLowerCase();
  if (!m || !fn || !FUNCTIONS.includes(fn))
    throw new LogQueryError(
      `stats ${JSON.stringify(item)} is not supported by the preview (${FUNCTIONS.join(', ')})`,
    );
  const field = m[2] === '*' || m[2] === '' ? undefined : m[2]!.replace(/`/g, '');
  if (fn !== 'count' && field === undefined) throw new LogQueryError(`${fn}() needs a field`);
  const p = m[3] === undefined ? undefined : Number(m[3]);
  if (fn === 'pct' && p === undefined) throw new LogQueryError('pct() needs a percentile');
  return { fn, field, p, column: m[4] ?? item.replace(/\s+as\s+\S+$/i, '') };
}

function aggregate(a: Aggregate, rows: readonly LogRecord[]): number | undefined {
  const present = rows
    .map((r) => (a.field === undefined ? 1 : fieldValue(r, a.field)))
    .filter((v) => v !== undefined && v !== null);
  if (a.fn === 'count') return present.length;
  const numbers = present.map(Number).filter((v) => Number.isFinite(v));
  if (numbers.length === 0) return undefined;
  switch (a.fn) {
    case 'sum':
      return numbers.reduce((s, v) => s + v, 0);
    case 'avg':
      return numbers.reduce((s, v) => s + v, 0) / numbers.length;
    case 'min':
      return Math.min(...numbers);
    case 'max':
      return Math.max(...numbers);
    default:
      return percentile(numbers, a.p!);
  }
}

/**
 * `stats agg(f) [as name], … [by f, …]` over the rows; one row per group, in
 * order of first appearance.
 *
 * @example
 * runStats('count(*) as n by level', records); // { columns: ['level', 'n'], rows: [...] }
 */
export function runStats(args: string, rows: readonly LogRecord[]): LogQueryResult {
  const [aggText = '', byText] = args.split(/\s+by\s+/i);
  const aggregates = splitList(aggText).map(parseAggregate);
  const by = byText === undefined ? [] : splitList(byText).map((f) => f.replace(/`/g, ''));
  for (const f of by)
    if (f.includes('('))
      throw new LogQueryError(
        `stats … by ${f} is not supported by the preview (plain fields only)`,
      );
  const groups = new Map<string, LogRecord[]>();
  for (const r of rows) {
    const key = JSON.stringify(by.map((f) => fieldValue(r, f) ?? null));
    const group = groups.get(key) ?? [];
    groups.set(key, group);
    group.push(r);
  }
  if (groups.size === 0 && by.length === 0) groups.set('[]', []);
  const out = [...groups.values()].map((group) => {
    const row: Record<string, unknown> = {};
    for (const f of by) row[f] = group[0] ? fieldValue(group[0], f) : undefined;
    for (const a of aggregates) row[a.column] = aggregate(a, group);
    return row;
  });
  return { columns: [...by, ...aggregates.map((a) => a.column)], rows: out };
}
