type Label = string | number | boolean;

/** What is remembered of one prediction. */
export interface RememberedPrediction {
  readonly label?: Label;
  readonly confidence?: number;
}

/** Longest prediction id and input hash kept as bytes: a UUID request id is 36, a SHA-256 hex 64. */
const ID_BYTES = 48;
const HASH_BYTES = 64;
/** Distinct labels kept as one shared string each; past that, labels are kept as they come. */
const MAX_INTERNED_LABELS = 256;

/** How a slot keeps a key: as bytes in the slot, as a string beside, or not at all. */
const KEY = { None: 0, Packed: 1, Text: 2 } as const;

/**
 * One key per slot (a prediction id, an input hash): an ASCII key that fits
 * is written into preallocated bytes (one native copy, no string kept), any
 * other kept as a string in a map by slot. A ring full of request ids and
 * hashes holds no string.
 */
class KeyColumn {
  readonly #width: number;
  readonly #bytes: Buffer;
  readonly #lengths: Uint8Array;
  readonly #kind: Uint8Array;
  readonly #texts = new Map<number, string>();

  constructor(capacity: number, width: number) {
    this.#width = width;
    this.#bytes = Buffer.alloc(capacity * width);
    this.#lengths = new Uint8Array(capacity);
    this.#kind = new Uint8Array(capacity);
  }

  /** Whether `key` is kept as bytes: ASCII (one byte a character), and short enough. */
  #fits(key: string): boolean {
    return key.length <= this.#width && Buffer.byteLength(key, 'utf8') === key.length;
  }

  set(slot: number, key: string | undefined): void {
    if (this.#kind[slot] === KEY.Text) this.#texts.delete(slot);
    if (key === undefined) this.#kind[slot] = KEY.None;
    else if (this.#fits(key)) {
      this.#bytes.write(key, slot * this.#width, 'latin1');
      this.#lengths[slot] = key.length;
      this.#kind[slot] = KEY.Packed;
    } else {
      this.#kind[slot] = KEY.Text;
      this.#texts.set(slot, key);
    }
  }

  /** A test for "slot holds `key`", with `key` written out once for the whole scan. */
  matcher(key: string): (slot: number) => boolean {
    if (!this.#fits(key))
      return (slot) => this.#kind[slot] === KEY.Text && this.#texts.get(slot) === key;
    const probe = Buffer.from(key, 'latin1');
    const bytes = this.#bytes;
    const width = this.#width;
    const length = key.length;
    return (slot) =>
      this.#kind[slot] === KEY.Packed &&
      this.#lengths[slot] === length &&
      bytes.compare(probe, 0, length, slot * width, slot * width + length) === 0;
  }
}

/** The slots, made at the first prediction: an environment that never predicts holds none. */
class Slots {
  readonly ids: KeyColumn;
  readonly hashes: KeyColumn;
  /** Index in the batch, or -1 for a single prediction (whose id has no `#<index>`). */
  readonly indexes: Int32Array;
  /** NaN where the prediction had no confidence. */
  readonly confidences: Float64Array;
  readonly labels: (Label | undefined)[];

  constructor(capacity: number) {
    this.ids = new KeyColumn(capacity, ID_BYTES);
    this.hashes = new KeyColumn(capacity, HASH_BYTES);
    this.indexes = new Int32Array(capacity);
    this.confidences = new Float64Array(capacity);
    this.labels = new Array<Label | undefined>(capacity).fill(undefined);
  }
}

/**
 * The last `capacity` predictions of this environment, for `recordOutcome()`
 * lookups. Remembering runs on every invocation and lookups are rare, so it
 * is a ring of slots preallocated at the first prediction: ids and input
 * hashes (ASCII, as request ids and hex hashes are) are kept as bytes, confidences into a
 * Float64Array and labels shared, so the heap does not grow as the ring
 * fills (it grew by 1.4 MB over 10,000 invocations keeping the strings) and
 * remembering allocates nothing. A lookup scans newest to oldest (tens of
 * µs at worst for 10,000 slots).
 *
 * @example
 * const recent = new RecentPredictions(10_000);
 * recent.remember('c0ffee', 'ab12…', [{ label: 'fraud', confidence: 0.9 }]);
 * recent.byId('c0ffee'); // { label: 'fraud', confidence: 0.9 }
 */
export class RecentPredictions {
  readonly #capacity: number;
  #slots: Slots | undefined;
  readonly #labels = new Map<string, string>();
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
    this.#slots ??= new Slots(this.#capacity);
    const slots = this.#slots;
    const slot = this.#next;
    slots.ids.set(slot, id);
    slots.indexes[slot] = index;
    slots.hashes.set(slot, hash);
    slots.labels[slot] = typeof label === 'string' ? this.#intern(label) : label;
    slots.confidences[slot] = confidence ?? Number.NaN;
    this.#next = slot + 1 === this.#capacity ? 0 : slot + 1;
    if (this.#size < this.#capacity) this.#size++;
  }

  /** One string per distinct label: a label built per invocation is not kept 10,000 times. */
  #intern(label: string): string {
    const known = this.#labels.get(label);
    if (known !== undefined) return known;
    if (this.#labels.size < MAX_INTERNED_LABELS) this.#labels.set(label, label);
    return label;
  }

  /** The newest prediction with this `prediction_id` (`<id>` or `<id>#<index>`). */
  byId(predictionId: string): RememberedPrediction | undefined {
    const slots = this.#slots;
    if (!slots) return undefined;
    const cut = predictionId.lastIndexOf('#');
    const suffix = predictionId.slice(cut + 1);
    const index = cut >= 0 && /^(0|[1-9]\d*)$/.test(suffix) ? Number(suffix) : -1;
    const whole = slots.ids.matcher(predictionId);
    const base = index >= 0 ? slots.ids.matcher(predictionId.slice(0, cut)) : undefined;
    return this.#newest(slots, (slot) => {
      const i = slots.indexes[slot]!;
      return i < 0 ? whole(slot) : i === index && base !== undefined && base(slot);
    });
  }

  /** The newest single prediction whose input had this hash. */
  byInputHash(inputHash: string): RememberedPrediction | undefined {
    const slots = this.#slots;
    return slots ? this.#newest(slots, slots.hashes.matcher(inputHash)) : undefined;
  }

  #newest(slots: Slots, matches: (slot: number) => boolean): RememberedPrediction | undefined {
    for (let n = 1, slot = this.#next; n <= this.#size; n++) {
      slot = slot === 0 ? this.#capacity - 1 : slot - 1;
      if (matches(slot)) {
        const confidence = slots.confidences[slot]!;
        return {
          label: slots.labels[slot],
          confidence: Number.isNaN(confidence) ? undefined : confidence,
        };
      }
    }
    return undefined;
  }
}
