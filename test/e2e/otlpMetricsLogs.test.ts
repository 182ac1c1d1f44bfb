/**
 * Metrics and logs over OTLP/HTTP end to end, the way Lambda runs them: the
 * built layer as /opt, the real aws-lambda-ric, the example fraud handler in
 * library mode, selected by OpenTelemetry's own variables for traces and
 * metrics (`OTEL_*_EXPORTER=otlp`) and by ours for logs; an OTLP/HTTP receiver
 * on a real socket decodes with OpenTelemetry's own definitions
 * (test/support/otlp.ts). A cold call, a failing one and a timeout.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTLP_LATENCY_BOUNDARIES_MS } from '../../lib/telemetry.js';
import { taskRootFrom, unzipLayer } from '../../local-lambda/layer.js';
import { type LocalLambda, startLocalLambda } from '../../local-lambda/localLambda.js';
import { emfRecords } from '../../local-lambda/outputRecords.js';
import { newTraceHeader } from '../../local-lambda/runtimeApi.js';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp.js';

const fixture = fileURLToPath(new URL('../fixtures/inference/', import.meta.url));
const traceIdOf = (header: string) =>
  /Root=1-([0-9a-f]{8})-([0-9a-f]{24})/.exec(header)!.slice(1).join('');

const apiEvent = (tx: Record<string, unknown>) => ({
  httpMethod: 'POST',
  headers: { 'content-type': 'application/json' },
  requestContext: { requestId: 'apigw-req' },
  body: JSON.stringify(tx),
});

let receiver: OtlpReceiver;
let fn: LocalLambda;
let lines: string[] = [];
const calls: Record<string, { header: string; requestId: string; timedOut: boolean }> = {};

async function call(name: string, event: unknown) {
  const header = newTraceHeader();
  const r = await fn.invoke(event, { traceHeader: header });
  calls[name] = { header, requestId: r.requestId, timedOut: r.timedOut };
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  fn = await startLocalLambda({
    taskRoot: taskRootFrom(fixture),
    handler: 'library.handler',
    optDir: unzipLayer(),
    functionName: 'fraud-otlpml',
    memoryMb: 256,
    timeoutMs: 1500,
    env: {
      POWERTOOLS_SERVICE_NAME: 'fraud-api',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OBSERVED_LOGS: 'otlp-http',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    },
  });
  expect(fn.initError).toBeUndefined();
  const mark = fn.mark();
  await call('cold', apiEvent({ amount: 900, countryMismatch: true }));
  await call('error', apiEvent({ amount: 1, fail: true }));
  await call('timeout', apiEvent({ amount: 5, sleepMs: 10_000 }));
  lines = fn.linesSince(mark);
}, 60_000);

afterAll(async () => {
  await fn?.stop();
  await receiver?.close();
});

const logOf = (name: string) =>
  receiver.waitForLog((l) => l.attributes.function_request_id === calls[name]!.requestId);

describe('the layer sending metrics and logs over OTLP/HTTP', () => {
  it('sends each invocation as OTLP metrics with the contract names and dimensions', () => {
    const latency = receiver.points().filter((p) => p.name === 'InferenceLatency');
    expect(latency).toHaveLength(3);
    for (const point of latency) {
      expect(point).toMatchObject({
        kind: 'histogram',
        unit: 'ms',
        temporality: 'AGGREGATION_TEMPORALITY_DELTA',
        count: 1,
        bounds: OTLP_LATENCY_BOUNDARIES_MS,
        attributes: { service: 'fraud-api', ModelName: 'fraud', ModelVersion: '1' },
      });
      expect(point.resource).toMatchObject({ 'faas.name': 'fraud-otlpml' });
    }
    const timeouts = receiver.points().filter((p) => p.name === 'Timeouts');
    expect(timeouts).toMatchObject([{ kind: 'sum', monotonic: true, value: 1 }]);
    const errors = receiver.points().filter((p) => p.name === 'Errors');
    expect(errors.map((p) => p.value)).toEqual([0, 1, 0]);
    // Nothing of it on stdout: no EMF record, no inference line.
    expect(emfRecords(lines)).toEqual([]);
    expect(lines.filter((l) => l.includes('"message":"inference'))).toEqual([]);
  });

  it("sends the log line as a record carrying the invocation span's ids", async () => {
    const record = await logOf('cold');
    const traceId = traceIdOf(calls.cold!.header);
    const span = await receiver.waitForSpan(
      (s) => s.traceId === traceId && s.name === 'inference fraud',
    );
    expect(record).toMatchObject({
      severityText: 'INFO',
      severityNumber: 'SEVERITY_NUMBER_INFO',
      body: 'inference',
      traceId: span.traceId,
      spanId: span.spanId,
    });
    expect(record.attributes).toMatchObject({
      service: 'fraud-api',
      cold_start: true,
      prediction: 'fraud',
      stages: { preprocess: expect.any(Number), predict: expect.any(Number) },
    });
  });

  it('sends failures and timeouts as ERROR records before the environment is frozen or killed', async () => {
    expect(await logOf('error')).toMatchObject({
      severityText: 'ERROR',
      body: 'inference failed',
      attributes: { error: { name: 'RangeError', message: 'cannot score amount 1' } },
    });
    expect(calls.timeout!.timedOut).toBe(true);
    expect(await logOf('timeout')).toMatchObject({
      severityText: 'ERROR',
      body: 'inference timed out',
    });
  });
});
