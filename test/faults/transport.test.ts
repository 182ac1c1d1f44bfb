/**
 * The fault matrix, transport part: what reaches the daemon, stdout and
 * stderr when they fail or the input is at an edge. Real components
 * throughout: real UDP sockets, a real child process with a closed pipe or
 * `/dev/full` as its stdout/stderr, the real observe(). Each case asserts the
 * handler's result or error is unchanged, the process lives, and the
 * invocation's records are there or their loss is counted and reported once.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config.js';
import { containment } from '../../lib/containment.js';
import { MAX_TRACE_SPANS, MAX_UDP_PAYLOAD_BYTES } from '../../lib/contract/limits.js';
import { getProcessTracer } from '../../lib/tracer.js';
import { UdpSegmentSender } from '../../lib/tracing/udpSender.js';
import { XRAY_DAEMON_HEADER } from '../../lib/tracing/xraySegments.js';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';
import { repoRoot } from '../support/paths.js';
import { type SegmentDoc, segmentNodes } from '../support/segmentTree.js';
import { closedUdpPort, DOCUMENT_SIZE_EDGES, MAX_DOCUMENT } from '../support/udpCollector.js';

type Lib = typeof import('../../lib/index.js');

/** The largest document a datagram carries with the daemon header. */

/**
 * A stand-in X-Ray daemon: a real UDP socket with a receive buffer big enough
 * for a 1,000-span burst (the kernel drops what a default buffer cannot hold).
 */
