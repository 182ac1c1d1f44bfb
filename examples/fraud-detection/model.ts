/**
 * The fraud model: logistic regression over a handful of engineered features,
 * standardized with the training set's means and standard deviations, trained
 * by full-batch gradient descent (deterministic: no shuffling, no sampling).
 * Small enough to read in one sitting and to ship as a 2 KB JSON artifact.
 */
import { type LabeledTransaction, MERCHANT_CATEGORIES, type Transaction } from './data.js';

/** The model's identity, as `loadModel()` and `observe()` see it. */
export const MODEL_NAME = 'fraud-detector';
/** Bump when the features, the data or the training change; `train.ts` writes it into weights.json. */
export const MODEL_VERSION = '1.0.0';

/** The decision threshold on the fraud probability. */
export const THRESHOLD = 0.5;

/** Engineered feature names, in the order of `featurize()`'s vector and of the coefficients. */
export const FEATURE_NAMES: readonly string[] = [
  'log_amount',
  ...MERCHANT_CATEGORIES.map((c) => `merchant_category=${c}`),
  'hour_sin',
  'hour_cos',
  'country_mismatch',
  'card_present',
  'log1p_velocity_1h',
  'log1p_account_age_days',
];

/** The trained model as stored in `model/weights.json`. */
export interface Weights {
  readonly model: { readonly name: string; readonly version: string };
  readonly type: 'logistic-regression';
  readonly features: readonly string[];
  /** Per feature, applied before the coefficients: (x − mean) / std. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly coefficients: readonly number[];
  readonly intercept: number;
  readonly threshold: number;
}

export interface TrainOptions {
  readonly epochs: number;
  /** Gradient descent step size. */
  readonly lr: number;
  /** L2 penalty on the coefficients (not the intercept). */
  readonly l2: number;
}

export type Label = 'fraud' | 'legit';

export interface LabelPrediction {
  readonly label: Label;
  /** The probability of the predicted label, in [0.5, 1]. */
  readonly confidence: number;
}

/**
 * The raw (unstandardized) feature vector of a transaction.
 *
 * @example
 * featurize({ amount: 42, merchant_category: 'gas', hour: 3, country_mismatch: false,
 *   velocity_1h: 0, account_age_days: 400, card_present: true }); // 15 numbers
 */
export function featurize(tx: Transaction): number[] {
  const angle = (2 * Math.PI * tx.hour) / 24;
  return [
    Math.log(tx.amount),
    ...MERCHANT_CATEGORIES.map((c) => (c === tx.merchant_category ? 1 : 0)),
    Math.sin(angle),
    Math.cos(angle),
    tx.country_mismatch ? 1 : 0,
    tx.card_present ? 1 : 0,
    Math.log1p(tx.velocity_1h),
    Math.log1p(tx.account_age_days),
  ];
}

/**
 * Standardize a raw feature vector with the model's statistics.
 *
 * @example
 * const x = standardize(weights, featurize(tx));
 */
