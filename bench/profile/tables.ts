/** The Markdown tables of the profile report, each figure the median across runs. */
import { quantile } from '../harness/stats.js';

/** A figure, or `n/a` where there is none. */
export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const med = (values: number[]) => quantile(values, 0.5);

/**
 * The `limit` largest keys by their median across runs (a key missing from a run counts 0).
 *
 * @example
 * topTable('module', 'ms', timelines, 1, 30);
 */
export function topTable(
  title: string,
  unit: string,
  perRun: Array<Map<string, number>>,
  scale: number,
  limit: number,
): string {
  const keys = new Set(perRun.flatMap((m) => [...m.keys()]));
  const rows = [...keys]
    .map((k) => [k, med(perRun.map((m) => (m.get(k) ?? 0) * scale))] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit);
  return [
    `| ${title} | ${unit} (median of ${perRun.length}) |`,
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k.replace(/\|/g, '\\|')} | ${fmt(v)} |`),
  ].join('\n');
}
