/**
 * Drift's data-quality checks (issue 16): a window of missing values, of
 * strings in numeric features or of unseen categories is named, never
 * "stable"; old baselines (no data-quality fields) still load and score PSI.
 * Through the drift monitor, then through observe() as Lambda runs it, read
 * back from the EMF record, the log line and the X-Ray document written.
 */
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baseline, BaselineSample } from '../../lib/drift/baseline.js';
import { buildBaseline } from '../../lib/drift/build.js';
import { DriftMonitor, loadBaselineFile } from '../../lib/drift/monitor.js';
import { parseBaseline } from '../../lib/drift/parse.js';
import type { DriftReport } from '../../lib/drift/window.js';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';
import { validateEmf } from '../support/emf.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

const OLD_BASELINE = join(
  import.meta.dirname,
  '../fixtures/drift/baseline-v1-before-data-quality.json',
);

/** Deterministic uniform numbers. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Row = Record<string, unknown>;

/** Rows like the training data: amount in [0, 100), country FR or DE. */
function rows(n: number, seed: number, shift = 0): Row[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => ({
    amount: r() * 100 + shift,
    country: r() < 0.8 ? 'FR' : 'DE',
  }));
}

const training: BaselineSample[] = rows(5000, 1).map((features, i) => ({
  features: i % 50 === 0 ? { ...features, amount: null } : features,
  label: 'legit',
  confidence: 0.9,
}));
const baseline = buildBaseline(training, { features: ['amount', 'country'] });

/** Predictions like the baselines' training data: constant for `baseline`, the fixture's mix for the old one. */
const constant = () => ({ label: 'legit', confidence: 0.9 });

/** One full window of `window` rows through a monitor; its report. */
function windowOf(
  b: Baseline,
  window: readonly Row[],
  missingRateRise?: number,
  predict: (row: Row) => { label: string; confidence: number } = constant,
): DriftReport {
  const monitor = new DriftMonitor(b, {
    size: window.length,
    minSize: 10,
    ...(missingRateRise === undefined ? {} : { missingRateRise }),
  });
  let report: ReturnType<DriftMonitor['record']>;
  for (const row of window) report = monitor.record([row], [predict(row)], 0);
  expect(report!).toBeTypeOf('object');
  return report as DriftReport;
}

describe('the baseline records what data quality is checked against', () => {
  it('keeps the missing rate, the numeric range and whether the categories are all of them', () => {
    expect(baseline.features.amount).toMatchObject({ type: 'numeric', missing: 0.02 });
    const amount = baseline.features.amount!;
    if (amount.type !== 'numeric') throw new Error('amount is numeric');
    expect(amount.min).toBeGreaterThanOrEqual(0);
    expect(amount.min).toBeLessThan(1);
    expect(amount.max).toBeGreaterThan(99);
    expect(amount.max).toBeLessThan(100);
    expect(baseline.features.country).toMatchObject({
      type: 'categorical',
      categories: ['FR', 'DE'],
      missing: 0,
      complete: true,
    });
    expect(parseBaseline(JSON.parse(JSON.stringify(baseline))).features).toEqual(baseline.features);
  });

  it('does not call a long-tailed feature complete, so its rare values are not unseen', () => {
    const many = buildBaseline(
      Array.from({ length: 500 }, (_, i) => ({ features: { city: `c${i % 40}` } })),
      { features: ['city'] },
    );
    expect(many.features.city).toMatchObject({ type: 'categorical', complete: false });
    expect(
      windowOf(many, [{ city: 'never-seen' }, ...Array(19).fill({ city: 'c1' })]).quality.city,
    ).toMatchObject({ unseenCategories: 0 });
  });

  it('rejects malformed data-quality fields with a clear message', () => {
    const broken = (amount: Row) =>
      parseBaseline({
        version: 1,
        features: { amount: { ...baseline.features.amount, ...amount } },
      });
    expect(() => broken({ missing: 2 })).toThrow(/features\.amount: missing must be a share/);
    expect(() => broken({ min: 5, max: 1 })).toThrow(/min ≤ max/);
    expect(() => broken({ min: 5, max: undefined })).toThrow(/min and max come together/);
  });
});

