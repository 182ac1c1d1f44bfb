import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  DEFAULT_NAMESPACE,
  DIMENSION,
  type DIMENSION_SET,
  driftMetricName,
  METRIC,
  OUTCOME_METRIC,
  predictedLabelMetricName,
  stageMetricName,
} from '../lib/telemetry.js';
import type { InferenceTarget } from './target.js';

/** Period of every metric, alarm and graph unless given: 5 minutes. */
export const DEFAULT_PERIOD = Duration.minutes(5);

/** Options of a contract metric: the dimensions are fixed by the target. */
export type InferenceMetricOptions = Omit<cloudwatch.MetricOptions, 'dimensionsMap'>;

/** Options of a metric-math metric (a rate, the reload count). */
export type InferenceMathOptions = Pick<cloudwatch.MathExpressionOptions, 'label' | 'period'>;

/**
 * The dimension set every record carries, with the target's values, in the
 * contract's order. The `satisfies` makes a new contract dimension a compile error here.
 *
 * @example
 * inferenceDimensions(target); // { service: 'fraud-api', ModelName: 'fraud', ModelVersion: '1' }
 */
export function inferenceDimensions(target: InferenceTarget): Record<string, string> {
  const values = {
    [DIMENSION.Service]: target.serviceName,
    [DIMENSION.ModelName]: target.model.name,
    [DIMENSION.ModelVersion]: target.model.version,
  } satisfies Record<(typeof DIMENSION_SET)[number], string>;
  return { ...values };
}

/**
 * One metric of the target's telemetry, by contract name, with the exact dimension set.
 *
 * @example
 * inferenceMetric(target, METRIC.Predictions, { statistic: 'Sum' });
 */
export function inferenceMetric(
  target: InferenceTarget,
  metricName: string,
  options: InferenceMetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    period: DEFAULT_PERIOD,
    ...options,
    namespace: target.namespace ?? DEFAULT_NAMESPACE,
    metricName,
    dimensionsMap: inferenceDimensions(target),
  });
}

/**
 * The metrics of one model, each with the statistic that answers its question
 * (how the runtime emits them: `Errors` and `ColdStart` are 0/1 per invocation,
 * so their Average is a rate; `InferenceLatency`'s SampleCount is the number
 * of invocations; `Confidence` has one value per prediction). Every option can
 * be overridden per call.
 *
 * @example
 * const metrics = new InferenceMetrics({ model: { name: 'fraud', version: '1' }, serviceName: 'fraud' });
 * metrics.metricInferenceLatency({ statistic: 'p95' });
 */
export class InferenceMetrics {
  readonly target: InferenceTarget;

  constructor(target: InferenceTarget) {
    this.target = target;
  }

  /** Any contract metric (or one of yours from `addMetric()`), Average unless given. */
  metric(metricName: string, options?: InferenceMetricOptions): cloudwatch.Metric {
    return inferenceMetric(this.target, metricName, options);
  }

