import type { CfnServiceLevelObjective } from 'aws-cdk-lib/aws-applicationsignals';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC } from '../lib/telemetry.js';
import { InvalidPropError } from './errors.js';
import type { InferenceMetrics } from './metrics.js';
import type { ResolvedObjective } from './target.js';

/*
 * Both SLOs are request-based and measured on the function's own EMF metrics
 * (a metric-based SLI), so they hold whichever way traces are exported, even
 * `off`: a service-based SLI would need Application Signals to recognise our
 * spans as a service, which depends on span attributes and account settings
 * the constructs cannot see. They restate the alarms' objective over a whole
 * interval instead of per period:
 * - latency: "p99 ≤ N ms" is "99% of inferences take ≤ N ms": good requests
 *   are InferenceLatency's trimmed count TC(:N) (values ≤ N), the total is its
 *   SampleCount (invocations, warmup pings excluded), the goal 99%;
 * - availability: bad requests are the Errors sum, the goal 1 − errorRate.
 */

/**
 * The SLOs of one model.
 *
 * @example
 * new InferenceServiceLevelObjectives(this, 'Slos', { target, exclude: [SLO_KIND.Availability] });
 */
export const SLO_KIND = { Latency: 'latency', Availability: 'availability' } as const;
export type SloKind = (typeof SLO_KIND)[keyof typeof SLO_KIND];

/** Period of the SLI metrics: CloudWatch's standard resolution, which EMF metrics have. */
export const SLI_PERIOD_SECONDS = 60;

/** What one SLO is, but its name, interval and burn rates. */
export interface SloSpec {
  readonly kind: SloKind;
  readonly description: string;
  /** Percent of requests that must be good. */
  readonly attainmentGoal: number;
  readonly sliMetric: CfnServiceLevelObjective.RequestBasedSliMetricProperty;
}

type SloBuilder = (metrics: InferenceMetrics, objective: ResolvedObjective) => SloSpec;

const percent = (value: number) => Number(value.toPrecision(10));

/** One builder per SLO kind, in the order they are made. */
export const SLO_BUILDERS: { readonly [K in SloKind]: SloBuilder } = {
  latency: (metrics, objective) => {
    const ms = objective.latencyP99.toMilliseconds();
    return {
      kind: SLO_KIND.Latency,
      description:
        `99% of inferences within ${ms} ms (the p99 objective): ${METRIC.InferenceLatency} values ≤ ${ms} ms ` +
        `(TC(:${ms})) over its SampleCount, warmup pings excluded, from the function's EMF metrics.`,
      attainmentGoal: 99,
      sliMetric: {
        totalRequestCountMetric: [query('total', metrics.metricInferenceCount())],
        monitoredRequestCountMetric: {
          goodCountMetric: [
            query('good', metrics.metricInferenceLatency({ statistic: `TC(:${ms})` })),
          ],
        },
      },
    };
  },
  availability: (metrics, objective) => {
    const { errorRate } = objective;
    if (!(errorRate > 0 && errorRate < 1))
      throw new InvalidPropError(
        'objective.errorRate',
        `${errorRate} leaves an availability SLO no error budget or no goal: give a rate in (0, 1), or exclude 'availability'`,
      );
    const goal = percent((1 - errorRate) * 100);
    return {
      kind: SLO_KIND.Availability,
      description:
        `${goal}% of inferences without an error (the error-rate objective ${errorRate}): ` +
        `${METRIC.Errors} over ${METRIC.InferenceLatency} SampleCount, from the function's EMF metrics.`,
      attainmentGoal: goal,
      sliMetric: {
        totalRequestCountMetric: [query('total', metrics.metricInferenceCount())],
        monitoredRequestCountMetric: {
          badCountMetric: [query('bad', metrics.metricInferenceErrors())],
        },
      },
    };
  },
};

/** One metric of an SLI, as the SLO resource spells it. */
function query(
  id: string,
  metric: cloudwatch.Metric,
): CfnServiceLevelObjective.MetricDataQueryProperty {
  const stat = metric.toMetricConfig().metricStat;
  if (!stat) throw new Error(`${id}: not a plain metric`);
  return {
    id,
    returnData: true,
    metricStat: {
      metric: {
        namespace: stat.namespace,
        metricName: stat.metricName,
        dimensions: (stat.dimensions ?? []).map(({ name, value }) => ({
          name,
          value: String(value),
        })),
      },
      period: SLI_PERIOD_SECONDS,
      stat: stat.statistic,
    },
  };
}