async function bigDaemon() {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  const datagrams: Buffer[] = [];
  const byTrace = new Map<string, SegmentDoc[]>();
  socket.on('message', (message) => {
    datagrams.push(message);
    const text = message.toString('utf8');
    const doc = text.startsWith(XRAY_DAEMON_HEADER)
      ? (JSON.parse(text.slice(XRAY_DAEMON_HEADER.length)) as SegmentDoc)
      : { trace_id: 'no daemon header' };
    const traceId = String(doc.trace_id);
    byTrace.set(traceId, [...(byTrace.get(traceId) ?? []), doc]);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    port,
    datagrams,
    /** Documents of one trace (X-Ray form). */
    of: (traceRoot: string) => byTrace.get(traceRoot) ?? [],
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

let udp: Awaited<ReturnType<typeof bigDaemon>>;
let lib: Lib;
let out: ReturnType<typeof captureOutput>;
const context = lambdaContexts('faults-fn');

beforeAll(async () => {
  udp = await bigDaemon();
  useLambdaEnvironment(
    { functionName: 'faults-fn', daemonAddress: udp.address },
    { POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_SERVICE_NAME: 'faults' },
  );
  lib = await import('../../lib/index.js');
  out = captureOutput();
});
afterAll(async () => {
  out.restore();
  await udp.close();
});

/** Open file descriptors of this process. */
const openFds = () => readdirSync('/proc/self/fd').length;

/** Lines on stderr or stdout written since `mark`, as WARN reports of `area`. */
const reportsOf = (lines: readonly string[], area: string) =>
  lines.filter((line) => line.includes('"WARN"') && line.includes(`${area} failed`));

/** A handler observed with AWS_XRAY_DAEMON_ADDRESS set to `address` (read when observe() is called). */
function observedWith(address: string) {
  const previous = process.env.AWS_XRAY_DAEMON_ADDRESS;
  process.env.AWS_XRAY_DAEMON_ADDRESS = address;
  try {
    return lib.observe(async (event: { n: number; fail?: Error; value?: object }) => {
      if (event.fail) throw event.fail;
      return event.value ?? { label: 'fraud', confidence: 0.9 };
    });
  } finally {
    process.env.AWS_XRAY_DAEMON_ADDRESS = previous;
  }
}

/** Invoke as the runtime does: a new trace header, then the handler; what it gave and what it wrote. */
async function invoke<T>(handler: (e: never, c: Context) => Promise<T>, event: unknown) {
  const header = traceHeader();
  process.env._X_AMZN_TRACE_ID = header.header;
  const ctx = context({ xRayTraceId: header.header });
  const mark = out.lines.length;
  let result: T | undefined;
  let error: unknown;
  try {
    result = await handler(event as never, ctx);
  } catch (e) {
    error = e;
  }
  const lines = out.since(mark);
  return { result, error, root: header.root, ctx, emf: emfRecords(lines), logs: logRecords(lines) };
}

describe('a daemon that is down or has a bad address', () => {
  it.each([
    ['down (port closed)', 'closed'],
    ['unresolvable', 'nonexistent.invalid:2000'],
    ['garbage IPv4', '999.1.1.1:2000'],
    ['garbage IPv6', ':::'],
    ['empty', ''],
  ])('leaves the handler, its records and the fd count as they were: %s', async (_name, given) => {
    const address = given === 'closed' ? `127.0.0.1:${await closedUdpPort()}` : given;
    const handler = observedWith(address);
    const fdsBefore = openFds();
    for (let n = 0; n < 30; n++) {
      const value = { label: 'fraud', confidence: 0.9, n };
      const fail = n % 3 === 2 ? new RangeError(`bad input ${n}`) : undefined;
      const run = await invoke(handler, { n, value, fail });
      if (fail) expect(run.error).toBe(fail);
      else expect(run.result).toBe(value);
      expect(run.emf).toHaveLength(1);
      const own = run.logs.filter((l) => l.function_request_id !== undefined);
      expect(own.map((l) => l.function_request_id)).toEqual([run.ctx.awsRequestId]);
    }
    expect(openFds()).toBeLessThanOrEqual(fdsBefore + 1);
  });

  it('counts lost datagrams in TelemetryErrors and reports them once', async () => {
    const handler = observedWith('nonexistent.invalid:2000');
    const runs = [];
    for (let n = 0; n < 5; n++) runs.push(await invoke(handler, { n }));
    const counted = runs.reduce((sum, r) => sum + Number(r.emf[0]?.TelemetryErrors ?? 0), 0);
    expect(counted).toBeGreaterThanOrEqual(4);
    expect(reportsOf(out.lines, 'trace export')).toHaveLength(1);
  });

  it('keeps the fd count and heap flat over 2,000 invocations against an unresolvable daemon', async () => {
    const handler = observedWith('nonexistent.invalid:2000');
    for (let n = 0; n < 50; n++) await invoke(handler, { n });
    globalThis.gc?.();
    const fdsBefore = openFds();
    const heapBefore = process.memoryUsage().heapUsed;
    const value = { label: 'fraud' };
    for (let n = 0; n < 2000; n++) {
      const header = traceHeader();
      process.env._X_AMZN_TRACE_ID = header.header;
      expect(await handler({ n, value } as never, context())).toBe(value);
    }
    out.lines.length = 0;
    globalThis.gc?.();
    expect(openFds()).toBeLessThanOrEqual(fdsBefore + 1);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('documents at the datagram size edges', () => {
  /** A document of exactly `bytes` UTF-8 bytes, padded with `char`. */
  function documentOf(bytes: number, char: string): string {
    const frame = '{"id":"53995c3f42cd8ad8","pad":""}';
    const missing = bytes - Buffer.byteLength(frame);
    const wide = Buffer.byteLength(char);
    const pad = char.repeat(Math.floor(missing / wide)) + 'r'.repeat(missing % wide);
    const doc = `{"id":"53995c3f42cd8ad8","pad":"${pad}"}`;
    expect(Buffer.byteLength(doc)).toBe(bytes);
    return doc;
  }

  it.each(DOCUMENT_SIZE_EDGES)(
    'sends a %i-byte document whole when it fits a datagram, else counts it lost',
    async (size) => {
      const errors: Error[] = [];
      const sender = new UdpSegmentSender({
        host: '127.0.0.1',
        port: udp.port,
        onError: (e) => errors.push(e),
      });
      try {
        for (const char of ['r', 'é', '€', '😀']) {
          const before = udp.datagrams.length;
          await sender.send([documentOf(size, char), '{"id":"after"}']);
          await expect.poll(() => udp.datagrams.length - before).toBeGreaterThanOrEqual(1);
          const fits = size <= MAX_DOCUMENT;
          await expect.poll(() => udp.datagrams.length - before).toBe(fits ? 2 : 1);
          for (const datagram of udp.datagrams.slice(before))
            expect(datagram.length).toBeLessThanOrEqual(MAX_UDP_PAYLOAD_BYTES);
          expect(errors.length).toBe(fits ? 0 : ['r', 'é', '€', '😀'].indexOf(char) + 1);
        }
      } finally {
        sender.close();
      }
    },
  );

  it('delivers a 1,000-stage trace whole, every datagram within the IPv4 limit', async () => {
    const handler = lib.observe(async () => {
      for (let i = 0; i < 1000; i++)
        await lib.stage(`stage ${String(i).padStart(4, '0')}`, () => i);
      return { label: 'fraud', confidence: 0.9 };
    });
    const before = udp.datagrams.length;
    const run = await invoke(handler, {});
    expect(run.result).toEqual({ label: 'fraud', confidence: 0.9 });
    const nodes = () => udp.of(run.root).flatMap((doc) => segmentNodes(doc));
    await expect.poll(() => nodes().length, { timeout: 5000 }).toBeGreaterThanOrEqual(1001);
    for (const datagram of udp.datagrams.slice(before))
      expect(datagram.length).toBeLessThanOrEqual(MAX_UDP_PAYLOAD_BYTES);
    const names = nodes().map((node) => node.name);
    expect(new Set(names.filter((name) => name.startsWith('stage '))).size).toBe(1000);
    expect(names.filter((name) => name.startsWith('inference'))).toHaveLength(1);
    expect(udp.of('no daemon header')).toEqual([]);
  });
});

/** What a child process running observe() with a lost stream reports on fd 3. */
interface ChildRun {
  readonly code: number | null;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly summary: { results: unknown[]; errors: unknown[]; telemetryErrors: number };
}

const CHILD_INVOCATIONS = 5;

/** A function that returns for even events and throws for odd ones, invoked in its own process. */
function childScript(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faults-transport-'));
  const script = join(dir, 'lostStream.mts');
  writeFileSync(
    script,
    `import { writeSync } from 'node:fs';
import { lambdaContexts, traceHeader, useLambdaEnvironment } from ${JSON.stringify(join(repoRoot, 'local-lambda/lambdaContext.ts'))};
useLambdaEnvironment({ functionName: 'lost-stream-fn', daemonAddress: process.argv[2] });
const { observe } = await import(${JSON.stringify(join(repoRoot, 'lib/index.ts'))});
const { containment } = await import(${JSON.stringify(join(repoRoot, 'lib/containment.ts'))});
const context = lambdaContexts('lost-stream-fn');
const handler = observe(async (event: { n: number }) => {
  if (event.n % 2 === 1) throw new RangeError('odd ' + event.n);
  return { label: 'fraud', confidence: 0.9, n: event.n };
});
const results: unknown[] = [];
const errors: unknown[] = [];
for (let n = 0; n < ${CHILD_INVOCATIONS}; n++) {
  process.env._X_AMZN_TRACE_ID = traceHeader().header;
  try {
    results.push(await handler({ n }, context()));
  } catch (error) {
    errors.push(error instanceof RangeError ? error.message : String(error));
  }
}
// Failed writes on a pipe are reported a tick later.
await new Promise((resolve) => setTimeout(resolve, 100));
writeSync(3, JSON.stringify({ results, errors, telemetryErrors: containment.total }));
`,
  );
  return script;
}

/** Run the child with stdout or stderr as given: a real pipe, one closed before it writes, or /dev/full. */
function runChild(
  script: string,
  streams: { stdout: 'pipe' | 'closed' | 'full'; stderr: 'pipe' | 'closed' | 'full' },
): Promise<ChildRun> {
  const summaryFile = join(script, '..', `summary-${streams.stdout}-${streams.stderr}.json`);
  const fd = (how: 'pipe' | 'closed' | 'full') =>
    how === 'full' ? openSync('/dev/full', 'w') : 'pipe';
  const env: NodeJS.ProcessEnv = { ...process.env, POWERTOOLS_LOG_LEVEL: 'INFO' };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_LAMBDA_')) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', script, udp.address], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', fd(streams.stdout), fd(streams.stderr), openSync(summaryFile, 'w')],
  });
  if (streams.stdout === 'closed') child.stdout?.destroy();
  if (streams.stderr === 'closed') child.stderr?.destroy();
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    out.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out.stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');
      const text = readFileSync(summaryFile, 'utf8');
      if (text === '') return reject(new Error(`the child died (${code}): ${out.stderr}`));
      resolve({
        code,
        stdout: lines(out.stdout),
        stderr: lines(out.stderr),
        summary: JSON.parse(text) as ChildRun['summary'],
      });
    });
  });
}

