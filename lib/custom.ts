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

/** Public; documented where `index.ts` exports it. */
export function addMetric(name: string, value: number, unit = 'None'): boolean {
  const invocation = currentInvocation();
  if (!invocation || invocation.finished) return false;
  if (typeof name !== 'string' || name.length < 1 || name.length > 255 || RESERVED_KEYS.has(name))
    return false;
  if (!Number.isFinite(value) || !CLOUDWATCH_UNITS.has(unit)) return false;
  invocation.addMetric(name, unit as 'None', value);
  return true;
}

/** Public; documented where `index.ts` exports it. */
export function annotate(key: string, value: string | number | boolean): boolean {
  const invocation = currentInvocation();
  if (!invocation || invocation.finished || !ANNOTATION_KEY.test(key)) return false;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
    return false;
  invocation.annotations[key] = value;
  return true;
}

/** Public; documented where `index.ts` exports it. */
export function addMetadata(key: string, value: unknown): boolean {
  const invocation = currentInvocation();
  if (!invocation || invocation.finished || typeof key !== 'string' || key === '') return false;
  invocation.metadata[key] = value;
  return true;
}

/** Public; documented where `index.ts` exports it. */
export async function flush(): Promise<void> {
  await flushRuntimes();
}
