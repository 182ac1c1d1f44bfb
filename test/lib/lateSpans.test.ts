/**
 * Writes after the response make an invocation's spans after it too: the
 * invocation's span and its stages' are made once the response has left,
 * unless the handler asks for one sooner. What X-Ray receives must be what
 * it would have been: the same tree, each span timed when it ran. In one
 * process: writeAfterResponse() registers with a real local Runtime API,
 * segments arrive on a real UDP socket, log lines are read from stdout.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { logRecords } from '../../local-lambda/outputRecords.js';
import { type RuntimeApi, startRuntimeApi } from '../../local-lambda/runtimeApi.js';
import { type CapturedOutput, captureOutput } from '../support/captureOutput.js';
import {
  expectEveryChildWithinItsParent,
  type SegmentDoc,
  type SegmentNode,
  segmentNodes,
} from '../support/segmentTree.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';
import { validateSegmentDocument } from '../support/xraySchema.js';

type Lib = typeof import('../../lib/index.js');

let lib: Lib;
let api: RuntimeApi;
let udp: UdpCollector;
let out: CapturedOutput;
const lambdaContext = lambdaContexts('late-fn');

beforeAll(async () => {
  udp = await collectUdp();
  api = await startRuntimeApi();
  useLambdaEnvironment({ functionName: 'late-fn', daemonAddress: udp.address });
  process.env.AWS_LAMBDA_RUNTIME_API = api.address;
  out = captureOutput();
  lib = await import('../../lib/index.js');
  expect(await lib.writeAfterResponse()).toBe(true);
});

afterAll(async () => {
  await api.close();
  out.restore();
  await udp.close();
});

/**
 * One invocation as the runtime client makes it, with `header` (or a new
 * sampled one) in `_X_AMZN_TRACE_ID`: the handler's times as the caller saw
 * them (epoch seconds), its log line once written, and its segments.
 */
async function invoke(
  handler: (event: unknown, ctx: Context) => Promise<unknown>,
  header = traceHeader().header,
  ctx = lambdaContext(),
) {
  process.env._X_AMZN_TRACE_ID = header;
  const mark = out.lines.length;
  const called = Date.now() / 1000;
  const result = await handler({ amount: 500 }, ctx);
  const answered = Date.now() / 1000;
  const log = async () => {
    const mine = () =>
      logRecords(out.since(mark)).find((l) => l.function_request_id === ctx.awsRequestId);
    await expect.poll(mine).toBeDefined();
    return mine()!;
  };
  const root = /Root=([^;]+)/.exec(header)?.[1];
  const docs = async () => {
    const mine = () => (udp.documents as SegmentDoc[]).filter((d) => d.trace_id === root);
    await expect.poll(() => mine().length).toBeGreaterThan(0);
    return mine();
  };
  return { result, called, answered, log, docs };
}

function byName(nodes: readonly SegmentNode[]): Record<string, SegmentNode> {
  return Object.fromEntries(nodes.map((n) => [n.name, n]));
}

