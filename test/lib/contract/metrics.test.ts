import { describe, expect, it } from 'vitest';
import {
  driftMetricName,
  METRIC,
  METRIC_UNIT,
  predictedLabelMetricName,
  stageMetricName,
  UNIT,
} from '../../../lib/telemetry.js';

describe('the contract’s metric names', () => {
  it('spells each metric as its key and gives every one a CloudWatch unit', () => {
    expect(Object.keys(METRIC)).toEqual(Object.keys(METRIC_UNIT));
    for (const [key, name] of Object.entries(METRIC)) expect(name).toBe(key);
    for (const unit of Object.values(METRIC_UNIT))
      expect(Object.values<string>(UNIT)).toContain(unit);
    expect(METRIC_UNIT.InferenceLatency).toBe(UNIT.Milliseconds);
  });

  it('derives stage, drift-signal and label metric names', () => {
    expect(stageMetricName('pre-process')).toBe('PreProcessDuration');
    expect(driftMetricName('amount')).toBe('DriftScore.amount');
    expect(predictedLabelMetricName('not sure?')).toBe('PredictedLabel.not_sure_');
    expect(predictedLabelMetricName('x'.repeat(100))).toBe(`PredictedLabel.${'x'.repeat(64)}`);
  });
});
