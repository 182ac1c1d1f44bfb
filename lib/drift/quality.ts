/**
 * Data quality of one input feature in a drift window: missing values,
 * values of the wrong type, numbers out of the baseline's range, unseen
 * categories. Counted in the same pass as the feature's histogram, so the
 * window's per-value cost is a few comparisons more.
 */
import { OUT_OF_RANGE_TOLERANCE } from '../contract/limits.js';
import type { Distribution } from './baseline.js';
import { binCount, expectedProportions, numericBin } from './histogram.js';
import { psi } from './psi.js';

/** What a closed window says about one feature's inputs. */
export interface FeatureQuality {
  /** Share (0–1) of the window's predictions whose feature was absent, `null` or NaN. */
  readonly missingRate: number;
  readonly typeMismatches: number;
  readonly outOfRange: number;
  readonly unseenCategories: number;
  /** Missing and wrong-type values rose above the baseline's missing rate by more than allowed. */
  readonly broken: boolean;
}

/**
 * One feature's histogram and data-quality counters for the current window.
 *
 * @example
 * const amount = new FeatureSignal('amount', baseline.features.amount!);
 * amount.add('n/a');
 * amount.close(1, 0.2).quality; // { typeMismatches: 1, broken: true, ... }
 */
export class FeatureSignal {
  readonly name: string;
  readonly #dist: Distribution;
  readonly #expected: number[];
  readonly #counts: Uint32Array;
  readonly #categoryIndex: ReadonlyMap<string, number> | undefined;
  readonly #low: number;
  readonly #high: number;
  readonly #complete: boolean;
  #missing = 0;
  #mismatched = 0;
  #outOfRange = 0;
  #unseen = 0;

  constructor(name: string, dist: Distribution) {
    this.name = name;
    this.#dist = dist;
    this.#expected = expectedProportions(dist);
    this.#counts = new Uint32Array(binCount(dist));
    this.#categoryIndex =
      dist.type === 'categorical' ? new Map(dist.categories.map((c, i) => [c, i])) : undefined;
    const hasRange = dist.type === 'numeric' && dist.min !== undefined && dist.max !== undefined;
    // A constant feature has no range to scale by: its own magnitude (or 1) stands in.
    const span = hasRange ? dist.max! - dist.min! || Math.abs(dist.max!) || 1 : 0;
    this.#low = hasRange ? dist.min! - OUT_OF_RANGE_TOLERANCE * span : -Infinity;
    this.#high = hasRange ? dist.max! + OUT_OF_RANGE_TOLERANCE * span : Infinity;
    this.#complete = dist.type === 'categorical' && dist.complete === true;
  }

  /** Count one value of the feature. */
  add(value: unknown): void {
    if (value === undefined || value === null) {
      this.#missing++;
      return;
    }
    const dist = this.#dist;
    if (dist.type === 'numeric') {
      const type = typeof value;
      if (type !== 'number' && type !== 'boolean') {
        this.#mismatched++;
        return;
      }
      const x = Number(value);
      if (Number.isNaN(x)) {
        this.#missing++;
        return;
      }
      if (x < this.#low || x > this.#high) this.#outOfRange++;
      this.#counts[numericBin(dist.edges, x)]!++;
      return;
    }
    if (typeof value === 'object') {
      this.#mismatched++;
      return;
    }
    const index = this.#categoryIndex!.get(String(value));
    if (index !== undefined) this.#counts[index]!++;
    else {
      this.#counts[dist.categories.length]!++;
      if (this.#complete) this.#unseen++;
    }
  }

  /**
   * Close the feature's window of `n` predictions: its PSI and data quality;
   * resets the counts. A feature that broke, or has no usable value at all,
   * is scored with one more bin for its unusable values (missing or wrong
   * type) whose expected share is the baseline's missing rate: an all-missing
   * window then scores far above any drift threshold instead of PSI 0.
   */
  close(n: number, missingRateRise: number): { psi: number; quality: FeatureQuality } {
    const unusable = this.#missing + this.#mismatched;
    const baselineMissing = this.#dist.missing ?? 0;
    const broken = n > 0 && unusable / n - baselineMissing > missingRateRise;
    const usable = n - unusable;
    const score =
      broken || (usable <= 0 && unusable > 0)
        ? psi(
            [...this.#expected.map((e) => e * (1 - baselineMissing)), baselineMissing],
            [...this.#counts, unusable],
          )
        : psi(this.#expected, this.#counts);
    const quality: FeatureQuality = {
      missingRate: n > 0 ? Math.round((this.#missing / n) * 1e4) / 1e4 : 0,
      typeMismatches: this.#mismatched,
      outOfRange: this.#outOfRange,
      unseenCategories: this.#unseen,
      broken,
    };
    this.#counts.fill(0);
    this.#missing = 0;
    this.#mismatched = 0;
    this.#outOfRange = 0;
    this.#unseen = 0;
    return { psi: score, quality };
  }
}
