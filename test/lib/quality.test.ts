/**
 * Prediction-quality signals of one invocation, through observe() as Lambda
 * runs it: the label mix (`PredictedLabel.<label>`), abstentions and inputs
 * that failed the handler's validation, read back from the EMF record, the
 * log line and the X-Ray document really written.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBaseline } from '../../lib/drift/build.js';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';
import { validateEmf } from '../support/emf.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

type Lib = typeof import('../../lib/index.js');
type Doc = Record<string, unknown> & {
  metadata?: Record<string, Record<string, unknown>>;
  annotations?: Record<string, unknown>;
};

let lib: Lib;
let udp: UdpCollector;
let out: ReturnType<typeof captureOutput>;
const lambdaContext = lambdaContexts('quality-fn', 'req-q');

async function invoke<E, T>(handler: (e: E, c: Context) => Promise<T>, event: E) {
  const { header, root } = traceHeader();
  process.env._X_AMZN_TRACE_ID = header;
  const mark = out.lines.length;
  let error: unknown;
  let result: T | undefined;
  try {
    result = await handler(event, lambdaContext());
  } catch (e) {
    error = e;
  }
  const lines = out.since(mark);
  const emf = emfRecords(lines);
  return {
    result,
    error,
    emf: emf[0]!,
    log: logRecords(lines).find((l) => l.message === 'inference')!,
    doc: async () => {
      await expect.poll(() => udp.documents.some((d) => d.trace_id === root)).toBe(true);
      return udp.documents.find((d) => d.trace_id === root) as Doc;
    },
  };
}

/** The `PredictedLabel.*` members of an EMF record. */
function labelMix(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).filter(([key]) => key.startsWith('PredictedLabel.')),
  );
}

beforeAll(async () => {
  udp = await collectUdp();
  useLambdaEnvironment(
    { functionName: 'quality-fn', daemonAddress: udp.address },
    { POWERTOOLS_SERVICE_NAME: 'quality-api' },
  );
  out = captureOutput();
  lib = await import('../../lib/index.js');
});

afterAll(async () => {
  out.restore();
  await udp.close();
});

