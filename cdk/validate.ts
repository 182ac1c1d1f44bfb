import { Token } from 'aws-cdk-lib';
import { InvalidPropError } from './errors.js';

/**
 * Synth-time checks of prop values, each throwing an {@link InvalidPropError}
 * that names the prop. Unresolved tokens pass: they have no value to check yet.
 */

/**
 * CloudWatch dimension values: 1–1024 printable ASCII characters, not starting
 * with `:` (the runtime's rule, lib/config.ts). Surrounding whitespace is refused
 * too: the runtime trims environment values, so the dashboard would look for a
 * value that is never emitted.
 *
 * @example
 * checkDimensionValue('model.name', 'fraud');
 */
export function checkDimensionValue(prop: string, value: string): void {
  if (typeof value !== 'string') throw new InvalidPropError(prop, 'is required (a string)');
  if (Token.isUnresolved(value)) return;
  let problem: string | undefined;
  if (!/^[\x20-\x7E]{1,1024}$/.test(value))
    problem = 'must be 1 to 1024 printable ASCII characters';
  else if (value.startsWith(':')) problem = 'must not start with ":"';
  else if (value.trim() !== value) problem = 'must not start or end with whitespace';
  if (problem)
    throw new InvalidPropError(
      prop,
      `${JSON.stringify(value)} is not a valid CloudWatch dimension value: it ${problem}`,
    );
}

/**
 * A CloudWatch namespace: 1–255 of `0-9A-Za-z.-_/#:`, not starting with `AWS/`.
 *
 * @example
 * checkNamespace('namespace', 'ObservedInference');
 */
export function checkNamespace(prop: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!/^[0-9A-Za-z.\-_/#:]{1,255}$/.test(value) || value.startsWith('AWS/'))
    throw new InvalidPropError(
      prop,
      `${JSON.stringify(value)} is not a custom CloudWatch namespace (1-255 of 0-9A-Za-z.-_/#:, not starting with AWS/)`,
    );
}

/**
 * A number in [0, 1] (a rate or a probability).
 *
 * @example
 * checkUnitInterval('lowConfidenceThreshold', 0.5);
 */
export function checkUnitInterval(prop: string, value: number): void {
  if (Token.isUnresolved(value)) return;
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1))
    throw new InvalidPropError(prop, `must be a number in [0, 1], got ${value}`);
}

/**
 * A finite number above 0.
 *
 * @example
 * checkPositive('drift.threshold', 0.25);
 */
export function checkPositive(prop: string, value: number, unit = ''): void {
  if (Token.isUnresolved(value)) return;
  if (!(Number.isFinite(value) && value > 0))
    throw new InvalidPropError(prop, `must be more than 0${unit}, got ${value}${unit}`);
}

/**
 * A whole number ≥ `min`.
 *
 * @example
 * checkInteger('evaluationPeriods', 3, 1);
 */
export function checkInteger(prop: string, value: number, min: number): void {
  if (Token.isUnresolved(value)) return;
  if (!(Number.isInteger(value) && value >= min))
    throw new InvalidPropError(prop, `must be a whole number ≥ ${min}, got ${value}`);
}

/**
 * Check model labels: non-empty, no commas (`OBSERVED_LABELS` is
 * comma-separated), no duplicates, literal (the dashboard graphs one metric each).
 *
 * @example
 * checkLabels('labels', ['fraud', 'legit']);
 */
export function checkLabels(prop: string, labels: readonly string[] | undefined): void {
  const seen = new Set<string>();
  (labels ?? []).forEach((label, i) => {
    if (typeof label !== 'string' || Token.isUnresolved(label) || label.trim() === '')
      throw new InvalidPropError(`${prop}[${i}]`, 'must be a non-empty literal label');
    if (label.includes(','))
      throw new InvalidPropError(`${prop}[${i}]`, `${JSON.stringify(label)} must not contain ','`);
    if (seen.has(label))
      throw new InvalidPropError(`${prop}[${i}]`, `${JSON.stringify(label)} is listed twice`);
    seen.add(label);
  });
}
