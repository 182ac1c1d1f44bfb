import {
  createContextKey,
  type Context as OtelContext,
  type Span,
  trace,
} from '@opentelemetry/api';
import type { Context } from 'aws-lambda';
import type { ColdStart } from './coldStart.js';
import type { LaterInput } from './events.js';
import type { StartInfo } from './lifecycle.js';
import type { DebugLines } from './logs/debugLines.js';
import { addValue, type MetricValues } from './metrics/record.js';
import type { ModelCallsRecord } from './modelCalls/record.js';
import type { PredictionSummary } from './predictions.js';
import type { ResourceUsage } from './resourceUsage.js';
import type { Sinks } from './sinks.js';
import { STATUS, type Status } from './status.js';
import type { StreamRecord } from './streaming.js';
import type { MetricUnit } from './telemetry.js';
import { activeContext } from './tracer.js';
import type { LateSpan } from './tracing/lateSpan.js';

/** X-Ray annotation values. */
export type AnnotationValue = string | number | boolean;

const INVOCATION = createContextKey('observed-inference invocation');

/** A stage that ended before anything made its span: the span is made and ended with its record. */
export interface LateStage {
  readonly span: LateSpan;
  /** `performance.now()` at its end. */
  readonly endPerf: number;
}

/**
 * The one record of one invocation, built once by the wrapper and read by
 * every writer (span, metrics, log). It lives in the OpenTelemetry context
 * (async local storage), never in module globals, so overlapping invocations
 * in one process never mix their telemetry; helpers (`stage()`, `annotate()`,
 * …) find it there, and through it the sinks of the observe() that began it.
 *
 * Its fields come in three groups: what is known at the start, what the
 * handler's helpers add while it runs, and how it ended, set once by the end.
 * All are declared here, so every record has the same shape.
 */
export class Invocation {
  // Known at the start.
  readonly sinks: Sinks;
  readonly event: unknown;
  readonly lambda: Context;
  /** `performance.now()` at wrapper start. */
  readonly startPerf: number;
  readonly start: StartInfo;
  readonly warmup: boolean;
  readonly span: Span;
  /** The context the handler runs in: the invocation span, and this record. */
  readonly context: OtelContext;
  /** The invocation's predictions are `<id>` (single) or `<id>#<index>` (batch). */
  readonly predictionId: string;
  /** The model input, hashed into `inputHash`. */
  input: unknown = undefined;
  inputHash: string | undefined = undefined;
  /** The body `input` is read from when the record is written after the response; undefined when it was read at the start. */
  laterInput: LaterInput | undefined = undefined;
  clientId: string | undefined = undefined;
  correlationId: string | undefined = undefined;
  /** On the first invocation of an on-demand environment: the cold start it waited for. */
  coldStart: ColdStart | undefined = undefined;
  /**
   * The process's CPU time at the start (one getrusage call: `resourceUsage.ts`);
   * written after the response, where the last invocation's work ended (`afterResponse.ts`).
   */
  readonly cpuStart: NodeJS.CpuUsage;

  // Added while the handler runs.
  readonly metrics = new Map<string, MetricValues>();
  /** Stages whose spans are made after the response (`stage.ts`), in the order they ended. */
  lateStages: LateStage[] | undefined = undefined;
  /** Summed duration per stage name, for the log's `stages`. */
  readonly stages: Record<string, number> = {};
  /** User annotations (indexed in X-Ray, also log fields). */
  readonly annotations: Record<string, AnnotationValue> = {};
  /** User metadata (span attributes, also log fields). */
  readonly metadata: Record<string, unknown> = {};
  /** The first input of this invocation that failed validation, and how many did. */
  invalidInput: { readonly field: string; readonly reason: string; count: number } | undefined =
    undefined;
  /** A response-streaming invocation: what it streamed. Undefined for a buffered response. */
  stream: StreamRecord | undefined = undefined;
  /** Model calls through `observeModelCalls()` clients; undefined until the first one (most invocations). */
  modelCalls: ModelCallsRecord | undefined = undefined;
  /** `log.debug()` lines held until the end; undefined until the first, null where they are written at once. */
  debugLines: DebugLines | null | undefined = undefined;
  /**
   * A Powertools `logMetrics` middleware runs after ours and flushes the
   * user's Metrics: the end leaves the flush to it (Middy only).
   */
  metricsFlushedAfter = false;

  // How it ended: set once, when telemetry is written (at the end, or early by the timeout).
  finished = false;
  status: Status = STATUS.Ok;
  /** What the handler returned. */
  result: unknown = undefined;
  /** Whether the handler threw (`error` can be anything, `undefined` included). */
  threw = false;
  /** What it threw, or the `InvocationTimeoutError` of a timeout. */
  error: unknown = undefined;
  latencyMs = 0;
  /** When it ended (epoch ms), set only where the record is written later than that (after the response). */
  endTime: number | undefined = undefined;
  /** The predictions read from the result; undefined when there were none to read. */
  summary: PredictionSummary | undefined = undefined;
  /** Undefined for warmup pings. */
  batch: number | undefined = undefined;
  /** The held DEBUG lines were written (the invocation went wrong). */
  debugFlushed = false;
  /** CPU time, peak memory and estimated cost, read as it ended. */
  usage: ResourceUsage | undefined = undefined;

  constructor(
    sinks: Sinks,
    event: unknown,
    lambda: Context,
    startPerf: number,
    start: StartInfo,
    warmup: boolean,
    span: Span,
    parent: OtelContext,
    cpuStart: NodeJS.CpuUsage = process.cpuUsage(),
  ) {
    this.sinks = sinks;
    this.event = event;
    this.lambda = lambda;
    this.startPerf = startPerf;
    this.cpuStart = cpuStart;
    this.start = start;
    this.warmup = warmup;
    this.span = span;
    // An unsampled invocation runs under its parent's span (see InvocationSpan.start): one context copy, not two.
    const withSpan = trace.getSpan(parent) === span ? parent : trace.setSpan(parent, span);
    this.context = withSpan.setValue(INVOCATION, this);
    this.predictionId = lambda.awsRequestId ?? crypto.randomUUID();
  }

  addMetric(name: string, unit: MetricUnit, value: number): void {
    addValue(this.metrics, name, unit, value);
  }

  addLateStage(stage: LateStage): void {
    if (this.lateStages) this.lateStages.push(stage);
    else this.lateStages = [stage];
  }

  addStage(name: string, ms: number): void {
    this.stages[name] = (this.stages[name] ?? 0) + ms;
  }
}

/**
 * The invocation the caller runs in, while its record is still open: undefined
 * outside any observed invocation, and once the record was written (after a
 * timeout the handler may still run).
 */
export function currentInvocation(): Invocation | undefined {
  const invocation = activeContext().getValue(INVOCATION) as Invocation | undefined;
  return invocation?.finished === false ? invocation : undefined;
}
