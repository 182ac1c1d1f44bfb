/**
 * The demo's report figures (`examples/demo/summary.ts`) from EMF records,
 * whatever the wall clock: CloudWatch periods are aligned to the epoch, and a
 * run is not.
 */
import { describe, expect, it } from 'vitest';
import { summarise } from '../../examples/demo/summary.js';
import {
  DEFAULT_NAMESPACE,
  DIMENSION,
  METRIC,
  OUTCOME_METRIC,
  stageMetricName,
} from '../../lib/telemetry.js';

const DIMS = { service: 'fraud-detection', model: 'fraud-detector', version: '1.0.0' };
const DIM_VALUES = {
  [DIMENSION.Service]: DIMS.service,
  [DIMENSION.ModelName]: DIMS.model,
  [DIMENSION.ModelVersion]: DIMS.version,
};
/** A two-minute boundary: 2026-11-26T13:02:00Z is a multiple of 120 s since the epoch. */
const BOUNDARY = Date.parse('2026-11-26T13:02:00Z');

/** One EMF record in the shape the runtime writes. */
function emf(timestamp: number, metrics: Record<string, number>) {
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: DEFAULT_NAMESPACE,
          Dimensions: [Object.keys(DIM_VALUES)],
          Metrics: Object.keys(metrics).map((Name) => ({ Name })),
        },
      ],
    },
    ...DIM_VALUES,
    ...metrics,
  };
}

/** Ten invocations one second apart from `start`, then two outcomes. */
function run(start: number) {
  const records = Array.from({ length: 10 }, (_, i) =>
    emf(start + i * 1000, {
      [METRIC.InferenceLatency]: i + 1,
      [stageMetricName('predict')]: (i + 1) / 10,
      [METRIC.Predictions]: 1,
      [METRIC.Confidence]: i < 5 ? 0.9 : 0.7,
    }),
  );
  records.push(
    emf(start + 10_000, { [OUTCOME_METRIC.Outcomes]: 1, [OUTCOME_METRIC.PredictionCorrect]: 1 }),
    emf(start + 10_500, { [OUTCOME_METRIC.Outcomes]: 1, [OUTCOME_METRIC.PredictionCorrect]: 0 }),
  );
  return summarise(records, [], DIMS);
}

describe('demo summary', () => {
  it('gives every figure of a run that straddles a 120 s boundary', () => {
    // Five invocations before 13:02:00, five after (what about a third of real runs do).
    const s = run(BOUNDARY - 5000);
    expect(s.invocations).toBe(10);
    expect(s.predictions).toBe(10);
    expect(s.latency).toEqual({ p50: 5, p95: 10, p99: 10 });
    expect(s.stages.predict).toEqual({ p50: 0.5, p95: 1, p99: 1 });
    expect(s.confidenceAverage).toBeCloseTo(0.8, 10);
    expect(s.outcomes).toBe(2);
    expect(s.accuracy).toBe(0.5);
  });

  it('gives the same figures wherever the run falls on the clock', () => {
    const inside = run(BOUNDARY + 30_000);
    for (const offset of [-11_000, -5000, -1, 0, 59_000, 119_000, 299_000])
      expect(run(BOUNDARY + offset)).toEqual(inside);
  });
});
