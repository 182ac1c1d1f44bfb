import { MAX_BASELINE_BINS } from '../contract/limits.js';
import { MAX_FEATURES } from '../telemetry.js';
import type {
  Baseline,
  CategoricalDistribution,
  Distribution,
  NumericDistribution,
} from './baseline.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const numbers = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
const share = (x: number) => x >= 0 && x <= 1;

function fail(where: string, why: string): never {
  throw new TypeError(`baseline ${where}: ${why}`);
}

/** The optional missing rate of a feature (baselines before data-quality checks have none). */
function missingRate(where: string, v: unknown): { missing?: number } {
  if (v === undefined) return {};
  if (typeof v !== 'number' || !share(v)) fail(where, 'missing must be a share in [0, 1]');
  return { missing: v };
}

function distribution(where: string, v: unknown): Distribution {
  if (!isObj(v)) fail(where, 'is not an object');
  if (v.type === 'numeric') {
    const { edges, proportions } = v;
    if (!numbers(edges) || !numbers(proportions))
      fail(where, 'edges and proportions must be number arrays');
    if (proportions.length > MAX_BASELINE_BINS)
      fail(where, `${proportions.length} bins, at most ${MAX_BASELINE_BINS}`);
    if (!proportions.every(share)) fail(where, 'proportions must be in [0, 1]');
    if (proportions.length !== edges.length + 1)
      fail(where, `${edges.length} edges need ${edges.length + 1} proportions`);
    if (edges.some((e, i) => i > 0 && e <= edges[i - 1]!)) fail(where, 'edges must increase');
    const { min, max } = v;
    if ((min === undefined) !== (max === undefined)) fail(where, 'min and max come together');
    if (min !== undefined && !(numbers([min, max]) && (min as number) <= (max as number)))
      fail(where, 'min and max must be finite numbers, min ≤ max');
    return {
      type: 'numeric',
      edges,
      proportions,
      ...missingRate(where, v.missing),
      ...(min !== undefined ? { min: min as number, max: max as number } : {}),
    } satisfies NumericDistribution;
  }
  if (v.type === 'categorical') {
    const categories = v.categories;
    if (!Array.isArray(categories)) fail(where, 'categories must be strings');
    if (categories.length > MAX_BASELINE_BINS)
      fail(where, `${categories.length} categories, at most ${MAX_BASELINE_BINS}`);
    if (!categories.every((c) => typeof c === 'string')) fail(where, 'categories must be strings');
    if (!numbers(v.proportions) || v.proportions.length !== categories.length)
      fail(where, 'one proportion per category');
    const other = typeof v.other === 'number' ? v.other : 0;
    if (!v.proportions.every(share) || !share(other)) fail(where, 'proportions must be in [0, 1]');
    if (v.complete !== undefined && typeof v.complete !== 'boolean')
      fail(where, 'complete must be a boolean');
    return {
      type: 'categorical',
      categories,
      proportions: v.proportions,
      other,
      ...missingRate(where, v.missing),
      ...(v.complete === true ? { complete: true } : {}),
    } satisfies CategoricalDistribution;
  }
  return fail(where, `type '${String(v.type)}' is neither 'numeric' nor 'categorical'`);
}

/**
 * Check an untrusted baseline (a file or an S3 object) and return it typed;
 * a `TypeError` says exactly what is wrong.
 *
 * @example
 * const baseline = parseBaseline(JSON.parse(readFileSync('baseline.json', 'utf8')));
 */
export function parseBaseline(value: unknown): Baseline {
  if (!isObj(value)) fail('', 'is not a JSON object');
  if (value.version !== 1)
    fail('version', `${String(value.version)} is not supported (expected 1)`);
  if (!isObj(value.features)) fail('features', 'is missing');
  const names = Object.keys(value.features);
  if (names.length > MAX_FEATURES)
    fail('features', `${names.length} features, at most ${MAX_FEATURES}`);
  const features: Record<string, Distribution> = {};
  for (const name of names) features[name] = distribution(`features.${name}`, value.features[name]);
  const confidence =
    value.confidence === undefined ? undefined : distribution('confidence', value.confidence);
  const labels = value.labels === undefined ? undefined : distribution('labels', value.labels);
  if (confidence && confidence.type !== 'numeric') fail('confidence', 'must be numeric');
  if (labels && labels.type !== 'categorical') fail('labels', 'must be categorical');
  return {
    version: 1,
    createdAt: typeof value.createdAt === 'string' ? value.createdAt : '',
    sampleSize: typeof value.sampleSize === 'number' ? value.sampleSize : 0,
    ...(isObj(value.model) && typeof value.model.name === 'string'
      ? {
          model: {
            name: value.model.name,
            version: typeof value.model.version === 'string' ? value.model.version : undefined,
          },
        }
      : {}),
    ...(confidence ? { confidence: confidence as NumericDistribution } : {}),
    ...(labels ? { labels: labels as CategoricalDistribution } : {}),
    features,
  };
}
