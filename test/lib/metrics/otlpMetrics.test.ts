import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { otlpMetricsSignal } from '../../../lib/metrics/otlpMetrics.js';
import type { MetricsRecord, MetricValues } from '../../../lib/metrics/record.js';
import { OTLP_LATENCY_BOUNDARIES_MS } from '../../../lib/telemetry.js';
import { decodeMetricsRequest } from '../../support/otlp.js';

const dimensions = { service: 'svc', ModelName: 'm', ModelVersion: '1' };

function record(metrics: Record<string, MetricValues>, timestamp: number): MetricsRecord {
  return { dimensions, metrics: new Map(Object.entries(metrics)), metadata: {}, timestamp };
}

function send(records: MetricsRecord[], startMs = 1_000) {
  const signal = otlpMetricsSignal({
    resource: resourceFromAttributes({ 'service.name': 'svc' }),
    scope: { name: 'observed-inference' },
    startMs,
  });
  return decodeMetricsRequest(signal.serialize(records)!);
}

describe('otlpMetricsSignal', () => {
  it('buckets upper-inclusive, with values past the last bound in the overflow bucket', () => {
    const last = OTLP_LATENCY_BOUNDARIES_MS.at(-1)!;
    const [point] = send([
      record(
        { InferenceLatency: { unit: 'Milliseconds', values: [1, 1.5, last, last + 1] } },
        5_000,
      ),
    ]);
    const counts = point!.bucketCounts;
    expect(counts[0]).toBe(1); // 1 ≤ 1
    expect(counts[1]).toBe(1); // (1, 2]
    expect(counts[OTLP_LATENCY_BOUNDARIES_MS.length - 1]).toBe(1); // = the last bound
    expect(counts[OTLP_LATENCY_BOUNDARIES_MS.length]).toBe(1); // past it
    expect(point).toMatchObject({ count: 4, sum: 1 + 1.5 + last + last + 1, unit: 'ms' });
  });

  it('sends other time units as ms histograms, and several records as points of one metric', () => {
    const points = send([
      record({ Wait: { unit: 'Seconds', values: [0.25] } }, 2_000),
      record({ Wait: { unit: 'Seconds', values: [2] } }, 3_000),
    ]);
    expect(points.map((p) => [p.name, p.kind, p.unit, p.sum])).toEqual([
      ['Wait', 'histogram', 'ms', 250],
      ['Wait', 'histogram', 'ms', 2000],
    ]);
    // Contiguous delta intervals: the process start → the first record → the second.
    expect(points.map((p) => [p.startNs, p.timeNs])).toEqual([
      [1_000_000_000n, 2_000_000_000n],
      [2_000_000_000n, 3_000_000_000n],
    ]);
  });

  it('sums counts and bytes, keeps the last value of gauges, and drops values that are not finite', () => {
    const points = send([
      record(
        {
          Predictions: { unit: 'Count', values: [2, 3] },
          BytesStreamed: { unit: 'Bytes', values: [10] },
          DriftScore: { unit: 'None', values: [0.1, 0.3] },
          BatchSize: { unit: 'Count', values: [4] },
          Broken: { unit: 'Count', values: [Number.NaN] },
        },
        2_000,
      ),
    ]);
    const byName = Object.fromEntries(points.map((p) => [p.name, p]));
    expect(byName.Predictions).toMatchObject({ kind: 'sum', monotonic: true, value: 5, unit: '1' });
    expect(byName.BytesStreamed).toMatchObject({ kind: 'sum', value: 10, unit: 'By' });
    expect(byName.DriftScore).toMatchObject({ kind: 'gauge', value: 0.3, unit: '1' });
    expect(byName.BatchSize).toMatchObject({ kind: 'gauge', value: 4 });
    expect(byName.Broken).toBeUndefined();
  });

  it('states the model-call metrics once, with the model id among their attributes', () => {
    const points = send([
      {
        ...record(
          {
            InferenceLatency: { unit: 'Milliseconds', values: [3] },
            InputTokens: { unit: 'Count', values: [120] },
          },
          2_000,
        ),
        also: { dimensions: { BedrockModelId: 'anthropic.claude' }, names: ['InputTokens'] },
      },
    ]);
    const byName = Object.fromEntries(points.map((p) => [p.name, p]));
    expect(points.filter((p) => p.name === 'InputTokens')).toHaveLength(1);
    expect(byName.InputTokens!.attributes).toEqual({
      ...dimensions,
      BedrockModelId: 'anthropic.claude',
    });
    expect(byName.InferenceLatency!.attributes).toEqual(dimensions);
  });
});
