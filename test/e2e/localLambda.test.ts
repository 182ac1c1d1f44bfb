import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchGetTracesCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ricEntry } from '../../local-lambda/lambdaBootstrap.js';
import {
  type LocalLambda,
  type LocalLambdaOptions,
  startLocalLambda,
} from '../../local-lambda/localLambda.js';
import { hasMotoServer, startMoto } from '../../local-lambda/moto.js';
import { startXRayDaemon, type XRayDaemon } from '../../local-lambda/xrayDaemon.js';

const handlers = fileURLToPath(new URL('../fixtures/handlers/', import.meta.url));
const wrapper = join(handlers, 'wrapper.sh');
const LAYER_PACKAGE = 'observed-inference-fixture-layer-lib';
const TRACE_HEADER = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/;

/** What fixtures/handlers/echo.cjs returns. */
interface Echo {
  event: unknown;
  pid: number;
  requestId: string;
  invokedFunctionArn: string;
  remainingMs: number;
  contextTraceId?: string;
  envTraceId?: string;
  clientContext?: unknown;
  env: Record<string, string | undefined>;
  argv: string[];
  execArgv: string[];
}

const started: LocalLambda[] = [];
async function start(options: Partial<LocalLambdaOptions> & { handler: string }) {
  const fn = await startLocalLambda({ taskRoot: handlers, ...options });
  started.push(fn);
  return fn;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((fn) => fn.stop()));
});

/** Send one daemon-protocol datagram, as an X-Ray SDK would. */
async function sendDatagram(address: string, text: string): Promise<void> {
  const [host, port] = address.split(':');
  const socket = createSocket('udp4');
  await new Promise<void>((done, fail) =>
    socket.send(text, Number(port), host, (e) => (e ? fail(e) : done())),
  );
  socket.close();
}

