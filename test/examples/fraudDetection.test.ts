/**
 * The fraud-detection example: its data, its model and committed artifacts,
 * and its handler run in-process as Lambda would run it (the environment
 * Lambda sets, segments on a real UDP socket, EMF and log lines read from
 * stdout). Nothing of the library is mocked.
 */
import { readFileSync, statSync } from 'node:fs';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generate, type Transaction } from '../../examples/fraud-detection/data.js';
import { auc } from '../../examples/fraud-detection/evaluate.js';
import { parseWeights, predict, score } from '../../examples/fraud-detection/model.js';
import { RECIPE, trainModel } from '../../examples/fraud-detection/train.js';
import { validate } from '../../examples/fraud-detection/validate.js';
import { parseBaseline } from '../../lib/drift/parse.js';
import { inputHash } from '../../lib/payload.js';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';
import { validateEmf } from '../support/emf.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

// The handler imports the package by name. That self-reference resolves to
// dist/ (built by `npm run build`); the tests run the sources instead.
vi.mock('observed-inference', () => import('../../lib/index.js'));

const MODEL_DIR = new URL('../../examples/fraud-detection/model/', import.meta.url);
const readModelFile = (name: string) => readFileSync(new URL(name, MODEL_DIR), 'utf8');
const committedWeights = () => parseWeights(JSON.parse(readModelFile('weights.json')));
const committedMetrics = () =>
  JSON.parse(readModelFile('metrics.json')) as {
    heldout: { auc: number; accuracy: number; precision: number; recall: number; n: number };
  };

const tx: Transaction = {
  amount: 42.5,
  merchant_category: 'grocery',
  hour: 14,
  country_mismatch: false,
  velocity_1h: 1,
  account_age_days: 900,
  card_present: true,
};

describe('generate()', () => {
  it('gives the same rows for the same seed, and other rows for another seed', () => {
    expect(generate(500, 7)).toEqual(generate(500, 7));
    expect(generate(500, 8)).not.toEqual(generate(500, 7));
  });

  it('has a fraud prevalence between 3 and 8 %', () => {
    const rows = generate(20_000, 3);
    const prevalence = rows.filter((r) => r.fraud).length / rows.length;
    expect(prevalence).toBeGreaterThan(0.03);
    expect(prevalence).toBeLessThan(0.08);
  });

  it('shifts amounts, night hours and country mismatches under drift', () => {
    const stats = (drift: boolean) => {
      const rows = generate(5_000, 11, { drift }).map((r) => r.transaction);
      const share = (f: (t: (typeof rows)[number]) => boolean) =>
        rows.filter(f).length / rows.length;
      const amounts = rows.map((t) => t.amount).sort((a, b) => a - b);
      return {
        medianAmount: amounts[amounts.length >> 1]!,
        night: share((t) => t.hour < 6),
        mismatch: share((t) => t.country_mismatch),
      };
    };
    const base = stats(false);
    const drifted = stats(true);
    expect(drifted.medianAmount / base.medianAmount).toBeCloseTo(3, 0);
    expect(drifted.night).toBeGreaterThan(2 * base.night);
    expect(drifted.mismatch).toBeGreaterThan(2 * base.mismatch);
  });
});

describe('auc()', () => {
  it('is the Mann–Whitney statistic, ties counted half', () => {
    expect(auc([0.9, 0.2, 0.6], [true, false, false])).toBe(1);
    expect(auc([0.1, 0.2, 0.6], [true, false, false])).toBe(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], [true, false, true, false])).toBe(0.5);
    // Positives at 0.8 and 0.4; negatives at 0.6 and 0.4 (a tie): (1 + 1 + 0 + 0.5) / 4.
    expect(auc([0.8, 0.4, 0.6, 0.4], [true, true, false, false])).toBe(0.625);
  });
});

