import type { Distribution } from './baseline.js';

/** The `other` bucket of a categorical distribution is its last bin. */
export function binCount(dist: Distribution): number {
  return dist.type === 'numeric' ? dist.edges.length + 1 : dist.categories.length + 1;
}

/** Expected proportions per bin, in bin order (categorical: categories then `other`). */
export function expectedProportions(dist: Distribution): number[] {
  return dist.type === 'numeric' ? [...dist.proportions] : [...dist.proportions, dist.other];
}

/**
 * The bin of `value`: numeric bins split at `edges` (a value equal to an edge
 * goes to the upper bin); categories by their string form, unknown ones to
 * `other`. Undefined for a value that cannot be binned (missing, NaN).
 */
export function binOf(
  dist: Distribution,
  value: unknown,
  categoryIndex?: ReadonlyMap<string, number>,
): number | undefined {
  if (dist.type === 'numeric') {
    const x =
      typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : Number.NaN;
    if (Number.isNaN(x)) return undefined;
    return numericBin(dist.edges, x);
  }
  if (value === undefined || value === null) return undefined;
  const key = String(value);
  const index = categoryIndex ? categoryIndex.get(key) : dist.categories.indexOf(key);
  return index === undefined || index < 0 ? dist.categories.length : index;
}

/**
 * The bin of a number among increasing `edges` (a value equal to an edge goes to the upper bin).
 *
 * @example
 * numericBin([1, 2], 1); // 1
 */
export function numericBin(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x >= edges[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