describe('local Lambda execution environment', () => {
  it('cold-starts one process and reuses it for warm invocations', async () => {
    const fn = await start({ handler: 'echo.handler', memoryMb: 256, functionName: 'fraud' });
    expect(fn.initError).toBeUndefined();
    expect(fn.initDurationMs).toBeGreaterThan(0);
    const first = await fn.invoke({ n: 1 }, { clientContext: { client: { app: 'demo' } } });
    const second = await fn.invoke({ n: 2 });
    const [a, b] = [first.result as Echo, second.result as Echo];
    expect([a.pid, b.pid]).toEqual([fn.pid, fn.pid]);
    expect(a.event).toEqual({ n: 1 });
    expect(a.requestId).toBe(first.requestId);
    expect(b.requestId).not.toBe(a.requestId);
    expect(a.clientContext).toEqual({ client: { app: 'demo' } });
    expect(a.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:fraud');
    expect(a.remainingMs).toBeGreaterThan(2_000);
    expect(a.env).toMatchObject({
      handler: 'echo.handler',
      taskRoot: resolve(handlers),
      executionEnv: 'AWS_Lambda_nodejs22.x',
      memory: '256',
      initializationType: 'on-demand',
      tz: ':UTC',
    });
    // The bootstrap's command line: node flags, then the ric entry, no handler argument.
    expect(a.argv).toEqual([ricEntry()]);
    expect(a.execArgv).toEqual(expect.arrayContaining(['--expose-gc', '--max-old-space-size=231']));
    expect(
      fn.linesSince(0, 'stdout').filter((l) => l.endsWith('echo handler invoked')),
    ).toHaveLength(2);
  });

  it('passes the trace header to the handler in _X_AMZN_TRACE_ID and the context', async () => {
    const fn = await start({ handler: 'echo.handler' });
    const traceHeader =
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const given = await fn.invoke({}, { traceHeader });
    expect(given.traceHeader).toBe(traceHeader);
    expect(given.result).toMatchObject({ envTraceId: traceHeader, contextTraceId: traceHeader });
    const generated = await fn.invoke({});
    expect(generated.traceHeader).toMatch(TRACE_HEADER);
    expect((generated.result as Echo).envTraceId).toBe(generated.traceHeader);
  });

  it('loads ES module handlers: .mjs with a nested export, and .js under "type": "module"', async () => {
    const [mjs, nested] = await Promise.all([
      start({ handler: 'esm.handlers.echo' }),
      start({ handler: 'src/app.handler' }),
    ]);
    expect((await mjs.invoke({ x: 1 })).result).toEqual({ module: 'esm', event: { x: 1 } });
    const app = await nested.invoke({ x: 2 });
    expect(app.result).toEqual({ module: 'src/app', isEsm: true, event: { x: 2 } });
  });

  it('posts a handler error to /invocation/{id}/error with its type and message', async () => {
    const fn = await start({ handler: 'throws.handler' });
    const mark = fn.mark();
    const { error, result, xrayErrorCause, timedOut } = await fn.invoke({});
    expect(result).toBeUndefined();
    expect(timedOut).toBe(false);
    expect(error).toMatchObject({
      errorType: 'ModelNotReadyError',
      errorMessage: 'model weights are still loading',
    });
    expect(error?.trace?.[0]).toBe('ModelNotReadyError: model weights are still loading');
    expect(xrayErrorCause).toMatchObject({ exceptions: [{ type: 'ModelNotReadyError' }] });
    await fn.waitForLine((l) => l.includes('Invoke Error'), { mark });
    expect(fn.alive).toBe(true);
  });

  it('posts a module that fails to load to /init/error and reports it as initError', async () => {
    const fn = await start({ handler: 'broken.handler' });
    expect(fn.initError).toMatchObject({
      errorType: 'Runtime.ImportModuleError',
      functionErrorType: 'Runtime.ImportModuleError',
    });
    expect(fn.initError?.errorMessage).toContain('observed-inference-fixture-missing-package');
    expect(fn.initDurationMs).toBeUndefined();
    const { error } = await fn.invoke({});
    expect(error?.errorType).toBe('Runtime.ImportModuleError');
  });

  it('kills the environment when an invocation passes its deadline', async () => {
    const fn = await start({ handler: 'sleeps.handler', timeoutMs: 300 });
    const late = await fn.invoke({ ms: 10_000 });
    expect(late.timedOut).toBe(true);
    expect(late.error?.errorType).toBe('Sandbox.Timedout');
    expect(late.durationMs).toBeGreaterThanOrEqual(290);
    expect(late.durationMs).toBeLessThan(2_000);
    expect(await fn.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(fn.alive).toBe(false);
    const after = await fn.invoke({ ms: 1 });
    expect(after.error).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: 'Runtime exited with error: signal: killed',
    });
  });

  it('reports a runtime that exits mid-invocation as Runtime.ExitError', async () => {
    const fn = await start({ handler: 'exits.handler' });
    const { error } = await fn.invoke({});
    expect(error).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: 'Runtime exited with error: exit status 3',
    });
    expect(await fn.exited).toEqual({ code: 3, signal: null });
    expect(fn.initError).toBeUndefined();
  });

  it('runs the runtime through AWS_LAMBDA_EXEC_WRAPPER like the bootstrap', async () => {
    const fn = await start({ handler: 'echo.handler', env: { AWS_LAMBDA_EXEC_WRAPPER: wrapper } });
    const echo = (await fn.invoke({})).result as Echo;
    expect(echo.env.wrappedBy).toBe('fixture-wrapper');
    expect(echo.pid).toBe(fn.pid); // the wrapper exec'd node in place
    const missing = await start({
      handler: 'echo.handler',
      env: { AWS_LAMBDA_EXEC_WRAPPER: join(handlers, 'no-such-wrapper') },
    });
    expect(missing.initError?.errorMessage).toBe('Runtime exited with error: exit status 127');
    expect(missing.stdout).toEqual([`${join(handlers, 'no-such-wrapper')}: does not exist`]);
  });

  it('runs invocations concurrently up to maxConcurrency (ric 4 worker threads)', async () => {
    const fn = await start({
      handler: 'sleeps.handler',
      maxConcurrency: 2,
      env: { AWS_LAMBDA_NODEJS_WORKER_COUNT: '2' },
    });
    const began = performance.now();
    const results = await Promise.all([fn.invoke({ ms: 400 }), fn.invoke({ ms: 400 })]);
    expect(performance.now() - began).toBeLessThan(750);
    expect(results.map((r) => (r.result as { pid: number }).pid)).toEqual([fn.pid, fn.pid]);
  });
});

