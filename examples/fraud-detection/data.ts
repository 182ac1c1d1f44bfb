/**
 * A deterministic synthetic card-transactions data set. Features follow
 * plausible shapes (log-normal amounts, a daily cycle of hours, Poisson
 * velocities); the fraud label is drawn from a hidden logistic function with
 * noise, so a model can learn most of it but not all of it. The same
 * `(n, seed, options)` always yields the same rows, on every machine.
 */

/** Merchant categories, most common first. */
export const MERCHANT_CATEGORIES = [
  'grocery',
  'restaurant',
  'gas',
  'online_retail',
  'entertainment',
  'electronics',
  'travel',
  'gift_cards',
] as const;

export type MerchantCategory = (typeof MERCHANT_CATEGORIES)[number];

/** One transaction as the model and the handler read it. */
export interface Transaction {
  /** In the card's currency, > 0. */
  readonly amount: number;
  readonly merchant_category: MerchantCategory;
  /** Local hour of day, an integer in 0–23. */
  readonly hour: number;
  /** The card's country differs from the merchant's. */
  readonly country_mismatch: boolean;
  /** Transactions on this card in the last hour, before this one. */
  readonly velocity_1h: number;
  readonly account_age_days: number;
  /** Chip or contactless, as opposed to card-not-present (online, phone). */
  readonly card_present: boolean;
}

/** A transaction with its ground truth. */
export interface LabeledTransaction {
  readonly transaction: Transaction;
  readonly fraud: boolean;
}

/** How the generated population departs from the training one. */
export interface GenerateOptions {
  /**
   * Covariate shift of the traffic, 0 (the training distribution, default) to
   * 1 (`true`): amounts up to ×3, night hours up to 4× as likely, country
   * mismatches up to 4× as likely. The hidden fraud function does not change.
   */
  readonly drift?: boolean | number;
}

interface CategoryProfile {
  /** Relative frequency. */
  readonly weight: number;
  /** Mean and sd of ln(amount). */
  readonly logMean: number;
  readonly logSd: number;
  readonly cardPresent: number;
  readonly countryMismatch: number;
  /** The category's contribution to the hidden fraud logit. */
  readonly fraudLogit: number;
}

const PROFILES: Readonly<Record<MerchantCategory, CategoryProfile>> = {
  grocery: {
    weight: 24,
    logMean: 3.6,
    logSd: 0.7,
    cardPresent: 0.92,
    countryMismatch: 0.02,
    fraudLogit: -1.0,
  },
  restaurant: {
    weight: 18,
    logMean: 3.4,
    logSd: 0.6,
    cardPresent: 0.85,
    countryMismatch: 0.04,
    fraudLogit: -0.6,
  },
  gas: {
    weight: 14,
    logMean: 3.8,
    logSd: 0.5,
    cardPresent: 0.9,
    countryMismatch: 0.03,
    fraudLogit: -0.2,
  },
  online_retail: {
    weight: 16,
    logMean: 4.0,
    logSd: 1.0,
    cardPresent: 0.03,
    countryMismatch: 0.1,
    fraudLogit: 0.6,
  },
  entertainment: {
    weight: 10,
    logMean: 3.5,
    logSd: 0.8,
    cardPresent: 0.5,
    countryMismatch: 0.05,
    fraudLogit: -0.1,
  },
  electronics: {
    weight: 8,
    logMean: 5.0,
    logSd: 0.9,
    cardPresent: 0.45,
    countryMismatch: 0.06,
    fraudLogit: 0.9,
  },
  travel: {
    weight: 6,
    logMean: 5.5,
    logSd: 0.9,
    cardPresent: 0.25,
    countryMismatch: 0.35,
    fraudLogit: 0.2,
  },
  gift_cards: {
    weight: 4,
    logMean: 4.2,
    logSd: 0.8,
    cardPresent: 0.35,
    countryMismatch: 0.08,
    fraudLogit: 1.5,
  },
};

/** Relative likelihood of each hour of the day (index = hour). */
const HOUR_WEIGHTS = [
  1.8, 1.3, 1, 0.8, 0.8, 1, 1.5, 2.5, 4, 5, 5.5, 6, 7, 6.5, 6, 6, 6.5, 7, 7.5, 7, 6, 4.5, 3, 2.2,
] as const;
const NIGHT_HOURS = new Set([0, 1, 2, 3, 4, 5]);

