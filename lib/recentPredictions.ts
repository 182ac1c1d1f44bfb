type Label = string | number | boolean;

/** What is remembered of one prediction. */
export interface RememberedPrediction {
  readonly label?: Label;
  readonly confidence?: number;
}

/** Bytes of a UUID (Lambda's request ids, our prediction ids) and of a SHA-256 (our input hashes). */
const UUID_BYTES = 16;
const HASH_BYTES = 32;
/** Distinct labels kept as one shared string each; past that, labels are kept as they come. */
const MAX_INTERNED_LABELS = 256;

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let c = 0; c < 16; c++) HEX_VALUE['0123456789abcdef'.charCodeAt(c)] = c;

/** Lowercase hex digit pairs of `text` from `from` into `out` at `at`; false at the first other character. */
function hexInto(text: string, from: number, pairs: number, out: Uint8Array, at: number): boolean {
  for (let i = 0; i < pairs; i++) {
    const hi = HEX_VALUE[text.charCodeAt(from + 2 * i)] ?? -1;
    const lo = HEX_VALUE[text.charCodeAt(from + 2 * i + 1)] ?? -1;
    if (hi < 0 || lo < 0) return false;
    out[at + i] = (hi << 4) | lo;
  }
  return true;
}

/** A lowercase UUID (`8-4-4-4-12` hex) as 16 bytes into `out` at `at`; false for any other id. */
function uuidInto(id: string, out: Uint8Array, at: number): boolean {
  if (id.length !== 36) return false;
  if (id[8] !== '-' || id[13] !== '-' || id[18] !== '-' || id[23] !== '-') return false;
  return (
    hexInto(id, 0, 4, out, at) &&
    hexInto(id, 9, 2, out, at + 4) &&
    hexInto(id, 14, 2, out, at + 6) &&
    hexInto(id, 19, 2, out, at + 8) &&
    hexInto(id, 24, 6, out, at + 10)
  );
}

function sameBytes(a: Uint8Array, at: number, b: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[at + i] !== b[i]) return false;
  return true;
}

/** How a slot keeps a key: packed in the slot's bytes, as a string beside, or not at all. */
const KEY = { None: 0, Packed: 1, Text: 2 } as const;

/**
 * One key per slot (a prediction id, an input hash): packed into preallocated
 * bytes when it has the usual shape (a UUID, a SHA-256 hex), else kept as a
 * string in a map by slot. A ring full of packed keys holds no string.
 */
class KeyColumn {
  readonly #width: number;
  readonly #pack: (key: string, out: Uint8Array, at: number) => boolean;
  readonly #bytes: Uint8Array;
  readonly #kind: Uint8Array;
  readonly #texts = new Map<number, string>();

  constructor(
    capacity: number,
    width: number,
    pack: (key: string, out: Uint8Array, at: number) => boolean,
  ) {
    this.#width = width;
    this.#pack = pack;
    this.#bytes = new Uint8Array(capacity * width);
    this.#kind = new Uint8Array(capacity);
  }

  set(slot: number, key: string | undefined): void {
    if (this.#kind[slot] === KEY.Text) this.#texts.delete(slot);
    if (key === undefined) this.#kind[slot] = KEY.None;
    else if (this.#pack(key, this.#bytes, slot * this.#width)) this.#kind[slot] = KEY.Packed;
    else {
      this.#kind[slot] = KEY.Text;
      this.#texts.set(slot, key);
    }
  }

  /** A test for "slot holds `key`", with `key` packed once for the whole scan. */
  matcher(key: string): (slot: number) => boolean {
    const probe = new Uint8Array(this.#width);
    if (this.#pack(key, probe, 0)) {
      const bytes = this.#bytes;
      const width = this.#width;
      return (slot) =>
        this.#kind[slot] === KEY.Packed && sameBytes(bytes, slot * width, probe, width);
    }
    return (slot) => this.#kind[slot] === KEY.Text && this.#texts.get(slot) === key;
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
    this.ids = new KeyColumn(capacity, UUID_BYTES, uuidInto);
    this.hashes = new KeyColumn(capacity, HASH_BYTES, (hash, out, at) =>
      hash.length === 2 * HASH_BYTES ? hexInto(hash, 0, HASH_BYTES, out, at) : false,
    );
    this.indexes = new Int32Array(capacity);
    this.confidences = new Float64Array(capacity);
    this.labels = new Array<Label | undefined>(capacity).fill(undefined);
  }
}

/**
 * The last `capacity` predictions of this environment, for `recordOutcome()`
 * lookups. Remembering runs on every invocation and lookups are rare, so it
 * is a ring of slots preallocated at the first prediction: ids and input
 * hashes of the usual shape are packed into bytes, confidences into a
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