describe('a lost stdout or stderr', () => {
  let script: string;
  beforeAll(() => {
    script = childScript();
  });

  const expectHandlerUnchanged = (run: ChildRun) => {
    expect(run.code).toBe(0);
    expect(run.summary.results).toEqual(
      [0, 2, 4].map((n) => ({ label: 'fraud', confidence: 0.9, n })),
    );
    expect(run.summary.errors).toEqual(['odd 1', 'odd 3']);
  };
  const warningsAbout = (run: ChildRun, area: string) =>
    run.stderr.filter((line) => line.includes('"WARN"') && line.includes(`${area} failed`));

  it.each(['closed', 'full'] as const)(
    'counts every lost stdout write and reports it once on stderr (stdout %s)',
    async (stdout) => {
      const run = await runChild(script, { stdout, stderr: 'pipe' });
      expectHandlerUnchanged(run);
      // One line per invocation (its EMF record and log line leave in one write) is lost.
      expect(run.summary.telemetryErrors).toBeGreaterThanOrEqual(CHILD_INVOCATIONS);
      expect(warningsAbout(run, 'stdout')).toHaveLength(1);
    },
  );

  it.each(['closed', 'full'] as const)(
    'counts lost stderr writes in TelemetryErrors and keeps stdout whole (stderr %s)',
    async (stderr) => {
      const run = await runChild(script, { stdout: 'pipe', stderr });
      expectHandlerUnchanged(run);
      // The returning invocations log at INFO on stdout; the throwing ones at ERROR, on the lost stderr.
      expect(logRecords(run.stdout).map((l) => l.level)).toEqual(['INFO', 'INFO', 'INFO']);
      const emf = emfRecords(run.stdout);
      expect(emf.length).toBeGreaterThanOrEqual(CHILD_INVOCATIONS);
      // The handler's errors are logged at ERROR, to stderr: those writes are lost and counted.
      expect(run.summary.telemetryErrors).toBeGreaterThanOrEqual(2);
      const counted = emf.reduce((sum, r) => sum + Number(r.TelemetryErrors ?? 0), 0);
      expect(counted).toBeGreaterThanOrEqual(1);
    },
  );
});

