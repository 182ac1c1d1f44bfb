import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { roundMs } from './clock.js';
import { asException, describeError } from './errors.js';
import { currentInvocation } from './invocation.js';
import { stageMetricName, UNIT } from './telemetry.js';

/** Metric names by stage name; stage names are few, so the map stays small. */
const metricNames = new Map<string, string>();
const MAX_CACHED_NAMES = 256;

function metricNameOf(stage: string): string {
  let name = metricNames.get(stage);
  if (name === undefined) {
    name = stageMetricName(stage);
    if (metricNames.size < MAX_CACHED_NAMES) metricNames.set(stage, name);
  }
  return name;
}

/**
 * Public; documented where `index.ts` exports it. Outside an observed
 * invocation (at init, or after a timeout wrote the record) it only runs
 * `fn`: a span there would belong to no trace anyone exports.
 */
export async function stage<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const invocation = currentInvocation();
  if (!invocation) return fn();
  const span = invocation.sinks.tracer.startSpan(name);
  const startPerf = performance.now();
  try {
    return await context.with(trace.setSpan(context.active(), span), fn);
  } catch (error) {
    span.recordException(asException(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error).message });
    throw error;
  } finally {
    const ms = performance.now() - startPerf;
    span.end();
    if (!invocation.finished) {
      invocation.addStage(name, ms);
      invocation.addMetric(metricNameOf(name), UNIT.Milliseconds, roundMs(ms));
    }
  }
}
