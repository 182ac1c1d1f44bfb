/**
 * The fault matrix, handler shapes: every shape a Lambda Node handler takes
 * (async, sync return, callback, callback + promise, response streaming in
 * both wrapping orders, a synchronous throw), model loaders that fail or
 * hang, timeouts, many observe() calls, and many overlapping invocations.
 * Each case asserts the handler's result or error unchanged, the process
 * alive, the invocation's records present, and fds and heap bounded.
 *
 * In this process: the Lambda environment and `Context` of
 * local-lambda/lambdaContext.ts, segments on a real UDP socket, EMF and log
 * lines from stdout. The response stream here is a Node `Writable` standing
 * in for the runtime client's (test/e2e/streaming.test.ts runs the real one),
 * and the streaming marker is set as `awslambda.streamifyResponse` sets it
 * (that global exists only inside the runtime client).
 */
import { readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContexts, useLambdaEnvironment } from '../../local-lambda/lambdaContext.js';
import { taskRootFrom, unzipLayer } from '../../local-lambda/layer.js';
import { startLocalLambda } from '../../local-lambda/localLambda.js';
import { emfRecords, logRecords, metricValues } from '../../local-lambda/outputRecords.js';
import { captureOutput, invokeCapturing } from '../support/captureOutput.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

type Lib = typeof import('../../lib/index.js');
type AnyHandler = (...args: never[]) => unknown;

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');

/** What `awslambda.streamifyResponse` does to a handler (aws-lambda-ric's `setupGlobals`). */
function streamifyResponse<T extends AnyHandler>(handler: T, highWaterMark?: number): T {
  const marked = handler as unknown as Record<symbol, unknown>;
  marked[STREAMING] = 'response';
  if (highWaterMark !== undefined) marked[HIGH_WATER_MARK] = highWaterMark;
  return handler;
}

/** A response stream that keeps what it was sent; `failAfter` bytes then errors like a client gone. */
function responseStream(options: { failAfter?: number } = {}) {
  const chunks: Buffer[] = [];
  let sent = 0;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      if (options.failAfter !== undefined && sent > options.failAfter) {
        done(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
        return;
      }
      chunks.push(chunk);
      done();
    },
  });
  return { stream, body: () => Buffer.concat(chunks).toString('utf8') };
}

let lib: Lib;
let udp: UdpCollector;
let out: ReturnType<typeof captureOutput>;
const lambdaContext = lambdaContexts('shapes-fn');

/** Invoke as the runtime client does; `args` after the event (context last unless streaming). */
function invoke(call: () => unknown) {
  return invokeCapturing(out, call, { ctx: lambdaContext() });
}

