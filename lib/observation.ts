import type { Context } from 'aws-lambda';
import { responseHold } from './afterResponse.js';
import { endColdStart, recordBeforeInvocation } from './coldStart.js';
import { contain } from './containment.js';
import { createDriftHook, type DriftHook } from './drift/hook.js';
import { baselineSource } from './drift/source.js';
import { InvocationTimeoutError } from './errors.js';
import { readLaterInput } from './events.js';
import { Extractors } from './extractors.js';
import { recordInvalidInput, rejectionOf } from './invalidInput.js';
import { Invocation } from './invocation.js';
import { InvocationLog } from './invocationLog.js';
import { InvocationMetrics } from './invocationMetrics.js';
import { InvocationSpan } from './invocationSpan.js';
import { lifecycle, type StartInfo } from './lifecycle.js';
import { rememberPredictions } from './outcomes.js';
import { readUsage } from './resourceUsage.js';
import type { Sinks } from './sinks.js';
import { endLateStages } from './stage.js';
import { classify, EXIT, type Exit, STATUS } from './status.js';
import { START_TYPE } from './telemetry.js';
import { timeouts } from './timeoutWatch.js';
import { ROOT } from './tracing/contextManager.js';
import type { ObserveOptions } from './types.js';
import { boundUserFields } from './userFields.js';

/** A step of the writes after the response: `done` once the invocation's records are written. */
type AfterResponseStep = (
  inv: Invocation,
  exit: Exit,
  value: unknown,
  done: (inv: Invocation) => void,
) => void;

/** A priming run's start: never the environment's first, never a cold start (see `priming.ts`). */
const PRIMING_START: StartInfo = { type: START_TYPE.Warm, coldStart: false, first: false };

/** Whether an invocation went wrong enough for its held DEBUG lines to be worth writing. */
function wentWrong(inv: Invocation): boolean {
  const { status, summary } = inv;
  if (status === STATUS.Fault || status === STATUS.Timeout) return true;
  if (status === STATUS.ServerErrorResponse) return true;
  return summary !== undefined && summary.lowConfidence > 0;
}

/** Write the invocation's held DEBUG lines if it went wrong, else drop them: before its own line. */
function settleDebugLines(inv: Invocation): void {
  const held = inv.debugLines;
  const wrong = wentWrong(inv);
  if (held) {
    if (wrong) inv.debugFlushed = held.flush();
    else held.discard();
  } else if (wrong) inv.sinks.log.flushBuffer?.();
}

/**
 * The work of one observe() call around each of its invocations, in the order
 * it happens: `begin` builds the invocation's record (span, cold start, ids,
 * the timeout watch); `end` completes it once (predictions, status) and hands
 * it to the three writers (span, metrics, log), then exports the trace.
 * Every step is contained: our failure never reaches the handler.
 *
 * @example
 * const observation = new Observation(createSinks(config), options);
 * const invocation = observation.begin(event, lambdaContext);
 * // … run the handler in invocation.context, then:
 * await observation.end(invocation, EXIT.Returned, result);
 */
export class Observation<TEvent, TResult> {
  readonly #sinks: Sinks;
  readonly #read: Extractors<TEvent, TResult>;
  readonly #drift: DriftHook | undefined;
  readonly #span: InvocationSpan;
  readonly #metrics: InvocationMetrics;
  readonly #log: InvocationLog;
  /** Compiles the invocation path at init and changes nothing of the process's (`priming.ts`). */
  readonly #priming: boolean;

