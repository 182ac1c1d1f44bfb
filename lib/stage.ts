import {
  type Context as OtelContext,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { roundMs } from './clock.js';
import { MAX_STAGE_METRICS, MAX_STAGE_NAME_CHARS } from './contract/limits.js';
import { asException, describeError } from './errors.js';
import { currentInvocation, type Invocation } from './invocation.js';
import { OTHER_LABEL, stageMetricName, UNIT } from './telemetry.js';
import { activeContext, runInContext } from './tracer.js';
import { LateSpan } from './tracing/lateSpan.js';

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
  if (!invocation.span.isRecording()) return timed(invocation, stageName, fn);
  // One read of the active context for both: startSpan would look it up through the API again.
  const parent = activeContext();
  const active = trace.getSpan(parent);
  return traced(invocation, stageName, fn, parent, active instanceof LateSpan && !active.made);
}

/** `fn`'s value or throw as a promise, as an async function would give it. */
function settle<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * One recorded stage: what its end needs. One object rather than closures:
 * a stage runs in the response, where each closure made costs.
 */
class StageRun {
  constructor(
    readonly invocation: Invocation,
    readonly name: string,
    readonly startPerf: number,
    /** Its span; undefined for an invocation not traced. */
    readonly span: Span | undefined,
    /** The same span when it is late (made with the record unless asked for sooner). */
    readonly lateSpan: LateSpan | undefined,
  ) {}
}

/**
 * `fn`'s value or throw as a promise, in its span's context under `parent`
 * when traced, with the stage ended once as it settles; a failure of that
 * end (ours) is contained. Not an async function: a synchronous stage (most
 * are) settles without an await.
 */
function runStage<T>(
  stage: StageRun,
  fn: () => T | Promise<T>,
  parent: OtelContext | undefined,
): Promise<T> {
  let result: T | Promise<T>;
  try {
    const { span } = stage;
    result = span && parent ? runInContext(trace.setSpan(parent, span), fn) : fn();
  } catch (error) {
    endStage(stage, true, error);
    return Promise.reject(error);
  }
  if (!isThenable(result)) {
    endStage(stage, false, undefined);
    return Promise.resolve(result);
  }
  return Promise.resolve(result).then(
    (value) => {
      endStage(stage, false, undefined);
      return value;
    },
    (error: unknown) => {
      endStage(stage, true, error);
      throw error;
    },
  );
}

/**
 * A stage's end: a failure on its span, the span ended at the time the
 * duration is taken from (a late span not made yet is made with the record,
 * unless a timeout wrote the record already: it then leaves with the next
 * trace), and the duration recorded.
 */
function endStage(stage: StageRun, failed: boolean, error: unknown): void {
  const { invocation, span } = stage;
  try {
    if (failed && span) recordFailure(span, error);
    const endPerf = performance.now();
    const { lateSpan } = stage;
    if (lateSpan && !lateSpan.made && !invocation.finished)
      invocation.addLateStage({ span: lateSpan, endPerf });
    else span?.end(endPerf);
    addStage(invocation, stage.name, endPerf - stage.startPerf);
  } catch (ours) {
    invocation.sinks.containment.report('stage', ours);
  }
}

/** A failed stage's span: its exception and ERROR status. */
function recordFailure(span: Span, error: unknown): void {
  span.recordException(asException(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error).message });
}

/** A stage's span under a span not made yet: made with the record, or when something asks for it. */
class LateStageSpan extends LateSpan {
  constructor(
    readonly tracer: Tracer,
    readonly stageName: string,
    readonly startPerf: number,
    readonly parent: OtelContext,
  ) {
    // Under a recording parent only (stage() takes this path then).
    super(true);
  }

  protected make(): Span {
    return this.tracer.startSpan(this.stageName, { startTime: this.startPerf }, this.parent);
  }
}

/**
 * A stage with a span, in its span's context. Under a span not made yet (a
 * record written after the response: `late`) its span is a {@link LateSpan}
 * too, made with the invocation's record unless something inside the stage
 * asks for it sooner (a span of its own, a model call, a log line); a
 * failure makes it at once. Either way the span starts and ends at the
 * times the stage's duration is taken from.
 */
function traced<T>(
  invocation: Invocation,
  stageName: string,
  fn: () => T | Promise<T>,
  parent: OtelContext,
  late: boolean,
): Promise<T> {
  const { tracer } = invocation.sinks;
  const startPerf = performance.now();
  const lateSpan = late ? new LateStageSpan(tracer, stageName, startPerf, parent) : undefined;
  const span = lateSpan ?? tracer.startSpan(stageName, { startTime: startPerf }, parent);
  const stage = new StageRun(invocation, stageName, startPerf, span, lateSpan);
  return runStage(stage, fn, parent);
}

/**
 * The spans of the stages that ended before anything made them, made and
 * ended now with their own times, in the order they ended (a stage's
 * parent is made with it, if nothing made it yet).
 */
export function endLateStages(invocation: Invocation): void {
  const stages = invocation.lateStages;
  invocation.lateStages = undefined;
  if (stages) for (const { span, endPerf } of stages) span.end(endPerf);
}

/** A stage of an invocation that is not traced: its duration only. */
function timed<T>(invocation: Invocation, stageName: string, fn: () => T | Promise<T>): Promise<T> {
  const stage = new StageRun(invocation, stageName, performance.now(), undefined, undefined);
  return runStage(stage, fn, undefined);
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
