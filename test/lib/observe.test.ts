/**
 * The runtime core end to end, in one process as Lambda runs it: the
 * environment Lambda sets, segments received on a real UDP socket, EMF and
 * log lines read from stdout. The Lambda `Context` object is built by
 * test/support/lambdaContext.ts (the real runtime client runs in test/e2e);
 * nothing of ours is mocked.
 */
import { context, propagation } from '@opentelemetry/api';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBaseline } from '../../lib/drift/build.js';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { emfRecords, logRecords, metricValues } from '../../local-lambda/outputRecords.js';
import { captureOutput, invokeCapturing } from '../support/captureOutput.js';
import { validateEmf } from '../support/emf.js';
import {
  expectEveryChildWithinItsParent,
  type SegmentDoc,
  segmentNodes,
} from '../support/segmentTree.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';
import { validateSegmentDocument } from '../support/xraySchema.js';

type Lib = typeof import('../../lib/index.js');
type Doc = SegmentDoc;

let lib: Lib;
let udp: UdpCollector;
let out: ReturnType<typeof captureOutput>;
const lambdaContext = lambdaContexts('fraud-fn');
let apiRequests = 0;

/** Invoke as the runtime client does: the trace header in the environment, then the handler. */
async function invoke<E, T>(
  handler: (e: E, c: Context) => Promise<T>,
  event: E,
  sampled = true,
  ctx = lambdaContext(),
) {
  const outcome = await invokeCapturing(out, (c) => handler(event, c), { ctx, sampled });
  const { trace } = outcome;
  return {
    ...outcome,
    docs: async () => {
      // Datagrams arrive asynchronously, possibly after later ones: select by trace id.
      const mine = () => (udp.documents as Doc[]).filter((d) => d.trace_id === trace.root);
      await expect.poll(() => mine().length).toBeGreaterThan(0);
      return mine();
    },
  };
}

const apiEvent = (body: unknown, headers: Record<string, string> = {}) => ({
  resource: '/predict',
  httpMethod: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  requestContext: { requestId: `apigw-${++apiRequests}` },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  udp = await collectUdp();
  useLambdaEnvironment(
    { functionName: 'fraud-fn', daemonAddress: udp.address },
    { POWERTOOLS_SERVICE_NAME: 'fraud-api', POWERTOOLS_LOG_LEVEL: 'DEBUG' },
  );
  out = captureOutput();
  lib = await import('../../lib/index.js');
});

afterAll(async () => {
  out.restore();
  await udp.close();
});