const openFds = () => readdirSync('/proc/self/fd').length;
function heapUsed(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

beforeAll(async () => {
  udp = await collectUdp();
  useLambdaEnvironment(
    { functionName: 'shapes-fn', daemonAddress: udp.address },
    { POWERTOOLS_SERVICE_NAME: 'shapes-api', OBSERVED_MODEL_NAME: 'shapes' },
  );
  out = captureOutput();
  lib = await import('../../lib/index.js');
});

afterAll(async () => {
  out.restore();
  await udp.close();
});

describe('handler shapes in library mode', () => {
  it('passes a callback to a callback-style handler and returns what it called back with', async () => {
    const answer = { label: 'fraud', confidence: 0.9 };
    const handler = lib.observe(
      (_event: unknown, _context: Context, callback: (e: unknown, v?: unknown) => void) => {
        setImmediate(() => callback(null, answer));
      },
    );
    const r = await invoke(() => handler({}, lambdaContext()));
    expect(r.error).toBeUndefined();
    expect(r.result).toBe(answer);
    expect(r.logs).toHaveLength(1);
    expect(r.logs[0]).toMatchObject({ message: 'inference', prediction: 'fraud' });
  });

  it('rejects with the error a callback-style handler called back with', async () => {
    const failure = new RangeError('no model');
    const handler = lib.observe((_e: unknown, _c: Context, callback: (e: unknown) => void) =>
      callback(failure),
    );
    const r = await invoke(() => handler({}, lambdaContext()));
    expect(r.error).toBe(failure);
    expect(r.logs).toMatchObject([{ level: 'ERROR', message: 'inference failed' }]);
  });

  it('takes the first of a callback and a returned promise, once', async () => {
    const first = { n: 1 };
    const handler = lib.observe(
      async (_e: unknown, _c: Context, callback: (e: unknown, v?: unknown) => void) => {
        callback(null, first);
        callback(new Error('second callback'));
        return { n: 3 };
      },
    );
    const r = await invoke(() => handler({}, lambdaContext()));
    expect(r.result).toBe(first);
    expect(r.logs).toHaveLength(1);
    const promiseFirst = lib.observe(
      async (_e: unknown, _c: Context, callback: (e: unknown, v?: unknown) => void) => {
        setTimeout(() => callback(null, { late: true }), 5);
        return first;
      },
    );
    const ctx = lambdaContext();
    const mark = out.lines.length;
    const p = await invoke(() => promiseFirst({}, ctx));
    expect(p.result).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const mine = logRecords(out.since(mark)).filter(
      (l) => l.function_request_id === ctx.awsRequestId,
    );
    expect(mine).toHaveLength(1);
  });

  it('keeps the result of a synchronous handler and the error of one that throws synchronously', async () => {
    const value = { label: 'ok' };
    const sync = lib.observe(() => value);
    expect((await invoke(() => sync({}, lambdaContext()))).result).toBe(value);
    const failure = new TypeError('bad shape');
    const throwing = lib.observe((): unknown => {
      throw failure;
    });
    const r = await invoke(() => throwing({}, lambdaContext()));
    expect(r.error).toBe(failure);
    expect(r.logs).toMatchObject([{ message: 'inference failed' }]);
  });
});

describe('response streaming in library mode', () => {
  const streamingHandler = async (
    _event: unknown,
    stream: Writable,
    _context: Context,
  ): Promise<void> => {
    stream.write('{"label":');
    await new Promise((resolve) => setTimeout(resolve, 5));
    stream.end('"fraud"}');
  };

  it.each([
    [
      'observe(streamifyResponse(handler))',
      () => lib.observe(streamifyResponse(streamingHandler, 64)),
    ],
    [
      'streamifyResponse(observe(handler))',
      () => streamifyResponse(lib.observe(streamingHandler), 64),
    ],
  ])('streams through %s with its marker kept and the stream recorded', async (_name, wrap) => {
    const handler = wrap() as unknown as AnyHandler & Record<symbol, unknown>;
    expect(handler[STREAMING]).toBe('response');
    expect(handler[HIGH_WATER_MARK]).toBe(64);
    const { stream, body } = responseStream();
    const r = await invoke(() =>
      (handler as unknown as (e: unknown, s: Writable, c: Context) => Promise<void>)(
        {},
        stream,
        lambdaContext(),
      ),
    );
    expect(r.error).toBeUndefined();
    expect(body()).toBe('{"label":"fraud"}');
    expect(r.logs).toHaveLength(1);
    const log = r.logs[0]!;
    expect(log).toMatchObject({ message: 'inference', streamed_bytes: 17, stream_aborted: false });
    expect(log.first_byte_ms).toBeGreaterThanOrEqual(0);
    expect(log.first_byte_ms as number).toBeLessThanOrEqual(log.latency_ms as number);
    expect(metricValues(r.emf, 'BytesStreamed')).toEqual([17]);
    expect(metricValues(r.emf, 'TimeToFirstByte')).toHaveLength(1);
    expect(metricValues(r.emf, 'StreamsAborted')).toEqual([0]);
    await expect.poll(() => udp.documents.some((d) => d.trace_id === r.trace.root)).toBe(true);
  });
});

describe('response streams that break', () => {
  it('records a stream that failed under the handler (the client went away) as aborted', async () => {
    const handler = lib.observe(
      streamifyResponse(async (_e: unknown, stream: Writable, _c: Context) => {
        stream.write('part-1;');
        await new Promise((resolve) => setTimeout(resolve, 5));
        stream.write('part-2;'); // the connection is gone: the stream errors and closes
        stream.end();
      }),
    ) as unknown as (e: unknown, s: Writable, c: Context) => Promise<void>;
    const { stream } = responseStream({ failAfter: 8 });
    stream.on('error', () => undefined); // the runtime client listens too
    const r = await invoke(() => handler({}, stream, lambdaContext()));
    expect(r.error).toBeUndefined();
    expect(r.logs).toHaveLength(1);
    expect(r.logs[0]).toMatchObject({ stream_aborted: true, streamed_bytes: 14 });
    expect(metricValues(r.emf, 'StreamsAborted')).toEqual([1]);
  });

  it('rethrows a synchronous throw of a streaming handler and records it as aborted', async () => {
    const failure = new Error('no stream for you');
    const handler = streamifyResponse(
      lib.observe((_e: unknown, _s: Writable, _c: Context): Promise<void> => {
        throw failure;
      }),
    ) as unknown as (e: unknown, s: Writable, c: Context) => Promise<void>;
    const r = await invoke(() => handler({}, responseStream().stream, lambdaContext()));
    expect(r.error).toBe(failure);
    expect(r.logs).toMatchObject([{ level: 'ERROR', stream_aborted: true, streamed_bytes: 0 }]);
  });
});

describe('model loaders that fail or hang', () => {
  it.each([
    [
      'throws',
      () => {
        throw new RangeError('weights missing');
      },
    ],
    ['rejects', () => Promise.reject(new RangeError('weights missing'))],
    ['rejects with a non-Error', () => Promise.reject('weights missing')],
  ])(
    'passes on the failure of a loader that %s and records the invocation',
    async (_how, loader) => {
      let caught: unknown;
      const handler = lib.observe(async () => {
        try {
          await lib.loadModel({ name: `broken-${_how}`, version: '1' }, loader as () => unknown);
        } catch (error) {
          caught = error;
          throw error;
        }
      });
      const r = await invoke(() => handler({}, lambdaContext()));
      expect(r.error).toBe(caught);
      expect(String((r.error as Error)?.message ?? r.error)).toContain('weights missing');
      expect(r.logs).toMatchObject([{ level: 'ERROR', message: 'inference failed' }]);
      expect(metricValues(r.emf, 'ModelLoads')).toEqual([1]);
    },
  );

  it('writes the timeout record of an invocation whose loader never settles', async () => {
    const handler = lib.observe(
      () => lib.loadModel({ name: 'hangs', version: '1' }, () => new Promise(() => undefined)),
      { timeoutMarginMs: 100 },
    );
    const mark = out.lines.length;
    const ctx = lambdaContext({ remainingMs: 250 });
    void handler({}, ctx);
    await expect.poll(() => logRecords(out.since(mark)).length, { timeout: 2000 }).toBe(1);
    const lines = out.since(mark);
    expect(logRecords(lines)[0]).toMatchObject({
      level: 'ERROR',
      message: 'inference timed out',
      function_request_id: ctx.awsRequestId,
    });
    expect(metricValues(emfRecords(lines), 'Timeouts')).toEqual([1]);
  });
});

describe('timeouts', () => {
  it('records an awaiting handler at the margin and still returns its late result unchanged', async () => {
    const late = { label: 'late' };
    const handler = lib.observe(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return late;
      },
      { timeoutMarginMs: 100 },
    );
    const r = await invoke(() => handler({}, lambdaContext({ remainingMs: 250 })));
    expect(r.result).toBe(late);
    expect(r.logs).toMatchObject([{ message: 'inference timed out' }]);
    expect(metricValues(r.emf, 'Timeouts')).toEqual([1]);
  });

  it('records a handler that blocks the event loop past the margin only when it returns', async () => {
    // The timeout timer cannot run while the handler holds the event loop: if
    // it returns before the deadline, its record is an ordinary one with the
    // full latency; past the deadline Lambda kills the process and no record
    // can be written at all (docs/library.md, "Timeouts").
    const value = { label: 'slow' };
    const handler = lib.observe(
      () => {
        const until = performance.now() + 200;
        while (performance.now() < until);
        return value;
      },
      { timeoutMarginMs: 100 },
    );
    const r = await invoke(() => handler({}, lambdaContext({ remainingMs: 250 })));
    expect(r.result).toBe(value);
    expect(r.logs).toMatchObject([{ level: 'INFO', message: 'inference' }]);
    expect(r.logs[0]!.latency_ms as number).toBeGreaterThanOrEqual(200);
    expect(metricValues(r.emf, 'Timeouts')).toEqual([]);
  });
});

