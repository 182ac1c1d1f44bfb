import { describe, expect, it } from 'vitest';
import { defaultPredictions, readPredictions, summarise } from '../../lib/predictions.js';

describe('defaultPredictions', () => {
  it('reads the common result shapes', () => {
    expect(defaultPredictions({ label: 'fraud', confidence: 0.9 })).toEqual([
      { label: 'fraud', confidence: 0.9 },
    ]);
    expect(defaultPredictions({ prediction: 'legit', probability: 0.7 })).toEqual([
      { label: 'legit', confidence: 0.7 },
    ]);
    expect(defaultPredictions({ prediction: { label: 'a', score: 0.2 } })).toEqual([
      { label: 'a', confidence: 0.2 },
    ]);
    expect(
      defaultPredictions({
        predictions: [
          { label: 'a', score: 0.1 },
          { label: 'b', score: 0.8 },
        ],
      }),
    ).toHaveLength(2);
    expect(defaultPredictions([{ label: 1, confidence: 0.5 }])).toEqual([
      { label: 1, confidence: 0.5 },
    ]);
  });

  it('marks predictions that abstained or fell back, in the result, a prediction or a proxy body', () => {
    expect(defaultPredictions({ abstain: true })).toEqual([
      { label: undefined, confidence: undefined, abstained: true },
    ]);
    expect(defaultPredictions({ label: 'legit', confidence: 0.5, fallback: true })).toEqual([
      { label: 'legit', confidence: 0.5, abstained: true },
    ]);
    expect(defaultPredictions({ prediction: { label: 'a' }, abstained: true })).toEqual([
      { label: 'a', confidence: undefined, abstained: true },
    ]);
    const batch = defaultPredictions({
      predictions: [{ label: 'a' }, { label: 'b' }],
      fallback: true,
    });
    expect(batch?.map((p) => p.abstained)).toEqual([true, true]);
    const body = JSON.stringify({ predictions: [{ label: 'a' }, { abstained: true }] });
    const list = defaultPredictions({ statusCode: 200, body }) ?? [];
    expect(summarise(list, 0.5).abstentions).toBe(1);
    // Only `true` says so: a fallback *name* is not a flag.
    expect(defaultPredictions({ label: 'a', fallback: 'rules' })?.[0]?.abstained).toBeUndefined();
  });

  it('reads a proxy response body, ignoring error responses', () => {
    const ok = { statusCode: 200, body: JSON.stringify({ label: 'fraud', score: 0.95 }) };
    expect(defaultPredictions(ok)).toEqual([{ label: 'fraud', confidence: 0.95 }]);
    expect(defaultPredictions({ statusCode: 400, body: '{"label":"x"}' })).toBeUndefined();
    expect(defaultPredictions({ statusCode: 200, body: 'not json' })).toBeUndefined();
  });

  it('ignores results that are not predictions and confidences outside [0, 1]', () => {
    expect(defaultPredictions('text')).toBeUndefined();
    expect(defaultPredictions({ unrelated: 1 })).toBeUndefined();
    expect(defaultPredictions({ label: 'x', confidence: 7 })).toEqual([
      { label: 'x', confidence: undefined },
    ]);
  });
});

describe('summarise', () => {
  it('summarises one prediction', () => {
    expect(summarise([{ label: 'fraud', confidence: 0.3 }], 0.5)).toMatchObject({
      count: 1,
      confidences: [0.3],
      lowConfidence: 1,
      topLabel: 'fraud',
      logPrediction: 'fraud',
      logConfidence: 0.3,
    });
  });

  it('summarises a batch with a bounded label mix', () => {
    const batch = Array.from({ length: 50 }, (_, i) => ({
      label: `l${i % 25}`,
      confidence: (i % 10) / 10,
    }));
    batch.push({ label: 'l0', confidence: 1 });
    const s = summarise(batch, 0.5);
    expect(s.count).toBe(51);
    expect(s.topLabel).toBe('l0');
    const mix = s.logPrediction as Record<string, number>;
    expect(Object.keys(mix)).toHaveLength(21);
    expect(mix.other).toBe(10);
    expect(s.logConfidence).toEqual({ min: 0, mean: expect.closeTo(23.5 / 51, 9), max: 1 });
    expect(s.lowConfidence).toBe(25);
  });
});

describe('readPredictions', () => {
  it('keeps the readable predictions of a list and counts the rest as malformed', () => {
    const getter = Object.defineProperty({}, 'label', {
      get() {
        throw new Error('getter');
      },
    });
    const read = readPredictions([
      null,
      undefined,
      'x',
      getter,
      { label: 'fraud', confidence: 0.9 },
    ]);
    expect(read).toEqual({ list: [{ label: 'fraud', confidence: 0.9 }], count: 1, malformed: 4 });
  });

  it('copies each prediction with typed, bounded fields', () => {
    const read = readPredictions({ label: 'L'.repeat(5000), confidence: Number.NaN, extra: 1 });
    expect(read.list[0]!.label).toMatch(/truncated from 5000 chars/);
    expect(read.list[0]).not.toHaveProperty('extra');
    expect(read.list[0]!.confidence).toBeUndefined();
  });

  it('reads at most MAX_PREDICTIONS_READ predictions and counts them all', () => {
    const read = readPredictions(Array.from({ length: 5000 }, () => ({ label: 'a' })));
    expect(read.list).toHaveLength(1000);
    expect(read.count).toBe(5000);
    expect(summarise(read.list, 0.5, read.count).count).toBe(5000);
  });
});
