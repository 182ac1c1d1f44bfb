/**
 * Response streaming end to end, as Lambda runs it: the built layer as
 * /opt, the real aws-lambda-ric calling the handler as
 * `(event, responseStream, context)` and posting the chunked body to a local
 * Runtime API that keeps each chunk's arrival, segments on the daemon stand-in,
 * EMF and log lines from the function's stdout. Library mode in both
 * wrapping orders, and zero-code mode.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskRootFrom, unzipLayer, wrapperPath } from '../../local-lambda/layer.js';
import { type LocalLambda, startLocalLambda } from '../../local-lambda/localLambda.js';
import { emfRecords, logRecords, metricValues } from '../../local-lambda/outputRecords.js';
import { newTraceHeader, traceRootOf } from '../../local-lambda/runtimeApi.js';
import { startXRayDaemon, type XRayDaemon } from '../../local-lambda/xrayDaemon.js';
import { type SegmentDoc, segmentNodes } from '../support/segmentTree.js';

const fixture = fileURLToPath(new URL('../fixtures/streaming/', import.meta.url));

let daemon: XRayDaemon;
let optDir: string;
let taskRoot: string;

beforeAll(async () => {
  daemon = await startXRayDaemon();
  optDir = unzipLayer();
  taskRoot = taskRootFrom(fixture);
});

afterAll(async () => {
  await daemon?.close();
});

const MODES = [
  { mode: 'library, observe(streamifyResponse(h))', handler: 'library.outer', zeroCode: false },
  { mode: 'library, streamifyResponse(observe(h))', handler: 'library.inner', zeroCode: false },
  { mode: 'zero-code', handler: 'stream.handler', zeroCode: true },
] as const;

describe.each(MODES)('response streaming in $mode', ({ handler, zeroCode }) => {
  let fn: LocalLambda;

  beforeAll(async () => {
    fn = await startLocalLambda({
      taskRoot,
      handler,
      optDir,
      functionName: 'writer',
      timeoutMs: 3000,
      xrayDaemonAddress: daemon.address,
      env: {
        POWERTOOLS_SERVICE_NAME: 'writer-api',
        OBSERVED_MODEL_NAME: 'writer',
        OBSERVED_MODEL_VERSION: '1',
        ...(zeroCode ? { AWS_LAMBDA_EXEC_WRAPPER: wrapperPath(optDir) } : {}),
      },
    });
    expect(fn.initError).toBeUndefined();
  }, 60_000);

  afterAll(async () => {
    await fn?.stop();
  });

  async function call(event: unknown) {
    const traceHeader = newTraceHeader();
    const mark = fn.mark();
    const r = await fn.invoke(event, { traceHeader });
    const log = await fn.waitForLine((l) => l.includes('"latency_ms"') && l.includes(r.requestId), {
      mark,
    });
    const lines = fn.linesSince(mark, 'stdout');
    return {
      ...r,
      traceHeader,
      log: JSON.parse(log) as Record<string, unknown>,
      emf: emfRecords(lines),
      logs: logRecords(lines),
    };
  }

  it('streams the body unchanged and records time to first byte, to the end, and bytes', async () => {
    const r = await call({ chunks: 3, gapMs: 150 });
    expect(r.error).toBeUndefined();
    expect(r.result).toBe('chunk-0;chunk-1;chunk-2;');
    // The first chunk reached the Runtime API well before the last: it was streamed, not buffered.
    const chunks = r.chunks!;
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.at(-1)!.atMs - chunks[0]!.atMs).toBeGreaterThan(200);
    expect(r.log).toMatchObject({ level: 'INFO', streamed_bytes: 24, stream_aborted: false });
    expect(r.log.first_byte_ms as number).toBeLessThan((r.log.latency_ms as number) - 200);
    expect(metricValues(r.emf, 'BytesStreamed')).toEqual([24]);
    expect(metricValues(r.emf, 'StreamsAborted')).toEqual([0]);
    expect(metricValues(r.emf, 'TimeToFirstByte')).toEqual([r.log.first_byte_ms]);
    const root = traceRootOf(r.traceHeader);
    const inference = (d: object) =>
      segmentNodes(d as SegmentDoc).find((n) => n.name === 'inference writer');
    const doc = await daemon.waitFor((d) => d.trace_id === root && !!inference(d), 5000);
    const span = inference(doc);
    expect(span?.doc.metadata).toMatchObject({
      observed_inference: { 'inference.stream.bytes': 24, 'inference.stream.aborted': false },
    });
  });

  it('passes an HttpResponseStream prelude through and counts only the body', async () => {
    const r = await call({ chunks: 1, http: true });
    expect(r.error).toBeUndefined();
    expect(String(r.result)).toContain('chunk-0;');
    expect(r.log).toMatchObject({ streamed_bytes: 8, stream_aborted: false });
  });

  it('records a handler failure mid-stream as an aborted stream and a fault', async () => {
    const r = await call({ chunks: 3, failAfter: 1 });
    expect(r.error).toMatchObject({
      errorType: 'RangeError',
      errorMessage: 'model failed after chunk 1',
    });
    expect(r.log).toMatchObject({ level: 'ERROR', streamed_bytes: 8, stream_aborted: true });
    expect(metricValues(r.emf, 'StreamsAborted')).toEqual([1]);
    expect(metricValues(r.emf, 'Errors')).toEqual([1]);
  });
});
