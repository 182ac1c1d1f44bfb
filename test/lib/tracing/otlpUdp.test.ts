import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_UDP_PAYLOAD_BYTES } from '../../../lib/contract/limits.js';
import {
  MAX_OTLP_DATAGRAM_REQUEST_BYTES,
  OTLP_DAEMON_HEADER,
  toOtlpDatagrams,
} from '../../../lib/tracing/otlpUdp.js';
import { UdpSender } from '../../../lib/tracing/udpSender.js';
import {
  decodeTraceRequest,
  type OtlpUdpReceiver,
  startOtlpUdpReceiver,
} from '../../support/otlp.js';
import { createTracing, lambdaContext } from './spans.js';

const opened: Array<OtlpUdpReceiver | UdpSender> = [];
afterEach(async () => {
  for (const item of opened.splice(0)) await item.close();
});

/** One invocation's spans: the server span and its stages, under the Lambda function segment. */
function invocation(stages: number, attribute = 'x') {
  const { tracer, processor } = createTracing();
  const parent = lambdaContext();
  const root = tracer.startSpan('inference fraud', { kind: SpanKind.SERVER }, parent);
  const traceId = root.spanContext().traceId;
  for (let i = 0; i < stages; i++) {
    tracer
      .startSpan(`stage ${i}`, { attributes: { payload: attribute } }, trace.setSpan(parent, root))
      .end();
  }
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  root.end();
  return { spans: processor.takeTrace(traceId), traceId };
}

const payloadOf = (datagram: string) => Buffer.from(datagram.slice('T1S'.length), 'base64');
const bytesWithHeader = (payload: string) => Buffer.byteLength(OTLP_DAEMON_HEADER + payload);

describe('toOtlpDatagrams', () => {
  it('carries an invocation in one T1S datagram that OpenTelemetry’s definitions decode', () => {
    const { spans, traceId } = invocation(3);
    const reports: string[] = [];
    const out = toOtlpDatagrams(spans, { onOversize: (e) => reports.push(e.message) });
    expect(out).toHaveLength(1);
    expect(out[0]!.startsWith('T1S')).toBe(true);
    const decoded = decodeTraceRequest(payloadOf(out[0]!));
    expect(decoded.map((s) => s.name).sort()).toEqual([
      'inference fraud',
      'stage 0',
      'stage 1',
      'stage 2',
    ]);
    const root = decoded.find((s) => s.name === 'inference fraud')!;
    expect(root).toMatchObject({
      traceId,
      kind: 'SPAN_KIND_SERVER',
      parentSpanId: '53995c3f42cd8ad8',
      status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
    });
    expect(decoded.filter((s) => s.parentSpanId === root.spanId)).toHaveLength(3);
    expect(reports).toEqual([]);
  });

  it('splits a large trace so that no datagram passes the UDP payload limit, every span once', () => {
    const { spans } = invocation(120, 'v'.repeat(2_000));
    const out = toOtlpDatagrams(spans, { onOversize: () => {} });
    expect(out.length).toBeGreaterThan(3);
    for (const payload of out)
      expect(bytesWithHeader(payload)).toBeLessThanOrEqual(MAX_UDP_PAYLOAD_BYTES);
    const ids = out.flatMap((p) => decodeTraceRequest(payloadOf(p)).map((s) => s.spanId));
    expect(ids.sort()).toEqual(spans.map((s) => s.spanContext().spanId).sort());
  });

  it('trims a span too large for a datagram on its own, and says so', () => {
    const { spans } = invocation(1, 'w'.repeat(MAX_OTLP_DATAGRAM_REQUEST_BYTES));
    const reports: Array<[string, boolean]> = [];
    const out = toOtlpDatagrams(spans, {
      onOversize: (e, dropped) => reports.push([e.message, dropped]),
    });
    for (const payload of out)
      expect(bytesWithHeader(payload)).toBeLessThanOrEqual(MAX_UDP_PAYLOAD_BYTES);
    const decoded = out.flatMap((p) => decodeTraceRequest(payloadOf(p)));
    expect(decoded.map((s) => s.name).sort()).toEqual(['inference fraud', 'stage 0']);
    const stage = decoded.find((s) => s.name === 'stage 0')!;
    expect(String(stage.attributes.payload).length).toBe(1000);
    expect(reports).toEqual([
      [expect.stringMatching(/span 'stage 0' was \d+ bytes as OTLP: trimmed/), false],
    ]);
  });

  it('drops (and reports) a span whose identity alone does not fit, sending the rest', () => {
    const { spans } = invocation(2);
    const reports: boolean[] = [];
    // A limit smaller than any one span: everything is dropped, nothing is sent over it.
    const tiny = toOtlpDatagrams(spans, {
      onOversize: (_e, dropped) => reports.push(dropped),
      maxRequestBytes: 40,
    });
    expect(tiny).toEqual([]);
    expect(reports).toEqual([true, true, true]);
  });

  it('sends each payload behind ADOT’s header to a real UDP socket through UdpSender', async () => {
    const receiver = await startOtlpUdpReceiver();
    opened.push(receiver);
    const [host, port] = receiver.address.split(':') as [string, string];
    const errors: Error[] = [];
    const sender = new UdpSender({
      host,
      port: Number(port),
      prefix: OTLP_DAEMON_HEADER,
      onError: (e) => errors.push(e),
    });
    opened.push(sender);
    const { spans, traceId } = invocation(2);
    await sender.send(toOtlpDatagrams(spans as ReadableSpan[], { onOversize: () => {} }));
    await receiver.waitForSpan((s) => s.name === 'inference fraud');
    expect(receiver.rejected).toEqual([]);
    expect(receiver.datagrams).toEqual([
      expect.objectContaining({ header: '{"format":"json","version":1}', prefix: 'T1S' }),
    ]);
    expect(receiver.spans().every((s) => s.traceId === traceId)).toBe(true);
    expect(errors).toEqual([]);
  });
});
