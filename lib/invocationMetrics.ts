import { roundMs } from './clock.js';
import type { Invocation } from './invocation.js';
import { LabelMix } from './labelMix.js';
import type { MetricValues } from './metrics/record.js';
import type { Sinks } from './sinks.js';
import { STATUS } from './status.js';
import {
  DIMENSION,
  METRIC,
  METRIC_UNIT,
  MODEL_CALL_DIMENSION,
  MODEL_CALL_METRICS_BY_MODEL,
  POWERTOOLS_LOG_KEY,
} from './telemetry.js';
import { toXRayTraceId } from './tracing/xrayDocument.js';

function add(inv: Invocation, name: keyof typeof METRIC_UNIT, value: number): void {
  inv.addMetric(name, METRIC_UNIT[name], value);
}

/**
 * The EMF record of each invocation of one observe(): the built-in metrics
 * the record implies, after those its helpers added (stages, model loads,
 * custom metrics, drift), with the observe()'s dimensions. One record per
 * invocation; the sink splits it only past EMF's limits.
 *
 * @example
 * const metrics = new InvocationMetrics(sinks, () => drift?.labels);
 * metrics.publish(invocation);
 */
export class InvocationMetrics {
  readonly #sinks: Sinks;
  readonly #dimensions: Readonly<Record<string, string>>;
  readonly #baselineLabels: () => readonly string[] | undefined;
  /** Made at the first prediction, when a baseline's labels may be known. */
  #labels: LabelMix | undefined;

  /** `baselineLabels`: the drift baseline's labels, once it is loaded (the label mix's known set). */
  constructor(sinks: Sinks, baselineLabels: () => readonly string[] | undefined) {
    const { config } = sinks;
    this.#sinks = sinks;
    this.#baselineLabels = baselineLabels;
    this.#dimensions = {
      [DIMENSION.Service]: config.serviceName,
      [DIMENSION.ModelName]: config.model.name,
      [DIMENSION.ModelVersion]: config.model.version,
    };
  }

  #labelMix(): LabelMix {
    this.#labels ??= new LabelMix(this.#sinks.config.labels ?? this.#baselineLabels());
    return this.#labels;
  }

  publish(inv: Invocation): void {
    const { metrics, containment } = this.#sinks;
    if (!metrics) return;
    const { start, status, summary, batch = 1 } = inv;
    add(inv, METRIC.ColdStart, start.coldStart ? 1 : 0);
    if (inv.coldStart) add(inv, METRIC.ColdStartDuration, inv.coldStart.durationMs);
    if (inv.warmup) add(inv, METRIC.WarmupPings, 1);
    else {
      add(inv, METRIC.InferenceLatency, roundMs(inv.latencyMs));
      add(inv, METRIC.Errors, status === STATUS.Fault ? 1 : 0);
      if (status === STATUS.Timeout) add(inv, METRIC.Timeouts, 1);
      add(inv, METRIC.BatchSize, batch);
      // Without readable predictions, a good answer still counts its batch.
      add(inv, METRIC.Predictions, summary?.count ?? (status === STATUS.Ok ? batch : 0));
      if (summary) {
        for (const c of summary.confidences) add(inv, METRIC.Confidence, c);
        if (summary.confidences.length > 0) add(inv, METRIC.LowConfidence, summary.lowConfidence);
        if (summary.abstentions > 0) add(inv, METRIC.Abstentions, summary.abstentions);
        this.#labelMix().record(inv, summary.list);
      }
      if (inv.invalidInput) add(inv, METRIC.InvalidInputs, inv.invalidInput.count);
    }
    const stream = inv.stream;
    if (stream) {
      if (stream.firstByteMs !== undefined)
        add(inv, METRIC.TimeToFirstByte, roundMs(stream.firstByteMs));
      add(inv, METRIC.BytesStreamed, stream.bytes);
      add(inv, METRIC.StreamsAborted, stream.aborted ? 1 : 0);
    }
    const usage = inv.usage;
    if (usage) {
      add(inv, METRIC.CpuTime, usage.cpuMs);
      add(inv, METRIC.MaxMemoryUsed, usage.maxMemoryMb);
      if (usage.cost !== undefined) add(inv, METRIC.ComputeCost, usage.cost);
    }
    const telemetryErrors = containment.take();
    if (telemetryErrors > 0) add(inv, METRIC.TelemetryErrors, telemetryErrors);
    const metadata = {
      [POWERTOOLS_LOG_KEY.RequestId]: inv.lambda.awsRequestId,
      [POWERTOOLS_LOG_KEY.XrayTraceId]: toXRayTraceId(inv.span.spanContext().traceId),
    };
    const calls = inv.modelCalls;
    if (calls === undefined) {
      metrics.publish({
        dimensions: this.#dimensions,
        metrics: inv.metrics,
        metadata,
        timestamp: Date.now(),
      });
      return;
    }
    // Only an invocation that called a model gets here.
    const { byModel } = calls;
    // The record's own values are one model's only when no other call added to them.
    const onlyModel =
      byModel.size === 1 && !calls.otherCalls ? byModel.keys().next().value : undefined;
    metrics.publish({
      dimensions: this.#dimensions,
      metrics: inv.metrics,
      metadata,
      timestamp: Date.now(),
      also:
        onlyModel === undefined
          ? undefined
          : {
              dimensions: { [MODEL_CALL_DIMENSION.BedrockModelId]: onlyModel },
              names: MODEL_CALL_METRICS_BY_MODEL,
            },
    });
    if (byModel.size > 0 && onlyModel === undefined) this.#publishByModel(byModel, metadata);
  }

  /** Several Bedrock models, or one beside other calls: their metrics once more per model, a record each. */
  #publishByModel(
    byModel: ReadonlyMap<string, ReadonlyMap<string, MetricValues>>,
    metadata: Readonly<Record<string, string>>,
  ): void {
    for (const [modelId, metrics] of byModel) {
      this.#sinks.metrics?.publish({
        dimensions: { ...this.#dimensions, [MODEL_CALL_DIMENSION.BedrockModelId]: modelId },
        metrics,
        metadata,
        timestamp: Date.now(),
      });
    }
  }
}