describe('overlapping invocations (Lambda Managed Instances)', () => {
  it('records each of 1,000 overlapping invocations once, with its own result', async () => {
    const fixture = fileURLToPath(new URL('../fixtures/inference/', import.meta.url));
    const fn = await startLocalLambda({
      taskRoot: taskRootFrom(fixture),
      handler: 'library.handler',
      optDir: unzipLayer(),
      functionName: 'lmi-fn',
      maxConcurrency: 64,
      timeoutMs: 10_000,
      xrayDaemonAddress: udp.address,
      env: {
        AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances',
        AWS_LAMBDA_NODEJS_WORKER_COUNT: '2',
        POWERTOOLS_SERVICE_NAME: 'lmi-api',
      },
    });
    try {
      expect(fn.initError).toBeUndefined();
      const amounts = Array.from({ length: 1_000 }, (_, i) => (i % 2 ? 900 : 20));
      const results = await Promise.all(
        amounts.map((amount) =>
          fn.invoke({ body: JSON.stringify({ amount, countryMismatch: amount > 100 }) }),
        ),
      );
      expect(results.filter((r) => r.error)).toEqual([]);
      results.forEach((r, i) => {
        const label = JSON.parse((r.result as { body: string }).body).label;
        expect(label).toBe(amounts[i]! > 100 ? 'fraud' : 'legit');
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const lines = fn.lines('stdout');
      const logged = logRecords(lines).filter((l) => l.message === 'inference');
      const ids = new Set(results.map((r) => r.requestId));
      expect(logged).toHaveLength(1_000);
      expect(new Set(logged.map((l) => l.function_request_id))).toEqual(ids);
      const labels = new Map(logged.map((l) => [l.function_request_id, l.prediction]));
      results.forEach((r, i) => {
        expect(labels.get(r.requestId)).toBe(amounts[i]! > 100 ? 'fraud' : 'legit');
      });
      expect(emfRecords(lines).filter((e) => 'InferenceLatency' in e)).toHaveLength(1_000);
      expect(fn.alive).toBe(true);
    } finally {
      await fn.stop();
    }
  }, 60_000);
});

describe('observe() called for every request', () => {
  it('keeps heap and open fds bounded over 20,000 calls', async () => {
    const handler = async () => ({ label: 'ok', confidence: 0.9 });
    const round = async (n: number) => {
      for (let i = 0; i < n; i++) await lib.observe(handler)({}, lambdaContext());
      out.lines.length = 0;
    };
    await round(2_000);
    const heapBefore = heapUsed();
    const fdsBefore = openFds();
    await round(20_000);
    expect(openFds() - fdsBefore).toBeLessThanOrEqual(2);
    expect(heapUsed() - heapBefore).toBeLessThan(8 * 1024 * 1024);
  }, 60_000);
  it('logs an invalid option once, not once per call', async () => {
    const handler = async () => ({ label: 'ok', confidence: 0.9 });
    const mark = out.lines.length;
    for (let i = 0; i < 50; i++)
      await lib.observe(handler, { lowConfidence: 7 })({}, lambdaContext());
    const errors = out
      .since(mark)
      .filter((line) => line.includes('configuration error') && line.includes('lowConfidence'));
    expect(errors).toHaveLength(1);
  });
});
