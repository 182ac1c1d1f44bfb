import { describe, expect, it } from 'vitest';
import type { LineOutput } from '../../../lib/logs/output.js';
import { EmfSink } from '../../../lib/metrics/emfSink.js';
import type { MetricsRecord, MetricValues } from '../../../lib/metrics/record.js';
import { emfRecords, metricValues } from '../../../local-lambda/outputRecords.js';
import { validateEmf } from '../../support/emf.js';

function collect(): LineOutput & { lines: string[] } {
  const lines: string[] = [];
  return { lines, stdout: (l) => lines.push(l), stderr: (l) => lines.push(l), flush() {} };
}

const dimensions = { service: 'fraud-api', ModelName: 'fraud', ModelVersion: '3' };

function record(metrics: Map<string, MetricValues>, metadata = {}): MetricsRecord {
  return { dimensions, metrics, metadata, timestamp: Date.now() };
}

describe('EmfSink', () => {
  it('states some metrics a second time under more dimensions in the same record (also)', () => {
    const out = collect();
    const sink = new EmfSink('ObservedInference', out);
    const metrics = new Map<string, MetricValues>([
      ['InferenceLatency', { unit: 'Milliseconds', values: [12.5] }],
      ['InputTokens', { unit: 'Count', values: [11] }],
      ['OutputTokens', { unit: 'Count', values: [7] }],
    ]);
    const also = {
      dimensions: { BedrockModelId: 'm-1' },
      names: ['InputTokens', 'OutputTokens', 'InferenceCost'],
    };
    // Twice: the cached directive of the first record must not carry the second's entry, nor the reverse.
    sink.publish({ ...record(metrics), also });
    sink.publish(record(metrics));
    const [withAlso, without] = emfRecords(out.lines);
    expect(validateEmf(withAlso)).toEqual([]);
    expect(withAlso!._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'ObservedInference',
        Dimensions: [['service', 'ModelName', 'ModelVersion']],
        Metrics: [
          { Name: 'InferenceLatency', Unit: 'Milliseconds' },
          { Name: 'InputTokens', Unit: 'Count' },
          { Name: 'OutputTokens', Unit: 'Count' },
        ],
      },
      {
        Namespace: 'ObservedInference',
        Dimensions: [['service', 'ModelName', 'ModelVersion', 'BedrockModelId']],
        Metrics: [
          { Name: 'InputTokens', Unit: 'Count' },
          { Name: 'OutputTokens', Unit: 'Count' },
        ],
      },
    ]);
    expect(withAlso!.BedrockModelId).toBe('m-1');
    expect(without!._aws.CloudWatchMetrics).toHaveLength(1);
    expect(without).not.toHaveProperty('BedrockModelId');
  });

  it('writes one EMF record with the directive, metadata, dimensions and values', () => {
    const out = collect();
    new EmfSink('ObservedInference', out).publish(
      record(
        new Map([
          ['InferenceLatency', { unit: 'Milliseconds', values: [12.5] }],
          ['Confidence', { unit: 'None', values: [0.9, 0.4] }],
        ]),
        { function_request_id: 'req-1' },
      ),
    );
    expect(out.lines).toHaveLength(1);
    const [r] = emfRecords(out.lines);
    expect(validateEmf(r)).toEqual([]);
    expect(Object.keys(r!)).toEqual([
      '_aws',
      'function_request_id',
      'service',
      'ModelName',
      'ModelVersion',
      'InferenceLatency',
      'Confidence',
    ]);
    expect(r!._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'ObservedInference',
        Dimensions: [['service', 'ModelName', 'ModelVersion']],
        Metrics: [
          { Name: 'InferenceLatency', Unit: 'Milliseconds' },
          { Name: 'Confidence', Unit: 'None' },
        ],
      },
    ]);
    expect(r!.InferenceLatency).toBe(12.5);
    expect(r!.Confidence).toEqual([0.9, 0.4]);
  });

  it('describes each record by its own metrics when the set changes between records', () => {
    const out = collect();
    const sink = new EmfSink('NS', out);
    const a = new Map([['A', { unit: 'Count' as const, values: [1] }]]);
    const ab = new Map([...a, ['B', { unit: 'Count' as const, values: [2] }]]);
    for (const m of [a, ab, a, ab]) sink.publish(record(m));
    const names = emfRecords(out.lines).map((r) =>
      r._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name),
    );
    expect(names).toEqual([['A'], ['A', 'B'], ['A'], ['A', 'B']]);
  });

  it('splits past 100 metrics and 100 values per metric, losing nothing', () => {
    const out = collect();
    const metrics = new Map<string, MetricValues>();
    for (let i = 0; i < 150; i++) metrics.set(`M${i}`, { unit: 'Count', values: [i] });
    const confidences = Array.from({ length: 250 }, (_, i) => i / 250);
    metrics.set('Confidence', { unit: 'None', values: confidences });
    new EmfSink('NS', out).publish(record(metrics, { function_request_id: 'r' }));
    const records = emfRecords(out.lines);
    expect(records.length).toBeGreaterThanOrEqual(3);
    for (const r of records) expect(validateEmf(r)).toEqual([]);
    expect(metricValues(records, 'Confidence')).toEqual(confidences);
    for (let i = 0; i < 150; i++) expect(metricValues(records, `M${i}`)).toEqual([i]);
    expect(records.every((r) => r.function_request_id === 'r')).toBe(true);
  });

  it('lets a dimension win over metadata of the same name', () => {
    const out = collect();
    new EmfSink('NS', out).publish(
      record(new Map([['A', { unit: 'Count', values: [1] }]]), { ModelName: 'other' }),
    );
    expect(out.lines[0]!.match(/"ModelName"/g)).toHaveLength(2);
    expect(emfRecords(out.lines)[0]!.ModelName).toBe('fraud');
  });
});
