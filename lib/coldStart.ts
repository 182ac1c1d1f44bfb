import { type Context as OtelContext, trace } from '@opentelemetry/api';
import { LOADED_AT_MS } from './clock.js';
import type { Invocation } from './invocation.js';
import { lifecycle } from './lifecycle.js';
import { recordLoad } from './loadModel.js';
import { ATTR, SPAN } from './telemetry.js';

/**
 * What happened before this invocation, on its record: on a cold start the
 * `cold start` span (library load → now) with the model loads of init inside
 * it; otherwise the loads that ran outside any invocation since the last one,
 * under the invocation span. The first invocation of an environment also
 * collects the init loads still running when it began.
 *
 * @example
 * recordBeforeInvocation(invocation, epochMs());
 */
export function recordBeforeInvocation(inv: Invocation, nowMs: number): void {
  const { start } = inv;
  const initContext = start.coldStart ? recordColdStart(inv, nowMs) : inv.context;
  if (!start.coldStart) reportLoads(inv, inv.context);
  if (start.first) {
    lifecycle.openFirstInvocation(nowMs, (load) => recordLoad(inv, load, initContext));
  }
}

/** The cold start span with the loads that ran during init inside it; returns its context. */
function recordColdStart(inv: Invocation, nowMs: number): OtelContext {
  const cold = inv.sinks.tracer.startSpan(SPAN.coldStart, { startTime: LOADED_AT_MS }, inv.context);
  cold.setAttribute(ATTR.StartType, inv.start.type);
  const coldContext = trace.setSpan(inv.context, cold);
  reportLoads(inv, coldContext);
  cold.end(nowMs);
  return coldContext;
}

/** Loads that ran outside any invocation: spans under `parent`, metrics on this record. */
function reportLoads(inv: Invocation, parent: OtelContext): void {
  for (const load of lifecycle.takePendingLoads()) recordLoad(inv, load, parent);
}
