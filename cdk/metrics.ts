import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  DATA_QUALITY_METRIC,
  driftMetricName,
  METRIC,
  OUTCOME_METRIC,
  predictedLabelMetricName,
  stageMetricName,
} from '../lib/telemetry.js';
import {
  DEFAULT_PERIOD,
  type InferenceMathOptions,
  type InferenceMetricOptions,
  inferenceMetric,
  mathMetric,
  rateMetric,
} from './metricFactory.js';
import { ModelCallMetrics } from './modelCallMetrics.js';
import { DEFAULTS, type InferenceTarget } from './target.js';

/**
 * The metrics of one model, each with the statistic that answers its question
 * (how the runtime emits them: `Errors` and `ColdStart` are 0/1 per invocation,
 * so their Average is a rate; `InferenceLatency`'s SampleCount is the number
 * of invocations; `Confidence` has one value per prediction). Every option can
 * be overridden per call. `ObservedInferenceFunction.metrics` is one.
 *
 * @example
 * const metrics = new InferenceMetrics({ model: { name: 'fraud', version: '1' }, serviceName: 'fraud' });
 * metrics.metricInferenceLatency({ statistic: 'p95' });
 */
export class InferenceMetrics {
  readonly target: InferenceTarget;
  /** The model-call metrics (`observeModelCalls()`): tokens, time to first token, call latency, cost. */
  readonly modelCalls: ModelCallMetrics;

  constructor(target: InferenceTarget) {
    this.target = target;
    this.modelCalls = new ModelCallMetrics(target);
  }

  /** Any contract metric (or one of yours from `addMetric()`), Average unless given. */
  metric(metricName: string, options?: InferenceMetricOptions): cloudwatch.Metric {
    return inferenceMetric(this.target, metricName, options);
  }

