import { roundMs } from '../clock.js';
import { addValue, type MetricValues } from '../metrics/record.js';
import {
  MAX_LOGGED_MODELS,
  METRIC_UNIT,
  type MetricName,
  MODEL_CALL_METRICS_BY_MODEL,
  MODEL_CALLS_LOG_KEY,
} from '../telemetry.js';

/** What the metrics of one finished model call add to its invocation's record. */
export interface ModelCallOutcome {
  /** Bedrock model id; undefined for SageMaker and S3. */
  readonly bedrockModelId: string | undefined;
  /** What the log's `models` names: the model id, endpoint or bucket. */
  readonly model: string | undefined;
  readonly latencyMs: number;
  readonly failed: boolean;
  readonly throttled: boolean;
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  readonly timeToFirstTokenMs: number | undefined;
  readonly timePerOutputTokenMs: number | undefined;
  readonly cost: number | undefined;
  /** A streamed answer not read to its end. */
  readonly streamAborted: boolean;
  /** A streamed answer still open when the invocation ended. */
  readonly streamOpen: boolean;
}

/** A streamed answer still being read: ended, as seen so far, when its invocation ends. */
export interface OpenModelStream {
  endOpen(): void;
}

const BY_MODEL: ReadonlySet<string> = new Set(MODEL_CALL_METRICS_BY_MODEL);

/**
 * The model calls of one invocation (`Invocation.modelCalls`), made by the
 * first call an `observeModelCalls()` client makes in it: an invocation that
 * calls no model carries none, and pays nothing. Each finished call adds its
 * values to the invocation's metrics (the one EMF record) and to the log
 * line's `model_calls` summary; the Bedrock-only metrics are also kept per
 * model id, for the `BedrockModelId` dimension.
 *
 * @example
 * const calls = (invocation.modelCalls ??= new ModelCallsRecord());
 * calls.add(invocation.metrics, outcome);
 */
export class ModelCallsRecord {
  count = 0;
  errors = 0;
  throttles = 0;
  inputTokens = 0;
  outputTokens = 0;
  latencyMs = 0;
  cost: number | undefined = undefined;
  /** Time to first token of the first streamed answer that had one. */
  firstTokenMs: number | undefined = undefined;
  streamsOpen = 0;
  /** A call to something other than a Bedrock model (SageMaker, S3) was made: its latency is not any model's. */
  otherCalls = false;
  /** Distinct models called, at most MAX_LOGGED_MODELS. */
  readonly models = new Set<string>();
  /** The Bedrock-only metrics of each Bedrock model id (at most MAX_LOGGED_MODELS ids). */
  readonly byModel = new Map<string, Map<string, MetricValues>>();
  /** Streamed answers still being read. */
  readonly open = new Set<OpenModelStream>();
  /** Set once the invocation's record is written: later calls add nothing. */
  closed = false;

  /** Add one finished call to the invocation's `metrics` and to this summary. */
  add(metrics: Map<string, MetricValues>, call: ModelCallOutcome): void {
    if (this.closed) return;
    this.count++;
    if (call.model !== undefined && this.models.size < MAX_LOGGED_MODELS)
      this.models.add(call.model);
    if (call.bedrockModelId === undefined) this.otherCalls = true;
    const byModel = this.#byModel(call.bedrockModelId);
    const put = (name: MetricName, value: number) => {
      addValue(metrics, name, METRIC_UNIT[name], value);
      if (byModel && BY_MODEL.has(name)) addValue(byModel, name, METRIC_UNIT[name], value);
    };
    put('ModelCallLatency', roundMs(call.latencyMs));
    this.latencyMs += call.latencyMs;
    if (call.failed) {
      this.errors++;
      put('ModelCallErrors', 1);
    }
    if (call.throttled) {
      this.throttles++;
      put('ModelCallThrottles', 1);
    }
    if (call.inputTokens !== undefined) {
      this.inputTokens += call.inputTokens;
      put('InputTokens', call.inputTokens);
    }
    if (call.outputTokens !== undefined) {
      this.outputTokens += call.outputTokens;
      put('OutputTokens', call.outputTokens);
    }
    if (call.timeToFirstTokenMs !== undefined) {
      this.firstTokenMs ??= call.timeToFirstTokenMs;
      put('TimeToFirstToken', roundMs(call.timeToFirstTokenMs));
    }
    if (call.timePerOutputTokenMs !== undefined)
      put('TimePerOutputToken', roundMs(call.timePerOutputTokenMs));
    if (call.cost !== undefined) {
      this.cost = (this.cost ?? 0) + call.cost;
      put('InferenceCost', call.cost);
    }
    if (call.streamAborted) put('ModelStreamsAborted', 1);
    if (call.streamOpen) this.streamsOpen++;
  }

  #byModel(id: string | undefined): Map<string, MetricValues> | undefined {
    if (id === undefined) return undefined;
    let metrics = this.byModel.get(id);
    if (metrics === undefined && this.byModel.size < MAX_LOGGED_MODELS) {
      metrics = new Map();
      this.byModel.set(id, metrics);
    }
    return metrics;
  }

  /** The invocation ends: streams still being read are recorded as seen so far. */
  settle(): void {
    for (const stream of [...this.open]) stream.endOpen();
    this.open.clear();
    this.closed = true;
  }

  /** The log line's `model_calls` (empty members left out by the writer). */
  summary(): Record<string, unknown> {
    const K = MODEL_CALLS_LOG_KEY;
    return {
      [K.Count]: this.count,
      [K.Errors]: this.errors > 0 ? this.errors : undefined,
      [K.Throttles]: this.throttles > 0 ? this.throttles : undefined,
      [K.InputTokens]: this.inputTokens > 0 ? this.inputTokens : undefined,
      [K.OutputTokens]: this.outputTokens > 0 ? this.outputTokens : undefined,
      [K.TimeToFirstTokenMs]:
        this.firstTokenMs === undefined ? undefined : roundMs(this.firstTokenMs),
      [K.LatencyMs]: roundMs(this.latencyMs),
      [K.Cost]: this.cost,
      [K.StreamsOpen]: this.streamsOpen > 0 ? this.streamsOpen : undefined,
      [K.Models]: this.models.size > 0 ? [...this.models] : undefined,
    };
  }
}
