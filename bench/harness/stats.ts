/** Nearest-rank quantile of unsorted values; NaN when there are none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** Median and p90 across runs: every figure in the tables is reported this way. */
export interface Spread {
  readonly median: number;
  readonly p90: number;
  readonly n: number;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  return { median: quantile(finite, 0.5), p90: quantile(finite, 0.9), n: finite.length };
}
