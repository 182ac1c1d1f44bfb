/**
 * The layer end to end, in both modes, the way Lambda runs it: the built
 * layer unzipped into an /opt-like directory, the real aws-lambda-ric behind a
 * local Runtime API, segments through a daemon stand-in into moto's X-Ray,
 * EMF and log lines read from the function's stdout.
 */
import { fileURLToPath } from 'node:url';
import { BatchGetTracesCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskRootFrom, unzipLayer, wrapperPath } from '../../local-lambda/layer.js';
import { type LocalLambda, startLocalLambda } from '../../local-lambda/localLambda.js';
import { type Moto, motoEnv, startMoto } from '../../local-lambda/moto.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { newTraceHeader, traceRootOf } from '../../local-lambda/runtimeApi.js';
import { lambdaNodeRuntimes } from '../../local-lambda/runtimes.js';
import { startXRayDaemon, type XRayDaemon } from '../../local-lambda/xrayDaemon.js';
import { validateEmf } from '../support/emf.js';
import { type SegmentDoc, type SegmentNode, segmentNodes } from '../support/segmentTree.js';
import { validateSegmentDocument } from '../support/xraySchema.js';

type Doc = SegmentDoc;
const fixture = fileURLToPath(new URL('../fixtures/inference/', import.meta.url));
const parentOf = (header: string) => /Parent=([^;]+)/.exec(header)![1]!;

const apiEvent = (tx: Record<string, unknown>) => ({
  resource: '/predict',
  httpMethod: 'POST',
  headers: { 'content-type': 'application/json', 'x-correlation-id': 'corr-e2e' },
  requestContext: { requestId: 'apigw-req' },
  body: JSON.stringify(tx),
});

let moto: Moto;
let daemon: XRayDaemon;
let optDir: string;
let taskRoot: string;

beforeAll(async () => {
  moto = await startMoto();
  daemon = await startXRayDaemon({ forward: { endpoint: moto.endpoint } });
  optDir = unzipLayer();
  taskRoot = taskRootFrom(fixture);
  Object.assign(process.env, motoEnv(moto.endpoint));
});

afterAll(async () => {
  await daemon?.close();
  await moto?.stop();
});

/** The trace of one invocation as X-Ray (moto) stores it, after the daemon relayed it. */
async function storedTrace(traceHeader: string): Promise<SegmentNode[]> {
  const root = traceRootOf(traceHeader);
  await daemon.waitFor((d) => d.trace_id === root, 5000);
  await daemon.flush();
  const out = await new XRayClient({}).send(new BatchGetTracesCommand({ TraceIds: [root] }));
  const docs = (out.Traces?.[0]?.Segments ?? []).map((s) => JSON.parse(s.Document!) as Doc);
  for (const doc of docs) expect(validateSegmentDocument(doc)).toEqual([]);
  return docs.flatMap((d) => segmentNodes(d));
}

const MODES = [
  { mode: 'library', handler: 'library.handler', env: {} },
  {
    mode: 'zero-code',
    handler: 'plain.handler',
    env: { OBSERVED_MODEL_NAME: 'fraud', OBSERVED_MODEL_VERSION: '1' },
  },
] as const;
const CASES = lambdaNodeRuntimes().flatMap((runtime) => MODES.map((m) => ({ ...m, runtime })));