export function standardize(
  weights: Pick<Weights, 'mean' | 'std'>,
  raw: readonly number[],
): number[] {
  return raw.map((v, j) => (v - weights.mean[j]!) / weights.std[j]!);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * The fraud probability of a standardized feature vector.
 *
 * @example
 * const p = scoreFeatures(weights, standardize(weights, featurize(tx)));
 */
export function scoreFeatures(weights: Weights, x: readonly number[]): number {
  let z = weights.intercept;
  for (let j = 0; j < x.length; j++) z += weights.coefficients[j]! * x[j]!;
  return sigmoid(z);
}

/**
 * The fraud probability of a transaction.
 *
 * @example
 * score(weights, tx); // 0.031
 */
export function score(weights: Weights, tx: Transaction): number {
  return scoreFeatures(weights, standardize(weights, featurize(tx)));
}

/**
 * The label a fraud probability decides, with the probability of that label.
 *
 * @example
 * decide(0.2, 0.5); // { label: 'legit', confidence: 0.8 }
 */
export function decide(probability: number, threshold = THRESHOLD): LabelPrediction {
  return probability >= threshold
    ? { label: 'fraud', confidence: probability }
    : { label: 'legit', confidence: 1 - probability };
}

/**
 * Label a transaction.
 *
 * @example
 * predict(weights, tx); // { label: 'legit', confidence: 0.97 }
 */
export function predict(weights: Weights, tx: Transaction): LabelPrediction {
  return decide(score(weights, tx), weights.threshold);
}

function columnStats(rows: readonly number[][], width: number) {
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(0);
  for (const row of rows) for (let j = 0; j < width; j++) mean[j]! += row[j]! / rows.length;
  for (const row of rows)
    for (let j = 0; j < width; j++) std[j]! += (row[j]! - mean[j]!) ** 2 / rows.length;
  // A constant column would divide by zero; it carries no signal, so scale by 1.
  return { mean, std: std.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

/**
 * Fit the model by full-batch gradient descent on the mean log-loss plus
 * `l2 / 2 · ‖w‖²`. Deterministic: the same rows and options give the same
 * weights.
 *
 * @example
 * const weights = train(generate(20_000, 1), { epochs: 400, lr: 0.5, l2: 1e-3 });
 */
export function train(rows: readonly LabeledTransaction[], options: TrainOptions): Weights {
  if (rows.length === 0) throw new RangeError('train needs at least one row');
  const raw = rows.map((r) => featurize(r.transaction));
  const width = FEATURE_NAMES.length;
  const { mean, std } = columnStats(raw, width);
  const xs = raw.map((r) => standardize({ mean, std }, r));
  const ys = rows.map((r) => (r.fraud ? 1 : 0));
  const w = new Array<number>(width).fill(0);
  let b = 0;
  const grad = new Array<number>(width);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    grad.fill(0);
    let gradB = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      let z = b;
      for (let j = 0; j < width; j++) z += w[j]! * x[j]!;
      const err = sigmoid(z) - ys[i]!;
      gradB += err;
      for (let j = 0; j < width; j++) grad[j]! += err * x[j]!;
    }
    for (let j = 0; j < width; j++)
      w[j]! -= options.lr * (grad[j]! / xs.length + options.l2 * w[j]!);
    b -= (options.lr * gradB) / xs.length;
  }
  return {
    model: { name: MODEL_NAME, version: MODEL_VERSION },
    type: 'logistic-regression',
    features: FEATURE_NAMES,
    mean,
    std,
    coefficients: w,
    intercept: b,
    threshold: THRESHOLD,
  };
}

const isNumberArray = (v: unknown, length: number): v is number[] =>
  Array.isArray(v) &&
  v.length === length &&
  v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * Check a parsed weights document (from the bundle or from S3) before it is
 * used: a truncated or foreign file fails the model load, loudly, instead of
 * scoring garbage.
 *
 * @example
 * const weights = parseWeights(JSON.parse(text));
 */
export function parseWeights(doc: unknown): Weights {
  const fail = (why: string): never => {
    throw new TypeError(`not a ${MODEL_NAME} weights document: ${why}`);
  };
  if (typeof doc !== 'object' || doc === null) return fail('not an object');
  const w = doc as Record<string, unknown>;
  const model = w.model as Record<string, unknown> | undefined;
  if (model?.name !== MODEL_NAME || typeof model.version !== 'string')
    fail(`model must be { name: '${MODEL_NAME}', version }`);
  if (w.type !== 'logistic-regression') fail('type must be logistic-regression');
  const n = FEATURE_NAMES.length;
  if (!Array.isArray(w.features) || w.features.join() !== FEATURE_NAMES.join())
    fail(`features must be ${FEATURE_NAMES.join(', ')}`);
  for (const key of ['mean', 'std', 'coefficients'])
    if (!isNumberArray(w[key], n)) fail(`${key} must be ${n} finite numbers`);
  if (typeof w.intercept !== 'number' || !Number.isFinite(w.intercept))
    fail('intercept must be a number');
  if (typeof w.threshold !== 'number' || !(w.threshold > 0 && w.threshold < 1))
    fail('threshold must be in (0, 1)');
  return doc as Weights;
}
