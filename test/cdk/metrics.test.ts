import { Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { InferenceMetrics, inferenceDimensions } from '../../cdk/index.js';
import { DEFAULT_NAMESPACE, DIMENSION_SET, METRIC, stageMetricName } from '../../lib/telemetry.js';

const target = { model: { name: 'fraud', version: '2' }, serviceName: 'fraud-api' };
const metrics = new InferenceMetrics(target);
const stack = new Stack();
const stat = (m: cloudwatch.IMetric) =>
  stack.resolve(m.toMetricConfig()).metricStat as {
    namespace: string;
    metricName: string;
    statistic: string;
    dimensions: Array<{ name: string; value: string }>;
  };
const math = (m: cloudwatch.IMetric) =>
  stack.resolve(m.toMetricConfig()).mathExpression as {
    expression: string;
    usingMetrics: Record<string, cloudwatch.IMetric>;
  };

describe('InferenceMetrics', () => {
  it('builds every metric on the contract dimension set and namespace', () => {
    expect(Object.keys(inferenceDimensions(target))).toEqual([...DIMENSION_SET]);
    const s = stat(metrics.metricPredictions());
    expect(s.namespace).toBe(DEFAULT_NAMESPACE);
    expect(s.dimensions).toHaveLength(DIMENSION_SET.length);
    expect(s.dimensions).toEqual(
      expect.arrayContaining([
        { name: 'service', value: 'fraud-api' },
        { name: 'ModelName', value: 'fraud' },
        { name: 'ModelVersion', value: '2' },
      ]),
    );
    expect(
      stat(new InferenceMetrics({ ...target, namespace: 'Team/ML' }).metricPredictions()).namespace,
    ).toBe('Team/ML');
  });

  it('picks the statistic that answers each question, given how the runtime emits', () => {
    const cases: Array<[cloudwatch.IMetric, string, string]> = [
      [metrics.metricInferenceLatency(), METRIC.InferenceLatency, 'p99'],
      [metrics.metricInferenceCount(), METRIC.InferenceLatency, 'SampleCount'],
      [metrics.metricPredictions(), METRIC.Predictions, 'Sum'],
      [metrics.metricInferenceErrors(), METRIC.Errors, 'Sum'],
      [metrics.metricColdStarts(), METRIC.ColdStart, 'Sum'],
      [metrics.metricColdStartRate(), METRIC.ColdStart, 'Average'],
      [metrics.metricConfidence(), METRIC.Confidence, 'Average'],
      [metrics.metricDriftScore(), METRIC.DriftScore, 'Maximum'],
      [metrics.metricStageDuration('pre-process'), stageMetricName('pre-process'), 'p95'],
    ];
    for (const [metric, name, statistic] of cases)
      expect(stat(metric)).toMatchObject({ metricName: name, statistic });
    expect(stat(metrics.metricStageDuration('predict')).metricName).toBe('PredictDuration');
  });

  it('computes rates and reloads with metric math', () => {
    expect(math(metrics.metricErrorRate()).expression).toBe('errors / invocations');
    expect(math(metrics.metricLowConfidenceRate()).expression).toBe('low / scored');
    const scored = stat(metrics.metricLowConfidenceRate().usingMetrics.scored!);
    expect(scored).toMatchObject({ metricName: METRIC.Confidence, statistic: 'SampleCount' });
    expect(math(metrics.metricModelReloads(2)).expression).toBe(
      'IF(FILL(loads, 0) - 2 * FILL(coldStarts, 0) > 0, FILL(loads, 0) - 2 * FILL(coldStarts, 0), 0)',
    );
    expect(math(metrics.metricAbstentionRate()).expression).toBe(
      'FILL(abstentions, 0) / predictions',
    );
    expect(math(metrics.metricInvalidInputRate()).expression).toBe(
      'FILL(invalid, 0) / invocations',
    );
    expect(metrics.metricLabelShares(['fraud', 'legit']).map((m) => math(m).expression)).toEqual([
      'FILL(l0, 0) / predictions',
      'FILL(l1, 0) / predictions',
      '(predictions - FILL(l0, 0) - FILL(l1, 0)) / predictions',
    ]);
    expect(metrics.metricErrorRate({ label: 'mine' }).label).toBe('mine');
    expect(math(metrics.metricConfidenceBand(3)).expression).toMatch(
      /^ANOMALY_DETECTION_BAND\(\w+, 3\)$/,
    );
  });
});
