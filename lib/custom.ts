import { currentInvocation } from './invocation.js';
import { flushRuntimes } from './runtime.js';
import { DIMENSION } from './telemetry.js';

/** The units CloudWatch accepts; anything else would make the whole EMF record invalid. */
const CLOUDWATCH_UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

/** Keys a custom metric may not take: EMF would see them as both a metric and a dimension/property. */
const RESERVED_KEYS = new Set<string>([
  DIMENSION.Service,
  DIMENSION.ModelName,
  DIMENSION.ModelVersion,
  'function_request_id',
  'xray_trace_id',
  '_aws',
]);
const ANNOTATION_KEY = /^[A-Za-z0-9_]{1,500}$/;

/**
 * Add a custom metric value to the current invocation's EMF record (same
 * dimensions as the built-in metrics). Returns false, and records nothing,
 * outside an observed invocation or for an invalid name, value or unit.
 *
 * @example
 * addMetric('FeatureCacheHits', 3, 'Count');
 */
export function addMetric(name: string, value: number, unit = 'None'): boolean {
  const invocation = currentInvocation();
  if (!invocation || invocation.finished) return false;
  if (typeof name !== 'string' || name.length < 1 || name.length > 255 || RESERVED_KEYS.has(name))
    return false;
  if (!Number.isFinite(value) || !CLOUDWATCH_UNITS.has(unit)) return false;
  invocation.addMetric(name, unit as 'None', value);
  return true;
}

/**
 * Add an indexed X-Ray annotation (filterable: `annotation.<key> = value`) to
 * the current invocation's span; it is also a field of the log line. Keys are
 * letters, digits and `_`. Returns false outside an invocation or for an invalid key.
 *
 * @example
 * annotate('tenant', 'acme');
 */
export function annotate(key: string, value: string | number | boolean): boolean {
  const invocation = currentInvocation();
  if (!invocation || invocation.finished || !ANNOTATION_KEY.test(key)) return false;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
    return false;
  invocation.annotations[key] = value;
  return true;
}

/**
 * Add a non-indexed attribute to the current invocation: X-Ray metadata and a
 * field of the log line. Returns false outside an invocation.
 *
 * @example
 * addMetadata('feature_vector_size', 42);
 */
export function addMetadata(key: string, value: unknown): boolean {
  const invocation = currentInvocation();
  if (!invocation || invocation.finished || typeof key !== 'string' || key === '') return false;
  invocation.metadata[key] = value;
  return true;
}

/**
 * Send everything buffered (PutMetricData, PutTraceSegments) and wait for it:
 * for non-Lambda use (scripts, containers, tests) before the process exits.
 * In Lambda there is nothing to flush: each invocation's telemetry is written
 * before its response. A process that ends without it is flushed on
 * `beforeExit`; `process.exit()` skips that, so call this first. Never rejects.
 *
 * @example
 * await flush();
 */
export async function flush(): Promise<void> {
  await flushRuntimes();
}
