/**
 * The drift baseline: training-time distributions of confidence, predicted
 * labels and named input features, as bins and proportions. Built once from a
 * sample of training data (`npx observed-inference baseline`), loaded by the
 * runtime to score recent windows with the population stability index.
 */
import type { ModelSpec } from '../types.js';

/** A numeric distribution: `edges` are the inner bin boundaries (n edges → n+1 bins). */
export interface NumericDistribution {
  readonly type: 'numeric';
  readonly edges: readonly number[];
  readonly proportions: readonly number[];
  /** Features only: the share of the sample where the feature was missing (absent or `null`). Absent in older baselines: read as 0. */
  readonly missing?: number;
  /** Features only: the smallest and largest value of the sample; without them no `OutOfRange` check. */
  readonly min?: number;
  readonly max?: number;
}

/** A categorical distribution: the top categories, the rest in `other`. */
export interface CategoricalDistribution {
  readonly type: 'categorical';
  readonly categories: readonly string[];
  readonly proportions: readonly number[];
  readonly other: number;
  /** Features only: the share of the sample where the feature was missing. Absent in older baselines: read as 0. */
  readonly missing?: number;
  /**
   * Features only: `categories` lists every category of the sample (at most
   * `MAX_CATEGORIES` distinct), so any other value is unseen. Absent or false:
   * no `UnseenCategories` check (a long tail would flag every rare value).
   */
  readonly complete?: boolean;
}

export type Distribution = NumericDistribution | CategoricalDistribution;

/** The baseline artifact (JSON). */
export interface Baseline {
  readonly version: 1;
  readonly model?: ModelSpec;
  readonly createdAt: string;
  readonly sampleSize: number;
  readonly confidence?: NumericDistribution;
  readonly labels?: CategoricalDistribution;
  readonly features: Readonly<Record<string, Distribution>>;
}

/** One training example as the builder reads it. */
export interface BaselineSample {
  readonly features: Readonly<Record<string, unknown>>;
  readonly label?: string | number | boolean;
  readonly confidence?: number;
}