  constructor(sinks: Sinks, options: ObserveOptions<TEvent, TResult>, priming = false) {
    const { config, containment } = sinks;
    this.#sinks = sinks;
    this.#priming = priming;
    this.#read = new Extractors(options, containment, config.lowConfidence);
    const driftOptions = options as ObserveOptions<never, never>;
    // No baseline, no drift: the drift code is not even loaded (the layer keeps it in extras.cjs).
    const drift =
      priming || baselineSource(config, driftOptions) === undefined
        ? undefined
        : contain(containment, 'drift setup', undefined, () =>
            createDriftHook(config, driftOptions, sinks.log),
          );
    this.#drift = drift;
    this.#span = new InvocationSpan(
      config,
      sinks.rootTracer,
      sinks.globalProvider,
      sinks.traces !== undefined && !priming,
    );
    this.#metrics = new InvocationMetrics(sinks, () => drift?.labels);
    this.#log = new InvocationLog(config, sinks.log);
  }

  #call(area: string, fn: () => void): void {
    contain(this.#sinks.containment, area, undefined, fn);
  }

  /**
   * Start an invocation's record; undefined if our own code failed (the
   * handler then runs bare). `late`: the record is written after the
   * response, so what can be read then without changing is read then.
   */
  begin(event: TEvent, lambda: Context, late = false): Invocation | undefined {
    // contain() without its closure: this runs in the response.
    try {
      return this.#begin(event, lambda, late);
    } catch (error) {
      this.#sinks.containment.report('invocation start', error);
      return undefined;
    }
  }

  #begin(event: TEvent, lambda: Context, late: boolean): Invocation {
    const startPerf = performance.now();
    const nowMs = performance.timeOrigin + startPerf;
    const read = this.#read;
    const priming = this.#priming;
    // The environment's first invocation, its cold start and the loads of init are the real one's.
    const start = priming ? PRIMING_START : lifecycle.begin(this.#sinks.config, nowMs);
    const warmup = read.isWarmup(event);
    // Written after the response: the span is made then, unless the handler asks for it sooner.
    const lateSpan =
      late && !start.first
        ? this.#span.startLate(event, lambda, start, warmup, startPerf)
        : undefined;
    const parent = lateSpan ? ROOT : this.#span.parentOf(event, lambda);
    const span = lateSpan ?? this.#span.start(parent, event, lambda, start, warmup);
    // Written after the response: its CPU time starts where the last invocation's work ended (afterResponse.ts).
    const cpuStart = late ? responseHold()?.takeCpuMark() : undefined;
    const inv = new Invocation(
      this.#sinks,
      event,
      lambda,
      startPerf,
      start,
      warmup,
      span,
      parent,
      cpuStart,
    );
    if (!priming) recordBeforeInvocation(inv, parent, nowMs);
    const later = late ? read.laterInput(event) : undefined;
    if (later) inv.laterInput = later;
    else this.#readInput(inv, read.input(event));
    inv.clientId = read.clientId(event, lambda);
    inv.correlationId = read.correlationId(event, lambda);
    this.#watchTimeout(inv, lambda);
    return inv;
  }

  #readInput(inv: Invocation, input: unknown): void {
    inv.input = input;
    inv.inputHash = this.#read.inputHash(input);
  }

  /** The warmup answer when the user asked to short-circuit pings. */
  warmupResponse(event: TEvent): { value: unknown } | undefined {
    return this.#read.warmupResponse(event);
  }

  /** Write the record at the timeout's margin if the handler is still running then. */
  #watchTimeout(inv: Invocation, lambda: Context): void {
    if (typeof lambda.getRemainingTimeInMillis !== 'function') return;
    const remaining = lambda.getRemainingTimeInMillis();
    if (!(remaining > 0)) return;
    const margin = Math.min(this.#sinks.config.timeoutMarginMs, remaining / 2);
    // From the start rather than now: a few µs early, one clock read fewer.
    timeouts.watch(inv, inv.startPerf + remaining - margin, this.#timedOut, margin);
  }

  /** The record of an invocation still running at its timeout's margin (one function for all). */
  readonly #timedOut = (inv: Invocation, marginMs: number): void => {
    void this.#finish(inv, EXIT.TimedOut, new InvocationTimeoutError(marginMs));
  };

  /**
   * The handler returned `value` or threw it: complete the record and write
   * all telemetry, unless the timeout already did; resolves when the trace is
   * sent. Never rejects.
   */
  async end(inv: Invocation, exit: Exit, value: unknown): Promise<void> {
    timeouts.unwatch(inv);
    await this.#finish(inv, exit, value);
  }

  /**
   * Like {@link end}, for writes after the response (`afterResponse.ts`): the
   * record's end (latency, the span's end time) is taken now; the rest runs
   * once the runtime has posted the response, then `done` is called. CPU
   * time and peak memory are read then too (one getrusage call fewer in the
   * response): the CPU time includes the runtime client's posting of it.
   */
  endAfterResponse(
    inv: Invocation,
    exit: Exit,
    value: unknown,
    done: (inv: Invocation) => void,
  ): void {
    timeouts.unwatch(inv);
    if (!this.#settle(inv, false)) {
      done(inv);
      return;
    }
    inv.endTime = performance.timeOrigin + inv.startPerf + inv.latencyMs;
    // aws-lambda-ric 4 posts the response one setImmediate after the handler
    // settles (LifecycleManager.succeed and fail): ours runs one turn later. A
    // runtime client that posts later still is answered first all the same.
    setImmediate(this.#turnAfterResponse, inv, exit, value, done);
  }

  /** Shared, with their arguments passed on: no closure is made for them in the response. */
  readonly #turnAfterResponse: AfterResponseStep = (inv, exit, value, done) => {
    setImmediate(this.#writeAfterResponse, inv, exit, value, done);
  };

  readonly #writeAfterResponse: AfterResponseStep = (inv, exit, value, done) => {
    this.#readUsage(inv);
    const leave = () => done(inv);
    this.#write(inv, exit, value).then(leave, leave);
  };

  #readUsage(inv: Invocation): void {
    this.#call('resource usage', () => {
      inv.usage = readUsage(inv, this.#sinks.config.computePrice);
    });
  }

  async #finish(inv: Invocation, exit: Exit, value: unknown): Promise<void> {
    if (this.#settle(inv)) await this.#write(inv, exit, value);
  }

  /** Mark the invocation finished and take its end's measures, once: false if it already was. */
  #settle(inv: Invocation, usageNow = true): boolean {
    if (inv.finished) return false;
    inv.finished = true;
    inv.latencyMs = performance.now() - inv.startPerf;
    if (usageNow) this.#readUsage(inv);
    // Model answers still streaming are recorded as seen so far, before the span and the record are written.
    if (inv.modelCalls) this.#call('model calls', () => inv.modelCalls?.settle());
    return true;
  }

  /** Complete the record and hand it to the writers and exporters; resolves when the trace is sent. */
  async #write(inv: Invocation, exit: Exit, value: unknown): Promise<void> {
    const { laterInput } = inv;
    if (laterInput) this.#call('input', () => this.#readInput(inv, readLaterInput(laterInput)));
    this.#call('invocation end', () => this.#complete(inv, exit, value));
    if (inv.start.first) this.#call('cold start', () => endColdStart(inv));
    const drift = this.#drift;
    const summary = inv.summary;
    if (drift && summary)
      this.#call('drift', () => drift.record(inv, inv.input, inv.event, summary.list));
    if (summary && !this.#priming)
      this.#call('remember', () =>
        rememberPredictions(inv.predictionId, inv.inputHash, summary.list),
      );
    this.#call('debug lines', () => settleDebugLines(inv));
    if (inv.lateStages) this.#call('stages', () => endLateStages(inv));
    this.#call('span', () => this.#span.end(inv));
    this.#call('metrics', () => this.#metrics.publish(inv));
    // A timeout's record is written while the handler runs: nothing after us will flush it.
    if (exit === EXIT.TimedOut || !inv.metricsFlushedAfter)
      this.#call('metrics', () => this.#sinks.metrics?.endInvocation?.());
    this.#call('log', () => this.#log.write(inv));
    const { traces, metrics, log } = this.#sinks;
    // OTLP metrics and logs leave with the trace, before the response: nothing is held across a freeze.
    const trace = traces?.exportTrace(inv.span.spanContext().traceId);
    const heldMetrics = metrics?.settle?.();
    const heldLogs = log.settle?.();
    // EMF and stdout (the default) hold nothing: only the trace is waited for, without Promise.all's array.
    if (heldMetrics === undefined && heldLogs === undefined) await trace;
    else await Promise.all([trace, heldMetrics, heldLogs]);
  }

  /**
   * How it ended, once: the result or error, the predictions and batch, the
   * status, the user's fields bounded. Each step is contained on its own, so
   * one bad value costs its own field, never the rest of the record; the
   * status falls back to what the exit alone says.
   */
  #complete(inv: Invocation, exit: Exit, value: unknown): void {
    const read = this.#read;
    if (exit === EXIT.Returned) inv.result = value;
    else {
      inv.threw = exit === EXIT.Threw;
      inv.error = value;
      inv.status = exit === EXIT.Threw ? STATUS.Fault : STATUS.Timeout;
    }
    if (!inv.warmup) {
      if (exit === EXIT.Returned) inv.summary = read.predictions(value, inv.event);
      inv.batch = read.batchSize(inv.event, inv.result, inv.summary);
    }
    const rejection = inv.threw
      ? contain(this.#sinks.containment, 'invalid input', undefined, () => rejectionOf(value))
      : undefined;
    // Counted once: a handler that rejected this field itself already did.
    if (rejection && inv.invalidInput?.field !== rejection.field)
      recordInvalidInput(inv, rejection);
    this.#call('status', () => {
      inv.status = classify(
        exit,
        inv.result,
        inv.warmup,
        rejection !== undefined,
        read.isClientError,
      );
    });
    this.#call('user fields', () => boundUserFields(inv));
  }
}
