/**
 * The OTLP exporters end to end, the way Lambda runs them: the built layer
 * as /opt, the real aws-lambda-ric, the example fraud handler in library
 * mode. `otlp-udp` sends to a stand-in of the daemon's UDP endpoint, `otlp-http`
 * (chosen by `OTEL_TRACES_EXPORTER=otlp`, as a collector set-up would) to an
 * OTLP/HTTP receiver on a real socket; both decode with OpenTelemetry's own
 * protobuf definitions (test/support/otlp.ts). The scenarios of
 * test/e2e/layer.test.ts: cold, warm, a throw, a warmup ping, a timeout, and
 * overlapping invocations in one process (Lambda Managed Instances).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskRootFrom, unzipLayer } from '../../local-lambda/layer.js';
import { type LocalLambda, startLocalLambda } from '../../local-lambda/localLambda.js';
import { emfRecords } from '../../local-lambda/outputRecords.js';
import { newTraceHeader } from '../../local-lambda/runtimeApi.js';
import {
  type OtlpReceiver,
  type OtlpSpan,
  type OtlpUdpReceiver,
  startOtlpReceiver,
  startOtlpUdpReceiver,
} from '../support/otlp.js';

const fixture = fileURLToPath(new URL('../fixtures/inference/', import.meta.url));
/** The OTLP trace id of an X-Ray trace header (`Root=1-<8>-<24>`). */
const traceIdOf = (header: string) =>
  /Root=1-([0-9a-f]{8})-([0-9a-f]{24})/.exec(header)!.slice(1).join('');
const parentOf = (header: string) => /Parent=([^;]+)/.exec(header)![1]!;

const apiEvent = (tx: Record<string, unknown>) => ({
  httpMethod: 'POST',
  headers: { 'content-type': 'application/json' },
  requestContext: { requestId: 'apigw-req' },
  body: JSON.stringify(tx),
});

type Receiver = OtlpReceiver | OtlpUdpReceiver;

const EXPORTERS = [
  {
    mode: 'otlp-udp',
    start: startOtlpUdpReceiver,
    env: (r: Receiver) => ({
      OBSERVED_TRACES: 'otlp-udp',
      AWS_XRAY_DAEMON_ADDRESS: (r as OtlpUdpReceiver).address,
    }),
  },
  {
    mode: 'otlp-http',
    start: startOtlpReceiver,
    env: (r: Receiver) => ({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: (r as OtlpReceiver).endpoint,
    }),
  },
] as const;

let optDir: string;
let taskRoot: string;
beforeAll(() => {
  optDir = unzipLayer();
  taskRoot = taskRootFrom(fixture);
});