describe('the trained model', () => {
  it('reproduces the committed metrics when retrained', () => {
    const { metrics, weights } = trainModel();
    const committed = committedMetrics();
    expect(metrics.heldout.auc).toBeGreaterThan(0.85);
    expect(Math.abs(metrics.heldout.auc - committed.heldout.auc)).toBeLessThan(0.005);
    expect(weights.coefficients).toHaveLength(committedWeights().coefficients.length);
  });

  it('scores the held-out split as metrics.json reports, with the committed weights', () => {
    const weights = committedWeights();
    const holdout = generate(RECIPE.holdout.rows, RECIPE.holdout.seed);
    const scores = holdout.map((r) => score(weights, r.transaction));
    const labels = holdout.map((r) => r.fraud);
    const flagged = scores.map((s) => s >= weights.threshold);
    const tp = flagged.filter((f, i) => f && labels[i]).length;
    const reported = committedMetrics().heldout;
    expect(auc(scores, labels)).toBeCloseTo(reported.auc, 6);
    expect(flagged.filter((f, i) => f === labels[i]).length / holdout.length).toBeCloseTo(
      reported.accuracy,
      6,
    );
    expect(tp / flagged.filter(Boolean).length).toBeCloseTo(reported.precision, 6);
    expect(tp / labels.filter(Boolean).length).toBeCloseTo(reported.recall, 6);
  });

  it('ships a baseline sample of the model’s own predictions and a baseline the runtime accepts', () => {
    const weights = committedWeights();
    const lines = readModelFile('baseline-sample.jsonl').trimEnd().split('\n');
    expect(lines).toHaveLength(RECIPE.baselineSampleRows);
    const holdout = generate(RECIPE.holdout.rows, RECIPE.holdout.seed);
    for (const i of [0, 1, 999, 1999]) {
      const sample = JSON.parse(lines[i]!) as { label: string; confidence: number };
      const expected = predict(weights, holdout[i]!.transaction);
      expect(sample.label).toBe(expected.label);
      expect(sample.confidence).toBeCloseTo(expected.confidence, 4);
    }
    const baseline = parseBaseline(JSON.parse(readModelFile('baseline.json')));
    expect(Object.keys(baseline.features).sort()).toEqual([...RECIPE.driftFeatures].sort());
    expect(baseline.sampleSize).toBe(RECIPE.baselineSampleRows);
  });

  it('keeps its artifacts under 300 KiB', () => {
    const files = ['weights.json', 'metrics.json', 'baseline-sample.jsonl', 'baseline.json'];
    const bytes = files.reduce((n, f) => n + statSync(new URL(f, MODEL_DIR)).size, 0);
    expect(bytes).toBeLessThan(300 * 1024);
  });
});

