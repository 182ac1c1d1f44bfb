import { SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OtlpHttpConfig } from '../../../lib/tracing/otlpEndpoint.js';
import { GZIP_MIN_BYTES, OTLP_TRACES, OtlpHttpSender } from '../../../lib/tracing/otlpHttp.js';
import { type OtlpReceiver, type OtlpRequest, startOtlpReceiver } from '../../support/otlp.js';
import { createTracing, lambdaContext } from './spans.js';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());
afterEach(() => {
  receiver.requests.splice(0);
  receiver.answer = (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/x-protobuf' });
    response.end();
  };
});

function trace1(stages = 2, attribute = 'x'): { spans: ReadableSpan[]; traceId: string } {
  const { tracer, processor } = createTracing();
  const parent = lambdaContext();
  const root = tracer.startSpan('inference fraud', { kind: SpanKind.SERVER }, parent);
  for (let i = 0; i < stages; i++) {
    tracer
      .startSpan(`stage ${i}`, { attributes: { a: attribute } }, trace.setSpan(parent, root))
      .end();
  }
  root.end();
  const traceId = root.spanContext().traceId;
  return { spans: processor.takeTrace(traceId), traceId };
}

function sender(config: Partial<OtlpHttpConfig> = {}) {
  const errors: Array<{ message: string; lost: number }> = [];
  const s = new OtlpHttpSender({
    url: `${receiver.endpoint}/v1/traces`,
    headers: {},
    compression: 'none',
    timeoutMs: 2_000,
    sigv4Region: undefined,
    sigv4Service: 'xray',
    ...config,
    signal: OTLP_TRACES,
    onError: (error, lost) => errors.push({ message: error.message, lost }),
  });
  return { sender: s, errors };
}

