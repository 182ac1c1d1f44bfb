import type { Invocation } from './invocation.js';
import { MAX_LABEL_METRICS, OTHER_LABEL, predictedLabelMetricName, UNIT } from './telemetry.js';
import type { Prediction } from './types.js';

type Label = string | number | boolean;

export { MAX_LABEL_METRICS } from './telemetry.js';

/**
 * The label mix of one execution environment as metrics: a count per
 * predicted label (`PredictedLabel.<label>`), bounded. The known labels are
 * the baseline's (the same set in every environment, so the shares add up
 * across environments) or, without a baseline, the first
 * {@link MAX_LABEL_METRICS} distinct labels this environment sees; every
 * other label counts as `PredictedLabel.other`.
 *
 * The hot path allocates nothing once a label has been seen: the metric name
 * is computed once per label, and a batch is counted in a reused array.
 *
 * @example
 * const mix = new LabelMix(['fraud', 'legit']);
 * mix.record(invocation, [{ label: 'fraud' }, { label: 'legit' }, { label: 'legit' }]);
 * // invocation metrics: PredictedLabel.fraud 1, PredictedLabel.legit 2
 */
export class LabelMix {
  readonly #slots = new Map<Label, number>();
  readonly #names: string[] = [];
  readonly #open: boolean;
  readonly #other: number;
  readonly #counts: number[];

  /** `known`: the fixed label set (the baseline's); undefined for the first-seen bound. */
  constructor(known?: readonly string[]) {
    this.#open = known === undefined;
    for (const label of known ?? []) this.#slots.set(label, this.#nameSlot(label));
    this.#other = this.#nameSlot(OTHER_LABEL);
    const room = this.#open ? MAX_LABEL_METRICS : 0;
    this.#counts = new Array<number>(this.#names.length + room).fill(0);
  }

  /** Count the predictions' labels into the invocation's metrics (one value per label). */
  record(invocation: Invocation, predictions: readonly Prediction[]): void {
    if (predictions.length === 1) {
      const label = predictions[0]!.label;
      if (label !== undefined)
        invocation.addMetric(this.#names[this.#slotOf(label)]!, UNIT.Count, 1);
      return;
    }
    const counts = this.#counts;
    for (const p of predictions) if (p.label !== undefined) counts[this.#slotOf(p.label)]!++;
    for (let i = 0; i < this.#names.length; i++) {
      if (counts[i] === 0) continue;
      invocation.addMetric(this.#names[i]!, UNIT.Count, counts[i]!);
      counts[i] = 0;
    }
  }

  #slotOf(label: Label): number {
    const slot = this.#slots.get(label);
    if (slot !== undefined) return slot;
    if (!this.#open) {
      // `true` or `1` predicted where the baseline (JSON) says 'true' or '1'.
      if (typeof label === 'string') return this.#other;
      const known = this.#slots.get(String(label));
      if (known === undefined) return this.#other;
      this.#slots.set(label, known);
      return known;
    }
    // The bound: `other` plus MAX_LABEL_METRICS names; labels past it are not remembered
    // (nor are endless spellings of one name).
    if (this.#names.length > MAX_LABEL_METRICS || this.#slots.size >= 4 * MAX_LABEL_METRICS)
      return this.#other;
    const added = this.#nameSlot(label);
    this.#slots.set(label, added);
    return added;
  }

  /** The slot of a label's metric name: labels that read the same (`a b`, `a?b`) share one. */
  #nameSlot(label: Label): number {
    const name = predictedLabelMetricName(label);
    const slot = this.#names.indexOf(name);
    if (slot >= 0) return slot;
    this.#names.push(name);
    return this.#names.length - 1;
  }
}
