import { describe, expect, it } from 'vitest';
import type { Baseline, BaselineSample } from '../../lib/drift/baseline.js';
import { buildBaseline } from '../../lib/drift/build.js';
import { binOf } from '../../lib/drift/histogram.js';
import { DriftMonitor, defaultFeatureRows, TOO_SMALL } from '../../lib/drift/monitor.js';
import { parseBaseline } from '../../lib/drift/parse.js';
import { PSI_EPSILON, psi } from '../../lib/drift/psi.js';
import { DriftWindow } from '../../lib/drift/window.js';

/** Deterministic uniform numbers for reproducible samples. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function samples(n: number, seed: number, shift = 0): BaselineSample[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const amount = r() * 100 + shift;
    return {
      features: { amount, country: r() < 0.8 + shift / 1000 ? 'FR' : 'DE' },
      label: amount > 80 ? 'fraud' : 'legit',
      confidence: 0.5 + r() / 2,
    };
  });
}

describe('psi', () => {
  it('matches hand-computed values', () => {
    expect(psi([0.5, 0.5], [50, 50])).toBe(0);
    // (0.9 − 0.5)·ln(0.9/0.5) + (0.1 − 0.5)·ln(0.1/0.5)
    expect(psi([0.5, 0.5], [90, 10])).toBeCloseTo(0.4 * Math.log(1.8) + -0.4 * Math.log(0.2), 12);
    // Three bins: 0.25/0.5/0.25 expected, 0.2/0.5/0.3 observed.
    const expected = 0.05 * Math.log(0.2 / 0.25) * -1 + 0.05 * Math.log(0.3 / 0.25);
    expect(psi([0.25, 0.5, 0.25], [20, 50, 30])).toBeCloseTo(expected, 12);
  });

  it('floors empty bins instead of returning Infinity, and is 0 for no data', () => {
    const value = psi([0.5, 0.5], [100, 0]);
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeCloseTo(
      (1 - 0.5) * Math.log(1 / 0.5) + (PSI_EPSILON - 0.5) * Math.log(PSI_EPSILON / 0.5),
      12,
    );
    expect(psi([0.5, 0.5], [0, 0])).toBe(0);
  });
});

describe('buildBaseline and parseBaseline', () => {
  const baseline = buildBaseline(samples(5000, 1), {
    features: ['amount', 'country'],
    model: { name: 'm', version: '1' },
  });

  it('builds quantile bins, top categories, label and confidence distributions', () => {
    const amount = baseline.features.amount!;
    expect(amount.type).toBe('numeric');
    if (amount.type !== 'numeric') return;
    expect(amount.edges).toHaveLength(9);
    for (const p of amount.proportions) expect(p).toBeCloseTo(0.1, 2);
    expect(baseline.features.country).toMatchObject({
      type: 'categorical',
      categories: ['FR', 'DE'],
      other: 0,
    });
    expect(baseline.labels?.categories).toEqual(['legit', 'fraud']);
    expect(baseline.confidence?.edges).toHaveLength(9);
    expect(baseline.sampleSize).toBe(5000);
  });

  it('round-trips through JSON and rejects broken baselines with a clear message', () => {
    expect(parseBaseline(JSON.parse(JSON.stringify(baseline)))).toMatchObject({
      features: baseline.features,
      sampleSize: 5000,
    });
    expect(() => parseBaseline({ version: 2 })).toThrow(/version: 2 is not supported/);
    expect(() =>
      parseBaseline({
        version: 1,
        features: { a: { type: 'numeric', edges: [2, 1], proportions: [0.3, 0.3, 0.4] } },
      }),
    ).toThrow(/features\.a: edges must increase/);
    expect(() =>
      parseBaseline({
        version: 1,
        features: { a: { type: 'numeric', edges: [1], proportions: [1] } },
      }),
    ).toThrow(/1 edges need 2 proportions/);
    expect(() => parseBaseline('nope')).toThrow(/is not a JSON object/);
  });

  it('refuses empty samples and missing features', () => {
    expect(() => buildBaseline([], { features: ['a'] })).toThrow(/no samples/);
    expect(() => buildBaseline(samples(10, 1), { features: ['nope'] })).toThrow(
      /feature 'nope' has no values/,
    );
  });

  it('bins values at the edges into the upper bin and unknown categories into other', () => {
    const dist = { type: 'numeric' as const, edges: [1, 2], proportions: [0.3, 0.3, 0.4] };
    expect([0, 1, 1.5, 2, 99].map((v) => binOf(dist, v))).toEqual([0, 1, 1, 2, 2]);
    expect(binOf(dist, Number.NaN)).toBeUndefined();
    const cat = {
      type: 'categorical' as const,
      categories: ['a', 'b'],
      proportions: [0.5, 0.4],
      other: 0.1,
    };
    expect([binOf(cat, 'a'), binOf(cat, 'zz'), binOf(cat, undefined)]).toEqual([0, 2, undefined]);
  });
});

describe('DriftWindow and DriftMonitor', () => {
  const baseline: Baseline = buildBaseline(samples(5000, 1), { features: ['amount', 'country'] });

  it('stays low for in-distribution traffic and names the shifted feature', () => {
    const window = new DriftWindow(baseline, { size: 2000, maxAgeMs: 60_000, minSize: 100 });
    for (const s of samples(2000, 7)) window.add(s.features, s.label, s.confidence, 0);
    const stable = window.close()!;
    expect(stable.score).toBeLessThan(0.1);
    for (const s of samples(2000, 8, 60)) window.add(s.features, s.label, s.confidence, 0);
    const shifted = window.close()!;
    expect(shifted.score).toBeGreaterThan(0.25);
    expect(shifted.ranked[0]).toBe('amount');
    expect(shifted.scores.amount).toBeGreaterThan(shifted.scores.country!);
  });

  it('closes by count, by age, and says when a window is too small', () => {
    const monitor = new DriftMonitor(baseline, { size: 10, maxAgeMs: 1000, minSize: 5 });
    const p = { label: 'legit', confidence: 0.9 };
    for (let i = 0; i < 9; i++) expect(monitor.record([{ amount: 5 }], [p], 0)).toBeUndefined();
    expect(monitor.record([{ amount: 5 }], [p], 0)).toMatchObject({ windowSize: 10 });
    expect(monitor.record([{ amount: 5 }], [p], 0)).toBeUndefined();
    expect(monitor.record([{ amount: 5 }], [p], 1500)).toBe(TOO_SMALL);
    for (let i = 0; i < 6; i++) monitor.record([{ amount: 5 }], [p], 2000);
    expect(monitor.record([{ amount: 5 }], [p], 3001)).toMatchObject({ windowSize: 7 });
  });

  it('pairs batch rows with their predictions', () => {
    expect(defaultFeatureRows({ transactions: [{ a: 1 }, { a: 2 }] })).toEqual([
      { a: 1 },
      { a: 2 },
    ]);
    expect(defaultFeatureRows([1, 2])).toEqual([1, 2]);
    expect(defaultFeatureRows({ a: 1 })).toEqual([{ a: 1 }]);
  });

  it('keeps memory bounded over a million predictions', () => {
    const window = new DriftWindow(baseline, { size: 10_000, maxAgeMs: 60_000, minSize: 100 });
    const r = rng(3);
    const row = { amount: 0, country: 'FR' };
    expect(globalThis.gc).toBeTypeOf('function');
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1_000_000; i++) {
      row.amount = r() * 100;
      window.add(row, 'legit', 0.7, i);
      if (window.due(i)) window.close();
    }
    globalThis.gc?.();
    const grownMb = (process.memoryUsage().heapUsed - before) / 1e6;
    expect(grownMb).toBeLessThan(2);
  });
});