describe.each(CASES)(
  'the layer in $mode mode on $runtime.name',
  ({ mode, handler, env, runtime }) => {
    let fn: LocalLambda;
    const calls: Record<
      string,
      { header: string; lines: string[]; result: unknown; error?: unknown }
    > = {};

    async function call(name: string, event: unknown) {
      const header = newTraceHeader();
      const mark = fn.mark();
      const r = await fn.invoke(event, { traceHeader: header });
      await new Promise((res) => setTimeout(res, 20));
      calls[name] = { header, lines: fn.linesSince(mark), result: r.result, error: r.error };
      return r;
    }

    beforeAll(async () => {
      fn = await startLocalLambda({
        taskRoot,
        handler,
        optDir,
        nodeBinary: runtime.nodeBinary,
        functionName: `fraud-${mode}`,
        memoryMb: 256,
        timeoutMs: 1500,
        xrayDaemonAddress: daemon.address,
        env: {
          ...env,
          POWERTOOLS_SERVICE_NAME: 'fraud-api',
          ...(mode === 'zero-code' ? { AWS_LAMBDA_EXEC_WRAPPER: wrapperPath(optDir) } : {}),
        },
      });
      expect(fn.initError).toBeUndefined();
      await call('cold', apiEvent({ amount: 900, countryMismatch: true }));
      await call('warm', apiEvent({ amount: 20 }));
      await call('error', apiEvent({ amount: 1, fail: true }));
      await call('warmup', { warmup: true });
      await call('timeout', apiEvent({ amount: 5, sleepMs: 10_000 }));
    }, 60_000);

    afterAll(async () => {
      await fn?.stop();
    });

    it('returns results and errors as the handler made them', () => {
      expect(JSON.parse((calls.cold!.result as { body: string }).body)).toMatchObject({
        label: 'fraud',
      });
      expect(calls.error!.error).toMatchObject({
        errorType: 'RangeError',
        errorMessage: 'cannot score amount 1',
      });
    });

    it('traces the cold start with the model load only on the first invocation', async () => {
      const cold = await storedTrace(calls.cold!.header);
      const byName = Object.fromEntries(cold.map((n) => [n.name, n]));
      const root = byName['inference fraud']!;
      expect(root.parent).toBe(parentOf(calls.cold!.header));
      expect(root.doc.annotations).toMatchObject({
        model_name: 'fraud',
        model_version: '1',
        cold_start: true,
        prediction: 'fraud',
      });
      // Beside the inference span, under the Lambda function segment, with its parts inside it.
      const coldStart = byName['cold start']!;
      expect(coldStart.parent).toBe(root.parent);
      expect(byName.init!.parent).toBe(coldStart.id);
      for (const n of cold) {
        const parent = cold.find((p) => p.id === n.parent);
        if (!parent) continue;
        expect(n.doc.start_time as number, n.name).toBeGreaterThanOrEqual(
          (parent.doc.start_time as number) - 0.001,
        );
        expect(n.doc.end_time as number, n.name).toBeLessThanOrEqual(
          (parent.doc.end_time as number) + 0.001,
        );
      }
      if (mode === 'library') {
        expect(byName['model load fraud']!.parent).toBe(coldStart.id);
        for (const s of ['preprocess', 'predict', 'postprocess'])
          expect(byName[s]!.parent).toBe(root.id);
      }
      const warm = (await storedTrace(calls.warm!.header)).map((n) => n.name);
      expect(warm).toContain('inference fraud');
      expect(warm).not.toContain('cold start');
      expect(warm).not.toContain('model load fraud');
    });

    it('records the fault and its cause on the failing invocation', async () => {
      const nodes = await storedTrace(calls.error!.header);
      const root = nodes.find((n) => n.name === 'inference fraud')!;
      expect(root.doc.fault).toBe(true);
      const cause = root.doc.cause as {
        exceptions: Array<{ type: string; message: string; stack: unknown[] }>;
      };
      expect(cause.exceptions[0]).toMatchObject({
        type: 'RangeError',
        message: 'cannot score amount 1',
      });
      expect(cause.exceptions[0]!.stack.length).toBeGreaterThan(0);
    });

    it('records the timeout before Lambda kills the environment', async () => {
      expect(calls.timeout!.error).toMatchObject({ errorType: 'Sandbox.Timedout' });
      const nodes = await storedTrace(calls.timeout!.header);
      const root = nodes.find((n) => n.name === 'inference fraud')!;
      expect(root.doc.fault).toBe(true);
      expect(JSON.stringify(root.doc.metadata)).toContain('"inference.timeout":true');
      const lines = calls.timeout!.lines;
      expect(emfRecords(lines)[0]).toMatchObject({ Timeouts: 1 });
      expect(logRecords(lines).find((l) => l.level === 'ERROR')).toMatchObject({
        message: 'inference timed out',
      });
    });

    it('answers the warmup ping with a warmup span and WarmupPings', async () => {
      const nodes = await storedTrace(calls.warmup!.header);
      expect(nodes.map((n) => n.name)).toEqual(['warmup']);
      const record = emfRecords(calls.warmup!.lines)[0]!;
      expect(record).toMatchObject({ WarmupPings: 1 });
      expect(record).not.toHaveProperty('InferenceLatency');
    });

    it('writes one valid EMF record and one log line per invocation, as docs/telemetry.md says', () => {
      for (const name of ['cold', 'warm', 'error']) {
        const { lines, header } = calls[name]!;
        const records = emfRecords(lines);
        expect(records).toHaveLength(1);
        expect(validateEmf(records[0])).toEqual([]);
        expect(records[0]).toMatchObject({
          service: 'fraud-api',
          ModelName: 'fraud',
          ModelVersion: '1',
          xray_trace_id: traceRootOf(header),
        });
        const logs = logRecords(lines).filter((l) => String(l.message).startsWith('inference'));
        expect(logs).toHaveLength(1);
        expect(logs[0]).toMatchObject({
          service: 'fraud-api',
          function_name: `fraud-${mode}`,
          xray_trace_id: traceRootOf(header),
          model_name: 'fraud',
          model_version: '1',
          correlation_id: 'corr-e2e',
          warmup: false,
        });
        expect(logs[0]!.input_hash).toMatch(/^[0-9a-f]{64}$/);
      }
      const cold = emfRecords(calls.cold!.lines)[0]!;
      expect(cold).toMatchObject({ ColdStart: 1, Errors: 0, Predictions: 1 });
      expect(cold.ColdStartDuration).toBeGreaterThan(0);
      const coldLog = logRecords(calls.cold!.lines).find((l) => l.message === 'inference')!;
      expect(coldLog.cold_start_ms).toBe(cold.ColdStartDuration);
      expect(coldLog.init_ms as number).toBeLessThanOrEqual(coldLog.cold_start_ms as number);
      if (mode === 'library') expect(cold).toMatchObject({ ModelLoads: 1 });
      expect(emfRecords(calls.warm!.lines)[0]).toMatchObject({ ColdStart: 0, Errors: 0 });
      expect(emfRecords(calls.error!.lines)[0]).toMatchObject({ Errors: 1 });
      const errorLog = logRecords(calls.error!.lines).find((l) => l.level === 'ERROR')!;
      expect(errorLog.error).toMatchObject({
        name: 'RangeError',
        message: 'cannot score amount 1',
      });
    });
  },
);

