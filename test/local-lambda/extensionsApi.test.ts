import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InvokeResult } from '../../local-lambda/invocation.js';
import {
  type RuntimeApi,
  type RuntimeApiOptions,
  startRuntimeApi,
  type TimelineEntry,
} from '../../local-lambda/runtimeApi.js';

// The tests play both the runtime (`/2018-06-01/runtime/...`) and an internal
// extension (`/2020-01-01/extension/...`) over real HTTP.

const RUNTIME = '/2018-06-01/runtime';
const EXTENSION = '/2020-01-01/extension';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:fraud';
const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
/** How long a held poll is watched to show that nothing was dispatched to it. */
const HELD_MS = 150;

/** A reply; status 0 when the server destroyed the connection instead. */
interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

interface Call {
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

const started: RuntimeApi[] = [];
async function start(options: RuntimeApiOptions = {}): Promise<RuntimeApi> {
  const api = await startRuntimeApi(options);
  started.push(api);
  return api;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((api) => api.close()));
});

async function call(api: RuntimeApi, method: string, path: string, init: Call = {}) {
  const body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  try {
    const res = await fetch(`http://${api.address}${path}`, {
      method,
      headers: init.headers,
      body: init.body === undefined ? undefined : body,
      signal: init.signal,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  } catch {
    return { status: 0, headers: new Headers(), body: undefined } satisfies Reply;
  }
}

const register = (api: RuntimeApi, name: string, body: unknown = { events: ['INVOKE'] }) =>
  call(api, 'POST', `${EXTENSION}/register`, {
    headers: { 'Lambda-Extension-Name': name },
    body,
  });

/** Register and return the identifier. */
async function extension(api: RuntimeApi, name: string, events = ['INVOKE']): Promise<string> {
  const { status, headers } = await register(api, name, { events });
  expect(status).toBe(200);
  return headers.get('lambda-extension-identifier')!;
}

const extensionNext = (api: RuntimeApi, id: string, signal?: AbortSignal) =>
  call(api, 'GET', `${EXTENSION}/event/next`, {
    headers: { 'Lambda-Extension-Identifier': id },
    ...(signal ? { signal } : {}),
  });

const extensionError = (api: RuntimeApi, phase: 'init' | 'exit', id: string, type: string) =>
  call(api, 'POST', `${EXTENSION}/${phase}/error`, {
    headers: { 'Lambda-Extension-Identifier': id, 'Lambda-Extension-Function-Error-Type': type },
    body: { errorMessage: `${phase} went wrong`, errorType: 'WriterError', stackTrace: ['at w'] },
  });

const runtimeNext = (api: RuntimeApi) => call(api, 'GET', `${RUNTIME}/invocation/next`);

const respond = (api: RuntimeApi, requestId: string, body: unknown) =>
  call(api, 'POST', `${RUNTIME}/invocation/${requestId}/response`, { body });

const requestIdOf = (event: Reply) => event.headers.get('lambda-runtime-aws-request-id')!;

/** Whether `promise` is still unsettled after `ms`. */
async function stillPending(promise: Promise<unknown>, ms = HELD_MS): Promise<boolean> {
  const waiting = Symbol('waiting');
  return (await Promise.race([promise, sleep(ms, waiting)])) === waiting;
}

const matches = (entry: Partial<TimelineEntry>) => (e: TimelineEntry) =>
  Object.entries(entry).every(([key, value]) => e[key as keyof TimelineEntry] === value);

/** Index of the first timeline entry matching `entry`, for order assertions. */
function stepOf(api: RuntimeApi, entry: Partial<TimelineEntry>): number {
  const at = api.timeline.findIndex(matches(entry));
  expect(at, JSON.stringify(entry)).toBeGreaterThanOrEqual(0);
  return at;
}

/** Wait until the server has seen a step (requests on separate connections race). */
async function seen(api: RuntimeApi, entry: Partial<TimelineEntry>, count = 1): Promise<void> {
  await vi.waitFor(() => expect(api.timeline.filter(matches(entry)).length).toBe(count), {
    timeout: 5_000,
    interval: 5,
  });
}

describe('Extensions API registration', () => {
  it('registers an internal extension during init and tells it the function', async () => {
    const api = await start({ functionArn: ARN, handler: 'index.handler' });
    const { status, headers, body } = await register(api, 'writer');
    expect(status).toBe(200);
    expect(headers.get('lambda-extension-identifier')).toMatch(UUID);
    expect(body).toEqual({
      functionName: 'fraud',
      functionVersion: '$LATEST',
      handler: 'index.handler',
    });
    // events are optional: an extension may register for nothing at all.
    const bare = await call(api, 'POST', `${EXTENSION}/register`, {
      headers: { 'Lambda-Extension-Name': 'bare' },
    });
    expect(bare.status).toBe(200);
    expect(bare.headers.get('lambda-extension-identifier')).not.toBe(
      headers.get('lambda-extension-identifier'),
    );
    const defaults = await start();
    expect((await register(defaults, 'writer')).body).toEqual({
      functionName: 'local',
      functionVersion: '$LATEST',
      handler: 'unknown',
    });
  });

  it('refuses a missing name, an unknown event, SHUTDOWN and a second use of a name', async () => {
    const api = await start();
    const nameless = await call(api, 'POST', `${EXTENSION}/register`, {
      body: { events: ['INVOKE'] },
    });
    expect(nameless.status).toBe(400);
    expect(nameless.body).toMatchObject({ errorType: 'InvalidRequest' });
    expect((await register(api, '')).status).toBe(400);
    const unknown = await register(api, 'writer', { events: ['INVOKE', 'RESET'] });
    expect(unknown).toMatchObject({ status: 400, body: { errorType: 'InvalidRequest' } });
    expect((await register(api, 'writer', { events: 'INVOKE' })).status).toBe(400);
    expect((await register(api, 'writer', '{not json')).status).toBe(400);
    // Every extension here runs inside the runtime process: an internal one.
    const shutdown = await register(api, 'writer', { events: ['INVOKE', 'SHUTDOWN'] });
    expect(shutdown.status).toBe(403);
    expect(shutdown.body).toMatchObject({ errorType: 'Extension.InvalidEventType' });
    expect((shutdown.body as { errorMessage: string }).errorMessage).toContain('SHUTDOWN');
    expect((await register(api, 'writer')).status).toBe(200);
    const twice = await register(api, 'writer');
    expect(twice).toMatchObject({
      status: 403,
      body: { errorType: 'Extension.InvalidExtensionState' },
    });
  });

  it('closes registration once the runtime has asked for its first event', async () => {
    const api = await start();
    void runtimeNext(api);
    expect(await api.initialized).toEqual({ ok: true });
    const late = await register(api, 'writer');
    expect(late.status).toBe(403);
    expect(late.body).toMatchObject({ errorType: 'Extension.RegistrationClosed' });
    expect(late.headers.get('lambda-extension-identifier')).toBeNull();
  });

  it('answers 403 to a missing or unknown extension identifier', async () => {
    const api = await start();
    const unknown = '00000000-0000-4000-8000-000000000000';
    const next = await extensionNext(api, unknown);
    expect(next).toMatchObject({
      status: 403,
      body: { errorType: 'Extension.UnknownExtensionIdentifier' },
    });
    const missing = await call(api, 'GET', `${EXTENSION}/event/next`);
    expect(missing).toMatchObject({
      status: 403,
      body: { errorType: 'Extension.MissingExtensionIdentifier' },
    });
    expect((await extensionError(api, 'init', unknown, 'Extension.X')).status).toBe(403);
    expect((await extensionError(api, 'exit', unknown, 'Extension.X')).status).toBe(403);
    expect(api.extensionErrors).toEqual([]);
  });
});

describe('Extensions API lifecycle', () => {
  it('ends init only when the runtime and every extension have asked for an event', async () => {
    const api = await start();
    const writer = await extension(api, 'writer');
    const idle = await extension(api, 'idle', []);
    void runtimeNext(api);
    expect(await stillPending(api.initialized)).toBe(true);
    void extensionNext(api, writer);
    expect(await stillPending(api.initialized)).toBe(true);
    void extensionNext(api, idle);
    expect(await api.initialized).toEqual({ ok: true });
  });

  it('holds invocations until init is over, though the runtime is polling', async () => {
    const api = await start();
    const writer = await extension(api, 'writer');
    const event = runtimeNext(api);
    const result = api.invoke({ n: 1 });
    expect(await stillPending(event)).toBe(true);
    void extensionNext(api, writer);
    expect((await event).body).toEqual({ n: 1 });
    await respond(api, requestIdOf(await event), 'ok');
    expect((await result).result).toBe('ok');
  });

  it('hands each INVOKE extension the event, with the request id, deadline and trace', async () => {
    const api = await start({ functionArn: ARN, timeoutMs: 5_000 });
    const writer = await extension(api, 'writer');
    const other = await extension(api, 'other');
    const released = Promise.all([extensionNext(api, writer), extensionNext(api, other)]);
    const event = runtimeNext(api);
    await api.initialized;
    const before = Date.now();
    void api.invoke({ n: 1 }, { traceHeader: TRACE });
    const [a, b] = await released;
    const runtime = await event;
    for (const reply of [a, b]) {
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('application/json');
      expect(reply.headers.get('lambda-extension-event-identifier')).toMatch(UUID);
      expect(reply.body).toEqual({
        eventType: 'INVOKE',
        deadlineMs: Number(runtime.headers.get('lambda-runtime-deadline-ms')),
        requestId: requestIdOf(runtime),
        invokedFunctionArn: ARN,
        tracing: { type: 'X-Amzn-Trace-Id', value: TRACE },
      });
    }
    expect(a.headers.get('lambda-extension-event-identifier')).not.toBe(
      b.headers.get('lambda-extension-event-identifier'),
    );
    const { deadlineMs } = a.body as { deadlineMs: number };
    expect(deadlineMs).toBeGreaterThanOrEqual(before + 5_000);
    expect(deadlineMs).toBeLessThan(before + 6_000);
  });

  it('answers the caller at once but dispatches the next invocation only after the extension asks again', async () => {
    const api = await start();
    const writer = await extension(api, 'writer');
    const firstRelease = extensionNext(api, writer);
    const first = runtimeNext(api);
    const one = api.invoke({ n: 1 });
    const r1 = requestIdOf(await first);
    expect(((await firstRelease).body as { requestId: string }).requestId).toBe(r1);

    // The runtime answers; the caller has its response while the extension still works.
    await respond(api, r1, { n: 1 });
    const result: InvokeResult = await one;
    expect(result.result).toEqual({ n: 1 });
    expect(result.extensionsDone).toBeInstanceOf(Promise);
    const extensionsDone = result.extensionsDone!;
    const second = runtimeNext(api);
    const two = api.invoke({ n: 2 });
    expect(await stillPending(second)).toBe(true);
    expect(await stillPending(extensionsDone, 0)).toBe(true);
    expect(api.timeline.filter((e) => e.kind === 'dispatch')).toHaveLength(1);

    // The extension asks for its next event: invocation 1 is over, invocation 2 goes out.
    const askedAt = performance.now();
    const secondRelease = extensionNext(api, writer);
    const r2 = requestIdOf(await second);
    expect(((await secondRelease).body as { requestId: string }).requestId).toBe(r2);
    expect(await extensionsDone).toBeGreaterThan(askedAt);
    await respond(api, r2, { n: 2 });
    expect((await two).result).toEqual({ n: 2 });
  });

  it('neither waits for nor releases an extension that did not subscribe to INVOKE', async () => {
    const api = await start();
    const idle = await extension(api, 'idle', []);
    const held = extensionNext(api, idle);
    for (const n of [1, 2]) {
      const event = runtimeNext(api);
      const result = api.invoke({ n });
      await respond(api, requestIdOf(await event), n);
      const { result: value, extensionsDone } = await result;
      expect(value).toBe(n);
      expect(extensionsDone).toBeUndefined();
    }
    expect(await stillPending(held)).toBe(true);
  });

  it('forgets an extension poll whose client went away', async () => {
    const api = await start();
    const writer = await extension(api, 'writer');
    const gone = new AbortController();
    const abandoned = extensionNext(api, writer, gone.signal);
    await seen(api, { kind: 'extension-next' });
    gone.abort();
    expect((await abandoned).status).toBe(0);
    await sleep(50); // the server sees the connection close
    const event = runtimeNext(api);
    await api.initialized;
    void api.invoke({ n: 1 });
    expect(await stillPending(event)).toBe(true);
    const release = extensionNext(api, writer);
    expect((await event).body).toEqual({ n: 1 });
    expect((await release).status).toBe(200);
  });

  it('records response, then every extension’s next, then the next dispatch in the timeline', async () => {
    const api = await start();
    const ids = [await extension(api, 'writer'), await extension(api, 'flusher')];
    const firstReleases = ids.map((id) => extensionNext(api, id));
    const first = runtimeNext(api);
    const one = api.invoke({});
    const r1 = requestIdOf(await first);
    await Promise.all(firstReleases);
    await respond(api, r1, null);
    await one;
    const second = runtimeNext(api);
    void api.invoke({});
    await seen(api, { kind: 'runtime-next' }, 2);
    const secondReleases = [extensionNext(api, ids[1]!)];
    await seen(api, { kind: 'extension-next', extension: 'flusher', requestId: r1 });
    secondReleases.push(extensionNext(api, ids[0]!));
    const r2 = requestIdOf(await second);
    await Promise.all(secondReleases);

    const response = stepOf(api, { kind: 'response', requestId: r1 });
    const flusher = stepOf(api, { kind: 'extension-next', extension: 'flusher', requestId: r1 });
    const writer = stepOf(api, { kind: 'extension-next', extension: 'writer', requestId: r1 });
    const dispatch = stepOf(api, { kind: 'dispatch', requestId: r2 });
    expect(stepOf(api, { kind: 'dispatch', requestId: r1 })).toBeLessThan(response);
    expect(response).toBeLessThan(flusher);
    expect(flusher).toBeLessThan(writer);
    expect(writer).toBeLessThan(dispatch);
    // The runtime asked for invocation 2 before the extensions finished invocation 1.
    expect(api.timeline.findLastIndex((e) => e.kind === 'runtime-next')).toBeLessThan(flusher);
    const times = api.timeline.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('keeps the timeline as before with no extension, and bounded', async () => {
    const api = await start();
    for (let n = 0; n < 3_400; n++) {
      const event = runtimeNext(api);
      const result = api.invoke(n);
      await respond(api, requestIdOf(await event), n);
      expect((await result).result).toBe(n);
    }
    expect(api.timeline).toHaveLength(10_000);
    expect(api.timeline.slice(-3).map((e) => e.kind)).toEqual([
      'runtime-next',
      'dispatch',
      'response',
    ]);
  }, 60_000);
});

describe('Extensions API errors', () => {
  it('fails init when an extension posts an init error', async () => {
    const api = await start();
    const writer = await extension(api, 'writer');
    const noType = await call(api, 'POST', `${EXTENSION}/init/error`, {
      headers: { 'Lambda-Extension-Identifier': writer },
    });
    expect(noType).toMatchObject({ status: 403, body: { errorType: 'Extension.MissingHeader' } });
    expect((await extensionError(api, 'init', writer, 'Extension.ConfigInvalid')).status).toBe(202);
    const error = {
      errorType: 'Extension.ConfigInvalid',
      errorMessage: 'init went wrong',
      trace: ['at w'],
      functionErrorType: 'Extension.ConfigInvalid',
    };
    expect(await api.initialized).toEqual({ ok: false, error });
    expect(api.initError).toEqual(error);
    expect(api.extensionErrors).toEqual([{ ...error, extension: 'writer', phase: 'init' }]);
    // A runtime asking for an event afterwards does not make init succeed.
    void runtimeNext(api);
    expect(await api.initialized).toEqual({ ok: false, error });
  });

  it('refuses an init error from an extension whose init is over', async () => {
    const api = await start();
    const writer = await extension(api, 'writer');
    void extensionNext(api, writer);
    void runtimeNext(api);
    await api.initialized;
    const late = await extensionError(api, 'init', writer, 'Extension.Late');
    expect(late).toMatchObject({
      status: 403,
      body: { errorType: 'Extension.InvalidExtensionState' },
    });
    expect(api.extensionErrors).toEqual([]);
  });

  it('aborts the sandbox when an extension posts an exit error', async () => {
    const api = await start();
    const writer = await extension(api, 'writer');
    const release = extensionNext(api, writer);
    const event = runtimeNext(api);
    const running = api.invoke({ n: 1 });
    await event;
    await release;
    expect((await extensionError(api, 'exit', writer, 'Extension.WriterFailed')).status).toBe(202);
    const { error, extensionsDone } = await running;
    expect(error?.errorType).toBe('Extension.Crash');
    expect(error?.errorMessage).toContain('writer');
    expect(error?.errorMessage).toContain('Extension.WriterFailed');
    expect(await extensionsDone).toBeUndefined();
    expect((await api.invoke({ n: 2 })).error).toEqual(error);
    expect(api.extensionErrors).toEqual([
      {
        extension: 'writer',
        phase: 'exit',
        errorType: 'Extension.WriterFailed',
        functionErrorType: 'Extension.WriterFailed',
        errorMessage: 'exit went wrong',
        trace: ['at w'],
      },
    ]);
    // Init was over: an exit error does not rewrite it.
    expect(await api.initialized).toEqual({ ok: true });
    expect(api.initError).toBeUndefined();
  });

  it('destroys the pending extension polls on a timeout and on close', async () => {
    let timedOut: string | undefined;
    const api = await start({ timeoutMs: 500, onTimeout: (id) => (timedOut = id) });
    const writer = await extension(api, 'writer');
    const idle = await extension(api, 'idle', []);
    const held = extensionNext(api, idle);
    const release = extensionNext(api, writer);
    void runtimeNext(api);
    const running = api.invoke({});
    const { requestId: r1 } = (await release).body as { requestId: string };
    const waiting = extensionNext(api, writer); // done with the event, before the deadline
    await seen(api, { kind: 'extension-next', requestId: r1 });
    const { timedOut: late, requestId, extensionsDone } = await running;
    expect(late).toBe(true);
    expect(timedOut).toBe(requestId);
    expect((await waiting).status).toBe(0);
    expect((await held).status).toBe(0);
    expect(typeof (await extensionsDone)).toBe('number');

    // Closed while the extension still works on an invocation the runtime has answered.
    const other = await start();
    const id = await extension(other, 'writer');
    const idleToo = extensionNext(other, await extension(other, 'idle', []));
    const first = extensionNext(other, id);
    const event = runtimeNext(other);
    const answered = other.invoke({});
    await respond(other, requestIdOf(await event), 'ok');
    await first;
    const pending = (await answered).extensionsDone;
    await other.close();
    expect((await idleToo).status).toBe(0);
    expect(await pending).toBeUndefined();
  });
});