describe('observe() in a Lambda environment', () => {
  let handler: (e: { body: string }, c: Context) => Promise<unknown>;
  let first: Awaited<ReturnType<typeof invoke>>;

  beforeAll(async () => {
    // Module scope of a user's handler: the model loads at init.
    const model = lib.loadModel({ name: 'fraud', version: '3' }, async () => {
      await new Promise((r) => setTimeout(r, 20));
      return { predict: (x: { amount: number }) => (x.amount > 100 ? 0.9 : 0.2) };
    });
    await model;
    handler = lib.observe(
      async (event: { body: string }) => {
        const input = await lib.stage(
          'preprocess',
          () => JSON.parse(event.body) as { amount: number },
        );
        const score = await lib.stage('predict', async () => (await model).predict(input));
        const body = await lib.stage('postprocess', () => ({
          label: score > 0.5 ? 'fraud' : 'legit',
          confidence: score > 0.5 ? score : 1 - score,
        }));
        lib.annotate('tenant', 'acme');
        lib.addMetric('FeatureCount', 1, 'Count');
        return { statusCode: 200, body: JSON.stringify(body) };
      },
      { model: { name: 'fraud', version: '3' } },
    );
    first = await invoke(
      handler,
      apiEvent({ amount: 500 }, { 'x-correlation-id': 'corr-42', 'x-client-id': 'shop-1' }),
    );
  });

  it('returns the handler result unchanged', () => {
    expect(first.error).toBeUndefined();
    expect(first.result).toEqual({ statusCode: 200, body: '{"label":"fraud","confidence":0.9}' });
  });

  it('emits one valid EMF record per invocation with the contract dimension set', () => {
    expect(first.emf).toHaveLength(1);
    const record = first.emf[0]!;
    expect(validateEmf(record)).toEqual([]);
    const directive = record._aws.CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe('ObservedInference');
    expect(directive.Dimensions).toEqual([['service', 'ModelName', 'ModelVersion']]);
    expect(record).toMatchObject({
      service: 'fraud-api',
      ModelName: 'fraud',
      ModelVersion: '3',
      function_request_id: first.ctx.awsRequestId,
    });
    const units = Object.fromEntries(directive.Metrics.map((m) => [m.Name, m.Unit]));
    expect(units).toMatchObject({
      InferenceLatency: 'Milliseconds',
      Predictions: 'Count',
      BatchSize: 'Count',
      Errors: 'Count',
      ColdStart: 'Count',
      ColdStartDuration: 'Milliseconds',
      ModelLoadTime: 'Milliseconds',
      ModelLoads: 'Count',
      Confidence: 'None',
      LowConfidence: 'Count',
      PreprocessDuration: 'Milliseconds',
      PredictDuration: 'Milliseconds',
      PostprocessDuration: 'Milliseconds',
      FeatureCount: 'Count',
    });
    expect(record).toMatchObject({
      ColdStart: 1,
      Errors: 0,
      Predictions: 1,
      BatchSize: 1,
      Confidence: 0.9,
      LowConfidence: 0,
      ModelLoads: 1,
    });
    expect(record.ModelLoadTime as number).toBeGreaterThanOrEqual(15);
    // The model loaded during init: the cold start is init, the load one of its parts.
    expect(record.ColdStartDuration as number).toBeGreaterThan(record.ModelLoadTime as number);
    const log = first.logs.find((l) => l.message === 'inference')!;
    expect(record.ColdStartDuration).toBe(log.cold_start_ms);
  });

  it('writes one INFO log line with the contract fields', () => {
    const inference = first.logs.filter((l) => l.message === 'inference');
    expect(inference).toHaveLength(1);
    const log = inference[0]!;
    expect(log).toMatchObject({
      level: 'INFO',
      service: 'fraud-api',
      cold_start: true,
      function_name: 'fraud-fn',
      function_request_id: first.ctx.awsRequestId,
      xray_trace_id: first.trace.root,
      model_name: 'fraud',
      model_version: '3',
      batch_size: 1,
      prediction: 'fraud',
      confidence: 0.9,
      correlation_id: 'corr-42',
      client_id: 'shop-1',
      warmup: false,
      start_type: 'on-demand',
      tenant: 'acme',
    });
    expect(log.input_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(log.stages as object)).toEqual(['preprocess', 'predict', 'postprocess']);
    expect(log.latency_ms).toBeGreaterThan(0);
    expect(log.model_wait_ms).toBe(0);
    expect(log.cold_start_ms).toBe(log.init_ms);
  });

  it('sends the inference span and the cold start beside it, under the Lambda function segment', async () => {
    const docs = await first.docs();
    expect(docs).toHaveLength(2);
    expect(udp.headers[0]).toBe('{"format": "json", "version": 1}');
    for (const doc of docs) {
      expect(validateSegmentDocument(doc)).toEqual([]);
      expect(doc).toMatchObject({
        type: 'subsegment',
        trace_id: first.trace.root,
        parent_id: first.trace.parent,
      });
    }
    const spans = docs.flatMap((doc) => segmentNodes(doc));
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual([
      'cold start',
      'inference fraud',
      'init',
      'model load fraud',
      'postprocess',
      'predict',
      'preprocess',
    ]);
    const root = byName['inference fraud']!;
    const cold = byName['cold start']!;
    expect(cold.parent).toBe(first.trace.parent);
    expect(byName.init!.parent).toBe(cold.id);
    expect(byName['model load fraud']!.parent).toBe(cold.id);
    for (const stage of ['preprocess', 'predict', 'postprocess'])
      expect(byName[stage]!.parent).toBe(root.id);
    expect(root.doc.annotations).toMatchObject({
      model_name: 'fraud',
      model_version: '3',
      cold_start: true,
      prediction: 'fraud',
      low_confidence: false,
      client_id: 'shop-1',
      tenant: 'acme',
    });
    // The model was ready before the invocation: the cold start is init, ending as it begins.
    expect(cold.doc.end_time).toBe(byName.init!.doc.end_time);
    expect(cold.doc.end_time as number).toBeLessThanOrEqual(
      (root.doc.start_time as number) + 0.001,
    );
    expectEveryChildWithinItsParent(spans);
  });

  it('records a warm invocation without a cold start', async () => {
    const warm = await invoke(handler, apiEvent({ amount: 5 }));
    expect(warm.emf[0]).toMatchObject({ ColdStart: 0, Predictions: 1, Confidence: 0.8 });
    expect(warm.emf[0]).not.toHaveProperty('ColdStartDuration');
    expect(warm.emf[0]).not.toHaveProperty('ModelLoads');
    const log = warm.logs.find((l) => l.message === 'inference')!;
    expect(log).toMatchObject({ cold_start: false, prediction: 'legit' });
    expect(log).not.toHaveProperty('start_type');
    const names = segmentNodes((await warm.docs())[0]!).map((s) => s.name);
    expect(names).not.toContain('cold start');
  });

  it('exports nothing when the Lambda trace header says Sampled=0, but still writes metrics and logs', async () => {
    const r = await invoke(handler, apiEvent({ amount: 5 }), false);
    expect(r.emf).toHaveLength(1);
    expect(r.logs.some((l) => l.message === 'inference')).toBe(true);
    await new Promise((res) => setTimeout(res, 100));
    expect(udp.documents.filter((d) => d.trace_id === r.trace.root)).toEqual([]);
  });

  it('times the stages of an unsampled invocation, and passes its Sampled=0 header on', async () => {
    let seen: Record<string, string> = {};
    let caught: unknown;
    const unsampled = lib.observe(
      async (event: { amount: number }) => {
        const x = await lib.stage('preprocess', () => event.amount * 2);
        const thrown = lib.stage('check', () => {
          throw new RangeError('amount out of range');
        });
        caught = await thrown.catch((error: unknown) => error);
        await lib.stage('fetch', () => new Promise((done) => setTimeout(done, 20)));
        const headers: Record<string, string> = {};
        propagation.inject(context.active(), headers);
        seen = headers;
        return lib.stage('predict', () => ({ label: x > 5 ? 'fraud' : 'legit', confidence: 0.9 }));
      },
      { model: 'fraud' },
    );
    const r = await invoke(unsampled, { amount: 5 }, false);
    const log = r.logs.find((l) => l.message === 'inference')!;
    const stages = log.stages as Record<string, number>;
    expect(Object.keys(stages)).toEqual(['preprocess', 'check', 'fetch', 'predict']);
    expect(stages.fetch).toBeGreaterThanOrEqual(15);
    expect(caught).toBeInstanceOf(RangeError);
    expect(r.emf[0]).toHaveProperty('PreprocessDuration');
    expect(log.xray_trace_id).toBe(r.trace.root);
    // Calls made from the handler carry the invocation's own trace, still unsampled.
    expect(seen['x-amzn-trace-id']).toBe(`Root=${r.trace.root};Parent=${r.trace.parent};Sampled=0`);
  });

  it.each([true, false])(
    'calls the handler and each stage with the arguments they are given (sampled: %s)',
    async (sampled) => {
      const counts: number[] = [];
      const handler = lib.observe(
        async function (this: unknown, ...args: unknown[]) {
          counts.push(args.length);
          await lib.stage('preprocess', (...inner: unknown[]) => {
            counts.push(inner.length);
            return 1;
          });
          return { label: 'legit', confidence: 0.9 };
        },
        { model: 'fraud' },
      );
      await invoke(handler, { amount: 5 }, sampled);
      expect(counts).toEqual([2, 0]);
    },
  );
});