  /** A contract metric read with `statistic`, labelled for graphs; `options` win. */
  #read(name: string, statistic: string, label: string, options?: InferenceMetricOptions) {
    return this.metric(name, { statistic, label, ...options });
  }

  /** `InferenceLatency`, wrapper start to result; p99 unless given. */
  metricInferenceLatency(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.InferenceLatency, 'p99', 'p99 latency', options);
  }

  /** `<Stage>Duration` of `stage(name, fn)`; p95 unless given. */
  metricStageDuration(stage: string, options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(stageMetricName(stage), 'p95', `${stage} p95`, options);
  }

  /** Invocations (warmup pings excluded): the SampleCount of `InferenceLatency`. */
  metricInferenceCount(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.InferenceLatency, 'SampleCount', 'invocations', options);
  }

  /** `Predictions`, summed: predictions made. */
  metricPredictions(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.Predictions, 'Sum', 'predictions', options);
  }

  /** `BatchSize`, averaged. */
  metricBatchSize(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.BatchSize, 'Average', 'batch size', options);
  }

  /** `Errors`, summed: invocations whose handler threw or rejected (the function's `metricErrors()` is Lambda's). */
  metricInferenceErrors(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.Errors, 'Sum', 'errors', options);
  }

  /** Errors / invocations, in [0, 1]. */
  metricErrorRate(options?: InferenceMathOptions): cloudwatch.MathExpression {
    const errors = this.metricInferenceErrors();
    const invocations = this.metricInferenceCount();
    return rateMetric(['errors', errors], ['invocations', invocations], 'error rate', options);
  }

  /** `Timeouts`, summed: invocations about to reach the Lambda timeout. */
  metricTimeouts(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.Timeouts, 'Sum', 'timeouts', options);
  }

  /** `TelemetryErrors`, summed: failures inside observed-inference itself. */
  metricTelemetryErrors(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.TelemetryErrors, 'Sum', 'telemetry errors', options);
  }

  /** `ColdStart`, summed: on-demand cold starts. */
  metricColdStarts(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.ColdStart, 'Sum', 'cold starts', options);
  }

  /** `ColdStart` averaged: the share of invocations (pings included) that were cold. */
  metricColdStartRate(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.ColdStart, 'Average', 'cold start rate', options);
  }

  /** `ColdStartDuration` (library load to the first invocation's model ready: the first request's wait); p95 unless given. */
  metricColdStartDuration(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.ColdStartDuration, 'p95', 'cold start p95', options);
  }

  /** `ModelLoadTime`; p95 unless given. */
  metricModelLoadTime(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.ModelLoadTime, 'p95', 'model load p95', options);
  }

  /** `ModelLoads`, summed. */
  metricModelLoads(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.ModelLoads, 'Sum', 'model loads', options);
  }

  /**
   * Loads beyond `loadsPerColdStart` per cold start (never below 0): reloads.
   * A proactive or provisioned-concurrency initialization also loads without a
   * cold start, so an isolated 1 is not necessarily a reload.
   */
  metricModelReloads(
    loadsPerColdStart: number = DEFAULTS.loadsPerColdStart,
    options?: InferenceMathOptions,
  ): cloudwatch.MathExpression {
    const excess = `FILL(loads, 0) - ${loadsPerColdStart} * FILL(coldStarts, 0)`;
    const using = { loads: this.metricModelLoads(), coldStarts: this.metricColdStarts() };
    return mathMetric(`IF(${excess} > 0, ${excess}, 0)`, using, 'model reloads', options);
  }

  /** `WarmupPings`, summed. */
  metricWarmupPings(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.WarmupPings, 'Sum', 'warmup pings', options);
  }

  /** `Confidence` (one value per prediction), averaged. */
  metricConfidence(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.Confidence, 'Average', 'mean confidence', options);
  }

  /** The anomaly-detection band of the average `Confidence`. */
  metricConfidenceBand(stdDevs: number = DEFAULTS.confidenceStdDevs): cloudwatch.MathExpression {
    return cloudwatch.Metric.anomalyDetectionFor({
      metric: this.metricConfidence(),
      stdDevs,
      label: `expected confidence (±${stdDevs} sd)`,
      period: DEFAULT_PERIOD,
    });
  }

  /** `LowConfidence`, summed: predictions below `OBSERVED_LOW_CONFIDENCE`. */
  metricLowConfidence(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.LowConfidence, 'Sum', 'low-confidence predictions', options);
  }

  /**
   * Low-confidence predictions / predictions that had a confidence (the
   * SampleCount of `Confidence`: `LowConfidence` only counts those), in [0, 1].
   */
  metricLowConfidenceRate(options?: InferenceMathOptions): cloudwatch.MathExpression {
    const low = this.metricLowConfidence();
    const scored = this.metric(METRIC.Confidence, { statistic: 'SampleCount' });
    return rateMetric(['low', low], ['scored', scored], 'low-confidence rate', options);
  }

  /** `DriftScore` (population stability index, the largest over the signals), its Maximum. */
  metricDriftScore(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.DriftScore, 'Maximum', 'drift score (PSI)', options);
  }

  /** `DriftScore.<signal>`: one signal's PSI (`confidence`, `label` or a feature), its Maximum. */
  metricDriftSignal(signal: string, options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(driftMetricName(signal), 'Maximum', `${signal} PSI`, options);
  }

  /** `DriftWindowSize`: predictions in the drift windows that closed (Sum). */
  metricDriftWindowSize(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.DriftWindowSize, 'Sum', 'drift window predictions', options);
  }

  /** `PredictedLabel.<label>`, summed: predictions with that label (`other` for labels beyond the bounded set). */
  metricPredictedLabel(label: string, options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(predictedLabelMetricName(label), 'Sum', `${label} predictions`, options);
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
    const predictions = this.metricPredictions();
    const counts = labels.map((label) => this.metricPredictedLabel(label));
    const perLabel = labels.map((label, i) =>
      rateMetric([`l${i}`, counts[i]!], ['predictions', predictions], label, {
        fillNumerator: true,
        ...options,
      }),
    );
    const all = Object.fromEntries(counts.map((m, i) => [`l${i}`, m]));
    const rest = labels.map((_, i) => `FILL(l${i}, 0)`).join(' - ');
    const other = mathMetric(
      `(predictions - ${rest}) / predictions`,
      { ...all, predictions },
      '(other)',
      options,
    );
    return [...perLabel, other];
  }

  /** `Abstentions`, summed: predictions the model declined, or a fallback answered. */
  metricAbstentions(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.Abstentions, 'Sum', 'abstentions', options);
  }

  /** Abstentions / predictions, in [0, 1] (0 when none abstained: the metric is only emitted when one did). */
  metricAbstentionRate(options?: InferenceMathOptions): cloudwatch.MathExpression {
    const abstentions = this.metricAbstentions();
    const predictions = this.metricPredictions();
    return rateMetric(
      ['abstentions', abstentions],
      ['predictions', predictions],
      'abstention rate',
      {
        fillNumerator: true,
        ...options,
      },
    );
  }

  /** `TimeToFirstByte` p95 (response streaming): invocation start to the first body byte. */
  metricTimeToFirstByte(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.TimeToFirstByte, 'p95', 'p95 time to first byte', options);
  }

  /** `BytesStreamed`, summed (response streaming). */
  metricBytesStreamed(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.BytesStreamed, 'Sum', 'bytes streamed', options);
  }

  /** `StreamsAborted`, summed (response streaming): streams that did not end normally. */
  metricStreamsAborted(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.StreamsAborted, 'Sum', 'aborted streams', options);
  }

  /** `InvalidInputs`, summed: inputs that failed the handler's validation. */
  metricInvalidInputs(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.InvalidInputs, 'Sum', 'invalid inputs', options);
  }

  /** Invocations with an invalid input / invocations, in [0, 1] (one input per invocation; a batch may count more). */
  metricInvalidInputRate(options?: InferenceMathOptions): cloudwatch.MathExpression {
    const invalid = this.metricInvalidInputs();
    const invocations = this.metricInferenceCount();
    return rateMetric(['invalid', invalid], ['invocations', invocations], 'invalid-input rate', {
      fillNumerator: true,
      ...options,
    });
  }

  /** `DataQualityBroken`, its Maximum: 1 when a drift window closed with a feature's data quality broken. */
  metricDataQualityBroken(options?: InferenceMetricOptions): cloudwatch.Metric {
    const name = DATA_QUALITY_METRIC.DataQualityBroken;
    return this.#read(name, 'Maximum', 'data quality broken', options);
  }

  /** `Predictions` with 0 for a period without any: what the prediction-volume band learns from. */
  metricPredictionVolume(options?: InferenceMathOptions): cloudwatch.MathExpression {
    const using = { predictions: this.metricPredictions() };
    return mathMetric('FILL(predictions, 0)', using, 'predictions', options);
  }

  /** `MaxMemoryUsed`, its Maximum: the highest peak memory of any environment, MB. */
  metricMaxMemoryUsed(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.MaxMemoryUsed, 'Maximum', 'max memory used (MB)', options);
  }

  /** `CpuTime` of an invocation; p50 unless given. */
  metricCpuTime(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.CpuTime, 'p50', 'p50 CPU time', options);
  }

  /** `ComputeCost`, summed: the estimated Lambda cost of the period's invocations. */
  metricComputeCost(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.ComputeCost, 'Sum', 'compute cost', options);
  }

  /** Estimated Lambda cost per 1,000 predictions: 1000 × `ComputeCost` / `Predictions` (warmup pings' cost included). */
  metricCostPerThousandPredictions(options?: InferenceMathOptions): cloudwatch.MathExpression {
    const using = { cost: this.metricComputeCost(), predictions: this.metricPredictions() };
    return mathMetric('1000 * cost / predictions', using, 'cost per 1,000 predictions', options);
  }

  /** `PredictionCorrect` averaged: accuracy against the ground truth `recordOutcome()` reported. */
  metricAccuracy(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(OUTCOME_METRIC.PredictionCorrect, 'Average', 'accuracy', options);
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
    const using = {
      accuracy: this.metricAccuracy(),
      outcomes: this.metric(OUTCOME_METRIC.PredictionCorrect, { statistic: 'SampleCount' }),
    };
    const label = `accuracy (≥ ${minOutcomes} outcomes)`;
    return mathMetric(`IF(outcomes >= ${minOutcomes}, accuracy)`, using, label, options);
  }

  /** `Outcomes`, summed: ground-truth outcomes recorded. */
  metricOutcomes(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(OUTCOME_METRIC.Outcomes, 'Sum', 'outcomes', options);
  }

  /** `OutcomesUnmatched`, summed: outcomes whose prediction was not found. */
  metricOutcomesUnmatched(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(OUTCOME_METRIC.OutcomesUnmatched, 'Sum', 'unmatched outcomes', options);
  }
}
