import {
  context,
  createContextKey,
  type Context as OtelContext,
  type Span,
} from '@opentelemetry/api';
import type { Facts } from './ending.js';
import type { StartInfo } from './lifecycle.js';
import { addValue, type MetricValues } from './metrics/record.js';
import type { MetricUnit } from './telemetry.js';

/** X-Ray annotation values. */
export type AnnotationValue = string | number | boolean;

/**
 * The state of one invocation. It lives in the OpenTelemetry context (async
 * local storage), never in module globals, so overlapping invocations in one
 * process never mix their telemetry.
 */
export class Invocation {
  /** `performance.now()` at wrapper start. */
  readonly startPerf: number;
  readonly span: Span;
  readonly start: StartInfo;
  readonly warmup: boolean;
  readonly metrics = new Map<string, MetricValues>();
  /** Summed duration per stage name, for the log's `stages`. */
  readonly stages: Record<string, number> = {};
  /** User annotations (indexed in X-Ray, also log fields). */
  readonly annotations: Record<string, AnnotationValue> = {};
  /** User metadata (span attributes, also log fields). */
  readonly metadata: Record<string, unknown> = {};
  /** The first input of this invocation that failed validation, and how many did. */
  invalidInput: { readonly field: string; readonly reason: string; count: number } | undefined;
  /** Set once telemetry was written (at the end, or early by the timeout). */
  finished = false;
  /**
   * What begin() gathered for the end (event, context, input, ids); a field
   * rather than a WeakMap entry, which costs about a µs per invocation in
   * ephemeron bookkeeping and GC.
   */
  facts: Facts | undefined = undefined;

  constructor(startPerf: number, span: Span, start: StartInfo, warmup: boolean) {
    this.startPerf = startPerf;
    this.span = span;
    this.start = start;
    this.warmup = warmup;
  }

  addMetric(name: string, unit: MetricUnit, value: number): void {
    addValue(this.metrics, name, unit, value);
  }

  addStage(name: string, ms: number): void {
    this.stages[name] = (this.stages[name] ?? 0) + ms;
  }
}

const INVOCATION = createContextKey('observed-inference invocation');

/** The invocation the caller runs in, if any. */
export function currentInvocation(): Invocation | undefined {
  return context.active().getValue(INVOCATION) as Invocation | undefined;
}

/** A context carrying `invocation`. */
export function withInvocation(ctx: OtelContext, invocation: Invocation): OtelContext {
  return ctx.setValue(INVOCATION, invocation);
}
