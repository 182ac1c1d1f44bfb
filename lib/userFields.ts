import { containment } from './containment.js';
import {
  MAX_METADATA_CHARS,
  MAX_METADATA_KEY_CHARS,
  MAX_TEXT_FIELD_CHARS,
} from './contract/limits.js';
import { boundText, boundValue } from './fieldBounds.js';
import { currentInvocation, type Invocation } from './invocation.js';
import { DIMENSION, type MetricUnit, POWERTOOLS_LOG_KEY, UNIT } from './telemetry.js';

/*
 * What the handler adds to the record of the invocation it runs in: custom
 * metrics, X-Ray annotations and metadata. Outside an observed invocation
 * there is no record to add to: each returns false, and the first such call
 * of each helper says so once on stderr.
 */

/** The units CloudWatch accepts; anything else would make the whole EMF record invalid. */
const CLOUDWATCH_UNITS = new Set<string>(Object.values(UNIT));

/** Keys a custom metric may not take: EMF would see them as both a metric and a dimension/property. */
const RESERVED_KEYS = new Set<string>([
  DIMENSION.Service,
  DIMENSION.ModelName,
  DIMENSION.ModelVersion,
  POWERTOOLS_LOG_KEY.RequestId,
  POWERTOOLS_LOG_KEY.XrayTraceId,
  '_aws',
]);
const ANNOTATION_KEY = /^[A-Za-z0-9_]{1,500}$/;

/**
 * The invocation `helper` was called in; undefined (and a warning, once per
 * helper) outside one.
 *
 * @example
 * const invocation = invocationFor('annotate');
 * if (!invocation) return false;
 */
export function invocationFor(helper: string): Invocation | undefined {
  const invocation = currentInvocation();
  if (!invocation) {
    containment.warnOnce(
      helper,
      `observed-inference: ${helper}() was called outside an observed invocation (or after its record was written, at a timeout) and recorded nothing; reported once`,
    );
  }
  return invocation;
}

/** Public; documented where `index.ts` exports it. */
export function addMetric(name: string, value: number, unit = 'None'): boolean {
  const invocation = invocationFor('addMetric');
  if (!invocation) return false;
  if (typeof name !== 'string' || name.length < 1 || name.length > 255 || RESERVED_KEYS.has(name))
    return false;
  if (!Number.isFinite(value) || !CLOUDWATCH_UNITS.has(unit)) return false;
  invocation.addMetric(name, unit as MetricUnit, value);
  return true;
}

/** Public; documented where `index.ts` exports it. */
export function annotate(key: string, value: string | number | boolean): boolean {
  const invocation = invocationFor('annotate');
  if (!invocation || !ANNOTATION_KEY.test(key)) return false;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
    return false;
  invocation.annotations[key] = value;
  return true;
}

/** Public; documented where `index.ts` exports it. */
export function addMetadata(key: string, value: unknown): boolean {
  const invocation = invocationFor('addMetadata');
  if (!invocation || typeof key !== 'string' || key === '' || key.length > MAX_METADATA_KEY_CHARS)
    return false;
  invocation.metadata[key] = value;
  return true;
}

/**
 * Bound the invocation's annotations and metadata in place, once, when its
 * record is completed (a value may change until then): every writer then
 * writes the same bounded value (see `fieldBounds.ts`). Each value on its own:
 * one that cannot be read becomes a marker, the others stay.
 *
 * @example
 * boundUserFields(invocation); // invocation.metadata.blob: 'mmm…...[truncated from 5000000 chars]'
 */
export function boundUserFields(inv: Invocation): void {
  const { annotations, metadata } = inv;
  for (const key in annotations) {
    const value = annotations[key];
    if (typeof value === 'string') annotations[key] = boundText(value, MAX_TEXT_FIELD_CHARS);
  }
  for (const key in metadata) {
    const value = boundValue(metadata[key], MAX_METADATA_CHARS);
    if (value === undefined) delete metadata[key];
    else metadata[key] = value;
  }
}
