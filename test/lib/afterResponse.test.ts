/**
 * Writes after the response, in process: the hold's bookkeeping in every
 * order Lambda's INVOKE event and the observed invocation can meet in, and
 * writeAfterResponse() against a real local Runtime API (registration
 * accepted, refused once the runtime has asked for its first event) and
 * where it must stay off. End to end under the real runtime client:
 * test/e2e/afterResponse.test.ts.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ResponseHold } from '../../lib/afterResponse.js';
import { type RuntimeApi, startRuntimeApi } from '../../local-lambda/runtimeApi.js';

/** Whether `promise` has settled after the microtasks and one macrotask queued now. */
async function settled(promise: Promise<void> | undefined): Promise<boolean> {
  if (promise === undefined) return true;
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('ResponseHold', () => {
  it('holds an INVOKE that arrives first until the invocation has entered and left', async () => {
    const hold = new ResponseHold();
    const wait = hold.whenDone('r1');
    expect(await settled(wait)).toBe(false);
    hold.enter('r1');
    expect(await settled(wait)).toBe(false);
    hold.leave('r1');
    expect(await settled(wait)).toBe(true);
  });

  it('releases at once an INVOKE whose invocation has already left', () => {
    const hold = new ResponseHold();
    hold.enter('r1');
    hold.leave('r1');
    expect(hold.whenDone('r1')).toBeUndefined();
  });

  it('waits for the outer of nested wrappers', async () => {
    const hold = new ResponseHold();
    hold.enter('r1');
    hold.enter('r1');
    const wait = hold.whenDone('r1');
    hold.leave('r1');
    expect(await settled(wait)).toBe(false);
    hold.leave('r1');
    expect(await settled(wait)).toBe(true);
  });

  it('does not take an earlier invocation for the one Lambda announced', async () => {
    const hold = new ResponseHold();
    hold.enter('r1');
    hold.leave('r1');
    const wait = hold.whenDone('r2');
    expect(wait).toBeDefined();
    expect(await settled(wait)).toBe(false);
    hold.enter('r2');
    hold.leave('r2');
    expect(await settled(wait)).toBe(true);
  });
});

describe('writeAfterResponse()', () => {
  let api: RuntimeApi | undefined;
  const warnings: string[] = [];

  afterEach(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.resetModules();
    warnings.length = 0;
    await api?.close();
    api = undefined;
  });

  /** A fresh copy of the module (its registration is once per process), stderr captured. */
  async function fresh() {
    vi.resetModules();
    vi.spyOn(process.stderr, 'write').mockImplementation((line) => {
      warnings.push(String(line));
      return true;
    });
    return import('../../lib/afterResponse.js');
  }

  it('stays off outside Lambda, says why once, and answers the same again', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', undefined);
    const { writeAfterResponse, responseHold } = await fresh();
    expect(await writeAfterResponse()).toBe(false);
    expect(await writeAfterResponse()).toBe(false);
    expect(responseHold()).toBeUndefined();
    expect(warnings.join('')).toContain('not in Lambda');
    expect(warnings).toHaveLength(1);
  });

  it('tells a library-mode function that OBSERVED_WRITE alone does not turn it on, once', async () => {
    vi.stubEnv('OBSERVED_WRITE', 'after-response');
    const { warnUnregisteredWrite } = await fresh();
    warnUnregisteredWrite(process.env);
    warnUnregisteredWrite(process.env);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('call `await writeAfterResponse()` at init');
  });

  it('says nothing of OBSERVED_WRITE once writeAfterResponse() was asked for', async () => {
    vi.stubEnv('OBSERVED_WRITE', 'after-response');
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', undefined);
    const { warnUnregisteredWrite, writeAfterResponse } = await fresh();
    await writeAfterResponse();
    warnings.length = 0;
    warnUnregisteredWrite(process.env);
    expect(warnings).toEqual([]);
  });

  it('stays off when the runtime runs invocations concurrently', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'fraud');
    vi.stubEnv('AWS_LAMBDA_RUNTIME_API', '127.0.0.1:9');
    vi.stubEnv('AWS_LAMBDA_MAX_CONCURRENCY', '8');
    const { writeAfterResponse } = await fresh();
    expect(await writeAfterResponse()).toBe(false);
    expect(warnings.join('')).toContain('AWS_LAMBDA_MAX_CONCURRENCY');
  });

  it('registers an internal extension for INVOKE during init, polls, and gives up on a lost API', async () => {
    api = await startRuntimeApi();
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'fraud');
    vi.stubEnv('AWS_LAMBDA_RUNTIME_API', api.address);
    const { writeAfterResponse, responseHold } = await fresh();
    expect(await writeAfterResponse()).toBe(true);
    expect(responseHold()).toBeDefined();
    // The extension's first poll is what Lambda waits for before init ends.
    await vi.waitFor(() =>
      expect(api!.timeline.filter((e) => e.kind === 'extension-next')).toHaveLength(1),
    );
    expect(warnings).toEqual([]);
    // The API gone, the poll fails three times in a row: the hold is given up,
    // reported once, and later invocations write before the return.
    await api.close();
    api = undefined;
    await vi.waitFor(() => expect(responseHold()).toBeUndefined());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('polling the Extensions API failed');
  });

  it('is refused once the runtime has asked for its first event, and says so once', async () => {
    api = await startRuntimeApi();
    // The runtime's first poll closes registration.
    const poll = request(`http://${api.address}/2018-06-01/runtime/invocation/next`);
    poll.on('error', () => undefined);
    poll.end();
    await vi.waitFor(() => expect(api!.timeline.some((e) => e.kind === 'runtime-next')).toBe(true));
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'fraud');
    vi.stubEnv('AWS_LAMBDA_RUNTIME_API', api.address);
    const { writeAfterResponse, responseHold } = await fresh();
    expect(await writeAfterResponse()).toBe(false);
    expect(responseHold()).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('writes after the response failed');
    expect(warnings[0]).toContain('RegistrationClosed');
  });
});
