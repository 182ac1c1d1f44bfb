import { type Context as OtelContext, SpanKind, trace } from '@opentelemetry/api';
import type { Context } from 'aws-lambda';
import { epochMs, LOADED_AT_MS, roundMs } from './clock.js';
import { contain } from './containment.js';
import { createDriftHook, type DriftHook } from './drift/hook.js';
import type { Ending, Facts, Outcome } from './ending.js';
import {
  defaultClientId,
  defaultCorrelationId,
  defaultInput,
  defaultIsClientError,
  defaultIsWarmup,
  isServerErrorResponse,
} from './events.js';
import { type InputRejection, recordInvalidInput, rejectionOf } from './invalidInput.js';
import { Invocation, withInvocation } from './invocation.js';
import { LabelMix } from './labelMix.js';
import { lifecycle } from './lifecycle.js';
import { recordLoad } from './loadModel.js';
import { writeLogRecord } from './logRecord.js';
import { rememberPredictions } from './outcomes.js';
import { inputHash } from './payload.js';
import { defaultPredictions, type PredictionSummary, summarise } from './predictions.js';
import type { Runtime } from './runtime.js';
import { setOutcomeStatus, setPredictionAttributes, setUserAttributes } from './spanOutcome.js';
import { ATTR, DIMENSION, METRIC, METRIC_UNIT, SPAN } from './telemetry.js';
import { toXRayTraceId } from './tracing/xrayDocument.js';
import type { ObserveOptions, Prediction } from './types.js';

/** What begin() hands to the wrapper. */
export interface Started {
  readonly invocation: Invocation;
  readonly ctx: OtelContext;
}

/**
 * The work of one observe() call around each invocation: begin (span, cold
 * start, timeout watch) and end (predictions, span, EMF record, log line,
 * trace export). Every step is contained: our failure never reaches the handler.
 */
export class Observation<TEvent, TResult> {
  readonly #rt: Runtime;
  readonly #options: ObserveOptions<TEvent, TResult>;
  readonly #spanName: string;
  readonly #dimensions: Readonly<Record<string, string>>;
  readonly #staticAttributes: Record<string, string | number>;
  readonly #drift: DriftHook | undefined;
  /** Made at the first prediction, when a baseline's labels may be known. */
  #labels: LabelMix | undefined;

