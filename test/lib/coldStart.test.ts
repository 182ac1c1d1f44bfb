/**
 * A cold start whose model load, begun at init, ends while the first
 * invocation already runs (a handler awaiting a model its module started
 * loading): the request waited for it. Its own file, because the lifecycle
 * is per process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';
import {
  expectEveryChildWithinItsParent,
  type SegmentDoc,
  type SegmentNode,
  segmentNodes,
} from '../support/segmentTree.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

/** A span's start and end, in X-Ray's seconds. */
const startOf = (node: SegmentNode) => node.doc.start_time as number;
const endOf = (node: SegmentNode) => node.doc.end_time as number;

let udp: UdpCollector;
let out: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  udp = await collectUdp();
  useLambdaEnvironment({ functionName: 'slow-load-fn', daemonAddress: udp.address });
  out = captureOutput();
});

afterAll(async () => {
  out.restore();
  await udp.close();
});

describe('a cold start whose model load outlasts init', () => {
  it('draws every span within its parent, and ColdStartDuration covers the wait for the model', async () => {
    const lib = await import('../../lib/index.js');
    // Module scope: the load begins at init and is not awaited there.
    const model = lib.loadModel('slow', async () => {
      await new Promise((r) => setTimeout(r, 100));
      return (x: number) => x * 2;
    });
    const handler = lib.observe(async (event: { x: number }) => {
      const predict = await model;
      return lib.stage('predict', () => ({ label: String(predict(event.x)), confidence: 0.9 }));
    });
    const trace = traceHeader();
    process.env._X_AMZN_TRACE_ID = trace.header;
    await handler({ x: 2 }, lambdaContexts('slow-load-fn')());

    const [record] = emfRecords(out.lines);
    const log = logRecords(out.lines).find((l) => l.message === 'inference')!;
    const loadMs = record!.ModelLoadTime as number;
    expect(loadMs).toBeGreaterThanOrEqual(95);
    // The whole wait: init, then the rest of the load the request waited for.
    expect(record!.ColdStartDuration as number).toBeGreaterThanOrEqual(loadMs);
    expect(log).toMatchObject({ cold_start: true, cold_start_ms: record!.ColdStartDuration });
    expect(log.model_wait_ms as number).toBeGreaterThan(50);
    expect(log.cold_start_ms as number).toBeCloseTo(
      (log.init_ms as number) + (log.model_wait_ms as number),
      2,
    );

    await expect.poll(() => udp.documents.length).toBe(2);
    const docs = udp.documents as SegmentDoc[];
    const spans = docs.flatMap((d) => segmentNodes(d, trace.parent));
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(byName['cold start']!.parent).toBe(trace.parent);
    expect(byName['inference slow-load-fn']!.parent).toBe(trace.parent);
    expect(byName.init!.parent).toBe(byName['cold start']!.id);
    expect(byName['model load slow']!.parent).toBe(byName['cold start']!.id);
    // The metric is the span: library load → the model ready.
    const cold = byName['cold start']!;
    expect(record!.ColdStartDuration as number).toBeCloseTo(
      (endOf(cold) - startOf(cold)) * 1000,
      0,
    );
    // The cold start ends when the model is ready, before the prediction uses it.
    expect(endOf(byName['cold start']!)).toBe(endOf(byName['model load slow']!));
    // (OpenTelemetry stamps a span's default start with Date.now(): whole milliseconds.)
    expect(startOf(byName.predict!)).toBeGreaterThanOrEqual(endOf(byName['cold start']!) - 0.001);
    expectEveryChildWithinItsParent(spans);
  });
});
