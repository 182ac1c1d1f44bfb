import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NAMESPACE,
  DIMENSION_SET,
  MODEL_CALL_DIMENSION_SET,
  MODEL_CALL_METRICS_BY_MODEL,
} from '../../lib/telemetry.js';
import type { EmfRecord } from '../../local-lambda/outputRecords.js';
import {
  emfMetrics,
  metricKey,
  renderString,
  templateMetrics,
  unemittedMetrics,
} from '../support/templateMetrics.js';
import { fullStack, templateOf } from './support.js';

const MODEL_CALL_METRICS_BY_MODEL_SET: ReadonlySet<string> = new Set(MODEL_CALL_METRICS_BY_MODEL);

const dims = [
  { Name: 'service', Value: 'api' },
  { Name: 'ModelName', Value: 'fraud' },
];

const template = {
  Resources: {
    Plain: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { Namespace: 'NS', MetricName: 'Errors', Dimensions: dims, Statistic: 'Sum' },
    },
    Math: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Metrics: [
          { Id: 'e', Expression: 'a / b', ReturnData: true },
          {
            Id: 'a',
            MetricStat: {
              Metric: {
                Namespace: 'NS',
                MetricName: 'Errors',
                Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'Fn' } }],
              },
              Stat: 'p99',
            },
          },
        ],
      },
    },
    Board: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardBody: {
          'Fn::Join': [
            '',
            [
              '{"widgets":[{"type":"metric","properties":{"region":"',
              { Ref: 'AWS::Region' },
              '","metrics":[["NS","Latency","service","',
              { 'Fn::GetAtt': ['Fn', 'Arn'] },
              '",{"stat":"p50"}],[".","Errors",".","."],[{"expression":"m1*2"}]]}},',
              '{"type":"text","properties":{"markdown":"hi"}}]}',
            ],
          ],
        },
      },
    },
    Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
  },
};

describe('templateMetrics', () => {
  it('lists the metrics of plain and metric-math alarms', () => {
    const refs = templateMetrics(template).filter((r) => r.source === 'alarm');
    expect(refs).toEqual([
      {
        source: 'alarm',
        resource: 'Plain',
        namespace: 'NS',
        metricName: 'Errors',
        dimensions: { service: 'api', ModelName: 'fraud' },
        stat: 'Sum',
      },
      {
        source: 'alarm',
        resource: 'Math',
        namespace: 'NS',
        metricName: 'Errors',
        dimensions: { FunctionName: '{{Ref:Fn}}' },
        stat: 'p99',
      },
    ]);
  });

  it('lists dashboard metrics, resolving "." and leaving expressions out', () => {
    const refs = templateMetrics(template).filter((r) => r.source === 'dashboard');
    expect(refs).toEqual([
      {
        source: 'dashboard',
        resource: 'Board',
        namespace: 'NS',
        metricName: 'Latency',
        dimensions: { service: '{{GetAtt:Fn.Arn}}' },
        stat: 'p50',
      },
      {
        source: 'dashboard',
        resource: 'Board',
        namespace: 'NS',
        metricName: 'Errors',
        dimensions: { service: '{{GetAtt:Fn.Arn}}' },
      },
    ]);
  });

  it('renders Fn::Join with placeholders that keep the JSON valid', () => {
    expect(
      renderString({ 'Fn::Join': ['-', ['a', { Ref: 'X' }, { 'Fn::ImportValue': 'y' }]] }),
    ).toBe('a-{{Ref:X}}-{{{Fn::ImportValue:y}}}');
  });

  it('finds every metric of a synthesized stack with the full contract dimension set', () => {
    const refs = templateMetrics(templateOf(fullStack().stack).toJSON());
    const ours = refs.filter((r) => r.namespace === DEFAULT_NAMESPACE);
    expect(ours.length).toBeGreaterThan(100);
    for (const ref of ours) {
      // The per-model statement of the model-call metrics adds BedrockModelId to the set.
      const set =
        MODEL_CALL_METRICS_BY_MODEL_SET.has(ref.metricName) && 'BedrockModelId' in ref.dimensions
          ? MODEL_CALL_DIMENSION_SET
          : DIMENSION_SET;
      expect(Object.keys(ref.dimensions).sort()).toEqual([...set].sort());
    }
    expect(new Set(refs.map((r) => r.source))).toEqual(new Set(['alarm', 'dashboard']));
  });
});

describe('emfMetrics and unemittedMetrics', () => {
  const record: EmfRecord = {
    _aws: {
      Timestamp: 0,
      CloudWatchMetrics: [
        {
          Namespace: 'NS',
          Dimensions: [['service', 'ModelName']],
          Metrics: [{ Name: 'Errors', Unit: 'Count' }, { Name: 'Latency' }],
        },
      ],
    },
    service: 'api',
    ModelName: 'fraud',
    Errors: 0,
    Latency: 12,
  };

  it('turns each metric of each dimension set of a record into a metric', () => {
    expect(emfMetrics([record]).map(metricKey)).toEqual([
      'NS|Errors|ModelName=fraud|service=api',
      'NS|Latency|ModelName=fraud|service=api',
    ]);
  });

  it('reports references no record defines: a dimension too many or too few is another metric', () => {
    const referenced = templateMetrics(template);
    const missing = unemittedMetrics(referenced, emfMetrics([record]), 'NS');
    expect(missing.map((r) => r.resource)).toEqual(['Math', 'Board', 'Board']);
    expect(unemittedMetrics(referenced.slice(0, 1), emfMetrics([record]), 'NS')).toEqual([]);
  });
});