  constructor(runtime: Runtime, options: ObserveOptions<TEvent, TResult>) {
    this.#rt = runtime;
    this.#options = options;
    const { config } = runtime;
    this.#drift = contain(runtime.containment, 'drift setup', undefined, () =>
      createDriftHook(config, options as ObserveOptions<never, never>, runtime.log),
    );
    this.#spanName = SPAN.inference(config.model.name);
    this.#dimensions = {
      [DIMENSION.Service]: config.serviceName,
      [DIMENSION.ModelName]: config.model.name,
      [DIMENSION.ModelVersion]: config.model.version,
    };
    this.#staticAttributes = {
      [ATTR.ModelName]: config.model.name,
      [ATTR.ModelVersion]: config.model.version,
      'faas.name': config.functionName,
      'faas.version': config.functionVersion,
      ...(config.region ? { 'cloud.region': config.region } : {}),
      ...(config.memoryMb ? { 'faas.max_memory': config.memoryMb * 1024 * 1024 } : {}),
    };
  }

  #call<T>(area: string, fallback: T, fn: () => T): T {
    return contain(this.#rt.containment, area, fallback, fn);
  }

  /** Start an invocation; undefined if our own code failed (the handler then runs bare). */
  begin(event: TEvent, lambda: Context): Started | undefined {
    return this.#call('invocation start', undefined, () => this.#begin(event, lambda));
  }

  #begin(event: TEvent, lambda: Context): Started {
    const startPerf = performance.now();
    const nowMs = epochMs();
    const { config, tracing } = this.#rt;
    const start = lifecycle.begin(config, nowMs);
    const warmup = this.#isWarmup(event);
    const parent = tracing.parentContext(event, lambda);
    const span = tracing.tracer.startSpan(
      warmup ? SPAN.warmup : this.#spanName,
      { kind: SpanKind.SERVER, attributes: this.#staticAttributes },
      parent,
    );
    span.setAttribute('faas.invocation_id', lambda.awsRequestId);
    span.setAttribute('faas.coldstart', start.coldStart);
    if (start.first) span.setAttribute(ATTR.StartType, start.type);
    if (warmup) span.setAttribute(ATTR.Warmup, true);
    const invocation = new Invocation(startPerf, span, start, warmup);
    const ctx = withInvocation(trace.setSpan(parent, span), invocation);
    const initCtx = start.coldStart ? this.#recordColdStart(ctx, invocation, nowMs) : ctx;
    if (!start.coldStart) this.#reportLoads(invocation, ctx);
    if (start.first) {
      const tracer = this.#rt.tracing.tracer;
      lifecycle.openFirstInvocation(nowMs, (load) => recordLoad(tracer, invocation, load, initCtx));
    }
    const input = this.#call('input', undefined, () =>
      (this.#options.input ?? defaultInput)(event),
    );
    const f: Facts = {
      event,
      lambda,
      input,
      inputHash: this.#call('input hash', undefined, () => inputHash(input)),
      predictionId: lambda.awsRequestId ?? crypto.randomUUID(),
      clientId: this.#call('clientId', undefined, () =>
        (this.#options.clientId ?? defaultClientId)(event, lambda),
      ),
      correlationId: this.#call('correlationId', undefined, () =>
        (this.#options.correlationId ?? defaultCorrelationId)(event, lambda),
      ),
      timer: undefined,
    };
    invocation.facts = f;
    f.timer = this.#watchTimeout(invocation, lambda);
    return { invocation, ctx };
  }

  #isWarmup(event: TEvent): boolean {
    const warmup = this.#options.warmup;
    if (warmup === false) return false;
    const detect = warmup?.detect ?? defaultIsWarmup;
    return this.#call('warmup detection', false, () => detect(event));
  }

  /** The warmup answer when the user asked to short-circuit pings. */
  warmupResponse(event: TEvent): { value: unknown } | undefined {
    const respond = this.#options.warmup ? this.#options.warmup.respond : undefined;
    return respond ? { value: respond(event) } : undefined;
  }

  /** The cold start span (library load → now) with the loads that ran during init inside it; returns its context. */
  #recordColdStart(ctx: OtelContext, invocation: Invocation, nowMs: number): OtelContext {
    const tracer = this.#rt.tracing.tracer;
    const cold = tracer.startSpan(SPAN.coldStart, { startTime: LOADED_AT_MS }, ctx);
    cold.setAttribute(ATTR.StartType, invocation.start.type);
    const coldCtx = trace.setSpan(ctx, cold);
    this.#reportLoads(invocation, coldCtx);
    cold.end(nowMs);
    return coldCtx;
  }

  /** Loads that ran outside any invocation: spans under `parent`, metrics on this record. */
  #reportLoads(invocation: Invocation, parent: OtelContext): void {
    for (const load of lifecycle.takePendingLoads()) {
      recordLoad(this.#rt.tracing.tracer, invocation, load, parent);
    }
  }

  #watchTimeout(invocation: Invocation, lambda: Context): NodeJS.Timeout | undefined {
    if (typeof lambda.getRemainingTimeInMillis !== 'function') return undefined;
    const remaining = lambda.getRemainingTimeInMillis();
    if (!(remaining > 0)) return undefined;
    const margin = Math.min(this.#rt.config.timeoutMarginMs, remaining / 2);
    const timer = setTimeout(() => {
      void this.#finish(invocation, { timedOut: true });
    }, remaining - margin);
    timer.unref();
    return timer;
  }

  /** Record the outcome and write all telemetry; resolves when the trace is sent. Never rejects. */
  async end(invocation: Invocation, outcome: Outcome): Promise<void> {
    const f = invocation.facts;
    if (f?.timer) clearTimeout(f.timer);
    await this.#finish(invocation, outcome);
  }

  async #finish(invocation: Invocation, outcome: Outcome): Promise<void> {
    if (invocation.finished) return;
    invocation.finished = true;
    if (invocation.start.first) lifecycle.closeFirstInvocation();
    const f = invocation.facts;
    if (!f) return;
    const latencyMs = performance.now() - invocation.startPerf;
    const summary = invocation.warmup ? undefined : this.#summarise(outcome, f);
    const batch = invocation.warmup ? undefined : this.#batchSize(outcome, f, summary);
    const rejection = this.#call('invalid input', undefined, () =>
      this.#rejection(invocation, outcome),
    );
    const clientError =
      !invocation.warmup && (rejection !== undefined || this.#isClientError(outcome));
    const ending: Ending = { inv: invocation, outcome, f, summary, batch, latencyMs, clientError };
    const drift = this.#drift;
    if (drift && summary)
      this.#call('drift', undefined, () =>
        drift.record(invocation, f.input, f.event, summary.list),
      );
    if (summary)
      this.#call('remember', undefined, () =>
        rememberPredictions(f.predictionId, f.inputHash, summary.list),
      );
    this.#call('span', undefined, () => this.#endSpan(ending));
    this.#call('metrics', undefined, () => this.#publishMetrics(ending));
    this.#call('log', undefined, () => writeLogRecord(ending, this.#rt.config, this.#rt.log));
    await this.#rt.tracing.exportTrace(invocation.span.spanContext().traceId);
  }

  #summarise(outcome: Outcome, f: Facts): PredictionSummary | undefined {
    if (outcome.error !== undefined || outcome.timedOut) return undefined;
    const read = this.#options.predictions as
      | ((r: unknown, e: unknown) => ReturnType<NonNullable<ObserveOptions['predictions']>>)
      | undefined;
    const found = this.#call('predictions', undefined, () =>
      read ? read(outcome.result, f.event) : defaultPredictions(outcome.result),
    );
    if (!found) return undefined;
    const list: readonly Prediction[] = Array.isArray(found) ? found : [found as Prediction];
    if (list.length === 0) return undefined;
    const summary = summarise(list, this.#rt.config.lowConfidence);
    const count = this.#options.abstentions as
      | ((r: unknown, e: unknown) => number | boolean | undefined)
      | undefined;
    if (!count) return summary;
    const n = this.#call('abstentions', undefined, () => count(outcome.result, f.event));
    const abstentions = n === true ? 1 : typeof n === 'number' && n >= 0 ? Math.floor(n) : 0;
    return { ...summary, abstentions };
  }

  /** A thrown InvalidInputError, counted unless the handler already rejected that field. */
  #rejection(invocation: Invocation, outcome: Outcome): InputRejection | undefined {
    const rejection = outcome.error === undefined ? undefined : rejectionOf(outcome.error);
    if (rejection && invocation.invalidInput?.field !== rejection.field)
      recordInvalidInput(invocation, rejection);
    return rejection;
  }

  #labelMix(): LabelMix {
    this.#labels ??= new LabelMix(this.#rt.config.labels ?? this.#drift?.labels);
    return this.#labels;
  }

  #batchSize(outcome: Outcome, f: Facts, summary: PredictionSummary | undefined): number {
    const custom = this.#options.batchSize as ((e: unknown, r: unknown) => number) | undefined;
    const n = custom
      ? this.#call('batchSize', undefined, () => custom(f.event, outcome.result))
      : undefined;
    return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : (summary?.count ?? 1);
  }

  #isClientError(outcome: Outcome): boolean {
    if (outcome.error !== undefined || outcome.timedOut) return false;
    const custom = this.#options.clientError as ((r: unknown) => boolean) | undefined;
    return this.#call('clientError', false, () => (custom ?? defaultIsClientError)(outcome.result));
  }

  #endSpan({ inv, outcome, f, summary, batch, clientError }: Ending): void {
    const span = inv.span;
    if (f.inputHash) span.setAttribute(ATTR.InputHash, f.inputHash);
    if (summary) span.setAttribute(ATTR.PredictionId, f.predictionId);
    if (f.clientId) span.setAttribute(ATTR.ClientId, f.clientId);
    if (f.correlationId) span.setAttribute(ATTR.CorrelationId, f.correlationId);
    if (batch !== undefined) span.setAttribute(ATTR.BatchSize, batch);
    if (summary) setPredictionAttributes(span, summary);
    if (inv.invalidInput) {
      span.setAttribute(ATTR.InvalidInputField, inv.invalidInput.field);
      span.setAttribute(ATTR.InvalidInputReason, inv.invalidInput.reason);
    }
    setUserAttributes(span, inv);
    setOutcomeStatus(span, outcome, clientError);
    span.end();
  }

  #publishMetrics({ inv, outcome, f, summary, batch = 1, latencyMs, clientError }: Ending): void {
    const sink = this.#rt.metrics;
    if (!sink) return;
    const add = (name: keyof typeof METRIC_UNIT, value: number) =>
      inv.addMetric(name, METRIC_UNIT[name], value);
    const { start } = inv;
    add(METRIC.ColdStart, start.coldStart ? 1 : 0);
    if (start.coldStart && start.initDurationMs !== undefined)
      add(METRIC.ColdStartDuration, roundMs(start.initDurationMs));
    if (inv.warmup) add(METRIC.WarmupPings, 1);
    else {
      add(METRIC.InferenceLatency, roundMs(latencyMs));
      add(METRIC.Errors, outcome.error !== undefined && !clientError ? 1 : 0);
      if (outcome.timedOut) add(METRIC.Timeouts, 1);
      add(METRIC.BatchSize, batch);
      add(METRIC.Predictions, summary?.count ?? (answered(outcome) && !clientError ? batch : 0));
      if (summary) {
        for (const c of summary.confidences) add(METRIC.Confidence, c);
        if (summary.confidences.length > 0) add(METRIC.LowConfidence, summary.lowConfidence);
        if (summary.abstentions > 0) add(METRIC.Abstentions, summary.abstentions);
        this.#labelMix().record(inv, summary.list);
      }
      if (inv.invalidInput) add(METRIC.InvalidInputs, inv.invalidInput.count);
    }
    const telemetryErrors = this.#rt.containment.take();
    if (telemetryErrors > 0) add(METRIC.TelemetryErrors, telemetryErrors);
    const traceId = inv.span.spanContext().traceId;
    sink.publish({
      dimensions: this.#dimensions,
      metrics: inv.metrics,
      metadata: {
        function_request_id: f.lambda.awsRequestId,
        xray_trace_id: toXRayTraceId(traceId),
      },
      timestamp: Date.now(),
    });
  }
}

/** The handler returned a result that is not a server error (it may still hold no readable prediction). */
function answered(outcome: Outcome): boolean {
  return outcome.error === undefined && !outcome.timedOut && !isServerErrorResponse(outcome.result);
}