describe('a drift window with broken inputs', () => {
  it('calls a window of nulls data_quality_broken, with a DriftScore far above any threshold', () => {
    const r = windowOf(
      baseline,
      Array.from({ length: 200 }, () => ({ amount: null, country: null })),
    );
    expect(r.status).toBe('data_quality_broken');
    expect(r.broken).toEqual(expect.arrayContaining(['amount', 'country']));
    expect(r.quality.amount).toMatchObject({ missingRate: 1, broken: true });
    expect(r.quality.country).toMatchObject({ missingRate: 1, broken: true });
    expect(r.score).toBeGreaterThan(1);
    expect(r.scores.amount).toBeGreaterThan(1);
    expect(Number.isFinite(r.score)).toBe(true);
  });

  it('counts strings in a numeric feature as type mismatches, and a window of them breaks', () => {
    const strings = windowOf(
      baseline,
      rows(200, 4).map((row) => ({ ...row, amount: 'n/a' })),
    );
    expect(strings.quality.amount).toMatchObject({
      typeMismatches: 200,
      missingRate: 0,
      broken: true,
    });
    expect(strings.status).toBe('data_quality_broken');
    expect(strings.broken).toEqual(['amount']);
    // A few stray strings are counted but are not a break.
    const few = windowOf(
      baseline,
      rows(200, 5).map((row, i) => (i < 3 ? { ...row, amount: '12.5' } : row)),
    );
    expect(few.quality.amount).toMatchObject({ typeMismatches: 3, broken: false });
    expect(few.status).toBe('stable');
  });

  it('counts unseen categories and values out of the baseline range', () => {
    const r = windowOf(
      baseline,
      rows(200, 6).map((row, i) => (i < 30 ? { amount: i < 10 ? 1e6 : 50, country: 'XX' } : row)),
    );
    expect(r.quality.country).toMatchObject({ unseenCategories: 30, broken: false });
    expect(r.quality.amount).toMatchObject({ outOfRange: 10, broken: false });
  });

  it('tolerates values just past the baseline range', () => {
    // OUT_OF_RANGE_TOLERANCE: 10% of max − min beyond either end.
    const r = windowOf(
      baseline,
      rows(100, 7).map((row, i) => (i < 5 ? { ...row, amount: 105 } : row)),
    );
    expect(r.quality.amount!.outOfRange).toBe(0);
  });

  it('judges the missing rate against the baseline’s, with a configurable rise', () => {
    // The baseline misses 2% of amounts: 15% is within the default rise of 0.2…
    const fifteen = rows(200, 8).map((row, i) => (i % 20 < 3 ? { ...row, amount: null } : row));
    expect(windowOf(baseline, fifteen).quality.amount).toMatchObject({
      missingRate: 0.15,
      broken: false,
    });
    // …and a break when the rise allowed is 0.1.
    const strict = windowOf(baseline, fifteen, 0.1);
    expect(strict.quality.amount!.broken).toBe(true);
    expect(strict.status).toBe('data_quality_broken');
    expect(() => new DriftMonitor(baseline, { missingRateRise: 1.5 })).toThrow(/missingRateRise/);
  });

  it('does not break a feature that was often missing in training too', () => {
    const sparse = buildBaseline(
      rows(1000, 13).map((features, i) => ({
        features: i % 10 < 3 ? { ...features, amount: null } : features,
      })),
      { features: ['amount'] },
    );
    expect(sparse.features.amount).toMatchObject({ missing: 0.3 });
    // 40% missing: 0.1 above the baseline's 0.3, within the default rise.
    const forty = rows(200, 14).map((row, i) => (i % 10 < 4 ? { ...row, amount: null } : row));
    expect(windowOf(sparse, forty).quality.amount).toMatchObject({
      missingRate: 0.4,
      broken: false,
    });
  });

  it('keeps a healthy window stable with no data-quality values', () => {
    const r = windowOf(baseline, rows(1000, 9));
    expect(r.status).toBe('stable');
    expect(r.broken).toEqual([]);
    expect(r.score).toBeLessThan(0.1);
    expect(r.quality.amount).toEqual({
      missingRate: 0,
      typeMismatches: 0,
      outOfRange: 0,
      unseenCategories: 0,
      broken: false,
    });
  });
});

describe('a baseline written before data-quality fields', () => {
  const old = loadBaselineFile(OLD_BASELINE, undefined);
  const r = rng(99);
  // The fixture's training data: uniform confidence in [0.5, 1), fraud above 80.
  const likeFixture = (row: Row) => ({
    label: typeof row.amount === 'number' && row.amount > 80 ? 'fraud' : 'legit',
    confidence: 0.5 + r() / 2,
  });

  it('loads without them and still scores PSI', () => {
    expect(old.features.amount).not.toHaveProperty('missing');
    expect(old.features.amount).not.toHaveProperty('min');
    expect(old.features.country).not.toHaveProperty('complete');
    const stable = windowOf(old, rows(1000, 10), undefined, likeFixture);
    expect(stable.status).toBe('stable');
    expect(stable.score).toBeLessThan(0.1);
    const shifted = windowOf(old, rows(1000, 11, 60), undefined, likeFixture);
    expect(shifted.status).toBe('moved');
    expect(shifted.scores.amount).toBeGreaterThan(0.25);
    expect(shifted.moved[0]).toBe('amount');
  });

  it('still flags missing values and wrong types, and skips the checks it has no data for', () => {
    const r = windowOf(
      old,
      Array.from({ length: 200 }, (_, i) => ({ amount: i < 100 ? null : 1e9, country: 'XX' })),
    );
    expect(r.status).toBe('data_quality_broken');
    expect(r.quality.amount).toMatchObject({ missingRate: 0.5, broken: true, outOfRange: 0 });
    expect(r.quality.country).toMatchObject({ unseenCategories: 0, broken: false });
  });
});

