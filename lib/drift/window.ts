import {
  DEFAULT_DRIFT_WINDOW,
  DEFAULT_MISSING_RATE_RISE,
  DRIFT_MOVED_PSI,
  DRIFT_STATUS,
  type DriftStatus,
} from '../telemetry.js';
import type { Baseline, Distribution } from './baseline.js';
import { binCount, binOf, expectedProportions } from './histogram.js';
import { psi } from './psi.js';
import { type FeatureQuality, FeatureSignal } from './quality.js';

/** When a window closes, and what is too small to judge. */
export interface WindowOptions {
  /** Close after this many predictions; default 1000. */
  readonly size: number;
  /** Close after this long (ms) since the window's first prediction; default 5 min. */
  readonly maxAgeMs: number;
  /** A window closed by age with fewer predictions emits nothing; default 100. */
  readonly minSize: number;
  /**
   * A feature breaks when its missing and wrong-type values exceed the
   * baseline's missing rate by more than this share (absolute); default 0.2.
   */
  readonly missingRateRise?: number;
}

export const DEFAULT_WINDOW: WindowOptions = {
  size: DEFAULT_DRIFT_WINDOW,
  maxAgeMs: 5 * 60_000,
  minSize: 100,
};

/** One monitored signal: its expected proportions and this window's counts. */
interface Signal {
  readonly name: string;
  readonly dist: Distribution;
  readonly expected: number[];
  readonly counts: Uint32Array;
  readonly categoryIndex?: ReadonlyMap<string, number>;
}

/** What a closed window says: PSI per signal, the largest first. */
export interface DriftReport {
  /** The largest PSI of all signals: the `DriftScore` metric. */
  readonly score: number;
  readonly windowSize: number;
  /** PSI by signal: `confidence`, `label`, and each feature. */
  readonly scores: Readonly<Record<string, number>>;
  /** Signal names, most drifted first. */
  readonly ranked: readonly string[];
  /** The signals with PSI ≥ `DRIFT_MOVED_PSI`, most moved first. */
  readonly moved: readonly string[];
  /** Data quality by feature. */
  readonly quality: Readonly<Record<string, FeatureQuality>>;
  /** The features whose data quality broke, most missing first. */
  readonly broken: readonly string[];
  /** `data_quality_broken` when a feature broke, else `moved` when a signal moved, else `stable`. */
  readonly status: DriftStatus;
}

function signal(name: string, dist: Distribution): Signal {
  return {
    name,
    dist,
    expected: expectedProportions(dist),
    counts: new Uint32Array(binCount(dist)),
    ...(dist.type === 'categorical'
      ? { categoryIndex: new Map(dist.categories.map((c, i) => [c, i])) }
      : {}),
  };
}

/**
 * The recent window of one execution environment: fixed-size histograms (one
 * per baseline signal), so memory does not grow with traffic.
 */
export class DriftWindow {
  readonly #options: WindowOptions;
  readonly #confidence: Signal | undefined;
  readonly #label: Signal | undefined;
  readonly #features: FeatureSignal[];
  readonly #missingRateRise: number;
  #n = 0;
  #openedAt = 0;

  constructor(baseline: Baseline, options: WindowOptions = DEFAULT_WINDOW) {
    this.#options = options;
    this.#confidence = baseline.confidence ? signal('confidence', baseline.confidence) : undefined;
    this.#label = baseline.labels ? signal('label', baseline.labels) : undefined;
    this.#features = Object.entries(baseline.features).map(
      ([name, dist]) => new FeatureSignal(name, dist),
    );
    const rise = options.missingRateRise ?? DEFAULT_MISSING_RATE_RISE;
    if (!(rise >= 0 && rise < 1))
      throw new RangeError(`drift.window.missingRateRise: ${rise} is not a share in [0, 1)`);
    this.#missingRateRise = rise;
  }

  get size(): number {
    return this.#n;
  }

  /** Count one prediction: its input features (a flat record), label and confidence. */
  add(features: unknown, label: unknown, confidence: unknown, nowMs: number): void {
    if (this.#n === 0) this.#openedAt = nowMs;
    this.#n++;
    count(this.#confidence, confidence);
    count(this.#label, label);
    const row =
      typeof features === 'object' && features !== null
        ? (features as Record<string, unknown>)
        : {};
    for (const s of this.#features) s.add(row[s.name]);
  }

  /** Whether the window is due to close: full, or old. */
  due(nowMs: number): boolean {
    return (
      this.#n >= this.#options.size ||
      (this.#n > 0 && nowMs - this.#openedAt >= this.#options.maxAgeMs)
    );
  }

  /** Close the window: a report, or undefined when it was too small to judge. Resets the counts. */
  close(): DriftReport | undefined {
    const n = this.#n;
    const signals = [this.#confidence, this.#label].filter((s): s is Signal => s !== undefined);
    const scores: Record<string, number> = {};
    for (const s of signals) {
      scores[s.name] = rounded(psi(s.expected, s.counts));
      s.counts.fill(0);
    }
    const quality: Record<string, FeatureQuality> = {};
    for (const f of this.#features) {
      const closed = f.close(n, this.#missingRateRise);
      scores[f.name] = rounded(closed.psi);
      quality[f.name] = closed.quality;
    }
    this.#n = 0;
    if (n < this.#options.minSize || Object.keys(scores).length === 0) return undefined;
    const ranked = Object.keys(scores).sort((a, b) => scores[b]! - scores[a]!);
    const moved = ranked.filter((name) => scores[name]! >= DRIFT_MOVED_PSI);
    const broken = Object.keys(quality)
      .filter((name) => quality[name]!.broken)
      .sort((a, b) => unusable(quality[b]!) - unusable(quality[a]!));
    const status =
      broken.length > 0
        ? DRIFT_STATUS.DataQualityBroken
        : moved.length > 0
          ? DRIFT_STATUS.Moved
          : DRIFT_STATUS.Stable;
    return {
      score: scores[ranked[0]!]!,
      windowSize: n,
      scores,
      ranked,
      moved,
      quality,
      broken,
      status,
    };
  }
}

function count(s: Signal | undefined, value: unknown): void {
  if (!s) return;
  const bin = binOf(s.dist, value, s.categoryIndex);
  if (bin !== undefined) s.counts[bin]!++;
}

function rounded(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** How much of a feature was unusable, for ordering the broken ones (the rate, then the count). */
function unusable(q: FeatureQuality): number {
  return q.missingRate * 1e9 + q.typeMismatches;
}
