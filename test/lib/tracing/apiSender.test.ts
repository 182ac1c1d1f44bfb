import { BatchGetTracesCommand, XRayClient } from '@aws-sdk/client-xray';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_BATCH_SIZE, ApiSegmentSender } from '../../../lib/tracing/apiSender.js';
import { toSegmentDocuments, toXRayTraceId } from '../../../lib/tracing/xraySegments.js';
import { hasMotoServer, type Moto, motoEnv, startMoto } from '../../../local-lambda/moto.js';
import { createTracing, lambdaContext, parseValid } from './spans.js';

const REGION = 'us-east-1';
/** Without moto the describe is skipped locally; under CI=true it runs and fails loudly. */
const runWithMoto = hasMotoServer() || process.env.CI === 'true';

/** A small invocation trace split in two documents: the stage's parent is not in the set. */
function traceDocuments(): { traceId: string; docs: string[] } {
  const { tracer, processor } = createTracing();
  const parent = lambdaContext();
  const inference = tracer.startSpan(
    'inference fraud',
    { attributes: { 'inference.model.name': 'fraud' } },
    parent,
  );
  tracer.startSpan('predict', {}, trace.setSpan(parent, inference)).end();
  inference.end();
  const traceId = inference.spanContext().traceId;
  const spans = processor.takeTrace(traceId);
  const docs = toSegmentDocuments(spans.filter((s) => s.name === 'predict')).concat(
    toSegmentDocuments(spans.filter((s) => s.name !== 'predict')),
  );
  parseValid(docs);
  return { traceId: toXRayTraceId(traceId), docs };
}

describe.skipIf(!runWithMoto)('ApiSegmentSender against moto', () => {
  let moto: Moto;
  let reader: XRayClient;

  beforeAll(async () => {
    moto = await startMoto();
    for (const [key, value] of Object.entries(motoEnv(moto.endpoint))) vi.stubEnv(key, value);
    reader = new XRayClient({ region: REGION, endpoint: moto.endpoint });
  });

  afterAll(async () => {
    reader?.destroy();
    vi.unstubAllEnvs();
    await moto?.stop();
  });

  async function storedDocuments(traceIds: string[]): Promise<string[]> {
    const out = await reader.send(new BatchGetTracesCommand({ TraceIds: traceIds }));
    return (out.Traces ?? []).flatMap((t) => (t.Segments ?? []).map((s) => s.Document ?? ''));
  }

  it('sends documents with PutTraceSegments and X-Ray returns them unchanged', async () => {
    const errors: Error[] = [];
    const sender = new ApiSegmentSender({
      region: REGION,
      endpoint: moto.endpoint,
      onError: (e) => errors.push(e),
    });
    const { traceId, docs } = traceDocuments();
    await sender.send(docs);
    // Below a full batch nothing is sent until flush.
    expect(await storedDocuments([traceId])).toEqual([]);
    await sender.flush();
    expect(errors).toEqual([]);
    expect((await storedDocuments([traceId])).sort()).toEqual([...docs].sort());
  });

  it('sends a batch as soon as 50 documents are buffered', async () => {
    const sender = new ApiSegmentSender({
      region: REGION,
      endpoint: moto.endpoint,
      onError: () => {},
    });
    const traces = Array.from({ length: API_BATCH_SIZE / 2 }, traceDocuments);
    for (const { docs } of traces) await sender.send(docs);
    const stored = await storedDocuments(traces.map((t) => t.traceId));
    expect(stored.sort()).toEqual(traces.flatMap((t) => t.docs).sort());
  });

  it('reports each segment X-Ray rejects', async () => {
    const errors: Error[] = [];
    const sender = new ApiSegmentSender({
      region: REGION,
      endpoint: moto.endpoint,
      onError: (e) => errors.push(e),
    });
    const { docs } = traceDocuments();
    // No end_time and not in progress: X-Ray refuses it, the valid one is kept.
    await sender.send([
      ...docs,
      JSON.stringify({
        id: '0123456789abcdef',
        name: 'open',
        trace_id: '1-5759e988-bd862e3fe1be46a994272793',
        start_time: 1,
      }),
    ]);
    await sender.flush();
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/X-Ray rejected segment 0123456789abcdef: MissingParam/),
    ]);
  });

  it('drops the oldest documents past maxBuffered and reports it', async () => {
    const errors: Error[] = [];
    const sender = new ApiSegmentSender({
      region: REGION,
      endpoint: moto.endpoint,
      maxBuffered: 2,
      onError: (e) => errors.push(e),
    });
    const traces = Array.from({ length: 3 }, traceDocuments);
    await sender.send(traces.map((t) => t.docs[0] ?? ''));
    await sender.flush();
    expect(errors.map((e) => e.message)).toEqual([
      'X-Ray segment buffer full: dropped the 1 oldest documents',
    ]);
    const stored = await storedDocuments(traces.map((t) => t.traceId));
    expect(stored.sort()).toEqual([traces[1]?.docs[0], traces[2]?.docs[0]].sort());
  });
});

describe('ApiSegmentSender without X-Ray', () => {
  it('never rejects when X-Ray is unreachable, and reports the failure', async () => {
    for (const [key, value] of Object.entries(motoEnv('http://127.0.0.1:9')))
      vi.stubEnv(key, value);
    try {
      const errors: Error[] = [];
      const sender = new ApiSegmentSender({
        region: REGION,
        endpoint: 'http://127.0.0.1:9',
        onError: (e) => errors.push(e),
      });
      await expect(sender.send(traceDocuments().docs)).resolves.toBeUndefined();
      await expect(sender.flush()).resolves.toBeUndefined();
      expect(errors).toHaveLength(1);
      expect(errors[0]?.message).toMatch(/^PutTraceSegments failed: /);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
