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
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { emfRecords, logRecords, metricValues } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';
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
async function invoke(call: () => unknown) {
  const trace = traceHeader();
  process.env._X_AMZN_TRACE_ID = trace.header;
  const mark = out.lines.length;
  let result: unknown;
  let error: unknown;
  try {
    result = await call();
  } catch (e) {
    error = e;
  }
  const lines = out.since(mark);
  return { result, error, trace, lines, emf: emfRecords(lines), logs: logRecords(lines) };
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
});
