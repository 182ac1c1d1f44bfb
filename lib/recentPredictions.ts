type Label = string | number | boolean;

/** What is remembered of one prediction. */
export interface RememberedPrediction {
  readonly label?: Label;
  readonly confidence?: number;
}

/**
 * The last `capacity` predictions of this environment, for `recordOutcome()`
 * lookups. Remembering runs on every invocation and lookups are rare, so it
 * is a ring of preallocated slots: remembering stores a few references (no
 * Map entry, no object per prediction, nothing for the GC) and a lookup scans
 * newest to oldest (tens of µs at worst for 10,000 slots).
 *
 * @example
 * const recent = new RecentPredictions(10_000);
 * recent.remember('c0ffee', 'ab12…', [{ label: 'fraud', confidence: 0.9 }]);
 * recent.byId('c0ffee'); // { label: 'fraud', confidence: 0.9 }
 */
export class RecentPredictions {
  readonly #capacity: number;
  /** The invocation's prediction id (`predictionId` of a single prediction, the part before `#` in a batch). */
  #ids: (string | undefined)[] = [];
  /** Index in the batch, or -1 for a single prediction (whose id has no `#<index>`). */
  #indexes: number[] = [];
  /** Input hash, kept for single predictions only. */
  #hashes: (string | undefined)[] = [];
  #labels: (Label | undefined)[] = [];
  #confidences: (number | undefined)[] = [];
  /** Next slot to write; slots fill up to capacity, then the oldest is overwritten. */
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Keep an invocation's predictions: by id, and by input hash for a single one. */
  remember(
    predictionId: string,
    inputHash: string | undefined,
    predictions: readonly RememberedPrediction[],
  ): void {
    if (predictions.length === 1) {
      const p = predictions[0]!;
      this.#put(predictionId, -1, inputHash, p.label, p.confidence);
      return;
    }
    for (let i = 0; i < predictions.length; i++) {
      const p = predictions[i]!;
      this.#put(predictionId, i, undefined, p.label, p.confidence);
    }
  }

  #put(
    id: string,
    index: number,
    hash: string | undefined,
    label: Label | undefined,
    confidence: number | undefined,
  ): void {
    const slot = this.#next;
    this.#ids[slot] = id;
    this.#indexes[slot] = index;
    this.#hashes[slot] = hash;
    this.#labels[slot] = label;
    this.#confidences[slot] = confidence;
    this.#next = slot + 1 === this.#capacity ? 0 : slot + 1;
    if (this.#size < this.#capacity) this.#size++;
  }

  /** The newest prediction with this `prediction_id` (`<id>` or `<id>#<index>`). */
  byId(predictionId: string): RememberedPrediction | undefined {
    const cut = predictionId.lastIndexOf('#');
    const suffix = predictionId.slice(cut + 1);
    const index = cut >= 0 && /^(0|[1-9]\d*)$/.test(suffix) ? Number(suffix) : -1;
    const base = index >= 0 ? predictionId.slice(0, cut) : undefined;
    const ids = this.#ids;
    const indexes = this.#indexes;
    for (let n = 1, slot = this.#next; n <= this.#size; n++) {
      slot = slot === 0 ? this.#capacity - 1 : slot - 1;
      const i = indexes[slot]!;
      if (i < 0 ? ids[slot] === predictionId : i === index && ids[slot] === base)
        return this.#at(slot);
    }
    return undefined;
  }

  /** The newest single prediction whose input had this hash. */
  byInputHash(inputHash: string): RememberedPrediction | undefined {
    const hashes = this.#hashes;
    for (let n = 1, slot = this.#next; n <= this.#size; n++) {
      slot = slot === 0 ? this.#capacity - 1 : slot - 1;
      if (hashes[slot] === inputHash) return this.#at(slot);
    }
    return undefined;
  }

  #at(slot: number): RememberedPrediction {
    return { label: this.#labels[slot], confidence: this.#confidences[slot] };
  }
}
