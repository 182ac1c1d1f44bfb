import { describe, expect, it } from 'vitest';
import { chunkMetrics, type MetricValues } from '../../lib/metrics/record.js';

describe('chunkMetrics', () => {
  it('keeps a small record in one chunk', () => {
    const m = new Map<string, MetricValues>([['A', { unit: 'Count', values: [1] }]]);
    expect(chunkMetrics(m, 100, 99)).toHaveLength(1);
  });

  it('splits values past the per-metric limit without losing any', () => {
    const values = Array.from({ length: 250 }, (_, i) => i);
    const chunks = chunkMetrics(
      new Map([
        ['Confidence', { unit: 'None', values }],
        ['Errors', { unit: 'Count', values: [0] }],
      ]),
      100,
      99,
    );
    expect(chunks).toHaveLength(3);
    expect(chunks.flatMap((c) => c.get('Confidence')?.values ?? [])).toEqual(values);
    expect(chunks.every((c) => (c.get('Confidence')?.values.length ?? 0) <= 99)).toBe(true);
    expect(chunks.filter((c) => c.has('Errors'))).toHaveLength(1);
  });

  it('splits past the metric-count limit', () => {
    const m = new Map<string, MetricValues>();
    for (let i = 0; i < 230; i++) m.set(`M${i}`, { unit: 'Count', values: [i] });
    const chunks = chunkMetrics(m, 100, 99);
    expect(chunks.map((c) => c.size)).toEqual([100, 100, 30]);
  });
});
