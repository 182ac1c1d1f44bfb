import { Token } from 'aws-cdk-lib';
import {
  dimensionValueProblem,
  driftWindowProblem,
  listItemProblem,
  namespaceProblem,
} from '../lib/telemetry.js';
import { InvalidPropError } from './errors.js';

/*
 * Synth-time checks of prop values, each throwing an InvalidPropError that
 * names the prop. Unresolved tokens pass: they have no value to check yet.
 * Where the runtime has the same rule, it comes from the contract
 * (lib/telemetry.ts), so a value the construct accepts is one the runtime emits.
 */

/**
 * A CloudWatch dimension value the runtime emits as written (the contract's rule).
 *
 * @example
 * checkDimensionValue('model.name', 'fraud');
 */
export function checkDimensionValue(prop: string, value: string): void {
  if (typeof value !== 'string') throw new InvalidPropError(prop, 'is required (a string)');
  if (Token.isUnresolved(value)) return;
  const problem = dimensionValueProblem(value);
  if (problem)
    throw new InvalidPropError(
      prop,
      `${JSON.stringify(value)} is not a valid CloudWatch dimension value: it ${problem}`,
    );
}

/**
 * A custom CloudWatch namespace (the contract's rule).
 *
 * @example
 * checkNamespace('namespace', 'ObservedInference');
 */
export function checkNamespace(prop: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  const problem = namespaceProblem(value);
  if (problem)
    throw new InvalidPropError(
      prop,
      `${JSON.stringify(value)} is not a custom CloudWatch namespace: it ${problem}`,
    );
}

/**
 * A drift window size the runtime accepts for `OBSERVED_DRIFT_WINDOW` (the contract's rule).
 *
 * @example
 * checkDriftWindow('drift.window', 500);
 */
export function checkDriftWindow(prop: string, value: number): void {
  if (Token.isUnresolved(value)) return;
  const problem = driftWindowProblem(value);
  if (problem) throw new InvalidPropError(prop, `${problem}, got ${value}`);
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
 * Check model labels: non-empty, literal (the dashboard graphs one metric
 * each), no duplicates, and none holding `OBSERVED_LABELS`' separator.
 *
 * @example
 * checkLabels('labels', ['fraud', 'legit']);
 */
export function checkLabels(prop: string, labels: readonly string[] | undefined): void {
  const seen = new Set<string>();
  (labels ?? []).forEach((label, i) => {
    if (typeof label !== 'string' || Token.isUnresolved(label) || label.trim() === '')
      throw new InvalidPropError(`${prop}[${i}]`, 'must be a non-empty literal label');
    const problem = listItemProblem(label);
    if (problem) throw new InvalidPropError(`${prop}[${i}]`, `${JSON.stringify(label)} ${problem}`);
    if (seen.has(label))
      throw new InvalidPropError(`${prop}[${i}]`, `${JSON.stringify(label)} is listed twice`);
    seen.add(label);
  });
}