describe('spans of records written after the response', () => {
  const seen: { header?: string } = {};
  let observed: ReturnType<typeof handler>;
  const handler = () =>
    lib.observe(
      async () => {
        const features = await lib.stage('preprocess', () =>
          lib.stage('normalize', () => [0.5, 0.25]),
        );
        const score = await lib.stage('predict', () =>
          // A span of the user's own: the stage's span is made at once, to be its parent.
          trace.getTracer('user').startActiveSpan('feature store', (span) => {
            const carrier: Record<string, string> = {};
            propagation.inject(context.active(), carrier);
            seen.header = carrier['x-amzn-trace-id'];
            span.end();
            return features[0]! + features[1]!;
          }),
        );
        await lib
          .stage('postprocess', () => {
            throw new Error('no label for 0.75');
          })
          .catch(() => undefined);
        return { label: score > 0.5 ? 'fraud' : 'legit', confidence: score };
      },
      { model: { name: 'fraud', version: '3' } },
    );

  it('makes the spans of the environment’s first invocation at once', async () => {
    // Its cold start is drawn beside it, and each observe() chooses its parents' source then:
    // the tests below run after it, on the same observe().
    observed = handler();
    const docs = await (await invoke(observed)).docs();
    const names = docs.flatMap((d) => segmentNodes(d)).map((n) => n.name);
    expect(names).toEqual(expect.arrayContaining(['inference fraud', 'predict', 'feature store']));
  });

  it('draws the tree a before-the-return record draws, each span timed when it ran', async () => {
    const header = traceHeader();
    const run = await invoke(observed, header.header);
    expect(run.result).toEqual({ label: 'fraud', confidence: 0.75 });
    const docs = await run.docs();
    for (const doc of docs) expect(validateSegmentDocument(doc)).toEqual([]);
    const nodes = docs.flatMap((d) => segmentNodes(d));
    const named = byName(nodes);
    const invocation = named['inference fraud']!;
    expect(invocation.parent).toBe(header.parent);
    expect(named.preprocess!.parent).toBe(invocation.id);
    expect(named.normalize!.parent).toBe(named.preprocess!.id);
    expect(named.predict!.parent).toBe(invocation.id);
    expect(named['feature store']!.parent).toBe(named.predict!.id);
    expect(named.postprocess!.parent).toBe(invocation.id);
    expect(named.postprocess!.doc.fault).toBe(true);
    expect(JSON.stringify(named.postprocess!.doc.cause)).toContain('no label for 0.75');
    expectEveryChildWithinItsParent(nodes);
    // Made after the response, timed as the handler ran: within what the caller saw (1 ms of clock skew).
    const { start_time: start, end_time: end } = invocation.doc as {
      start_time: number;
      end_time: number;
    };
    expect(start).toBeGreaterThanOrEqual(run.called - 1e-3);
    expect(end).toBeLessThanOrEqual(run.answered + 1e-3);
    // Stages in order, as they ran.
    const startOf = (name: string) => named[name]!.doc.start_time as number;
    expect(startOf('preprocess')).toBeLessThanOrEqual(startOf('predict'));
    expect(startOf('predict')).toBeLessThanOrEqual(startOf('postprocess'));
    // The span a user's call propagates (through the X-Ray propagator) is the one X-Ray receives.
    expect(seen.header).toContain(`Parent=${named['feature store']!.id}`);
    // Each stage's span lasts what the log's `stages` says it lasted.
    const log = await run.log();
    const stages = log.stages as Record<string, number>;
    for (const name of ['preprocess', 'normalize', 'predict', 'postprocess']) {
      const doc = named[name]!.doc as { start_time: number; end_time: number };
      expect((doc.end_time - doc.start_time) * 1000).toBeCloseTo(stages[name]!, 1);
    }
    expect(log.xray_trace_id).toBe(header.root);
  });

  it('sends nothing for an unsampled header, and still logs each stage', async () => {
    const header = traceHeader(false);
    const run = await invoke(observed, header.header);
    const log = await run.log();
    expect(Object.keys(log.stages as object).sort()).toEqual([
      'normalize',
      'postprocess',
      'predict',
      'preprocess',
    ]);
    expect(log.xray_trace_id).toBe(header.root);
    // Calls made from the handler carry the invocation's own trace, still unsampled.
    expect(seen.header).toMatch(new RegExp(`^Root=${header.root};Parent=[0-9a-f]{16};Sampled=0$`));
    // A later sampled invocation's segments arrive; none ever carried the unsampled trace.
    await (await invoke(observed)).docs();
    expect(udp.documents.filter((d) => d.trace_id === header.root)).toEqual([]);
  });

  it.each([
    ['a number', 42],
    ['an object', { Root: '1-5759e988-bd862e3fe1be46a994272793' }],
    ['garbage', '\u0000not a trace id'],
  ])('records an invocation whose context.xRayTraceId is %s', async (_, xRayTraceId) => {
    const ctx = Object.assign(lambdaContext(), { xRayTraceId }) as Context;
    const run = await invoke(observed, traceHeader().header, ctx);
    expect(run.result).toEqual({ label: 'fraud', confidence: 0.75 });
    const log = await run.log();
    expect(Object.keys(log.stages as object)).toHaveLength(4);
    expect(log.xray_trace_id).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  it('reads a header in another layout at the start, as before the return', async () => {
    const header = traceHeader();
    // Lambda's parts in another order: parsed at once by the X-Ray propagator.
    const reordered = `Root=${header.root};Sampled=1;Parent=${header.parent}`;
    const docs = await (await invoke(observed, reordered)).docs();
    const named = byName(docs.flatMap((d) => segmentNodes(d)));
    expect(named['inference fraud']!.parent).toBe(header.parent);
    expect(named.normalize!.parent).toBe(named.preprocess!.id);
  });
});