describe('zero-code mode loading handlers', () => {
  async function startZeroCode(handler: string) {
    return startLocalLambda({
      taskRoot,
      handler,
      optDir,
      timeoutMs: 3000,
      xrayDaemonAddress: daemon.address,
      env: { AWS_LAMBDA_EXEC_WRAPPER: wrapperPath(optDir), OBSERVED_MODEL_NAME: 'nested' },
    });
  }

  it('wraps an ESM handler at a nested path with a nested export name', async () => {
    const fn = await startZeroCode('src/nested.handlers.predict');
    try {
      const r = await fn.invoke({ amount: 500 });
      expect(r.result).toEqual({ label: 'fraud', confidence: 0.8 });
      expect(emfRecords(fn.lines())[0]).toMatchObject({
        ModelName: 'nested',
        Predictions: 1,
        Confidence: 0.8,
      });
    } finally {
      await fn.stop();
    }
  });

  it('turns a missing handler into an init error naming the handler and the cause', async () => {
    const fn = await startZeroCode('missing.handler');
    try {
      expect(fn.initError).toBeDefined();
      expect(JSON.stringify(fn.initError)).toMatch(/missing\.handler/);
      expect(JSON.stringify(fn.initError)).toMatch(/no missing\.js, \.mjs or \.cjs/);
    } finally {
      await fn.stop();
    }
  });

  it('turns a handler that is not a function into an init error', async () => {
    const fn = await startZeroCode('plain.nothing');
    try {
      expect(JSON.stringify(fn.initError)).toMatch(/does not export 'nothing'/);
    } finally {
      await fn.stop();
    }
  });
});