describe('failures, timeouts, warmups', () => {
  it('rethrows the same error object after recording it', async () => {
    const boom = new TypeError('feature vector has NaN');
    const handler = lib.observe(
      async () => {
        await lib.stage('predict', () => {
          throw boom;
        });
      },
      { model: 'fraud' },
    );
    const r = await invoke(handler, { amount: 1 });
    expect(r.error).toBe(boom);
    expect(r.emf[0]).toMatchObject({ Errors: 1, Predictions: 0 });
    const log = r.logs.find((l) => l.level === 'ERROR')!;
    expect(log.message).toBe('inference failed');
    expect(log.error).toMatchObject({ name: 'TypeError', message: 'feature vector has NaN' });
    expect(String((log.error as { stack: string }).stack)).toContain('observe.test.ts');
    expect(log.input_hash).toMatch(/^[0-9a-f]{64}$/);
    const doc = (await r.docs())[0]!;
    expect(validateSegmentDocument(doc)).toEqual([]);
    expect(doc.fault).toBe(true);
    const cause = doc.cause as {
      exceptions: Array<{ type: string; message: string; stack: unknown[] }>;
    };
    expect(cause.exceptions[0]).toMatchObject({
      type: 'TypeError',
      message: 'feature vector has NaN',
    });
    expect(cause.exceptions[0]!.stack.length).toBeGreaterThan(0);
  });

  it('records a 4xx response as a client error, not a fault', async () => {
    const handler = lib.observe(async () => ({
      statusCode: 400,
      body: '{"message":"amount missing"}',
    }));
    const r = await invoke(handler, apiEvent({}));
    expect(r.emf[0]).toMatchObject({ Errors: 0, Predictions: 0 });
    const doc = (await r.docs())[0]!;
    expect(doc.error).toBe(true);
    expect(doc.fault).toBeUndefined();
  });

  it('records a timeout before Lambda would kill the invocation', async () => {
    const handler = lib.observe(
      async () => {
        await new Promise((res) => setTimeout(res, 400));
        return { label: 'late', confidence: 1 };
      },
      { timeoutMarginMs: 100 },
    );
    const ctx = lambdaContext({ remainingMs: 250 });
    const mark = out.lines.length;
    const pending = invoke(handler, { amount: 1 }, true, ctx);
    await new Promise((res) => setTimeout(res, 200));
    const early = out.since(mark);
    expect(emfRecords(early)[0]).toMatchObject({ Timeouts: 1 });
    const log = logRecords(early).find((l) => l.level === 'ERROR');
    expect(log).toMatchObject({
      message: 'inference timed out',
      error: { name: 'InvocationTimeoutError' },
    });
    const { message } = log!.error as { message: string };
    expect(message).toMatch(/^invocation about to reach the Lambda timeout \(\d+ ms left\)$/);
    const r = await pending;
    expect(r.result).toEqual({ label: 'late', confidence: 1 });
    expect(emfRecords(out.since(mark))).toHaveLength(1);
    // The span says the same as the log: one InvocationTimeoutError, a fault.
    const doc = (await r.docs())[0]!;
    expect(validateSegmentDocument(doc)).toEqual([]);
    expect(doc).toMatchObject({
      fault: true,
      cause: { exceptions: [{ type: 'InvocationTimeoutError', message }] },
      metadata: { observed_inference: { 'inference.timeout': true } },
    });
  });

  it('answers warmup pings with a warmup span, WarmupPings and a DEBUG line only', async () => {
    let calls = 0;
    const handler = lib.observe(async () => ++calls, { warmup: { respond: () => 'warm' } });
    const r = await invoke(handler, { warmup: true });
    expect(r.result).toBe('warm');
    expect(calls).toBe(0);
    const record = r.emf[0]!;
    expect(record).toMatchObject({ WarmupPings: 1 });
    expect(record).not.toHaveProperty('InferenceLatency');
    expect(record).not.toHaveProperty('Predictions');
    expect(r.logs.find((l) => l.message === 'warmup ping')).toMatchObject({
      level: 'DEBUG',
      warmup: true,
    });
    expect((await r.docs())[0]).toMatchObject({ name: 'warmup', annotations: { warmup: true } });
  });
});