describe('OtlpHttpSender', () => {
  it('POSTs the spans as OTLP protobuf to /v1/traces and resolves once answered', async () => {
    const { sender: s, errors } = sender({
      headers: { 'x-api-key': 'k 1', authorization: 'Bearer t' },
    });
    const { spans, traceId } = trace1();
    await s.send(spans);
    // Answered before send() resolved: nothing left for after the response.
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests as [OtlpRequest];
    expect(request).toMatchObject({ method: 'POST', path: '/v1/traces' });
    expect(request.headers).toMatchObject({
      'content-type': 'application/x-protobuf',
      'x-api-key': 'k 1',
      authorization: 'Bearer t',
    });
    expect(request.headers['content-encoding']).toBeUndefined();
    expect(request.spans.map((sp) => sp.name).sort()).toEqual([
      'inference fraud',
      'stage 0',
      'stage 1',
    ]);
    expect(request.spans.every((sp) => sp.traceId === traceId)).toBe(true);
    expect(errors).toEqual([]);
    expect(s.pending).toBe(0);
  });

  it('gzips a request worth compressing when asked, and leaves a small one as it is', async () => {
    const { sender: s, errors } = sender({ compression: 'gzip' });
    await s.send(trace1(20, 'y'.repeat(200)).spans);
    await s.send(trace1(0).spans);
    const [big, small] = receiver.requests as [OtlpRequest, OtlpRequest];
    expect(big.headers['content-encoding']).toBe('gzip');
    expect(big.raw.length).toBeLessThan(big.body.length / 4);
    expect(big.spans).toHaveLength(21);
    expect(small.body.length).toBeLessThan(GZIP_MIN_BYTES);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.spans).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('counts the spans of a refused request as lost, never rejecting', async () => {
    receiver.answer = (_request, response) => {
      response.writeHead(400, { 'content-type': 'text/plain' });
      response.end('bad span');
    };
    const { sender: s, errors } = sender();
    await expect(s.send(trace1(2).spans)).resolves.toBeUndefined();
    expect(errors).toEqual([{ message: expect.stringContaining('HTTP 400: bad span'), lost: 3 }]);
    // A 400 concerns that request only: the next one is tried.
    await s.send(trace1(0).spans);
    expect(receiver.requests).toHaveLength(2);
  });

  it('reports spans the collector rejected in a partial success', async () => {
    receiver.answer = (_request, response) => {
      // ExportTraceServiceResponse { partial_success { rejected_spans: 2, error_message: "too old" } }
      const message = Buffer.from('too old');
      const partial = Buffer.concat([Buffer.from([0x08, 0x02, 0x12, message.length]), message]);
      response.writeHead(200, { 'content-type': 'application/x-protobuf' });
      response.end(Buffer.concat([Buffer.from([0x0a, partial.length]), partial]));
    };
    const { sender: s, errors } = sender();
    await s.send(trace1(2).spans);
    expect(errors).toEqual([
      { message: expect.stringContaining('rejected 2 spans: too old'), lost: 2 },
    ]);
  });

  it('gives up on a collector that does not answer within the timeout, then waits before trying again', async () => {
    receiver.answer = () => {}; // never answers
    const { sender: s, errors } = sender({ timeoutMs: 200 });
    await s.send(trace1(1).spans);
    expect(errors).toEqual([
      { message: expect.stringContaining('no answer within 200 ms'), lost: 2 },
    ]);
    // Within the back-off the next export is not attempted: counted as lost at once.
    await s.send(trace1(0).spans);
    expect(receiver.requests).toHaveLength(1);
    expect(errors[1]).toEqual({
      message: expect.stringContaining('next attempt within 1 s'),
      lost: 1,
    });
    expect(s.pending).toBe(0);
  });

  it('counts a refused connection as lost without throwing', async () => {
    const { sender: s, errors } = sender({ url: 'http://127.0.0.1:9/v1/traces' });
    await s.send(trace1(0).spans);
    expect(errors).toEqual([{ message: expect.stringContaining('ECONNREFUSED'), lost: 1 }]);
  });

  it('signs requests to X-Ray with SigV4 as the AWS SDK’s own signer computes it', async () => {
    const credentials = {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      AWS_SESSION_TOKEN: 'session-token',
    };
    const saved = Object.fromEntries(Object.keys(credentials).map((k) => [k, process.env[k]]));
    Object.assign(process.env, credentials);
    try {
      const { sender: s, errors } = sender({ sigv4Region: 'eu-west-1', compression: 'gzip' });
      await s.send(trace1(20, 'z'.repeat(200)).spans);
      expect(errors).toEqual([]);
      const [request] = receiver.requests as [OtlpRequest];
      const headers = request.headers as Record<string, string>;
      expect(headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/xray\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/,
      );
      expect(headers['x-amz-security-token']).toBe('session-token');
      expect(headers['content-encoding']).toBe('gzip');
      // Recompute the signature from what arrived: the bytes on the wire and the headers sent.
      const signedNames = /SignedHeaders=([^,]+)/.exec(headers.authorization ?? '')![1]!.split(';');
      const date = headers['x-amz-date']!;
      const signingDate = new Date(
        `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
      );
      const url = new URL(receiver.endpoint);
      const expected = await new SignatureV4({
        service: 'xray',
        region: 'eu-west-1',
        sha256: Sha256,
        credentials: {
          accessKeyId: credentials.AWS_ACCESS_KEY_ID,
          secretAccessKey: credentials.AWS_SECRET_ACCESS_KEY,
          sessionToken: credentials.AWS_SESSION_TOKEN,
        },
      }).sign(
        {
          method: request.method,
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: request.path,
          query: {},
          // Not the payload hash the sender claimed: the signer hashes the bytes that arrived.
          headers: Object.fromEntries(
            signedNames.filter((n) => n !== 'x-amz-content-sha256').map((n) => [n, headers[n]!]),
          ),
          body: request.raw,
        },
        { signingDate },
      );
      expect(headers.authorization).toBe(expected.headers.authorization);
      expect(headers['x-amz-content-sha256']).toBe(expected.headers['x-amz-content-sha256']);
      expect(signedNames).toEqual(
        expect.arrayContaining(['content-encoding', 'content-type', 'host', 'x-amz-date']),
      );
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
