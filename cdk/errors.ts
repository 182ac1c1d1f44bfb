/**
 * The one error the constructs throw for invalid props: it names the prop, so
 * a bad value fails `cdk synth` with a message that says what to change.
 *
 * @example
 * throw new InvalidPropError('objective.latencyP99', 'must be more than 0 ms, got 0 ms');
 */
export class InvalidPropError extends Error {
  override readonly name = 'InvalidPropError';
  /** The prop's path, as a user writes it (`objective.latencyP99`, `model.name`). */
  readonly prop: string;

  constructor(prop: string, problem: string, options?: { cause?: unknown }) {
    super(`observed-inference/cdk: invalid '${prop}': ${problem}`, options);
    this.prop = prop;
  }
}
