/**
 * Where telemetry goes when one process has several observe() calls, and
 * what the helpers do outside an invocation. Each observe() gets the trace
 * and metrics modes it asked for; helpers reach them through the invocation
 * they run in; outside one they run or report, and buffer nothing. Its own
 * file: the tracer, the warnings and the environment's config are per process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config.js';
import { containment } from '../../lib/containment.js';
import { getProcessTracer } from '../../lib/tracer.js';
import { lambdaContexts, useLambdaEnvironment } from '../../local-lambda/lambdaContext.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { captureOutput, invokeCapturing } from '../support/captureOutput.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

type Lib = typeof import('../../lib/index.js');
type Doc = Record<string, unknown> & {
  subsegments?: Doc[];
  annotations?: Record<string, unknown>;
};

let lib: Lib;
let udp: UdpCollector;
let out: ReturnType<typeof captureOutput>;
const lambdaContext = lambdaContexts('sinks-fn');

/** Spans recorded and waiting for an exporter to take them. */
const bufferedSpans = () =>
  getProcessTracer(resolveConfig(process.env).config, containment).spans.size;

async function invoke<T>(handler: (e: unknown, c: ReturnType<typeof lambdaContext>) => Promise<T>) {
  const outcome = await invokeCapturing(out, (ctx) => handler({}, ctx), { ctx: lambdaContext() });
  if (outcome.error) throw outcome.error;
  return outcome;
}

const flatten = (doc: Doc): Doc[] => [doc, ...(doc.subsegments ?? []).flatMap(flatten)];

beforeAll(async () => {
  udp = await collectUdp();
  useLambdaEnvironment(
    { functionName: 'sinks-fn', daemonAddress: udp.address },
    { POWERTOOLS_SERVICE_NAME: 'sinks-api', OBSERVED_MODEL_VERSION: '7' },
  );
  out = captureOutput();
  lib = await import('../../lib/index.js');
});

afterAll(async () => {
  out.restore();
  await udp.close();
});

describe('helpers outside an invocation', () => {
  it('times a model load at init under the environment’s model version, for the first invocation', async () => {
    await lib.loadModel('env-model', () => 'weights');
    // The same model and version: the memoised load, not a second one.
    let loads = 0;
    await lib.loadModel({ name: 'env-model', version: '7' }, () => ++loads);
    expect(loads).toBe(0);
    const handler = lib.observe(async () => ({ label: 'a', confidence: 0.9 }), { model: 'first' });
    const r = await invoke(handler);
    expect(r.emf[0]).toMatchObject({ ColdStart: 1, ModelLoads: 1 });
    await expect.poll(() => udp.documents.some((d) => d.trace_id === r.trace.root)).toBe(true);
    const doc = udp.documents.find((d) => d.trace_id === r.trace.root) as Doc;
    const load = flatten(doc).find((d) => d.name === 'model load env-model');
    expect(load?.annotations).toMatchObject({ model_name: 'env-model', model_version: '7' });
  });

  it('runs stage() without opening a span that nobody would export', async () => {
    const before = bufferedSpans();
    expect(await lib.stage('warm cache', () => 42)).toBe(42);
    await expect(
      lib.stage('warm cache', () => Promise.reject(new Error('no cache'))),
    ).rejects.toThrow('no cache');
    expect(bufferedSpans()).toBe(before);
  });

  it('records nothing from annotate(), addMetadata(), addMetric() and rejectInput(), and says so once each', () => {
    const mark = out.lines.length;
    for (let i = 0; i < 2; i++) {
      expect(lib.annotate('tenant', 'acme')).toBe(false);
      expect(lib.addMetadata('k', 1)).toBe(false);
      expect(lib.addMetric('Things', 1, 'Count')).toBe(false);
      expect(lib.rejectInput({ field: 'x', reason: 'y' })).toBe(false);
    }
    const warnings = logRecords(out.since(mark)).filter((l) => l.level === 'WARN');
    expect(warnings.map((w) => String(w.message).split('(')[0])).toEqual([
      'observed-inference: annotate',
      'observed-inference: addMetadata',
      'observed-inference: addMetric',
      'observed-inference: rejectInput',
    ]);
  });

  it('writes an outcome as a record of its own, with the environment’s sinks and model', async () => {
    const mark = out.lines.length;
    expect(lib.recordOutcome({ predictionId: 'p-1', actual: 'fraud', predicted: 'fraud' })).toBe(
      true,
    );
    const lines = out.since(mark);
    expect(emfRecords(lines)[0]).toMatchObject({
      service: 'sinks-api',
      ModelName: 'sinks-fn',
      ModelVersion: '7',
      PredictionCorrect: 1,
    });
    expect(logRecords(lines).find((l) => l.message === 'outcome')).toMatchObject({
      service: 'sinks-api',
    });
  });
});

describe('two observe() calls with different modes', () => {
  it('gives each the traces and metrics it asked for, whichever came first', async () => {
    const quiet = lib.observe(
      async () => {
        await lib.stage('predict', () => undefined);
        lib.recordOutcome({ predictionId: 'q', actual: 'a', predicted: 'a', model: { name: 'm' } });
        return { label: 'a', confidence: 0.9 };
      },
      { model: 'quiet', traces: 'off', metrics: 'off', serviceName: 'quiet-svc' },
    );
    const loud = lib.observe(
      async () => {
        await lib.stage('predict', () => undefined);
        return { label: 'b', confidence: 0.8 };
      },
      { model: 'loud' },
    );
    const before = bufferedSpans();
    const q = await invoke(quiet);
    expect(q.emf).toEqual([]);
    expect(q.logs.find((l) => l.message === 'inference')).toMatchObject({
      service: 'quiet-svc',
      model_name: 'quiet',
    });
    // The outcome went where the invocation's telemetry goes: its log, and no metrics.
    expect(q.logs.find((l) => l.message === 'outcome')).toMatchObject({ service: 'quiet-svc' });
    // Nothing recorded for a trace nobody exports.
    expect(bufferedSpans()).toBe(before);

    const l = await invoke(loud);
    expect(l.emf[0]).toMatchObject({ ModelName: 'loud', Predictions: 1 });
    await expect.poll(() => udp.documents.some((d) => d.trace_id === l.trace.root)).toBe(true);
    const doc = udp.documents.find((d) => d.trace_id === l.trace.root) as Doc;
    expect(flatten(doc).map((d) => d.name)).toEqual(['inference loud', 'predict']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(udp.documents.filter((d) => d.trace_id === q.trace.root)).toEqual([]);
  });
});
