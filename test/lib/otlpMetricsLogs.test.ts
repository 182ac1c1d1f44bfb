/**
 * Metrics and logs over OTLP/HTTP, end to end in this process: observe() with
 * `OBSERVED_METRICS=otlp-http` and `OBSERVED_LOGS=otlp-http` (traces too),
 * sending to a real OTLP/HTTP receiver that decodes with OpenTelemetry's own
 * definitions. What a collector (and behind it Prometheus, Grafana, Datadog)
 * reads: the contract's names, units and dimensions, histogram buckets,
 * delta temporality, and log records carrying the invocation span's ids.
 * Its own file: the resource is the process's, made by the first observe().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTLP_LATENCY_BOUNDARIES_MS } from '../../lib/telemetry.js';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { captureOutput } from '../support/captureOutput.js';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp.js';

let receiver: OtlpReceiver;
let out: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  useLambdaEnvironment(
    { functionName: 'fraud-otlpml', memoryMb: 512 },
    {
      OBSERVED_TRACES: 'otlp-http',
      OBSERVED_METRICS: 'otlp-http',
      OBSERVED_LOGS: 'otlp-http',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: 'fraud-service',
      POWERTOOLS_SERVICE_NAME: 'fraud-api',
    },
  );
  out = captureOutput();
});

afterAll(async () => {
  out.restore();
  await receiver.close();
});

const apiEvent = { httpMethod: 'POST', headers: {}, requestContext: {}, body: '{"amount":3}' };

describe('metrics and logs over OTLP/HTTP', () => {
  it('sends the record as OTLP metrics and the line as a log record, before the response', async () => {
    const lib = await import('../../lib/index.js');
    const handler = lib.observe(
      async () =>
        lib.stage('predict', () => [
          { label: 'legit', confidence: 0.93 },
          { label: 'fraud', confidence: 0.42 },
        ]),
      { model: { name: 'fraud', version: '3' } },
    );
    const header = traceHeader();
    process.env._X_AMZN_TRACE_ID = header.header;
    const context = lambdaContexts('fraud-otlpml')({ requestId: 'req-otlpml-1' });
    await handler(apiEvent, context);

    // Awaited before the response: already here, no waiting.
    const paths = receiver.requests.map((r) => r.path).sort();
    expect(paths).toEqual(['/v1/logs', '/v1/metrics', '/v1/traces']);
    const points = receiver.points();
    const byName = new Map(points.map((p) => [p.name, p]));
    const dimensions = { service: 'fraud-api', ModelName: 'fraud', ModelVersion: '3' };

    const latency = byName.get('InferenceLatency')!;
    expect(latency).toMatchObject({
      kind: 'histogram',
      unit: 'ms',
      temporality: 'AGGREGATION_TEMPORALITY_DELTA',
      attributes: dimensions,
      count: 1,
      bounds: OTLP_LATENCY_BOUNDARIES_MS,
    });
    expect(latency.bucketCounts).toHaveLength(OTLP_LATENCY_BOUNDARIES_MS.length + 1);
    expect(latency.bucketCounts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(latency.startNs).toBeLessThan(latency.timeNs);

    const confidence = byName.get('Confidence')!;
    expect(confidence).toMatchObject({ kind: 'histogram', unit: '1', count: 2 });
    expect(confidence.sum).toBeCloseTo(1.35);
    // 0.42 in (0.4, 0.5], 0.93 in (0.9, 0.95].
    expect(confidence.bucketCounts).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]);

    expect(byName.get('Predictions')).toMatchObject({
      kind: 'sum',
      unit: '1',
      monotonic: true,
      temporality: 'AGGREGATION_TEMPORALITY_DELTA',
      value: 2,
      attributes: dimensions,
    });
    expect(byName.get('LowConfidence')).toMatchObject({ kind: 'sum', value: 1 });
    expect(byName.get('BatchSize')).toMatchObject({ kind: 'gauge', unit: '1', value: 2 });
    expect(byName.get('PredictDuration')).toMatchObject({ kind: 'histogram', unit: 'ms' });
    expect(byName.get('ColdStart')).toMatchObject({ kind: 'sum', value: 1 });
    expect(latency.resource).toMatchObject({
      'service.name': 'fraud-service',
      'faas.name': 'fraud-otlpml',
    });
    expect(latency.scope).toBe('observed-inference');

    const span = receiver.spans().find((s) => s.name === 'inference fraud')!;
    const line = receiver.logs().find((l) => l.body === 'inference')!;
    expect(line).toMatchObject({
      severityNumber: 'SEVERITY_NUMBER_INFO',
      severityText: 'INFO',
      traceId: span.traceId,
      spanId: span.spanId,
      scope: 'observed-inference',
    });
    expect(line.attributes).toMatchObject({
      service: 'fraud-api',
      function_request_id: 'req-otlpml-1',
      model_name: 'fraud',
      cold_start: true,
      batch_size: 2,
      stages: { predict: expect.any(Number) },
    });
    expect(line.resource['service.name']).toBe('fraud-service');
    // Not on stdout: the log line and the EMF record went to the collector instead.
    expect(out.lines.filter((l) => l.includes('"message":"inference"'))).toEqual([]);
    expect(out.lines.filter((l) => l.includes('"_aws"'))).toEqual([]);
  });

  it('logs a failure as ERROR, and starts each delta interval where the last ended', async () => {
    const lib = await import('../../lib/index.js');
    const handler = lib.observe(
      async () => {
        throw new Error('model exploded');
      },
      { model: { name: 'fraud', version: '3' } },
    );
    const before = receiver.points().filter((p) => p.name === 'InferenceLatency');
    const context = lambdaContexts('fraud-otlpml')({ requestId: 'req-otlpml-2' });
    await expect(handler(apiEvent, context)).rejects.toThrow('model exploded');
    const line = receiver.logs().find((l) => l.attributes.function_request_id === 'req-otlpml-2')!;
    expect(line).toMatchObject({
      severityNumber: 'SEVERITY_NUMBER_ERROR',
      body: 'inference failed',
    });
    expect(line.attributes.error).toMatchObject({ name: 'Error', message: 'model exploded' });
    const after = receiver.points().filter((p) => p.name === 'InferenceLatency');
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)!.startNs).toBe(before.at(-1)!.timeNs);
    const errors = receiver.points().filter((p) => p.name === 'Errors');
    expect(errors.at(-1)).toMatchObject({ kind: 'sum', value: 1 });
  });

  it('writes the line to stdout and sends it as a record with logs both', async () => {
    const lib = await import('../../lib/index.js');
    const handler = lib.observe(async () => ({ label: 'legit', confidence: 0.9 }), {
      model: 'fraud-both',
      logs: 'both',
    });
    const context = lambdaContexts('fraud-otlpml')({ requestId: 'req-both-1' });
    await handler(apiEvent, context);
    const stdout = out.lines.filter((l) => l.includes('"function_request_id":"req-both-1"'));
    expect(stdout).toHaveLength(1);
    expect(JSON.parse(stdout[0]!)).toMatchObject({ level: 'INFO', model_name: 'fraud-both' });
    const record = receiver.logs().find((l) => l.attributes.function_request_id === 'req-both-1');
    expect(record).toMatchObject({
      severityText: 'INFO',
      attributes: { model_name: 'fraud-both' },
    });
  });

  it('counts what an unreachable collector loses and reports it once, without failing the handler', async () => {
    const lib = await import('../../lib/index.js');
    const handler = lib.observe(async () => ({ label: 'legit', confidence: 0.9 }), {
      model: 'fraud-down',
    });
    const answer = receiver.answer;
    receiver.answer = (_request, response) => {
      response.writeHead(503);
      response.end('overloaded');
    };
    try {
      const context = lambdaContexts('fraud-otlpml');
      const result = await handler(apiEvent, context({ requestId: 'req-down-1' }));
      expect(result).toEqual({ label: 'legit', confidence: 0.9 });
    } finally {
      receiver.answer = answer;
    }
    const warnings = out.lines.filter((l) => l.includes('failed; telemetry continues'));
    expect(warnings.filter((l) => l.includes('metrics export'))).toHaveLength(1);
    expect(warnings.filter((l) => l.includes('log export'))).toHaveLength(1);
    // Backing off now: the next invocation sends nothing, counts its losses, and reports nothing new.
    await handler(apiEvent, lambdaContexts('fraud-otlpml')({ requestId: 'req-down-2' }));
    await lib.flush();
    const again = out.lines.filter((l) => l.includes('failed; telemetry continues'));
    expect(again).toHaveLength(warnings.length);
  });
});
