/**
 * Writes after the response, end to end, as Lambda runs them: the built
 * layer as /opt, the real aws-lambda-ric calling the handler, a local
 * Runtime API that also serves the Extensions API with RAPID's lifecycle
 * (no invocation is handed out until the runtime and every extension have
 * asked for the next event), segments on the daemon stand-in, EMF and log
 * lines from the function's stdout. Library mode (top-level await of
 * writeAfterResponse()), zero-code mode (OBSERVED_WRITE=after-response), and
 * a registration asked for too late.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { taskRootFrom, unzipLayer, wrapperPath } from '../../local-lambda/layer.js';
import { type LocalLambda, startLocalLambda } from '../../local-lambda/localLambda.js';
import { emfRecords, logRecords, metricValues } from '../../local-lambda/outputRecords.js';
import { newTraceHeader, type TimelineEntry, traceRootOf } from '../../local-lambda/runtimeApi.js';
import { startXRayDaemon, type XRayDaemon } from '../../local-lambda/xrayDaemon.js';
import { type SegmentDoc, segmentNodes } from '../support/segmentTree.js';

const fixture = fileURLToPath(new URL('../fixtures/afterResponse/', import.meta.url));
const inference = (d: object) =>
  segmentNodes(d as SegmentDoc).find((n) => n.name === 'inference fraud');

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

async function start(handler: string, env: Record<string, string> = {}): Promise<LocalLambda> {
  const fn = await startLocalLambda({
    taskRoot,
    handler,
    optDir,
    functionName: 'fraud',
    timeoutMs: 3000,
    xrayDaemonAddress: daemon.address,
    env: { POWERTOOLS_SERVICE_NAME: 'fraud-api', OBSERVED_MODEL_NAME: 'fraud', ...env },
  });
  expect(fn.initError).toBeUndefined();
  return fn;
}

/** An API Gateway proxy event: its body is read (and hashed) after the response too. */
const request = (body: object) => ({
  resource: '/score',
  path: '/score',
  httpMethod: 'POST',
  headers: { 'Content-Type': 'application/json' },
  requestContext: { requestId: `api-${Math.random()}`, stage: 'prod' },
  body: JSON.stringify(body),
  isBase64Encoded: false,
});

/** One invocation: when its response and its segment arrived, and its records. */
async function call(fn: LocalLambda, body: object) {
  const event = request(body);
  const traceHeader = newTraceHeader();
  const root = traceRootOf(traceHeader);
  const mark = fn.mark();
  // Armed before the invocation, so it resolves as the segment arrives.
  const segment = daemon
    .waitFor((d) => d.trace_id === root && !!inference(d), 5000)
    .then((doc) => ({ doc, at: performance.now() }));
  const r = await fn.invoke(event, { traceHeader });
  const result = (r.result ?? {}) as { label?: string; registered?: boolean };
  const { doc, at: segmentAt } = await segment;
  const log = await fn.waitForLine((l) => l.includes('"latency_ms"') && l.includes(r.requestId), {
    mark,
  });
  const lines = fn.linesSince(mark, 'stdout');
  const responseAt = fn.timeline.find(
    (e) => e.kind === 'response' && e.requestId === r.requestId,
  )?.at;
  return {
    ...r,
    result,
    log: JSON.parse(log) as Record<string, unknown>,
    emf: emfRecords(lines),
    logs: logRecords(lines),
    span: inference(doc),
    responseAt,
    segmentAt,
  };
}

/** The timeline's entries of one invocation, by kind. */
function entriesOf(timeline: readonly TimelineEntry[], requestId: string) {
  const at = (kind: TimelineEntry['kind']) =>
    timeline.find((e) => e.kind === kind && e.requestId === requestId)?.at;
  return {
    dispatch: at('dispatch'),
    response: at('response'),
    extensionNext: at('extension-next'),
  };
}

const MODES = [
  { mode: 'library mode (writeAfterResponse() at init)', handler: 'library.handler' },
  { mode: 'zero-code mode (OBSERVED_WRITE=after-response)', handler: 'model.handler' },
];

