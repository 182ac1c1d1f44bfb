/*
 * The rules a value must follow to be emitted as the contract says, written
 * once: the runtime applies them to its configuration, the constructs to
 * their props at synth time. Each returns what is wrong (to finish the
 * sentence "it …"), or undefined when the value is fine.
 */
import { LIST_SEPARATOR } from './environment.js';
import {
  MAX_DIMENSION_VALUE,
  MAX_DRIFT_WINDOW,
  MAX_NAMESPACE,
  MIN_DRIFT_WINDOW,
} from './limits.js';
import { type MetricUnit, UNIT } from './metrics.js';

const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;
const NAMESPACE_CHARACTERS = /^[0-9A-Za-z.\-_/#:]*$/;
const UNITS: ReadonlySet<string> = new Set(Object.values(UNIT));

/**
 * CloudWatch dimension values: 1–1024 printable ASCII characters, not
 * starting with `:`. Surrounding whitespace is refused too: the runtime trims
 * configured values, so a value with it would never be emitted as written.
 *
 * @example
 * dimensionValueProblem('fraud'); // undefined
 * dimensionValueProblem(':x'); // 'must not start with ":"'
 */
export function dimensionValueProblem(value: string): string | undefined {
  if (value.length < 1 || value.length > MAX_DIMENSION_VALUE || !PRINTABLE_ASCII.test(value))
    return `must be 1 to ${MAX_DIMENSION_VALUE} printable ASCII characters`;
  if (value.startsWith(':')) return 'must not start with ":"';
  if (value.trim() !== value) return 'must not start or end with whitespace';
  return undefined;
}

/**
 * A custom CloudWatch namespace: 1–255 of `0-9A-Za-z.-_/#:`, not starting with `AWS/`.
 *
 * @example
 * namespaceProblem('Team/ML'); // undefined
 */
export function namespaceProblem(value: string): string | undefined {
  if (value.length < 1 || value.length > MAX_NAMESPACE || !NAMESPACE_CHARACTERS.test(value))
    return `must be 1 to ${MAX_NAMESPACE} of 0-9A-Za-z.-_/#:`;
  if (value.startsWith('AWS/')) return 'must not start with AWS/ (reserved for AWS services)';
  return undefined;
}

/**
 * `OBSERVED_DRIFT_WINDOW`: a whole number of predictions in [10, 1000000].
 *
 * @example
 * driftWindowProblem(5); // 'must be a whole number in [10, 1000000]'
 */
export function driftWindowProblem(value: number): string | undefined {
  return Number.isInteger(value) && value >= MIN_DRIFT_WINDOW && value <= MAX_DRIFT_WINDOW
    ? undefined
    : `must be a whole number in [${MIN_DRIFT_WINDOW}, ${MAX_DRIFT_WINDOW}]`;
}

/**
 * An item of a list variable (`OBSERVED_LABELS`): it cannot contain the separator.
 *
 * @example
 * listItemProblem('fraud,legit'); // "must not contain ','"
 */
export function listItemProblem(item: string): string | undefined {
  return item.includes(LIST_SEPARATOR) ? `must not contain '${LIST_SEPARATOR}'` : undefined;
}

/**
 * Whether CloudWatch accepts `unit` (any other would make the whole EMF record invalid).
 *
 * @example
 * isMetricUnit('Count'); // true
 * isMetricUnit('Requests'); // false
 */
export function isMetricUnit(unit: unknown): unit is MetricUnit {
  return typeof unit === 'string' && UNITS.has(unit);
}