describe('containment, batches, payloads', () => {
  it('survives a throwing user extractor and counts it', async () => {
    const result = { label: 'x', confidence: 0.4 };
    const handler = lib.observe(async () => result, {
      predictions: () => {
        throw new Error('extractor bug');
      },
    });
    const r1 = await invoke(handler, {});
    const r2 = await invoke(handler, {});
    expect(r1.result).toBe(result);
    expect(r1.emf[0]).toMatchObject({ TelemetryErrors: 1 });
    const warnings = [...r1.lines, ...r2.lines].filter((l) => l.includes('predictions failed'));
    expect(warnings).toHaveLength(1);
  });

  it('splits a large batch across EMF records without losing a value', async () => {
    const predictions = Array.from({ length: 250 }, (_, i) => ({
      label: i % 2 ? 'fraud' : 'legit',
      confidence: (i % 100) / 100,
    }));
    const handler = lib.observe(async () => ({ predictions }));
    const r = await invoke(handler, {});
    expect(r.emf.length).toBe(3);
    for (const record of r.emf) expect(validateEmf(record)).toEqual([]);
    expect(metricValues(r.emf, 'Confidence').sort()).toEqual(
      predictions.map((p) => p.confidence).sort(),
    );
    expect(metricValues(r.emf, 'Predictions')).toEqual([250]);
    expect(metricValues(r.emf, 'LowConfidence')).toEqual([150]);
    for (const record of r.emf) expect(record.function_request_id).toBe(r.ctx.awsRequestId);
  });

  it('logs sampled payloads with redacted keys never in any output', async () => {
    const handler = lib.observe(
      async () => ({ label: 'ok', confidence: 0.99, token: 'tok-SECRET' }),
      {
        logPayloads: 1,
        redact: ['password', 'token', 'card_number'],
      },
    );
    const r = await invoke(
      handler,
      apiEvent({ amount: 3, card_number: '4111111111111111', password: 'hunter2' }),
    );
    const text = r.lines.join('\n');
    expect(text).not.toMatch(/4111111111111111|hunter2|tok-SECRET/);
    const log = r.logs.find((l) => l.message === 'inference')!;
    expect(log.payload).toMatchObject({
      input: { amount: 3, card_number: '[REDACTED]' },
      output: { token: '[REDACTED]' },
    });
  });

  it('keeps overlapping invocations apart', async () => {
    const handler = lib.observe(async (e: { id: string; wait: number }) => {
      await lib.stage(`stage-${e.id}`, () => new Promise((res) => setTimeout(res, e.wait)));
      return { label: e.id, confidence: 0.9 };
    });
    const mark = out.lines.length;
    const traces = [traceHeader(), traceHeader()];
    const ctxA = lambdaContext({ xRayTraceId: traces[0]!.header });
    const ctxB = lambdaContext({ xRayTraceId: traces[1]!.header });
    await Promise.all([handler({ id: 'a', wait: 60 }, ctxA), handler({ id: 'b', wait: 10 }, ctxB)]);
    const logs = logRecords(out.since(mark)).filter((l) => l.message === 'inference');
    const byPrediction = Object.fromEntries(logs.map((l) => [l.prediction, l]));
    expect(byPrediction.a).toMatchObject({
      function_request_id: ctxA.awsRequestId,
      xray_trace_id: traces[0]!.root,
      stages: { 'stage-a': expect.any(Number) },
    });
    expect(byPrediction.b).toMatchObject({
      function_request_id: ctxB.awsRequestId,
      xray_trace_id: traces[1]!.root,
      stages: { 'stage-b': expect.any(Number) },
    });
    expect(Object.keys(byPrediction.a!.stages as object)).toEqual(['stage-a']);
    // Datagrams of earlier tests may still be arriving: pick this test's traces.
    const ours = () =>
      (udp.documents as Doc[]).filter((d) => traces.some((t) => t.root === d.trace_id));
    await expect.poll(() => ours().length).toBe(2);
    const docs = ours();
    for (const doc of docs) {
      const t = traces.find((x) => x.root === doc.trace_id)!;
      expect(doc.parent_id).toBe(t.parent);
      const names = segmentNodes(doc).map((s) => s.name);
      expect(names).toHaveLength(2);
    }
  });

  it('counts a second real load of a model as a reload', async () => {
    const handler = lib.observe(async () => {
      await lib.loadModel({ name: 'fraud', version: '4' }, () => ({ v: 4 }));
      return { label: 'x', confidence: 0.7 };
    });
    const r = await invoke(handler, {});
    expect(r.emf[0]).toMatchObject({ ModelLoads: 1 });
    expect(
      r.logs.find((l) => l.level === 'WARN' && String(l.message).includes('loaded 2 times')),
    ).toBeDefined();
    const again = await invoke(handler, {});
    expect(again.emf[0]).not.toHaveProperty('ModelLoads');
  });

  it('reports a model load that ran outside any invocation on the next invocation', async () => {
    await lib.loadModel({ name: 'background', version: '1' }, () => 1);
    const handler = lib.observe(async () => ({ label: 'x', confidence: 0.9 }));
    const r = await invoke(handler, {});
    expect(r.emf[0]).toMatchObject({ ModelLoads: 1, ColdStart: 0 });
    const names = segmentNodes((await r.docs())[0]!).map((span) => span.name);
    expect(names).toContain('model load background');
  });

  it('emits DriftScore when a window closes, low in distribution and high when shifted', async () => {
    const row = (i: number, shift: number) => ({
      amount: (i % 100) + shift,
      country: i % 5 === 0 ? 'DE' : 'FR',
    });
    const baseline = buildBaseline(
      Array.from({ length: 1000 }, (_, i) => ({
        features: row(i, 0),
        label: 'legit',
        confidence: i % 100 > 90 ? 0.6 : 0.9,
      })),
      { features: ['amount', 'country'] },
    );
    const handler = lib.observe(
      async (e: { amount: number }) => ({ label: 'legit', confidence: e.amount > 90 ? 0.6 : 0.9 }),
      {
        baseline,
        drift: { window: { size: 200 } },
      },
    );
    const windows: Array<{ score: number; moved: unknown }> = [];
    for (const shift of [0, 80]) {
      let last: Awaited<ReturnType<typeof invoke>> | undefined;
      for (let i = 0; i < 200; i++) last = await invoke(handler, row(i * 7, shift));
      const record = last!.emf[0]!;
      const log = last!.logs.find((l) => String(l.message).startsWith('drift'))!;
      expect(record).toMatchObject({ DriftWindowSize: 200 });
      expect(record['DriftScore.amount']).toBeTypeOf('number');
      windows.push({ score: record.DriftScore as number, moved: log.drift_moved });
    }
    expect(windows[0]!.score).toBeLessThan(0.1);
    expect(windows[0]!.moved).toEqual([]);
    expect(windows[1]!.score).toBeGreaterThan(0.25);
    expect(windows[1]!.moved).toContain('amount');
  });

  it('gives every prediction an id and matches delayed outcomes to it', async () => {
    const handler = lib.observe(async (e: { n: number }) =>
      e.n === 1
        ? { label: 'fraud', confidence: 0.8 }
        : {
            predictions: [
              { label: 'legit', confidence: 0.9 },
              { label: 'fraud', confidence: 0.7 },
            ],
          },
    );
    const single = await invoke(handler, { n: 1 });
    const log = single.logs.find((l) => l.message === 'inference')!;
    expect(log.prediction_id).toBe(single.ctx.awsRequestId);
    const batch = await invoke(handler, { n: 2 });
    const mark = out.lines.length;
    expect(lib.recordOutcome({ predictionId: single.ctx.awsRequestId, actual: 'fraud' })).toBe(
      true,
    );
    expect(
      lib.recordOutcome({ predictionId: `${batch.ctx.awsRequestId}#0`, actual: 'fraud' }),
    ).toBe(false);
    expect(lib.recordOutcome({ inputHash: log.input_hash as string, actual: 'legit' })).toBe(false);
    expect(lib.recordOutcome({ predictionId: 'unknown', actual: 'fraud' })).toBeUndefined();
    expect(
      lib.recordOutcome({ predictionId: 'elsewhere', actual: 'fraud', predicted: 'fraud' }),
    ).toBe(true);
    const records = emfRecords(out.since(mark));
    expect(records).toHaveLength(5);
    for (const r of records) expect(validateEmf(r)).toEqual([]);
    expect(metricValues(records, 'PredictionCorrect')).toEqual([1, 0, 0, 1]);
    expect(metricValues(records, 'OutcomesUnmatched')).toEqual([1]);
    expect(metricValues(records, 'Outcomes')).toEqual([1, 1, 1, 1, 1]);
    expect(records[0]!._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([
      ['service', 'ModelName', 'ModelVersion'],
    ]);
  });
});