describe('validate()', () => {
  const message = (input: unknown, path?: string) => {
    const v = validate(input, path);
    return v.ok ? undefined : v.message;
  };

  it('accepts a well-formed transaction and keeps only the model’s fields', () => {
    expect(validate({ ...tx, note: 'extra' })).toEqual({ ok: true, transaction: tx });
  });

  it('names the field and what is wrong with it', () => {
    const { amount: _, ...noAmount } = tx;
    expect(message(noAmount)).toBe('amount is required');
    expect(message({ ...tx, amount: Number.NaN })).toBe(
      'amount must be a positive number, got NaN',
    );
    expect(message({ ...tx, amount: -5 })).toBe('amount must be a positive number, got -5');
    expect(message({ ...tx, amount: '12' })).toBe('amount must be a positive number, got "12"');
    expect(message({ ...tx, merchant_category: 'casino' })).toMatch(
      /^merchant_category must be one of grocery, .*gift_cards, got "casino"$/,
    );
    expect(message({ ...tx, hour: 24 })).toBe('hour must be an integer from 0 to 23, got 24');
    expect(message({ ...tx, hour: 1.5 })).toBe('hour must be an integer from 0 to 23, got 1.5');
    expect(message({ ...tx, country_mismatch: 'yes' })).toBe(
      'country_mismatch must be true or false, got "yes"',
    );
    expect(message({ ...tx, velocity_1h: -1 })).toBe(
      'velocity_1h must be a non-negative integer, got -1',
    );
    expect(message({ ...tx, card_present: null })).toBe('card_present is required');
  });

  it('rejects non-objects, and prefixes batch items with their index', () => {
    expect(message([tx])).toMatch(
      /^transaction must be a JSON object, got \[\{"amount":42\.5,.*\.\.\.$/,
    );
    expect(message('tx')).toBe('transaction must be a JSON object, got "tx"');
    expect(message({ ...tx, hour: -1 }, 'transactions[3]')).toBe(
      'transactions[3].hour must be an integer from 0 to 23, got -1',
    );
  });
});

describe('the handler in a Lambda environment', () => {
  type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;
  let handler: Handler;
  let udp: UdpCollector;
  let out: ReturnType<typeof captureOutput>;
  let requests = 0;

  const lambdaContext = lambdaContexts('fraud-detection');

  /** API Gateway REST API (payload v1). */
  const restEvent = (body: string | null) => ({
    resource: '/predict',
    path: '/predict',
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json' },
    requestContext: { requestId: `apigw-${++requests}`, stage: 'prod' },
    isBase64Encoded: false,
    body,
  });

  /** API Gateway HTTP API (payload v2). */
  const httpEvent = (body: string, isBase64Encoded = false) => ({
    version: '2.0',
    routeKey: 'POST /predict',
    rawPath: '/predict',
    headers: { 'content-type': 'application/json' },
    requestContext: { requestId: `http-${++requests}`, http: { method: 'POST', path: '/predict' } },
    isBase64Encoded,
    body,
  });

  async function invoke(event: unknown) {
    const { header, root } = traceHeader();
    process.env._X_AMZN_TRACE_ID = header;
    const mark = out.lines.length;
    const result = await handler(event, lambdaContext());
    const lines = out.since(mark);
    return {
      result,
      body: JSON.parse(result.body) as Record<string, unknown>,
      emf: emfRecords(lines),
      log: logRecords(lines).find((r) => r.message === 'inference'),
      segment: async () => {
        await expect.poll(() => udp.documents.some((d) => d.trace_id === root)).toBe(true);
        return udp.documents.find((d) => d.trace_id === root)!;
      },
    };
  }

  beforeAll(async () => {
    udp = await collectUdp();
    useLambdaEnvironment({ functionName: 'fraud-detection', daemonAddress: udp.address });
    out = captureOutput();
    ({ handler } = (await import('../../examples/fraud-detection/handler.js')) as unknown as {
      handler: Handler;
    });
  });

  afterAll(async () => {
    out.restore();
    await udp.close();
  });

  it('labels one transaction with the bundled model, and records it', async () => {
    const call = await invoke(restEvent(JSON.stringify(tx)));
    const expected = predict(committedWeights(), tx);
    expect(call.result.statusCode).toBe(200);
    expect(call.body).toEqual({
      label: expected.label,
      confidence: Number(expected.confidence.toFixed(6)),
      model_version: '1.0.0',
    });
    expect(call.emf).toHaveLength(1);
    expect(validateEmf(call.emf[0])).toEqual([]);
    expect(call.emf[0]).toMatchObject({
      ModelName: 'fraud-detector',
      ModelVersion: '1.0.0',
      Predictions: 1,
      Errors: 0,
    });
    expect(call.log).toMatchObject({
      model_name: 'fraud-detector',
      prediction: expected.label,
      input_hash: inputHash(tx),
    });
    expect(Object.keys(call.log?.stages as object)).toEqual([
      'preprocess',
      'predict',
      'postprocess',
    ]);
  });

  it('labels a batch (HTTP API, base64 body) and hashes the transactions as the input', async () => {
    const transactions = generate(25, 99).map((r) => r.transaction);
    const body = Buffer.from(JSON.stringify({ transactions })).toString('base64');
    const call = await invoke(httpEvent(body, true));
    const weights = committedWeights();
    expect(call.result.statusCode).toBe(200);
    expect(call.body.model_version).toBe('1.0.0');
    expect(call.body.predictions).toEqual(
      transactions.map((t) => {
        const p = predict(weights, t);
        return { label: p.label, confidence: Number(p.confidence.toFixed(6)) };
      }),
    );
    expect(call.emf[0]).toMatchObject({ BatchSize: 25, Predictions: 25 });
    const labels = (call.body.predictions as Array<{ label: string }>).map((p) => p.label);
    const count = (label: string) => labels.filter((l) => l === label).length || undefined;
    expect(call.emf[0]?.['PredictedLabel.legit']).toBe(count('legit'));
    expect(call.emf[0]?.['PredictedLabel.fraud']).toBe(count('fraud'));
    expect(call.emf[0]?.Confidence).toHaveLength(25);
    expect(call.log?.input_hash).toBe(inputHash(transactions));
  });

  it('answers malformed JSON with a 400 recorded as a client error, not a fault', async () => {
    const call = await invoke(restEvent('{"amount": 12,'));
    expect(call.result.statusCode).toBe(400);
    expect(call.body.message).toMatch(/^request body is not valid JSON: /);
    expect(call.emf[0]).toMatchObject({ Errors: 0, Predictions: 0, InvalidInputs: 1 });
    expect(call.log?.invalid_input).toMatchObject({ field: 'body' });
    expect(call.log?.level).toBe('INFO');
    const segment = await call.segment();
    expect(segment).toMatchObject({ name: 'inference fraud-detector', error: true });
    expect(segment.fault).toBeUndefined();
  });

  it('answers an invalid field with a 400 that names it', async () => {
    const single = await invoke(restEvent(JSON.stringify({ ...tx, hour: 25 })));
    expect(single.result.statusCode).toBe(400);
    expect(single.body).toEqual({ message: 'hour must be an integer from 0 to 23, got 25' });
    expect(single.emf[0]).toMatchObject({ InvalidInputs: 1, Errors: 0, Predictions: 0 });
    expect(single.log?.invalid_input).toEqual({
      field: 'hour',
      reason: 'hour must be an integer from 0 to 23, got 25',
      count: 1,
    });

    const batch = await invoke(
      httpEvent(JSON.stringify({ transactions: [tx, { ...tx, merchant_category: 7 }] })),
    );
    expect(batch.result.statusCode).toBe(400);
    expect(batch.body.message).toMatch(/^transactions\[1\]\.merchant_category must be one of /);
    expect(batch.log?.invalid_input).toMatchObject({ field: 'transactions[1].merchant_category' });
    const segment = await batch.segment();
    expect(segment.error).toBe(true);
    expect(segment.fault).toBeUndefined();
  });

  it('rejects an empty body, a bare array and batches over 100 transactions', async () => {
    expect((await invoke(restEvent(null))).body.message).toMatch(/^request body is required/);
    expect((await invoke(restEvent(JSON.stringify([tx])))).body.message).toBe(
      'send a batch as { "transactions": [...] }, not a bare array',
    );
    const big = JSON.stringify({ transactions: new Array(101).fill(tx) });
    expect((await invoke(httpEvent(big))).body).toEqual({
      message: 'transactions must be an array of 1 to 100 transactions, got 101 items',
    });
  });

  it('answers a warmup ping without scoring anything', async () => {
    const call = await invoke({ warmup: true });
    expect(call.result.statusCode).toBe(200);
    expect(call.emf[0]).toMatchObject({ WarmupPings: 1 });
    expect(call.emf[0]?.Predictions).toBeUndefined();
  });
});
