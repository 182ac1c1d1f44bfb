import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  InferenceServiceLevelObjectives,
  ObservedInferenceFunction,
  type ObservedInferenceFunctionProps,
} from '../../cdk/index.js';
import { DEFAULT_NAMESPACE, METRIC } from '../../lib/telemetry.js';
import { functionProps, resourcesOf, testStack } from './support.js';

const SLO = 'AWS::ApplicationSignals::ServiceLevelObjective';

/** SLO properties by the kind that ends their name. */
function slosOf(template: Template): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.values(resourcesOf(template, SLO)).map((r) => [
      String(r.Properties.Name).split(' ').at(-1),
      r.Properties,
    ]),
  );
}

function fraud(overrides: Partial<ObservedInferenceFunctionProps>) {
  const { stack, layer } = testStack('Slo');
  const fn = new ObservedInferenceFunction(stack, 'Fraud', {
    ...functionProps(layer),
    serviceName: 'fraud-api',
    objective: { latencyP99: Duration.millis(300), errorRate: 0.02 },
    ...overrides,
  });
  return { stack, fn, template: Template.fromStack(stack) };
}

const metricStat = (metricName: string, stat: string) => ({
  Metric: {
    Namespace: DEFAULT_NAMESPACE,
    MetricName: metricName,
    Dimensions: expect.arrayContaining([
      { Name: 'service', Value: 'fraud-api' },
      { Name: 'ModelName', Value: 'fraud' },
      { Name: 'ModelVersion', Value: '2026-11-01' },
    ]),
  },
  Period: 60,
  Stat: stat,
});

describe('ObservedInferenceFunction serviceLevelObjectives', () => {
  it('creates no SLO unless asked', () => {
    const { template, fn } = fraud({});
    template.resourceCountIs(SLO, 0);
    expect(fn.serviceLevelObjectives).toBeUndefined();
  });

  it('judges 99% of inferences within the p99 objective over 28 days, on the EMF metrics', () => {
    const { template } = fraud({ serviceLevelObjectives: {} });
    const { latency } = slosOf(template);
    expect(latency).toMatchObject({
      Name: 'Slo fraud-api fraud 2026-11-01 latency',
      RequestBasedSli: {
        RequestBasedSliMetric: {
          TotalRequestCountMetric: [
            {
              Id: 'total',
              ReturnData: true,
              MetricStat: metricStat(METRIC.InferenceLatency, 'SampleCount'),
            },
          ],
          MonitoredRequestCountMetric: {
            GoodCountMetric: [
              {
                Id: 'good',
                ReturnData: true,
                MetricStat: metricStat(METRIC.InferenceLatency, 'TC(:300)'),
              },
            ],
          },
        },
      },
      Goal: {
        AttainmentGoal: 99,
        Interval: { RollingInterval: { Duration: 28, DurationUnit: 'DAY' } },
      },
    });
    expect(latency?.Description).toMatch(
      /^fraud-api\/fraud@2026-11-01: 99% of inferences within 300 ms/,
    );
  });

  it('judges inferences without an error against the error-rate budget', () => {
    const { template } = fraud({ serviceLevelObjectives: {} });
    const { availability } = slosOf(template);
    expect(availability).toMatchObject({
      Name: 'Slo fraud-api fraud 2026-11-01 availability',
      RequestBasedSli: {
        RequestBasedSliMetric: {
          TotalRequestCountMetric: [
            { MetricStat: metricStat(METRIC.InferenceLatency, 'SampleCount') },
          ],
          MonitoredRequestCountMetric: {
            BadCountMetric: [{ Id: 'bad', MetricStat: metricStat(METRIC.Errors, 'Sum') }],
          },
        },
      },
      Goal: { AttainmentGoal: 98 },
    });
  });

  it('takes the interval, burn-rate windows and exclusions given', () => {
    const { template, fn } = fraud({
      serviceLevelObjectives: {
        interval: Duration.hours(36),
        burnRateWindows: [Duration.minutes(5), Duration.hours(1)],
        exclude: ['availability'],
      },
    });
    const slos = slosOf(template);
    expect(Object.keys(slos)).toEqual(['latency']);
    expect(slos.latency).toMatchObject({
      Goal: { Interval: { RollingInterval: { Duration: 36, DurationUnit: 'HOUR' } } },
      BurnRateConfigurations: [{ LookBackWindowMinutes: 5 }, { LookBackWindowMinutes: 60 }],
    });
    expect(fn.serviceLevelObjectives?.availability).toBeUndefined();
    expect(fn.serviceLevelObjectives?.latency).toBeDefined();
  });

  it('keeps the alarms beside the SLOs, or leaves out the ones they restate', () => {
    const alarmNames = (template: Template) =>
      Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) =>
        String(a.Properties.AlarmName),
      );
    const beside = alarmNames(fraud({ serviceLevelObjectives: {} }).template);
    expect(beside.some((n) => n.endsWith('p99 latency > 300 ms'))).toBe(true);
    expect(beside.some((n) => n.endsWith('error rate > 2%'))).toBe(true);
    const replaced = alarmNames(
      fraud({ serviceLevelObjectives: { replaceAlarms: true } }).template,
    );
    expect(replaced.some((n) => n.includes('p99 latency'))).toBe(false);
    expect(replaced.some((n) => n.includes('error rate'))).toBe(false);
    expect(replaced).toHaveLength(beside.length - 2);
    const latencyOnly = alarmNames(
      fraud({ serviceLevelObjectives: { replaceAlarms: true, exclude: ['availability'] } })
        .template,
    );
    expect(latencyOnly.some((n) => n.endsWith('error rate > 2%'))).toBe(true);
    expect(latencyOnly.some((n) => n.includes('p99 latency'))).toBe(false);
  });
});

describe('InferenceServiceLevelObjectives', () => {
  it('measures any target in its own namespace, named within the SLO name rules', () => {
    const { stack } = testStack('Standalone');
    const version = `v${'9'.repeat(150)}`;
    new InferenceServiceLevelObjectives(stack, 'Slos', {
      target: {
        model: { name: 'churn', version },
        serviceName: 'churn/api',
        namespace: 'Ml/Churn',
      },
      sloNamePrefix: 'team',
    });
    const slos = slosOf(Template.fromStack(stack));
    for (const props of Object.values(slos)) {
      expect(props.Name).toMatch(/^[0-9A-Za-z][-._0-9A-Za-z ]{0,126}[0-9A-Za-z]$/);
      expect(JSON.stringify(props)).toContain('"Namespace":"Ml/Churn"');
    }
    expect(slos.latency?.Name).toMatch(/^team churn_api churn v9+ [0-9a-f]{8} latency$/);
    expect(slos.latency?.Name).not.toBe(slos.availability?.Name);
  });
});