describe('ES module imports from a layer', () => {
  let optDir: string;
  beforeAll(() => {
    // Written at run time: git ignores node_modules directories, even fixtures.
    optDir = mkdtempSync(join(tmpdir(), 'local-lambda-opt-'));
    const pkg = join(optDir, 'nodejs', 'node_modules', LAYER_PACKAGE);
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ type: 'module', exports: './index.js' }),
    );
    writeFileSync(join(pkg, 'index.js'), "export const layerValue = 'from the layer';\n");
  });
  afterAll(() => rmSync(optDir, { recursive: true, force: true }));

  it('resolves a bare import from optDir/nodejs/node_modules through the resolve hook', async () => {
    const fn = await start({ handler: 'layer.handler', optDir });
    expect(fn.initError).toBeUndefined();
    expect((await fn.invoke({})).result).toEqual({ layerValue: 'from the layer' });
  });

  it('needs the hook: plain Node ignores NODE_PATH for import', () => {
    const plain = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `import '${LAYER_PACKAGE}';`],
      { env: { NODE_PATH: join(optDir, 'nodejs', 'node_modules') }, encoding: 'utf8' },
    );
    expect(plain.status).not.toBe(0);
    expect(plain.stderr).toContain('ERR_MODULE_NOT_FOUND');
  });
});

describe('X-Ray daemon stand-in', () => {
  let daemon: XRayDaemon;
  beforeAll(async () => {
    daemon = await startXRayDaemon();
  });
  afterAll(() => daemon.close());

  it('receives the datagram a handler sends to AWS_XRAY_DAEMON_ADDRESS', async () => {
    const fn = await start({ handler: 'xray.handler', xrayDaemonAddress: daemon.address });
    const { traceHeader, error } = await fn.invoke({ name: 'from-handler' });
    expect(error).toBeUndefined();
    const document = await daemon.waitFor((d) => d.name === 'from-handler');
    expect(`Root=${document.trace_id}`).toBe(traceHeader.split(';')[0]);
    expect(document).toMatchObject({ type: 'subsegment', id: '0123456789abcdef' });
  });

  it('accepts header spellings the real daemon accepts and rejects the others', async () => {
    const doc = (name: string) => JSON.stringify({ name, id: '1', trace_id: 't', start_time: 1 });
    await sendDatagram(daemon.address, `{"format":"json","version":1}\n${doc('compact')}`);
    await sendDatagram(daemon.address, `{"version": 1, "Format": "JSON"}\n${doc('reordered')}`);
    await sendDatagram(daemon.address, `{"format": "json", "version": 2}\n${doc('v2')}`);
    await sendDatagram(daemon.address, doc('no-header'));
    await daemon.waitFor((d) => d.name === 'reordered');
    await expect.poll(() => daemon.errors().length).toBe(2);
    expect(daemon.errors().map((e) => e.reason)).toEqual([
      'Invalid header: {"format": "json", "version": 2}',
      'Missing header or segment',
    ]);
    expect(daemon.documents().map((d) => d.name)).not.toContain('v2');
  });
});

describe.skipIf(!hasMotoServer() && process.env.CI !== 'true')('X-Ray daemon relay', () => {
  it('forwards documents to PutTraceSegments on moto', async () => {
    const moto = await startMoto();
    const daemon = await startXRayDaemon({ forward: { endpoint: moto.endpoint } });
    try {
      const traceId = `1-${Math.floor(Date.now() / 1000).toString(16)}-${'ab'.repeat(12)}`;
      const now = Date.now() / 1000;
      const segment = {
        name: 'relayed',
        id: 'ab12cd34ef56ab78',
        trace_id: traceId,
        start_time: now - 0.1,
        end_time: now,
      };
      await sendDatagram(
        daemon.address,
        `{"format": "json", "version": 1}\n${JSON.stringify(segment)}`,
      );
      await daemon.waitFor((d) => d.name === 'relayed');
      await daemon.flush();
      expect(daemon.errors()).toEqual([]);
      const xray = new XRayClient({
        endpoint: moto.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
      const out = await xray.send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
      xray.destroy();
      expect(out.Traces?.[0]?.Segments?.map((s) => JSON.parse(s.Document ?? '{}').name)).toEqual([
        'relayed',
      ]);
    } finally {
      await daemon.close();
      await moto.stop();
    }
  });
});
