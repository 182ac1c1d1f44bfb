import { type Context as OtelContext, trace } from '@opentelemetry/api';
import { LOADED_AT_MS, roundMs } from './clock.js';
import type { Invocation } from './invocation.js';
import { lifecycle, type ModelLoadRecord } from './lifecycle.js';
import { recordLoad } from './loadModel.js';
import { ATTR, SPAN } from './telemetry.js';

/**
 * The cold start of an on-demand environment, as its first request lived it:
 * from library load until that invocation's model was ready. Its parts:
 * `init` (library load → the invocation began) and the model loads of init,
 * the last of which may end while the invocation already runs (a handler
 * awaiting a model that init started); the request waited for both.
 */
export class ColdStart {
  /** Where `cold start` hangs: beside the invocation span, under the same parent. */
  readonly parent: OtelContext;
  /** When the first invocation began (epoch ms): the end of `init`. */
  readonly invokedMs: number;
  /** Loads of init, finished before the invocation or while it ran. */
  readonly loads: ModelLoadRecord[];
  /** When the last model load the invocation saw finish ended (epoch ms), else `invokedMs`. */
  readyMs: number;

  constructor(parent: OtelContext, invokedMs: number, loads: ModelLoadRecord[]) {
    this.parent = parent;
    this.invokedMs = invokedMs;
    this.loads = loads;
    this.readyMs = invokedMs;
  }

  /** A model load finished at `endMs` while the first invocation ran. */
  modelReady(endMs: number): void {
    if (endMs > this.readyMs) this.readyMs = endMs;
  }

  /** Library load → model ready: `ColdStartDuration`, `cold_start_ms`. */
  get durationMs(): number {
    return roundMs(this.readyMs - LOADED_AT_MS);
  }

  /** Library load → invocation start: `init_ms`. */
  get initMs(): number {
    return roundMs(this.invokedMs - LOADED_AT_MS);
  }

  /** Invocation start → model ready: what the request waited for its model after init, `model_wait_ms`. */
  get modelWaitMs(): number {
    return roundMs(this.readyMs - this.invokedMs);
  }
}

/**
 * What happened before this invocation, on its record. On a cold start the
 * record gets a {@link ColdStart} that collects the loads of init (those
 * still running report to it when they end) until {@link endColdStart}
 * draws it. On another first invocation (provisioned, proactive) the init
 * loads go under the invocation span as they end; on later ones the loads
 * that ran outside any invocation since the last one do.
 *
 * @example
 * recordBeforeInvocation(invocation, parent, epochMs());
 */
export function recordBeforeInvocation(inv: Invocation, parent: OtelContext, nowMs: number): void {
  const { start } = inv;
  if (start.coldStart) {
    // Beside the invocation span when it has a parent (the Lambda function segment,
    // as Lambda's own Initialization and Invocation are); inside it when it is the trace's root.
    const where = trace.getSpan(parent) ? parent : inv.context;
    // Loads that ended during init are parts of it; they leave `readyMs` at `nowMs`.
    const cold = new ColdStart(where, nowMs, [...lifecycle.takePendingLoads()]);
    inv.coldStart = cold;
    lifecycle.openFirstInvocation(nowMs, (load) => {
      cold.loads.push(load);
      cold.modelReady(load.endMs);
    });
    return;
  }
  reportLoads(inv, inv.context);
  if (start.first)
    lifecycle.openFirstInvocation(nowMs, (load) => recordLoad(inv, load, inv.context));
}

/**
 * The first invocation ends: init loads still running now report to the next
 * record, and on a cold start the tree is drawn with the times the record
 * holds: `cold start` (library load → model ready) with `init` and the
 * loads of init inside it, so no part outlasts it.
 *
 * @example
 * if (invocation.start.first) endColdStart(invocation);
 */
export function endColdStart(inv: Invocation): void {
  lifecycle.closeFirstInvocation();
  const cold = inv.coldStart;
  if (!cold) return;
  // Started like the invocation span (its sibling under the same parent) by the
  // observe()'s root tracer, so an observe() with traces off records none of it.
  const { rootTracer, tracer } = inv.sinks;
  const span = rootTracer.startSpan(SPAN.coldStart, { startTime: LOADED_AT_MS }, cold.parent);
  span.setAttribute(ATTR.StartType, inv.start.type);
  const inside = trace.setSpan(cold.parent, span);
  tracer.startSpan(SPAN.init, { startTime: LOADED_AT_MS }, inside).end(cold.invokedMs);
  for (const load of cold.loads) recordLoad(inv, load, inside);
  span.end(cold.readyMs);
}

/** Loads that ran outside any invocation: spans under `parent`, metrics on this record. */
function reportLoads(inv: Invocation, parent: OtelContext): void {
  for (const load of lifecycle.takePendingLoads()) recordLoad(inv, load, parent);
}