describe.each(EXPORTERS)('the layer exporting $mode', ({ mode, start, env }) => {
  let receiver: Receiver;
  let fn: LocalLambda;
  const calls: Record<
    string,
    { header: string; requestId: string; result: unknown; error?: unknown; timedOut: boolean }
  > = {};
  let coldLines: string[] = [];

  async function call(name: string, event: unknown) {
    const header = newTraceHeader();
    const r = await fn.invoke(event, { traceHeader: header });
    calls[name] = {
      header,
      requestId: r.requestId,
      result: r.result,
      error: r.error,
      timedOut: r.timedOut,
    };
  }

  /** The spans of one call's trace, once its invocation span has arrived. */
  async function traceOf(name: string): Promise<OtlpSpan[]> {
    const traceId = traceIdOf(calls[name]!.header);
    await receiver.waitForSpan(
      (s) => s.traceId === traceId && s.parentSpanId === parentOf(calls[name]!.header),
    );
    return receiver.spans().filter((s) => s.traceId === traceId);
  }

  beforeAll(async () => {
    receiver = await start();
    fn = await startLocalLambda({
      taskRoot,
      handler: 'library.handler',
      optDir,
      functionName: `fraud-${mode}`,
      memoryMb: 256,
      timeoutMs: 1500,
      env: { POWERTOOLS_SERVICE_NAME: 'fraud-api', ...env(receiver) },
    });
    expect(fn.initError).toBeUndefined();
    const mark = fn.mark();
    await call('cold', apiEvent({ amount: 900, countryMismatch: true }));
    coldLines = fn.linesSince(mark);
    await call('warm', apiEvent({ amount: 20 }));
    await call('error', apiEvent({ amount: 1, fail: true }));
    await call('warmup', { warmup: true });
    await call('timeout', apiEvent({ amount: 5, sleepMs: 10_000 }));
  }, 60_000);

  afterAll(async () => {
    await fn?.stop();
    await receiver?.close();
  });

  it('traces the cold start beside a SERVER invocation span with its stages, as OTLP', async () => {
    expect(JSON.parse((calls.cold!.result as { body: string }).body)).toMatchObject({
      label: 'fraud',
    });
    const spans = await traceOf('cold');
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    const root = byName['inference fraud']!;
    expect(root).toMatchObject({
      kind: 'SPAN_KIND_SERVER',
      parentSpanId: parentOf(calls.cold!.header),
    });
    expect(root.attributes).toMatchObject({
      'faas.trigger': 'http',
      'faas.invocation_id': calls.cold!.requestId,
      'faas.coldstart': true,
      'cloud.account.id': '123456789012',
      'inference.model.name': 'fraud',
      'inference.prediction': 'fraud',
    });
    expect(root.resource).toMatchObject({
      'service.name': 'fraud-api',
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_lambda',
      'faas.name': `fraud-${mode}`,
      'faas.max_memory': 256 * 1024 * 1024,
    });
    expect(byName['cold start']!.parentSpanId).toBe(root.parentSpanId);
    expect(byName.init!.parentSpanId).toBe(byName['cold start']!.spanId);
    expect(byName['model load fraud']!.parentSpanId).toBe(byName['cold start']!.spanId);
    for (const stage of ['preprocess', 'predict', 'postprocess']) {
      expect(byName[stage]!.parentSpanId).toBe(root.spanId);
      expect(byName[stage]!.startNs).toBeGreaterThanOrEqual(root.startNs);
      expect(byName[stage]!.endNs).toBeLessThanOrEqual(root.endNs);
    }
    // The trace export is ours, not a failure: no TelemetryErrors.
    const record = emfRecords(coldLines)[0]!;
    expect(record).toMatchObject({ ColdStart: 1 });
    expect(record.TelemetryErrors ?? 0).toBe(0);
  });

  it('traces a warm invocation without a cold start', async () => {
    const names = (await traceOf('warm')).map((s) => s.name).sort();
    expect(names).toEqual(['inference fraud', 'postprocess', 'predict', 'preprocess']);
    const root = (await traceOf('warm')).find((s) => s.name === 'inference fraud')!;
    expect(root.attributes['faas.coldstart']).toBe(false);
  });

  it('records the fault with its exception on the failing invocation', async () => {
    expect(calls.error!.error).toMatchObject({ errorType: 'RangeError' });
    const root = (await traceOf('error')).find((s) => s.name === 'inference fraud')!;
    expect(root.status.code).toBe('STATUS_CODE_ERROR');
    expect(root.events.find((e) => e.name === 'exception')?.attributes).toMatchObject({
      'exception.type': 'RangeError',
      'exception.message': 'cannot score amount 1',
    });
  });

  it('answers the warmup ping with a warmup span only', async () => {
    expect((await traceOf('warmup')).map((s) => s.name)).toEqual(['warmup']);
  });

  it('records the timeout before Lambda kills the environment', async () => {
    expect(calls.timeout!.timedOut).toBe(true);
    const root = (await traceOf('timeout')).find((s) => s.name === 'inference fraud')!;
    expect(root.status.code).toBe('STATUS_CODE_ERROR');
    expect(root.attributes['inference.timeout']).toBe(true);
  });

  it('keeps overlapping invocations in one process apart, each trace once', async () => {
    const lmi = await startLocalLambda({
      taskRoot,
      handler: 'library.handler',
      optDir,
      functionName: `lmi-${mode}`,
      maxConcurrency: 8,
      timeoutMs: 10_000,
      env: {
        AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances',
        AWS_LAMBDA_NODEJS_WORKER_COUNT: '2',
        ...env(receiver),
      },
    });
    try {
      expect(lmi.initError).toBeUndefined();
      const runs = await Promise.all(
        Array.from({ length: 24 }, (_, i) => {
          const header = newTraceHeader();
          return lmi
            .invoke(apiEvent({ amount: i % 2 ? 900 : 20, sleepMs: 20 }), { traceHeader: header })
            .then((r) => ({ ...r, header }));
        }),
      );
      expect(runs.filter((r) => r.error)).toEqual([]);
      for (const run of runs) {
        const traceId = traceIdOf(run.header);
        const root = await receiver.waitForSpan(
          (s) => s.traceId === traceId && s.name === 'inference fraud',
        );
        expect(root.attributes['faas.invocation_id']).toBe(run.requestId);
        const spans = receiver.spans().filter((s) => s.traceId === traceId);
        // A first invocation's model load of init may hang here too (not a cold start in LMI).
        const children = spans.filter((s) => s.parentSpanId === root.spanId).map((s) => s.name);
        expect(children.filter((n) => !n.startsWith('model load')).sort()).toEqual([
          'postprocess',
          'predict',
          'preprocess',
        ]);
        expect(spans.filter((s) => s.name === 'inference fraud')).toHaveLength(1);
      }
    } finally {
      await lmi.stop();
    }
  }, 30_000);
});