describe.each(MODES)('writes after the response in $mode', ({ handler }) => {
  let fn: LocalLambda;

  beforeAll(async () => {
    const zeroCode = handler === 'model.handler';
    fn = await start(
      handler,
      zeroCode
        ? { OBSERVED_WRITE: 'after-response', AWS_LAMBDA_EXEC_WRAPPER: wrapperPath(optDir) }
        : {},
    );
  }, 60_000);

  afterAll(async () => {
    await fn?.stop();
  });

  it('registers its extension at init, which Lambda waits for before the first invocation', () => {
    const first = fn.timeline.findIndex((e) => e.kind === 'extension-next');
    const runtimeNext = fn.timeline.findIndex((e) => e.kind === 'runtime-next');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(runtimeNext).toBeGreaterThanOrEqual(0);
    // Nothing dispatched before both asked for an event.
    expect(fn.timeline.findIndex((e) => e.kind === 'dispatch')).toBe(-1);
    expect(fn.stderr.join('\n')).not.toContain('observed-inference');
  });

  it('answers first and writes every record after the response, before the next invocation', async () => {
    const results = [];
    for (const amount of [120, 950, 40]) results.push(await call(fn, { amount }));
    for (const r of results) {
      expect(r.error).toBeUndefined();
      expect(r.result).toMatchObject({ label: r === results[1] ? 'fraud' : 'legit' });
      // The runtime client is blocked in its response post until the Runtime API
      // answers it, so a segment sent before the response could not arrive after it.
      expect(r.responseAt).toBeDefined();
      expect(r.segmentAt).toBeGreaterThan(r.responseAt!);
      expect(r.log).toMatchObject({ level: 'INFO', function_request_id: r.requestId });
      expect(r.log.prediction).toBe(r.result.label);
      expect(r.log.input_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(metricValues(r.emf, 'Predictions')).toEqual([1]);
      expect(r.span?.doc.annotations).toMatchObject({ prediction: r.result.label });
      // The span ends when the handler did, not when it was written: before the
      // Runtime API even recorded the response (both clocks are the machine's).
      const span = r.span!.doc as { start_time: number; end_time: number };
      expect(span.end_time * 1000).toBeLessThanOrEqual(performance.timeOrigin + r.responseAt!);
      // It starts a little after the latency's clock (inside the record's start).
      expect((span.end_time - span.start_time) * 1000).toBeLessThanOrEqual(
        (r.log.latency_ms as number) + 0.01,
      );
    }
    // RAPID's order: each response, then our extension's next, then the next dispatch.
    const last = results.at(-1)!.requestId;
    await vi.waitFor(() => expect(entriesOf(fn.timeline, last).extensionNext).toBeDefined());
    for (let i = 0; i < results.length; i++) {
      const e = entriesOf(fn.timeline, results[i]!.requestId);
      expect(e.response).toBeLessThan(e.extensionNext!);
      const next = results[i + 1];
      if (next)
        expect(e.extensionNext).toBeLessThan(entriesOf(fn.timeline, next.requestId).dispatch!);
    }
  });

  it('answers a failure first, then records it as a fault', async () => {
    const r = await call(fn, { amount: 7, fail: true });
    expect(r.error).toMatchObject({ errorType: 'RangeError', errorMessage: 'cannot score 7' });
    expect(r.segmentAt).toBeGreaterThan(r.responseAt!);
    expect(r.log).toMatchObject({ level: 'ERROR', function_request_id: r.requestId });
    expect(metricValues(r.emf, 'Errors')).toEqual([1]);
  });
});

describe('the CPU time of an invocation written after the response', () => {
  const INIT_BURN_MS = 300;
  let fn: LocalLambda;

  beforeAll(async () => {
    fn = await start('cpu.handler', { INIT_BURN_MS: String(INIT_BURN_MS) });
  }, 60_000);

  afterAll(async () => {
    await fn?.stop();
  });

  // The first invocation reads its start at its start; each later one takes
  // it from where the last one's records were written and its extension
  // asked for the next event (afterResponse.ts), out of the response.
  it("holds the handler's CPU and not init's, first invocation or later", async () => {
    const cpu: number[] = [];
    for (const burnMs of [20, 60, 20, 60]) {
      const r = await call(fn, { burnMs });
      expect(r.error).toBeUndefined();
      const ms = r.log.cpu_ms as number;
      expect(ms).toBeGreaterThanOrEqual(burnMs);
      // The runtime client's receipt of the event and post of the response
      // are in it; init's burn is not.
      expect(ms).toBeLessThan(burnMs + 15);
      cpu.push(ms);
    }
    expect(cpu).toHaveLength(4);
  });
});

describe('how long an invocation is held for writes after the response', () => {
  const SLOW_MS = 60;
  // The Runtime API records the response once it has read it; the writes may start just before.
  const AT_LEAST = SLOW_MS * 0.8;
  let fn: LocalLambda;

  beforeAll(async () => {
    fn = await start('hold.handler', { SLOW_MS: String(SLOW_MS) });
  }, 60_000);

  afterAll(async () => {
    await fn?.stop();
  });

  /** From the response to the extension's next poll, which lets Lambda hand out the next invocation. */
  async function held(mode: string) {
    const r = await fn.invoke(request({ mode }));
    await vi.waitFor(() => expect(entriesOf(fn.timeline, r.requestId).extensionNext).toBeDefined());
    const e = entriesOf(fn.timeline, r.requestId);
    return { ...r, heldMs: e.extensionNext! - e.response! };
  }

  it('until every record is written: one wrapper, nested wrappers, a throw', async () => {
    // Each observe()'s first invocation, and the one after it, for each shape.
    for (const round of [1, 2]) {
      const single = await held('single');
      expect(single.error, `round ${round}`).toBeUndefined();
      expect(single.heldMs).toBeGreaterThanOrEqual(AT_LEAST);
      // Both wrappers' records: the outer one's is written after the inner's.
      const nested = await held('nested');
      expect(nested.error).toBeUndefined();
      expect(nested.heldMs).toBeGreaterThanOrEqual(SLOW_MS + AT_LEAST);
      const throws = await held('throws');
      expect(throws.error).toMatchObject({ errorType: 'RangeError' });
      expect(throws.heldMs).toBeGreaterThanOrEqual(AT_LEAST);
    }
  });

  it('not at all when the record could not start: the handler ran bare, and the next invocation runs', async () => {
    const bare = await held('bare');
    expect(bare.error).toBeUndefined();
    expect(bare.result).toMatchObject({ label: 'legit' });
    expect(bare.heldMs).toBeLessThan(AT_LEAST);
    const next = await held('single');
    expect(next.timedOut).toBe(false);
    expect(next.heldMs).toBeGreaterThanOrEqual(AT_LEAST);
    expect(fn.stderr.join('\n')).toContain('no deadline');
  });
});

describe('writeAfterResponse() asked for after init', () => {
  let fn: LocalLambda;

  beforeAll(async () => {
    fn = await start('late.handler');
  }, 60_000);

  afterAll(async () => {
    await fn?.stop();
  });

  it('is refused by Lambda, says so once, and writes before the return as usual', async () => {
    const a = await call(fn, { amount: 120 });
    const b = await call(fn, { amount: 950 });
    expect(a.result).toMatchObject({ label: 'legit', registered: false });
    expect(b.result).toMatchObject({ label: 'fraud', registered: false });
    expect(fn.timeline.some((e) => e.kind === 'extension-next')).toBe(false);
    const warnings = fn.stderr.filter((l) => l.includes('writes after the response'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('RegistrationClosed');
    for (const r of [a, b]) {
      expect(r.log).toMatchObject({ level: 'INFO', prediction: r.result.label });
      expect(metricValues(r.emf, 'Predictions')).toEqual([1]);
    }
  });

  it('hashes the same input as the after-response mode does', async () => {
    const late = await call(fn, { amount: 333 });
    const after = await start('library.handler');
    try {
      const r = await call(after, { amount: 333 });
      expect(r.log.input_hash).toBe(late.log.input_hash);
    } finally {
      await after.stop();
    }
  });
});
