import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { graph } from './graphWidget.js';
import type { ModelCallMetrics } from './modelCallMetrics.js';
import type { InferenceTarget } from './target.js';

/**
 * The model-call rows of a model whose target has `modelCalls` (none
 * otherwise): tokens, time to first token p50/p99, call latency (and by
 * Bedrock model for the ids named), errors and throttles, and the estimated
 * cost from the user's price table.
 *
 * @example
 * for (const row of modelCallRows(target, metrics.modelCalls, Duration.minutes(5))) dashboard.addWidgets(...row);
 */
export function modelCallRows(
  target: InferenceTarget,
  m: ModelCallMetrics,
  period: Duration,
  timeToFirstTokenP99?: Duration,
): cloudwatch.IWidget[][] {
  if (target.modelCalls === undefined) return [];
  const p = { period };
  const ids = target.modelCalls.bedrockModelIds ?? [];
  const objective = timeToFirstTokenP99
    ? [
        {
          value: timeToFirstTokenP99.toMilliseconds(),
          label: 'p99 alarm',
          color: cloudwatch.Color.RED,
        },
      ]
    : [];
  const calls = [
    graph('Model call tokens', 6, [m.metricInputTokens(p), m.metricOutputTokens(p)]),
    graph(
      'Time to first token (ms)',
      6,
      [
        m.metricTimeToFirstToken({ ...p, statistic: 'p50' }),
        m.metricTimeToFirstToken({ ...p, statistic: 'p99' }),
      ],
      { leftAnnotations: objective, right: [m.metricTimePerOutputToken(p)] },
    ),
    graph('Model call latency by model (ms)', 6, [
      m.metricModelCallLatency(p),
      ...ids.map((id) => m.metricModelCallLatencyForModel(id, p)),
    ]),
    graph(
      'Model call errors and throttles',
      6,
      [m.metricModelCallErrors(p), m.metricModelCallThrottles(p)],
      { right: [m.metricModelStreamsAborted(p)] },
    ),
  ];
  const perModel =
    ids.length === 0
      ? []
      : [
          graph(
            'Tokens by model',
            12,
            ids.flatMap((id) => m.metricTokensForModel(id, p)),
          ),
        ];
  const cost = graph(
    'Estimated cost (your price table)',
    ids.length === 0 ? 24 : 12,
    [m.metricInferenceCost(p), ...ids.map((id) => m.metricInferenceCostForModel(id, p))],
    { leftYAxis: { min: 0, showUnits: false } },
  );
  return [calls, [...perModel, cost]];
}
