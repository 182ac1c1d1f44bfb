import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DEFAULT_NAMESPACE, METRIC, MODEL_CALL_DIMENSION } from '../lib/telemetry.js';
import {
  DEFAULT_PERIOD,
  type InferenceMetricOptions,
  inferenceDimensions,
  inferenceMetric,
} from './metricFactory.js';
import type { InferenceTarget } from './target.js';

/**
 * The model-call metrics of one model (`observeModelCalls()`), each with the
 * statistic that answers its question; the `…ForModel` ones read the
 * `BedrockModelId` statement of the metrics the runtime also states per
 * Bedrock model. `InferenceMetrics.modelCalls` is one.
 *
 * @example
 * const calls = new ModelCallMetrics(fraud.target);
 * calls.metricTimeToFirstToken({ statistic: 'p50' });
 * calls.metricModelCallLatencyForModel('anthropic.claude-3-haiku-20240307-v1:0');
 */
export class ModelCallMetrics {
  readonly target: InferenceTarget;

  constructor(target: InferenceTarget) {
    this.target = target;
  }

  #read(name: string, statistic: string, label: string, options?: InferenceMetricOptions) {
    return inferenceMetric(this.target, name, { statistic, label, ...options });
  }

  /** One metric's statement under `BedrockModelId`, labelled with the model id. */
  #forModel(
    name: string,
    modelId: string,
    statistic: string,
    label: string,
    options?: InferenceMetricOptions,
  ): cloudwatch.Metric {
    return new cloudwatch.Metric({
      period: DEFAULT_PERIOD,
      statistic,
      label: `${modelId} ${label}`,
      ...options,
      namespace: this.target.namespace ?? DEFAULT_NAMESPACE,
      metricName: name,
      dimensionsMap: {
        ...inferenceDimensions(this.target),
        [MODEL_CALL_DIMENSION.BedrockModelId]: modelId,
      },
    });
  }

  /** `InputTokens`, summed: prompt tokens the responses reported. */
  metricInputTokens(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.InputTokens, 'Sum', 'input tokens', options);
  }

  /** `OutputTokens`, summed: tokens the model generated. */
  metricOutputTokens(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.OutputTokens, 'Sum', 'output tokens', options);
  }

  /** `TimeToFirstToken` (call start to a streamed answer's first content); p99 unless given. */
  metricTimeToFirstToken(options?: InferenceMetricOptions): cloudwatch.Metric {
    const statistic = options?.statistic ?? 'p99';
    return this.#read(METRIC.TimeToFirstToken, statistic, `${statistic} time to first token`, {
      ...options,
      statistic,
    });
  }

  /** `TimePerOutputToken` of streamed answers; p50 unless given. */
  metricTimePerOutputToken(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.TimePerOutputToken, 'p50', 'p50 time per output token', options);
  }

  /** `ModelCallLatency`, one value per call; p99 unless given. */
  metricModelCallLatency(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.ModelCallLatency, 'p99', 'p99 model call latency', options);
  }

  /** `ModelCallErrors`, summed: failed calls and streams, throttles included. */
  metricModelCallErrors(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.ModelCallErrors, 'Sum', 'model call errors', options);
  }

  /** `ModelCallThrottles`, summed: calls refused as throttled after the SDK's retries. */
  metricModelCallThrottles(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.ModelCallThrottles, 'Sum', 'model call throttles', options);
  }

  /** `ModelStreamsAborted`, summed: streamed answers not read to their end. */
  metricModelStreamsAborted(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.ModelStreamsAborted, 'Sum', 'model streams aborted', options);
  }

  /** `InferenceCost`, summed: the estimate from the `prices` given to `observeModelCalls()`. */
  metricInferenceCost(options?: InferenceMetricOptions): cloudwatch.Metric {
    return this.#read(METRIC.InferenceCost, 'Sum', 'estimated cost', options);
  }

  /** `ModelCallLatency` of one Bedrock model's calls; p99 unless given. */
  metricModelCallLatencyForModel(
    modelId: string,
    options?: InferenceMetricOptions,
  ): cloudwatch.Metric {
    return this.#forModel(METRIC.ModelCallLatency, modelId, 'p99', 'p99 latency', options);
  }

  /** `TimeToFirstToken` of one Bedrock model's streamed answers; p99 unless given. */
  metricTimeToFirstTokenForModel(
    modelId: string,
    options?: InferenceMetricOptions,
  ): cloudwatch.Metric {
    return this.#forModel(METRIC.TimeToFirstToken, modelId, 'p99', 'p99 TTFT', options);
  }

  /** `InputTokens` + `OutputTokens` of one Bedrock model, summed, as two metrics. */
  metricTokensForModel(modelId: string, options?: InferenceMetricOptions): cloudwatch.Metric[] {
    return [
      this.#forModel(METRIC.InputTokens, modelId, 'Sum', 'input tokens', options),
      this.#forModel(METRIC.OutputTokens, modelId, 'Sum', 'output tokens', options),
    ];
  }

  /** `InferenceCost` of one Bedrock model, summed. */
  metricInferenceCostForModel(
    modelId: string,
    options?: InferenceMetricOptions,
  ): cloudwatch.Metric {
    return this.#forModel(METRIC.InferenceCost, modelId, 'Sum', 'estimated cost', options);
  }
}