  /** `InferenceLatency`, wrapper start to result; p99 unless given. */
  metricInferenceLatency(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.InferenceLatency, {
      statistic: 'p99',
      label: 'p99 latency',
      ...options,
    });
  }

  /** `<Stage>Duration` of `stage(name, fn)`; p95 unless given. */
  metricStageDuration(stage: string, options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(stageMetricName(stage), {
      statistic: 'p95',
      label: `${stage} p95`,
      ...options,
    });
  }

  /** Invocations (warmup pings excluded): the SampleCount of `InferenceLatency`. */
  metricInferenceCount(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.InferenceLatency, {
      statistic: 'SampleCount',
      label: 'invocations',
      ...options,
    });
  }

  /** `Predictions`, summed: predictions made. */
  metricPredictions(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.Predictions, { statistic: 'Sum', label: 'predictions', ...options });
  }

  /** `BatchSize`, averaged. */
  metricBatchSize(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.BatchSize, { statistic: 'Average', label: 'batch size', ...options });
  }

  /** `Errors`, summed: invocations whose handler threw or rejected. */
  metricInferenceErrors(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.Errors, { statistic: 'Sum', label: 'errors', ...options });
  }

  /** Errors / invocations, in [0, 1]. */
  metricErrorRate(options?: InferenceMathOptions): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'errors / invocations',
      usingMetrics: {
        errors: this.metricInferenceErrors(),
        invocations: this.metricInferenceCount(),
      },
      label: 'error rate',
      period: DEFAULT_PERIOD,
      ...options,
    });
  }

  /** `Timeouts`, summed: invocations about to reach the Lambda timeout. */
  metricTimeouts(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.Timeouts, { statistic: 'Sum', label: 'timeouts', ...options });
  }

  /** `TelemetryErrors`, summed: failures inside observed-inference itself. */
  metricTelemetryErrors(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.TelemetryErrors, {
      statistic: 'Sum',
      label: 'telemetry errors',
      ...options,
    });
  }

  /** `ColdStart`, summed: on-demand cold starts. */
  metricColdStarts(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.ColdStart, { statistic: 'Sum', label: 'cold starts', ...options });
  }

  /** `ColdStart` averaged: the share of invocations (pings included) that were cold. */
  metricColdStartRate(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.ColdStart, {
      statistic: 'Average',
      label: 'cold start rate',
      ...options,
    });
  }

  /** `ColdStartDuration` (library load to invocation start); p95 unless given. */
  metricColdStartDuration(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.ColdStartDuration, {
      statistic: 'p95',
      label: 'cold start p95',
      ...options,
    });
  }

  /** `ModelLoadTime`; p95 unless given. */
  metricModelLoadTime(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.ModelLoadTime, {
      statistic: 'p95',
      label: 'model load p95',
      ...options,
    });
  }

  /** `ModelLoads`, summed. */
  metricModelLoads(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.ModelLoads, { statistic: 'Sum', label: 'model loads', ...options });
  }

  /**
   * Loads beyond `loadsPerColdStart` per cold start (never below 0): reloads.
   * A proactive or provisioned-concurrency initialization also loads without a
   * cold start, so an isolated 1 is not necessarily a reload.
   */
  metricModelReloads(
    loadsPerColdStart = 1,
    options?: InferenceMathOptions,
  ): cloudwatch.MathExpression {
    const excess = `FILL(loads, 0) - ${loadsPerColdStart} * FILL(coldStarts, 0)`;
    return new cloudwatch.MathExpression({
      expression: `IF(${excess} > 0, ${excess}, 0)`,
      usingMetrics: { loads: this.metricModelLoads(), coldStarts: this.metricColdStarts() },
      label: 'model reloads',
      period: DEFAULT_PERIOD,
      ...options,
    });
  }

  /** `WarmupPings`, summed. */
  metricWarmupPings(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.WarmupPings, { statistic: 'Sum', label: 'warmup pings', ...options });
  }

  /** `Confidence` (one value per prediction), averaged. */
  metricConfidence(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.Confidence, {
      statistic: 'Average',
      label: 'mean confidence',
      ...options,
    });
  }

  /** The anomaly-detection band of the average `Confidence`. */
  metricConfidenceBand(stdDevs: number = 2): cloudwatch.MathExpression {
    return cloudwatch.Metric.anomalyDetectionFor({
      metric: this.metricConfidence(),
      stdDevs,
      label: `expected confidence (±${stdDevs} sd)`,
      period: DEFAULT_PERIOD,
    });
  }

  /** `LowConfidence`, summed: predictions below `OBSERVED_LOW_CONFIDENCE`. */
  metricLowConfidence(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.LowConfidence, {
      statistic: 'Sum',
      label: 'low-confidence predictions',
      ...options,
    });
  }

  /**
   * Low-confidence predictions / predictions that had a confidence (the
   * SampleCount of `Confidence`: `LowConfidence` only counts those), in [0, 1].
   */
  metricLowConfidenceRate(options?: InferenceMathOptions): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'low / scored',
      usingMetrics: {
        low: this.metricLowConfidence(),
        scored: this.metric(METRIC.Confidence, { statistic: 'SampleCount' }),
      },
      label: 'low-confidence rate',
      period: DEFAULT_PERIOD,
      ...options,
    });
  }

  /** `DriftScore` (population stability index, the largest over the signals), its Maximum. */
  metricDriftScore(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.DriftScore, {
      statistic: 'Maximum',
      label: 'drift score (PSI)',
      ...options,
    });
  }

  /** `DriftScore.<signal>`: one signal's PSI (`confidence`, `label` or a feature), its Maximum. */
  metricDriftSignal(signal: string, options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(driftMetricName(signal), {
      statistic: 'Maximum',
      label: `${signal} PSI`,
      ...options,
    });
  }

  /** `DriftWindowSize`: predictions in the drift windows that closed (Sum). */
  metricDriftWindowSize(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.DriftWindowSize, {
      statistic: 'Sum',
      label: 'drift window predictions',
      ...options,
    });
  }

  /** `PredictedLabel.<label>`, summed: predictions with that label (`other` for labels beyond the bounded set). */
  metricPredictedLabel(label: string, options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(predictedLabelMetricName(label), {
      statistic: 'Sum',
      label: `${label} predictions`,
      ...options,
    });
  }

  /**
   * The share of predictions with each label, in [0, 1]: `PredictedLabel.<label>` /
   * `Predictions`, one expression per label, and `(other)` for the rest (labels
   * beyond the list, and predictions without a label).
   */
  metricLabelShares(
    labels: readonly string[],
    options?: InferenceMathOptions,
  ): cloudwatch.MathExpression[] {
    if (labels.length === 0) return [];
    const share = (
      expression: string,
      label: string,
      usingMetrics: Record<string, cloudwatch.IMetric>,
    ) =>
      new cloudwatch.MathExpression({
        expression,
        usingMetrics,
        label,
        period: DEFAULT_PERIOD,
        ...options,
      });
    const predictions = this.metricPredictions();
    const counts = labels.map((label) => this.metricPredictedLabel(label));
    const perLabel = labels.map((label, i) =>
      share(`FILL(l${i}, 0) / predictions`, label, { [`l${i}`]: counts[i]!, predictions }),
    );
    const all = Object.fromEntries(counts.map((m, i) => [`l${i}`, m]));
    const rest = labels.map((_, i) => `FILL(l${i}, 0)`).join(' - ');
    const other = share(`(predictions - ${rest}) / predictions`, '(other)', {
      ...all,
      predictions,
    });
    return [...perLabel, other];
  }

  /** `Abstentions`, summed: predictions the model declined, or a fallback answered. */
  metricAbstentions(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.Abstentions, { statistic: 'Sum', label: 'abstentions', ...options });
  }

  /** Abstentions / predictions, in [0, 1] (0 when none abstained: the metric is only emitted when one did). */
  metricAbstentionRate(options?: InferenceMathOptions): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'FILL(abstentions, 0) / predictions',
      usingMetrics: {
        abstentions: this.metricAbstentions(),
        predictions: this.metricPredictions(),
      },
      label: 'abstention rate',
      period: DEFAULT_PERIOD,
      ...options,
    });
  }

  /** `InvalidInputs`, summed: inputs that failed the handler's validation. */
  metricInvalidInputs(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.InvalidInputs, {
      statistic: 'Sum',
      label: 'invalid inputs',
      ...options,
    });
  }

  /** Invocations with an invalid input / invocations, in [0, 1] (one input per invocation; a batch may count more). */
  metricInvalidInputRate(options?: InferenceMathOptions): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'FILL(invalid, 0) / invocations',
      usingMetrics: {
        invalid: this.metricInvalidInputs(),
        invocations: this.metricInferenceCount(),
      },
      label: 'invalid-input rate',
      period: DEFAULT_PERIOD,
      ...options,
    });
  }

  /** `PredictionCorrect` averaged: accuracy against the ground truth `recordOutcome()` reported. */
  metricAccuracy(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(OUTCOME_METRIC.PredictionCorrect, {
      statistic: 'Average',
      label: 'accuracy',
      ...options,
    });
  }

  /**
   * Accuracy only for periods with at least `minOutcomes` outcomes (no data
   * point otherwise): what the accuracy alarm evaluates, so that three
   * chargebacks in a quiet period cannot page anyone.
   */
  metricAccuracyWithMinOutcomes(
    minOutcomes: number,
    options?: InferenceMathOptions,
  ): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: `IF(outcomes >= ${minOutcomes}, accuracy)`,
      usingMetrics: {
        accuracy: this.metricAccuracy(),
        outcomes: this.metric(OUTCOME_METRIC.PredictionCorrect, { statistic: 'SampleCount' }),
      },
      label: `accuracy (≥ ${minOutcomes} outcomes)`,
      period: DEFAULT_PERIOD,
      ...options,
    });
  }

  /** `Outcomes`, summed: ground-truth outcomes recorded. */
  metricOutcomes(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(OUTCOME_METRIC.Outcomes, {
      statistic: 'Sum',
      label: 'outcomes',
      ...options,
    });
  }

  /** `OutcomesUnmatched`, summed: outcomes whose prediction was not found. */
  metricOutcomesUnmatched(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.metric(OUTCOME_METRIC.OutcomesUnmatched, {
      statistic: 'Sum',
      label: 'unmatched outcomes',
      ...options,
    });
  }
}
