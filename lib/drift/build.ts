import { MAX_CATEGORIES, MAX_FEATURES } from '../telemetry.js';
import type { ModelSpec } from '../types.js';
import type {
  Baseline,
  BaselineSample,
  CategoricalDistribution,
  Distribution,
  NumericDistribution,
} from './baseline.js';

export { MAX_CATEGORIES, MAX_FEATURES } from '../telemetry.js';

export interface BuildOptions {
  /** Input features to describe (top-level keys of each sample's `features`). */
  readonly features: readonly string[];
  /** Bins per numeric feature (quantiles of the sample); default 10. */
  readonly bins?: number;
  readonly model?: ModelSpec;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Quantile edges of a numeric sample, de-duplicated (a constant feature gets one bin). */
function numeric(values: number[], bins: number): NumericDistribution {
  values.sort((a, b) => a - b);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const edge = values[Math.min(values.length - 1, Math.floor((i * values.length) / bins))]!;
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  const counts = new Array<number>(edges.length + 1).fill(0);
  let bin = 0;
  for (const v of values) {
    while (bin < edges.length && v >= edges[bin]!) bin++;
    counts[bin]!++;
  }
  return { type: 'numeric', edges, proportions: counts.map((c) => round(c / values.length)) };
}

function categorical(values: string[]): CategoricalDistribution {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_CATEGORIES);
  const kept = top.reduce((n, [, c]) => n + c, 0);
  return {
    type: 'categorical',
    categories: top.map(([k]) => k),
    proportions: top.map(([, c]) => round(c / values.length)),
    other: round((values.length - kept) / values.length),
  };
}

/**
 * Numeric when every present value is a finite number, else categorical;
 * with what the drift window checks the data quality against: the missing
 * rate, a numeric feature's range, whether a categorical one's categories
 * are all of them.
 */
function describe(values: unknown[], bins: number): Distribution | undefined {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.length === 0) return undefined;
  const missing = round((values.length - present.length) / values.length);
  if (present.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const dist = numeric(present as number[], bins);
    // numeric() sorted the values in place.
    return { ...dist, missing, min: present[0] as number, max: present.at(-1) as number };
  }
  const strings = present.map(String);
  const complete = new Set(strings).size <= MAX_CATEGORIES;
  return { ...categorical(strings), missing, complete };
}

/**
 * Build a drift baseline from a sample of training data: quantile bins for
 * numeric features and confidence, top categories for categorical features
 * and predicted labels.
 *
 * @example
 * const baseline = buildBaseline(samples, { features: ['amount', 'hour'] });
 * writeFileSync('baseline.json', JSON.stringify(baseline));
 */
export function buildBaseline(samples: Iterable<BaselineSample>, options: BuildOptions): Baseline {
  const bins = options.bins ?? 10;
  if (!Number.isInteger(bins) || bins < 2 || bins > 100)
    throw new RangeError(`bins: ${bins} is not an integer in [2, 100]`);
  if (options.features.length > MAX_FEATURES) {
    throw new RangeError(`features: ${options.features.length} given, at most ${MAX_FEATURES}`);
  }
  const columns = new Map<string, unknown[]>(options.features.map((f) => [f, []]));
  const labels: string[] = [];
  const confidences: number[] = [];
  let n = 0;
  for (const sample of samples) {
    n++;
    for (const [name, column] of columns) column.push(sample.features[name]);
    if (sample.label !== undefined) labels.push(String(sample.label));
    if (typeof sample.confidence === 'number' && sample.confidence >= 0 && sample.confidence <= 1) {
      confidences.push(sample.confidence);
    }
  }
  if (n === 0) throw new RangeError('no samples: a baseline needs training data');
  const features: Record<string, Distribution> = {};
  for (const [name, column] of columns) {
    const dist = describe(column, bins);
    if (!dist) throw new RangeError(`feature '${name}' has no values in the sample`);
    features[name] = dist;
  }
  return {
    version: 1,
    ...(options.model ? { model: options.model } : {}),
    createdAt: new Date().toISOString(),
    sampleSize: n,
    ...(confidences.length > 0 ? { confidence: numeric(confidences, bins) } : {}),
    ...(labels.length > 0 ? { labels: categorical(labels) } : {}),
    features,
  };
}