describe('label mix', () => {
  it('counts each predicted label as PredictedLabel.<label>, one value per label per record', async () => {
    const handler = lib.observe(async () => ({
      predictions: [
        { label: 'fraud', confidence: 0.9 },
        { label: 'legit', confidence: 0.8 },
        { label: 'legit', confidence: 0.7 },
      ],
    }));
    const r = await invoke(handler, {});
    expect(validateEmf(r.emf)).toEqual([]);
    expect(labelMix(r.emf)).toEqual({ 'PredictedLabel.fraud': 1, 'PredictedLabel.legit': 2 });
    expect(r.emf._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([
      ['service', 'ModelName', 'ModelVersion'],
    ]);
    const units = r.emf._aws.CloudWatchMetrics.flatMap((d) => d.Metrics);
    expect(units).toContainEqual({ Name: 'PredictedLabel.legit', Unit: 'Count' });
  });

  it('makes every label a valid metric name', async () => {
    const labels = ['not sure?', 7, true, 'ünïcode', ''];
    const handler = lib.observe(async () => labels.map((label) => ({ label, confidence: 0.6 })));
    const r = await invoke(handler, {});
    expect(validateEmf(r.emf)).toEqual([]);
    expect(Object.keys(labelMix(r.emf)).sort()).toEqual([
      'PredictedLabel.7',
      'PredictedLabel._',
      'PredictedLabel._n_code',
      'PredictedLabel.not_sure_',
      'PredictedLabel.true',
    ]);
    expect(lib.predictedLabelMetricName('x'.repeat(300)).length).toBeLessThan(100);
  });

  it('keeps the first 10 distinct labels of an environment and counts the rest as other', async () => {
    const handler = lib.observe(async (e: { from: number; n: number }) =>
      Array.from({ length: e.n }, (_, i) => ({ label: `class${e.from + i}`, confidence: 0.9 })),
    );
    const first = await invoke(handler, { from: 0, n: 14 });
    const names = Object.keys(labelMix(first.emf));
    expect(names).toHaveLength(11);
    expect(first.emf['PredictedLabel.other']).toBe(4);
    expect(first.emf['PredictedLabel.class9']).toBe(1);
    // A later invocation: the known ten keep their names, new labels stay in `other`.
    const later = await invoke(handler, { from: 5, n: 100 });
    expect(Object.keys(labelMix(later.emf)).sort()).toEqual(
      [
        ...Array.from({ length: 5 }, (_, i) => `PredictedLabel.class${5 + i}`),
        'PredictedLabel.other',
      ].sort(),
    );
    expect(later.emf['PredictedLabel.other']).toBe(95);
  });

  it('uses the labels of the baseline, or of the labels option, as the known set', async () => {
    const baseline = buildBaseline(
      Array.from({ length: 200 }, (_, i) => ({
        features: { x: i },
        label: i % 4 === 0 ? 'fraud' : 'legit',
        confidence: 0.9,
      })),
      { features: ['x'] },
    );
    const predictions = ['review', 'fraud', 'legit', 'legit'].map((label) => ({ label }));
    const fromBaseline = lib.observe(async () => predictions, { baseline });
    expect(labelMix((await invoke(fromBaseline, {})).emf)).toEqual({
      'PredictedLabel.fraud': 1,
      'PredictedLabel.legit': 2,
      'PredictedLabel.other': 1,
    });
    const fromOption = lib.observe(async () => predictions, { labels: ['review'] });
    expect(labelMix((await invoke(fromOption, {})).emf)).toEqual({
      'PredictedLabel.review': 1,
      'PredictedLabel.other': 3,
    });
  });
});

describe('abstentions', () => {
  it('counts a result that says abstain, abstained or fallback, with a span attribute and a log field', async () => {
    const handler = lib.observe(async (e: { batch: boolean }) =>
      e.batch
        ? {
            predictions: [
              { label: 'legit', confidence: 0.9 },
              { abstained: true, confidence: 0.4 },
              { label: 'legit', confidence: 0.3, fallback: true },
            ],
          }
        : { abstain: true },
    );
    const single = await invoke(handler, { batch: false });
    expect(single.emf).toMatchObject({ Abstentions: 1, Predictions: 1 });
    expect(single.log.abstentions).toBe(1);
    const batch = await invoke(handler, { batch: true });
    expect(batch.emf).toMatchObject({ Abstentions: 2, Predictions: 3 });
    expect(batch.log.abstentions).toBe(2);
    const doc = await batch.doc();
    expect(doc.metadata?.observed_inference?.['inference.abstentions']).toBe(2);
  });

  it('takes the count from the abstentions option, and emits nothing when none abstained', async () => {
    const handler = lib.observe(
      async (e: { rules: boolean }) => ({
        label: 'legit',
        confidence: 0.7,
        source: e.rules ? 'rules' : 'model',
      }),
      { abstentions: (result) => result.source === 'rules' },
    );
    const rules = await invoke(handler, { rules: true });
    expect(rules.emf.Abstentions).toBe(1);
    const model = await invoke(handler, { rules: false });
    expect(model.emf.Abstentions).toBeUndefined();
    expect(model.log.abstentions).toBeUndefined();
  });
});

describe('invalid inputs', () => {
  it('records a thrown InvalidInputError as a client error with the field, and rethrows it', async () => {
    const thrown = new lib.InvalidInputError('transactions[2].hour', 'must be 0 to 23, got 25');
    const handler = lib.observe(async () => {
      throw thrown;
    });
    const r = await invoke(handler, { transactions: [] });
    expect(r.error).toBe(thrown);
    expect(thrown.message).toBe('transactions[2].hour: must be 0 to 23, got 25');
    expect(r.emf).toMatchObject({ InvalidInputs: 1, Errors: 0, Predictions: 0 });
    expect(r.log).toMatchObject({
      level: 'INFO',
      invalid_input: { field: 'transactions[2].hour', reason: 'must be 0 to 23, got 25', count: 1 },
      error: { name: 'InvalidInputError' },
    });
    const doc = await r.doc();
    expect(doc.error).toBe(true);
    expect(doc.fault).toBeUndefined();
    expect(doc.metadata?.observed_inference?.['inference.invalid_input.field']).toBe(
      'transactions[2].hour',
    );
  });

  it('counts rejectInput() calls of a handler that answers with its own 400', async () => {
    const handler = lib.observe(async (e: { bad: string[] }) => {
      for (const field of e.bad) lib.rejectInput({ field, reason: 'is required' });
      return e.bad.length > 0
        ? { statusCode: 400, body: JSON.stringify({ message: `${e.bad[0]} is required` }) }
        : { statusCode: 200, body: JSON.stringify({ label: 'legit', confidence: 0.9 }) };
    });
    const rejected = await invoke(handler, { bad: ['amount', 'hour'] });
    expect(rejected.emf).toMatchObject({ InvalidInputs: 2, Errors: 0, Predictions: 0 });
    expect(rejected.log.invalid_input).toEqual({
      field: 'amount',
      reason: 'is required',
      count: 2,
    });
    const fine = await invoke(handler, { bad: [] });
    expect(fine.emf.InvalidInputs).toBeUndefined();
    expect(fine.log.invalid_input).toBeUndefined();
    expect(lib.rejectInput({ field: 'outside', reason: 'no invocation' })).toBe(false);
  });
});

describe('drift windows smaller than the default minimum', () => {
  it('judges a 20-prediction window instead of calling it too small', async () => {
    const baseline = buildBaseline(
      Array.from({ length: 200 }, (_, i) => ({
        features: { x: i % 50 },
        label: 'a',
        confidence: 0.9,
      })),
      { features: ['x'] },
    );
    const handler = lib.observe(async () => ({ label: 'a', confidence: 0.9 }), {
      baseline,
      drift: { window: { size: 20 } },
    });
    let last: Awaited<ReturnType<typeof invoke>> | undefined;
    for (let i = 0; i < 20; i++) last = await invoke(handler, { x: (i * 7) % 50 });
    expect(last!.emf.DriftWindowSize).toBe(20);
  });
});