describe('the span buffer', () => {
  /** The process's span buffer (made by the first observe(); later calls return it). */
  const spanBuffer = () => getProcessTracer(resolveConfig(process.env).config, containment).spans;

  it('keeps every stage span of 650 overlapping invocations', async () => {
    const handler = lib.observe(async (event: { n: number }, _ctx: Context) => {
      await lib.stage('preprocess', () => event.n);
      await lib.stage('predict', () => event.n);
      await gate;
      return { label: 'fraud', n: event.n };
    });
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const errorsBefore = containment.total;
    const runs = Array.from({ length: 650 }, (_, n) => {
      const header = traceHeader();
      process.env._X_AMZN_TRACE_ID = header.header;
      const done = handler({ n }, context({ xRayTraceId: header.header }));
      return { root: header.root, done };
    });
    // Every invocation now holds two ended stage spans.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(spanBuffer().size).toBeGreaterThanOrEqual(1300);
    open();
    const results = await Promise.all(runs.map((run) => run.done));
    expect(results.map((r) => r.n)).toEqual(runs.map((_, n) => n));
    const names = (root: string) =>
      udp
        .of(root)
        .flatMap((doc) => segmentNodes(doc))
        .map((node) => node.name)
        .filter((name) => name === 'preprocess' || name === 'predict')
        .sort();
    await expect
      .poll(() => runs.filter((run) => names(run.root).length === 2).length, { timeout: 5000 })
      .toBe(650);
    expect(containment.total).toBe(errorsBefore);
  });

  it('does not buffer spans started outside any invocation', async () => {
    const errorsBefore = containment.total;
    const before = spanBuffer().size;
    for (let i = 0; i < 5000; i++) {
      await lib.stage('at init', () => i);
      trace.getTracer('user').startSpan('user span at init').end();
    }
    expect(spanBuffer().size).toBe(before);
    const run = await invoke(observedWith(udp.address), { n: 1 });
    expect(run.emf[0]?.TelemetryErrors ?? 0).toBe(0);
    expect(containment.total).toBe(errorsBefore);
  });

  it('bounds a runaway invocation of 100k spans, counting what it drops', async () => {
    const handler = lib.observe(async () => {
      const tracer = trace.getTracer('user');
      for (let i = 0; i < 100_000; i++) tracer.startSpan(`step ${i}`).end();
      return { label: 'fraud' };
    });
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const run = await invoke(handler, {});
    expect(run.result).toEqual({ label: 'fraud' });
    const nodes = () => udp.of(run.root).flatMap((doc) => segmentNodes(doc));
    await expect
      .poll(() => nodes().length, { timeout: 5000 })
      .toBeGreaterThanOrEqual(MAX_TRACE_SPANS);
    expect(nodes().filter((node) => node.name.startsWith('inference'))).toHaveLength(1);
    // The drops are counted in the next record, and the first reported once.
    const next = await invoke(observedWith(udp.address), {});
    expect(Number(next.emf[0]?.TelemetryErrors)).toBeGreaterThanOrEqual(100_000 - MAX_TRACE_SPANS);
    expect(reportsOf(out.lines, 'span buffer')).toHaveLength(1);
    expect(spanBuffer().size).toBe(0);
    globalThis.gc?.();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
  });
});
