/**
 * CloudWatch statistics over the raw values of one period, as CloudWatch
 * defines them for metrics published with every value (EMF arrays, one value
 * per sample).
 *
 * Sources (Amazon CloudWatch User Guide, "CloudWatch statistics definitions";
 * API Reference, `GetMetricStatistics`):
 * - SampleCount is the number of data points in the period, Sum their sum,
 *   Average Sum/SampleCount, Minimum and Maximum the lowest and highest value.
 * - "p95 is the 95th percentile and means that 95 percent of the data within
 *   the period is lower than this value and 5 percent of the data is higher".
 *   CloudWatch does not publish an interpolation rule, and that definition is
 *   the nearest-rank percentile: the smallest value with at least p% of the
 *   values at or below it, `sorted[ceil(p/100 · n) − 1]` (p0 is the minimum,
 *   p100 the maximum). It is always a value that was published, as CloudWatch's
 *   percentiles of few raw values are. CloudWatch may summarise very large
 *   volumes internally; it does not document how, so the preview stays exact.
 * - "Percentile statistics are not available for metrics when any of the
 *   metric values are negative numbers": such a period has no percentile.
 * - Trimmed mean: `TM(2%:98%)` averages after removing the lowest 2% and the
 *   highest 2% of the data points, `tm90` = `TM(:90%)`, `IQM` = `TM(25%:75%)`,
 *   `TM(150:1000)` the values > 150 and ≤ 1000. CloudWatch says trimmed counts
 *   "can return a decimal value … because it's an interpolated approximation",
 *   so a boundary that falls inside a data point's rank counts that point by
 *   the covered fraction (exact trimming when the boundaries fall on ranks).
 *
 * @example
 * computeStatistic(parseStatistic('p95'), [12, 3, 7]); // 12
 */

/** A parsed statistic name. */
export type Statistic =
  | { readonly kind: 'SampleCount' | 'Sum' | 'Average' | 'Minimum' | 'Maximum' }
  | { readonly kind: 'percentile'; readonly p: number }
  | {
      readonly kind: 'trimmedMean';
      /** Bounds as fractions of the ranks (`%`) or as values. */
      readonly bounds: 'rank' | 'value';
      readonly low: number;
      readonly high: number;
    };

/** A statistic name the preview cannot compute. */
export class UnsupportedStatisticError extends Error {
  constructor(statistic: string) {
    super(
      `statistic ${JSON.stringify(statistic)} is not supported by the preview ` +
        '(SampleCount, Sum, Average, Minimum, Maximum, pNN.NN, tmNN, TM(a:b), TM(a%:b%), IQM)',
    );
    this.name = 'UnsupportedStatisticError';
  }
}

const SIMPLE = ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'] as const;

/**
 * Parse a CloudWatch statistic name (`Average`, `p99`, `p99.9`, `tm90`,
 * `TM(10%:90%)`, `IQM`); unknown names throw {@link UnsupportedStatisticError}.
 *
 * @example
 * parseStatistic('p99.5'); // { kind: 'percentile', p: 99.5 }
 */
export function parseStatistic(name: string): Statistic {
  const trimmed = name.trim();
  const simple = SIMPLE.find((s) => s.toLowerCase() === trimmed.toLowerCase());
  if (simple) return { kind: simple };
  const percentile = /^p(\d{1,3}(?:\.\d+)?)$/i.exec(trimmed);
  if (percentile) {
    const p = Number(percentile[1]);
    if (p <= 100) return { kind: 'percentile', p };
  }
  if (/^iqm$/i.test(trimmed)) return { kind: 'trimmedMean', bounds: 'rank', low: 0.25, high: 0.75 };
  const tmShort = /^tm(\d{1,3}(?:\.\d+)?)$/i.exec(trimmed);
  if (tmShort && Number(tmShort[1]) <= 100)
    return { kind: 'trimmedMean', bounds: 'rank', low: 0, high: Number(tmShort[1]) / 100 };
  const tm = /^tm\(\s*([\d.]*)\s*(%?)\s*:\s*([\d.]*)\s*(%?)\s*\)$/i.exec(trimmed);
  if (tm) {
    const [, low = '', lowPct, high = '', highPct] = tm;
    const percent = lowPct === '%' || highPct === '%';
    if (percent)
      return {
        kind: 'trimmedMean',
        bounds: 'rank',
        low: low === '' ? 0 : Number(low) / 100,
        high: high === '' ? 1 : Number(high) / 100,
      };
    return {
      kind: 'trimmedMean',
      bounds: 'value',
      low: low === '' ? Number.NEGATIVE_INFINITY : Number(low),
      high: high === '' ? Number.POSITIVE_INFINITY : Number(high),
    };
  }
  throw new UnsupportedStatisticError(name);
}

/**
 * The statistic of one period's raw values; `undefined` when CloudWatch would
 * return no data point (no values, a percentile over negative values, a trimmed
 * mean with nothing left).
 *
 * @example
 * computeStatistic({ kind: 'Sum' }, [1, 2, 3]); // 6
 */
export function computeStatistic(stat: Statistic, values: readonly number[]): number | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  switch (stat.kind) {
    case 'SampleCount':
      return n;
    case 'Sum':
      return sum(values);
    case 'Average':
      return sum(values) / n;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    case 'percentile':
      return percentile(values, stat.p);
    case 'trimmedMean':
      return stat.bounds === 'value'
        ? valueTrimmedMean(values, stat.low, stat.high)
        : rankTrimmedMean(values, stat.low, stat.high);
  }
}

/**
 * Nearest-rank percentile (see the module comment): `sorted[ceil(p/100 · n) − 1]`.
 *
 * @example
 * percentile([1, 3, 5, 7, 9, 12, 15, 18, 20, 30], 90); // 20
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0 || values.some((v) => v < 0)) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function rankTrimmedMean(values: readonly number[], low: number, high: number): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  const from = low * sorted.length;
  const to = high * sorted.length;
  let weight = 0;
  let total = 0;
  sorted.forEach((v, i) => {
    // Data point i occupies ranks [i, i + 1); count the part inside [from, to].
    const covered = Math.max(0, Math.min(i + 1, to) - Math.max(i, from));
    weight += covered;
    total += covered * v;
  });
  return weight > 0 ? total / weight : undefined;
}

function valueTrimmedMean(
  values: readonly number[],
  low: number,
  high: number,
): number | undefined {
  const kept = values.filter((v) => v > low && v <= high);
  return kept.length > 0 ? sum(kept) / kept.length : undefined;
}
