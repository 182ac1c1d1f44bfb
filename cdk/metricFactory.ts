import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DEFAULT_NAMESPACE, DIMENSION, type DIMENSION_SET } from '../lib/telemetry.js';
import type { InferenceTarget } from './target.js';

/*
 * The three shapes every metric of a model is built from, as
 * cdk-monitoring-constructs' MetricFactory does: a contract metric on the
 * target's dimensions, a metric-math expression, and a rate (one count over
 * another). `InferenceMetrics` names the metrics; this makes them.
 */

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
 * A metric-math expression over named metrics, on the default period unless given.
 *
 * @example
 * mathMetric('IF(outcomes >= 30, accuracy)', { accuracy, outcomes }, 'accuracy (≥ 30 outcomes)');
 */
export function mathMetric(
  expression: string,
  usingMetrics: Record<string, cloudwatch.IMetric>,
  label: string,
  options?: InferenceMathOptions,
): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression,
    usingMetrics,
    label,
    period: DEFAULT_PERIOD,
    ...options,
  });
}

/** One side of a rate: the metric-math id and the metric it names. */
export type RateTerm = readonly [id: string, metric: cloudwatch.IMetric];

/** Options of a rate. */
export interface RateOptions extends InferenceMathOptions {
  /** Fill a missing numerator with 0: for counts emitted only when not 0. */
  readonly fillNumerator?: boolean;
}

/**
 * `numerator / denominator`, in [0, 1]. Fill a numerator the runtime only
 * emits when it is not 0 (`Abstentions`, `InvalidInputs`), so a period
 * without any still has a rate.
 *
 * @example
 * rateMetric(['errors', errors], ['invocations', invocations], 'error rate');
 */
export function rateMetric(
  [numeratorId, numerator]: RateTerm,
  [denominatorId, denominator]: RateTerm,
  label: string,
  { fillNumerator = false, ...mathOptions }: RateOptions = {},
): cloudwatch.MathExpression {
  const top = fillNumerator ? `FILL(${numeratorId}, 0)` : numeratorId;
  return mathMetric(
    `${top} / ${denominatorId}`,
    { [numeratorId]: numerator, [denominatorId]: denominator },
    label,
    mathOptions,
  );
}
