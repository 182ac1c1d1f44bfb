import { SpanStatusCode, trace } from '@opentelemetry/api';
import { roundMs } from './clock.js';
import { MAX_STAGE_METRICS, MAX_STAGE_NAME_CHARS } from './contract/limits.js';
import { asException, describeError } from './errors.js';
import { currentInvocation, type Invocation } from './invocation.js';
import { OTHER_LABEL, stageMetricName, UNIT } from './telemetry.js';
import { activeContext, runInContext } from './tracer.js';

/**
 * What each stage name is recorded as: its own `<Stage>Duration` metric and
 * log key for the first MAX_STAGE_METRICS names of this environment, `other`
 * after that, so names built from data cannot make a metric per value.
 */
const recorded = new Map<string, { readonly key: string; readonly metric: string }>();
const OTHER = { key: OTHER_LABEL, metric: stageMetricName(OTHER_LABEL) };

function recordedAs(name: string): { readonly key: string; readonly metric: string } {
  let as = recorded.get(name);
  if (as === undefined) {
    as = recorded.size < MAX_STAGE_METRICS ? { key: name, metric: stageMetricName(name) } : OTHER;
    // Past the cap the map stops growing: every later new name is `other` anyway.
    if (as !== OTHER) recorded.set(name, as);
  }
  return as;
}

/** A stage name cut to MAX_STAGE_NAME_CHARS (span names, metric names and log keys). */
function bounded(name: unknown): string {
  // From JavaScript a name may be anything: a number reads as itself, the rest as `stage`.
  const text = typeof name === 'string' ? name : typeof name === 'number' ? String(name) : 'stage';
  return text.length > MAX_STAGE_NAME_CHARS ? text.slice(0, MAX_STAGE_NAME_CHARS) : text;
}

/**
 * Public; documented where `index.ts` exports it. Outside an observed
 * invocation (at init, or after a timeout wrote the record) it only runs
 * `fn`: a span there would belong to no trace anyone exports.
 */
export function stage<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  let invocation: Invocation | undefined;
  try {
    invocation = currentInvocation();
  } catch {
    // Never the user's problem: the stage still runs, unrecorded.
  }
  if (!invocation) return settle(fn);
  const stageName = bounded(name);
  // An invocation that is not recorded records nothing under it: no span, and no context to switch to.
  return invocation.span.isRecording()
    ? traced(invocation, stageName, fn)
    : timed(invocation, stageName, fn);
}

/** `fn`'s value or throw as a promise, as an async function would give it. */
function settle<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}

async function traced<T>(
  invocation: Invocation,
  stageName: string,
  fn: () => T | Promise<T>,
): Promise<T> {
  // One read of the active context for both: startSpan would look it up through the API again.
  const parent = activeContext();
  const span = invocation.sinks.tracer.startSpan(stageName, undefined, parent);
  const startPerf = performance.now();
  try {
    return await runInContext(trace.setSpan(parent, span), fn);
  } catch (error) {
    span.recordException(asException(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error).message });
    throw error;
  } finally {
    const ms = performance.now() - startPerf;
    span.end();
    addStage(invocation, stageName, ms);
  }
}

/**
 * A stage of an invocation that is not traced: its duration only. Not an
 * async function: a synchronous `fn` (most stages) costs no await.
 */
function timed<T>(invocation: Invocation, stageName: string, fn: () => T | Promise<T>): Promise<T> {
  const startPerf = performance.now();
  let result: T | Promise<T>;
  try {
    result = fn();
  } catch (error) {
    addStage(invocation, stageName, performance.now() - startPerf);
    return Promise.reject(error);
  }
  if (!isThenable(result)) {
    addStage(invocation, stageName, performance.now() - startPerf);
    return Promise.resolve(result);
  }
  const done = () => addStage(invocation, stageName, performance.now() - startPerf);
  return Promise.resolve(result).then(
    (value) => {
      done();
      return value;
    },
    (error: unknown) => {
      done();
      throw error;
    },
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The stage's duration in the log's `stages` and as its metric, unless the record was written already. */
function addStage(invocation: Invocation, stageName: string, ms: number): void {
  if (invocation.finished) return;
  const as = recordedAs(stageName);
  invocation.addStage(as.key, ms);
  invocation.addMetric(as.metric, UNIT.Milliseconds, roundMs(ms));
}
