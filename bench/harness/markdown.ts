/** How the benchmark report writes figures and tables. */
import type { Spread } from './stats.js';

export const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
/** Round to a precision that suits the magnitude (1.23, 12.3, 123). */
export function num(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  return fixed(value, abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
}
/** `median (p90)`. */
export const cell = (s: Spread) => (s.n === 0 ? 'n/a' : `${num(s.median)} (${num(s.p90)})`);
export const kb = (bytes: number) => fixed(bytes / 1024, 1);

/** `×n` of `value` over ours; — where it has no meaning. */
export function ratio(value: number, ours: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(ours) || ours <= 0) return '—';
  return `×${num(value / ours)}`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