/** Hidden logit terms. Chosen for a ~5 % prevalence and an AUC near 0.9 for a linear model. */
const TRUTH = {
  intercept: -5.1,
  logAmount: 0.85,
  logAmountCenter: 4,
  night: 1.4,
  countryMismatch: 1.7,
  velocity: 0.75,
  newAccount: 1.1,
  cardPresent: -1.3,
  /** Sd of Gaussian noise added to the logit: what no model of these features can learn. */
  noise: 0.9,
} as const;

/**
 * mulberry32: a tiny 32-bit PRNG, uniform in [0, 1), fully determined by its
 * seed and identical in every JavaScript engine (integer arithmetic only).
 *
 * @example
 * const next = mulberry32(42);
 * next(); // 0.6011037519201636, always
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The random draws this generator needs, over one uniform source. */
class Draw {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }
  uniform(): number {
    return this.#next();
  }
  bernoulli(p: number): boolean {
    return this.#next() < p;
  }
  /** Box–Muller; 1 − u keeps the logarithm finite. */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.#next();
    const v = this.#next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** Knuth's product method: exact and fast for the small rates used here. */
  poisson(rate: number): number {
    const limit = Math.exp(-rate);
    let k = 0;
    let p = this.#next();
    while (p > limit) {
      k += 1;
      p *= this.#next();
    }
    return k;
  }
  /** An index drawn with probability proportional to `weights[i]`. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.#next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}

function driftLevel(drift: GenerateOptions['drift']): number {
  if (drift === undefined || drift === false) return 0;
  if (drift === true) return 1;
  if (!Number.isFinite(drift) || drift < 0) throw new RangeError(`drift must be ≥ 0, got ${drift}`);
  return drift;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The hidden ground truth: the probability that a transaction is fraud, before noise. */
function fraudLogit(tx: Transaction): number {
  const newAccount = tx.account_age_days < 30 ? 1 : tx.account_age_days < 180 ? 0.4 : 0;
  return (
    TRUTH.intercept +
    PROFILES[tx.merchant_category].fraudLogit +
    TRUTH.logAmount * (Math.log(tx.amount) - TRUTH.logAmountCenter) +
    (NIGHT_HOURS.has(tx.hour) ? TRUTH.night : 0) +
    (tx.country_mismatch ? TRUTH.countryMismatch : 0) +
    TRUTH.velocity * Math.min(tx.velocity_1h, 6) +
    TRUTH.newAccount * newAccount +
    (tx.card_present ? TRUTH.cardPresent : 0)
  );
}

function transaction(draw: Draw, level: number): LabeledTransaction {
  const categoryWeights = MERCHANT_CATEGORIES.map((c) => PROFILES[c].weight);
  const hourWeights = HOUR_WEIGHTS.map((w, h) => (NIGHT_HOURS.has(h) ? w * (1 + 3 * level) : w));
  const merchant_category = MERCHANT_CATEGORIES[draw.weighted(categoryWeights)]!;
  const profile = PROFILES[merchant_category];
  const amount = Math.exp(draw.normal(profile.logMean, profile.logSd)) * (1 + 2 * level);
  const tx: Transaction = {
    // Cents, and never below one cent: amounts are money.
    amount: Math.max(0.01, Math.round(amount * 100) / 100),
    merchant_category,
    hour: draw.weighted(hourWeights),
    country_mismatch: draw.bernoulli(Math.min(1, profile.countryMismatch * (1 + 3 * level))),
    velocity_1h: draw.poisson(draw.bernoulli(0.08) ? 4 : 0.8),
    account_age_days: Math.min(7300, Math.floor(Math.exp(draw.normal(6.3, 1.3)))),
    card_present: draw.bernoulli(profile.cardPresent),
  };
  const fraud = draw.bernoulli(sigmoid(fraudLogit(tx) + draw.normal(0, TRUTH.noise)));
  return { transaction: tx, fraud };
}

/**
 * `n` labelled transactions from `seed`. Deterministic: the same arguments
 * give the same rows.
 *
 * @example
 * const train = generate(20_000, 1);
 * const drifted = generate(500, 7, { drift: true }); // bigger amounts, more nights and mismatches
 */
export function generate(
  n: number,
  seed: number,
  options: GenerateOptions = {},
): LabeledTransaction[] {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`n must be a non-negative integer, got ${n}`);
  const level = driftLevel(options.drift);
  const draw = new Draw(seed);
  const rows: LabeledTransaction[] = [];
  for (let i = 0; i < n; i++) rows.push(transaction(draw, level));
  return rows;
}