describe('data quality through observe()', () => {
  let udp: UdpCollector;
  let out: ReturnType<typeof captureOutput>;
  let lib: typeof import('../../lib/index.js');
  const lambdaContext = lambdaContexts('dq-fn', 'req-dq');

  beforeAll(async () => {
    udp = await collectUdp();
    useLambdaEnvironment({ functionName: 'dq-fn', daemonAddress: udp.address }, {});
    out = captureOutput();
    lib = await import('../../lib/index.js');
  });

  afterAll(async () => {
    out.restore();
    await udp.close();
  });

  async function invoke<E>(handler: (e: E, c: Context) => Promise<unknown>, event: E) {
    const { header, root } = traceHeader();
    process.env._X_AMZN_TRACE_ID = header;
    const mark = out.lines.length;
    await handler(event, lambdaContext());
    const lines = out.since(mark);
    return { lines, root };
  }

  it('names the broken features in the EMF record, the log line and the span event', async () => {
    const handler = lib.observe(
      async (e: { transactions: unknown[] }) =>
        e.transactions.map(() => ({ label: 'legit', confidence: 0.9 })),
      { baseline, drift: { window: { size: 100 } } },
    );
    const batch = Array.from({ length: 100 }, (_, i) => ({
      amount: i < 50 ? null : 'n/a',
      country: i < 10 ? 'XX' : 'FR',
    }));
    const { lines, root } = await invoke(handler, { transactions: batch });
    const [emf] = emfRecords(lines);
    expect(validateEmf(emf!)).toEqual([]);
    expect(emf).toMatchObject({
      'MissingRate.amount': 0.5,
      'TypeMismatches.amount': 50,
      'UnseenCategories.country': 10,
      DataQualityBroken: 1,
    });
    expect(emf!['MissingRate.country']).toBeUndefined();
    expect(emf![lib.METRIC.DriftScore]).toBeGreaterThan(1);
    const log = logRecords(lines).find((l) => String(l.message).startsWith('drift'));
    expect(log).toMatchObject({
      message: 'drift: data_quality_broken: amount',
      drift_status: 'data_quality_broken',
      data_quality_broken: ['amount'],
      data_quality: {
        amount: { missing_rate: 0.5, type_mismatches: 50 },
        country: { unseen_categories: 10 },
      },
    });
    const ours = (d: Record<string, unknown>) =>
      d.trace_id === root && String(d.name).startsWith('inference ');
    await expect.poll(() => udp.documents.some(ours)).toBe(true);
    const doc = udp.documents.find(ours) as {
      metadata: Record<string, Record<string, unknown>>;
    };
    const events = doc.metadata.observed_inference!.events as Array<{
      name: string;
      attributes: Record<string, unknown>;
    }>;
    expect(events.find((e) => e.name === 'drift window closed')?.attributes).toMatchObject({
      'inference.drift.status': 'data_quality_broken',
      'inference.drift.data_quality_broken': 'amount',
    });
  });

  it('writes DataQualityBroken 0 and no per-feature values for a healthy window', async () => {
    const handler = lib.observe(
      async (e: { transactions: unknown[] }) =>
        e.transactions.map(() => ({ label: 'legit', confidence: 0.9 })),
      { baseline, drift: { window: { size: 200 } } },
    );
    const { lines } = await invoke(handler, { transactions: rows(200, 12) });
    const [emf] = emfRecords(lines);
    expect(emf!.DataQualityBroken).toBe(0);
    expect(
      Object.keys(emf!).filter((k) =>
        /^(MissingRate|TypeMismatches|OutOfRange|UnseenCategories)\./.test(k),
      ),
    ).toEqual([]);
    const log = logRecords(lines).find((l) => String(l.message).startsWith('drift'));
    expect(log).toMatchObject({
      message: 'drift: stable',
      drift_status: 'stable',
      data_quality_broken: [],
    });
  });
});
