/**
 * Fault matrix, values part (issue 12): whatever a handler throws, whatever
 * an option returns, whatever odd value reaches a helper or a trace header,
 * the caller gets the handler's own result or error back (the same object),
 * and the invocation still has its EMF record, its log line and its segment
 * (received on a real UDP socket); our own failures are counted in
 * `TelemetryErrors`. Everything runs in this process as Lambda runs it
 * (environment and `Context` from local-lambda/lambdaContext.ts); nothing of
 * ours is mocked.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_ERROR_MESSAGE_CHARS,
  MAX_METADATA_CHARS,
  MAX_PREDICTIONS_READ,
  MAX_STAGE_METRICS,
  MAX_STAGE_NAME_CHARS,
  MAX_TEXT_FIELD_CHARS,
} from '../../lib/contract/limits.js';
import type { ObserveOptions } from '../../lib/types.js';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { type EmfRecord, emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';
import type { SegmentDoc } from '../support/segmentTree.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

type Lib = typeof import('../../lib/index.js');
type Handler = (event: unknown, context: Context) => Promise<unknown>;
type Options = ObserveOptions<unknown, unknown>;

let lib: Lib;
let udp: UdpCollector;
let out: ReturnType<typeof captureOutput>;
const lambdaContext = lambdaContexts('values-fn');

interface Outcome {
  readonly returned: boolean;
  readonly value: unknown;
  /** The first of its EMF records (a large batch splits past EMF's 100 values per metric). */
  readonly emf: EmfRecord;
  readonly emfRecords: number;
  readonly log: Record<string, unknown>;
  readonly lines: readonly string[];
  readonly segment: SegmentDoc;
}

/**
 * One invocation as the runtime client makes it, and its records: its EMF
 * record and exactly one log line (asserted), and the segment of its trace (the
 * trace id read from the log line, so a garbage trace header still finds it).
 */
async function invoke(
  handler: Handler,
  event: unknown = {},
  setup: { header?: string; context?: Context } = {},
): Promise<Outcome> {
  process.env._X_AMZN_TRACE_ID = setup.header ?? traceHeader().header;
  const mark = out.lines.length;
  let returned = true;
  let value: unknown;
  try {
    value = await handler(event, setup.context ?? lambdaContext());
  } catch (e) {
    returned = false;
    value = e;
  }
  const lines = out.since(mark);
  const emf = emfRecords(lines);
  const logs = logRecords(lines).filter((l) => l.function_request_id !== undefined);
  expect(emf.length).toBeGreaterThanOrEqual(1);
  expect(logs).toHaveLength(1);
  const traceId = logs[0]!.xray_trace_id as string;
  expect(traceId).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  expect(emf[0]!.xray_trace_id).toBe(traceId);
  // Datagrams arrive asynchronously, the cold start's beside the invocation's: select by trace and name.
  const mine = () =>
    (udp.documents as SegmentDoc[]).find(
      (d) => d.trace_id === traceId && /^(inference|warmup)/.test(String(d.name)),
    );
  await expect.poll(mine).toBeDefined();
  return {
    returned,
    value,
    emf: emf[0]!,
    emfRecords: emf.length,
    log: logs[0]!,
    lines,
    segment: mine()!,
  };
}

/** The document of the invocation's span. */
function invocationDoc(segment: SegmentDoc): SegmentDoc {
  return segment;
}

function annotations(segment: SegmentDoc): Record<string, unknown> {
  return (invocationDoc(segment).annotations ?? {}) as Record<string, unknown>;
}

function metadata(segment: SegmentDoc): Record<string, unknown> {
  const all = (invocationDoc(segment).metadata ?? {}) as Record<string, Record<string, unknown>>;
  return Object.values(all)[0] ?? {};
}

beforeAll(async () => {
  udp = await collectUdp();
  useLambdaEnvironment({ functionName: 'values-fn', daemonAddress: udp.address });
  out = captureOutput();
  lib = await import('../../lib/index.js');
});

afterAll(async () => {
  out.restore();
  await udp.close();
});

/** An object whose every operation throws, `typeof` aside. */
function trapEverything(): object {
  const fail = () => {
    throw new Error('trapped');
  };
  return new Proxy(
    {},
    {
      get: fail,
      set: fail,
      has: fail,
      ownKeys: fail,
      getPrototypeOf: fail,
      setPrototypeOf: fail,
      getOwnPropertyDescriptor: fail,
      defineProperty: fail,
      deleteProperty: fail,
      isExtensible: fail,
      preventExtensions: fail,
      apply: fail,
      construct: fail,
    },
  );
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

function circular(): object {
  const o: Record<string, unknown> = { name: 'loop' };
  o.self = o;
  return o;
}

function throwingGetters(): object {
  const o = {};
  for (const key of ['message', 'name', 'stack'])
    Object.defineProperty(o, key, {
      enumerable: true,
      get() {
        throw new Error(`getter ${key}`);
      },
    });
  return o;
}

class UnprintableError extends Error {
  override toString(): string {
    throw new Error('toString');
  }
}

describe('what the handler throws', () => {
  const thrown: Array<[string, () => unknown]> = [
    ['undefined', () => undefined],
    ['null', () => null],
    ['0', () => 0],
    ["''", () => ''],
    ['false', () => false],
    ['a string', () => 'model not loaded'],
    ['a number', () => 42],
    ['a symbol', () => Symbol('boom')],
    ['a BigInt', () => 10n ** 30n],
    ['a plain object', () => ({ code: 'E_MODEL', detail: 'bad weights' })],
    ['a null-prototype object', () => Object.assign(Object.create(null), { code: 'E' })],
    ['an object whose message/name/stack getters throw', throwingGetters],
    ['a revoked Proxy', revokedProxy],
    ['a Proxy trapping everything', trapEverything],
    ['a circular object', circular],
    ['an Error subclass with a throwing toString', () => new UnprintableError('unprintable')],
  ];

  it.each(thrown)(
    'records a thrown %s as a fault and rethrows the very same value',
    async (_, make) => {
      const value = make();
      const handler = lib.observe(async () => {
        throw value;
      });
      const r = await invoke(handler);
      expect(r.returned).toBe(false);
      expect(r.value).toBe(value);
      expect(r.emf.Errors).toBe(1);
      expect(r.log.level).toBe('ERROR');
      expect(r.log.error).toMatchObject({ name: expect.any(String), message: expect.any(String) });
      const doc = invocationDoc(r.segment);
      expect(doc.fault).toBe(true);
      const cause = doc.cause as { exceptions: Array<{ message?: string }> };
      expect(cause.exceptions[0]!.message).toEqual(expect.any(String));
      expect(cause.exceptions[0]!.message).not.toBe('');
    },
  );

  it.each(thrown)(
    'rejects a stage that throws %s with the very same value, and records the stage',
    async (_, make) => {
      const value = make();
      const ok = { label: 'ok', confidence: 0.9 };
      let rejected: unknown;
      const handler = lib.observe(async () => {
        // Thrown synchronously and as a rejection: both stage paths.
        await lib
          .stage('check', () => {
            throw value;
          })
          .catch((e: unknown) => {
            rejected = e;
          });
        await lib.stage('fetch', () => Promise.reject(value)).catch(() => undefined);
        return ok;
      });
      const r = await invoke(handler);
      expect(r.value).toBe(ok);
      expect(rejected).toBe(value);
      expect(Object.keys(r.log.stages as object)).toEqual(['check', 'fetch']);
      const stages = ((invocationDoc(r.segment).subsegments ?? []) as SegmentDoc[]).filter(
        (s) => s.name === 'check' || s.name === 'fetch',
      );
      expect(stages.map((s) => s.fault)).toEqual([true, true]);
    },
  );

  it('names a thrown non-Error readably in the log line and the segment', async () => {
    const handler = lib.observe(async () => {
      throw undefined;
    });
    const r = await invoke(handler);
    expect(r.log.error).toMatchObject({ name: 'NonError', message: 'undefined' });
    const cause = invocationDoc(r.segment).cause as { exceptions: Array<{ message?: string }> };
    expect(cause.exceptions[0]!.message).toBe('undefined');
  });
});

describe('what an option returns or throws', () => {
  const result = { label: 'fraud', confidence: 0.9 };
  const getterThrows = () =>
    Object.defineProperty({}, 'label', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
  const huge = () => Array.from({ length: 200_000 }, () => ({ label: 'x', confidence: 0.5 }));

  const malformed: Array<[string, Options, { counted: boolean }?]> = [
    ['predictions → [null]', { predictions: () => [null] as never }],
    ['predictions → [undefined, {…}]', { predictions: () => [undefined, result] as never }],
    ['predictions → a throwing getter', { predictions: () => getterThrows() as never }],
    ['predictions → [a throwing getter]', { predictions: () => [getterThrows()] as never }],
    ['predictions → a Proxy trapping everything', { predictions: () => trapEverything() as never }],
    ['predictions → [a Proxy]', { predictions: () => [trapEverything()] as never }],
    ['predictions → a revoked Proxy', { predictions: () => revokedProxy() as never }],
    ['predictions → NaN', { predictions: () => Number.NaN as never }],
    ['predictions → a string', { predictions: () => 'fraud' as never }],
    ['predictions → a huge array', { predictions: () => huge() }, { counted: false }],
    [
      'predictions → labels of wrong types',
      { predictions: () => [{ label: {} as never, confidence: Number.NaN }] },
    ],
    [
      'predictions → throws',
      {
        predictions: () => {
          throw new Error('reader bug');
        },
      },
    ],
    ['abstentions → NaN', { abstentions: () => Number.NaN }],
    ['abstentions → a Proxy', { abstentions: () => trapEverything() as never }],
    [
      'abstentions → throws',
      {
        abstentions: () => {
          throw null;
        },
      },
    ],
    ['batchSize → NaN', { batchSize: () => Number.NaN }],
    ['batchSize → a string', { batchSize: () => '3' as never }],
    ['batchSize → a Proxy', { batchSize: () => trapEverything() as never }],
    [
      'batchSize → throws',
      {
        batchSize: () => {
          throw undefined;
        },
      },
    ],
    ['input → a Proxy', { input: () => trapEverything() }],
    ['input → a circular object', { input: () => circular() }, { counted: false }],
    ['input → a BigInt', { input: () => 12n }, { counted: false }],
    [
      'input → throws',
      {
        input: () => {
          throw 'no input';
        },
      },
    ],
    ['clientId → an object', { clientId: () => ({}) as never }],
    ['clientId → a Proxy', { clientId: () => trapEverything() as never }],
    ['clientId → 1 MB', { clientId: () => 'c'.repeat(1_000_000) }, { counted: false }],
    [
      'clientId → throws',
      {
        clientId: () => {
          throw Symbol('x');
        },
      },
    ],
    ['correlationId → a number', { correlationId: () => 42 as never }],
    ['correlationId → a Proxy', { correlationId: () => trapEverything() as never }],
    ['correlationId → 1 MB', { correlationId: () => 'r'.repeat(1_000_000) }, { counted: false }],
    ['clientError → a Proxy', { clientError: () => trapEverything() as never }],
    [
      'clientError → throws',
      {
        clientError: () => {
          throw trapEverything();
        },
      },
    ],
    ['warmup.detect → null', { warmup: { detect: () => null as never } }],
    ['warmup.detect → NaN', { warmup: { detect: () => Number.NaN as never } }],
    [
      'warmup.detect → throws',
      {
        warmup: {
          detect: () => {
            throw revokedProxy();
          },
        },
      },
    ],
  ];

  it.each(malformed)(
    '%s: the result is unchanged and the records are written',
    async (_, options, expected = { counted: true }) => {
      const mine = { ...result };
      const handler = lib.observe(async () => mine, options);
      const r = await invoke(handler);
      expect(r.returned).toBe(true);
      expect(r.value).toBe(mine);
      expect(r.emf.Errors).toBe(0);
      expect(r.log.level).toBe('INFO');
      expect(invocationDoc(r.segment).fault).toBeUndefined();
      if (expected.counted) expect(r.emf.TelemetryErrors).toBeGreaterThanOrEqual(1);
      else expect(r.emf.TelemetryErrors).toBeUndefined();
      // Every field of the records is bounded, and so is the number of EMF records.
      for (const line of r.lines) expect(line.length).toBeLessThan(64 * 1024);
      expect(r.emfRecords).toBeLessThanOrEqual(MAX_PREDICTIONS_READ / 100);
    },
  );

  it('counts a malformed predictions result in TelemetryErrors and reports it once', async () => {
    const mine = { ok: true };
    const handler = lib.observe(async () => mine, { predictions: () => [null] as never });
    const r1 = await invoke(handler);
    const r2 = await invoke(handler);
    expect(r1.value).toBe(mine);
    expect(r1.emf.TelemetryErrors).toBeGreaterThanOrEqual(1);
    expect(r2.emf.TelemetryErrors).toBeGreaterThanOrEqual(1);
    const reports = [...r1.lines, ...r2.lines].filter((l) => l.includes('failed; telemetry'));
    expect(reports.length).toBeLessThanOrEqual(1);
  });

  it('keeps the readable predictions of a list with holes', async () => {
    const handler = lib.observe(async () => ({}), {
      predictions: () => [undefined, result] as never,
    });
    const r = await invoke(handler);
    expect(r.log.prediction).toBe('fraud');
    expect(r.emf.Predictions).toBe(1);
  });
});

describe('odd values the handler returns', () => {
  const returned: Array<[string, () => unknown]> = [
    ['undefined', () => undefined],
    // (A Proxy trapping everything cannot be returned: awaiting it reads its `then`, which throws.)
    ['a null-prototype object', () => Object.assign(Object.create(null), { label: 'x' })],
    ['a circular object', circular],
    ['a BigInt', () => 7n],
  ];

  it.each(returned)('returns %s unchanged and writes the records', async (_, make) => {
    const value = make();
    const handler = lib.observe(async () => value);
    const r = await invoke(handler);
    expect(r.returned).toBe(true);
    expect(r.value).toBe(value);
    expect(r.emf.Errors).toBe(0);
    expect(invocationDoc(r.segment).end_time).toEqual(expect.any(Number));
  });
});

describe('odd values given to the helpers', () => {
  const odd: Array<[string, () => unknown]> = [
    ['a BigInt', () => 10n ** 20n],
    ['a circular object', circular],
    ['a null-prototype object', () => Object.assign(Object.create(null), { a: 1 })],
    ['a Proxy trapping everything', trapEverything],
    ['a revoked Proxy', revokedProxy],
    [
      'an object with a throwing toJSON',
      () => ({
        toJSON: () => {
          throw new Error('toJSON');
        },
      }),
    ],
    ['a symbol', () => Symbol('s')],
    ['a function', () => () => 1],
  ];

  it.each(odd)(
    'addMetadata with %s keeps the segment, the log line and the metrics',
    async (_, make) => {
      const mine = { label: 'ok', confidence: 0.8 };
      const handler = lib.observe(async () => {
        lib.addMetadata('odd', make());
        lib.addMetadata('plain', 'kept');
        return mine;
      });
      const r = await invoke(handler);
      expect(r.value).toBe(mine);
      expect(r.log.plain).toBe('kept');
      expect(metadata(r.segment).plain).toBe('kept');
      expect(invocationDoc(r.segment).end_time).toEqual(expect.any(Number));
    },
  );

  it('writes a BigInt and a circular value the same way in the log line and the segment', async () => {
    const handler = lib.observe(async () => {
      lib.addMetadata('big', 10n ** 20n);
      lib.addMetadata('loop', circular());
      return {};
    });
    const r = await invoke(handler);
    expect(r.log.big).toBe('100000000000000000000');
    expect(r.log.loop).toEqual({ name: 'loop' });
    expect(metadata(r.segment).big).toBe('100000000000000000000');
    expect(JSON.parse(metadata(r.segment).loop as string)).toEqual({ name: 'loop' });
  });
});

describe('oversized fields', () => {
  it('cuts a 5 MB metadata value visibly, the same way in the log line and the segment', async () => {
    const big = 'm'.repeat(5_000_000);
    const handler = lib.observe(async () => {
      lib.addMetadata('blob', big);
      return {};
    });
    const r = await invoke(handler);
    for (const line of r.lines) expect(line.length).toBeLessThan(64 * 1024);
    const logged = r.log.blob as string;
    expect(logged.length).toBeLessThanOrEqual(MAX_METADATA_CHARS);
    expect(logged).toMatch(/truncated/);
    expect(logged).toContain('5000000');
    expect(metadata(r.segment).blob).toBe(logged);
  });

  it('cuts a 5 MB metadata object visibly, the same way in the log line and the segment', async () => {
    const big = { rows: Array.from({ length: 100_000 }, (_, i) => ({ i, text: 'row' })) };
    const handler = lib.observe(async () => {
      lib.addMetadata('rows', big);
      return {};
    });
    const r = await invoke(handler);
    for (const line of r.lines) expect(line.length).toBeLessThan(64 * 1024);
    expect(r.log.rows).toMatchObject({ truncated: true, length: expect.any(Number) });
    expect(JSON.parse(metadata(r.segment).rows as string)).toEqual(r.log.rows);
  });

  it('cuts a 1 MB label visibly, the same way in the log line and the segment', async () => {
    const label = 'L'.repeat(1_000_000);
    const handler = lib.observe(async () => ({ label, confidence: 0.9 }));
    const r = await invoke(handler);
    for (const line of r.lines) expect(line.length).toBeLessThan(64 * 1024);
    const logged = r.log.prediction as string;
    expect(logged).toMatch(/truncated from 1000000 chars/);
    expect(logged.length).toBeLessThanOrEqual(MAX_TEXT_FIELD_CHARS);
    expect(annotations(r.segment).prediction).toBe(logged);
  });

  it('cuts a 1 MB annotation, error message and stack, the same way in the log line and the segment', async () => {
    const error = new Error('E'.repeat(1_000_000));
    error.stack = `Error: ${'S'.repeat(1_000_000)}\n    at predict (/var/task/index.js:1:1)`;
    const handler = lib.observe(async () => {
      lib.annotate('tenant', 'T'.repeat(1_000_000));
      throw error;
    });
    const r = await invoke(handler);
    expect(r.value).toBe(error);
    for (const line of r.lines) expect(line.length).toBeLessThan(64 * 1024);
    expect(r.log.tenant).toMatch(/truncated/);
    expect(annotations(r.segment).tenant).toBe(r.log.tenant);
    const logged = r.log.error as { message: string; stack: string };
    expect(logged.message).toMatch(/truncated/);
    expect(logged.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_CHARS);
    const cause = invocationDoc(r.segment).cause as { exceptions: Array<{ message?: string }> };
    expect(cause.exceptions[0]!.message).toBe(logged.message);
  });
});

describe('malformed trace headers', () => {
  const headers: Array<[string, { header?: string; xRayTraceId?: string }]> = [
    ['garbage', { header: 'garbage;;;=;' }],
    [
      'too long',
      { header: `Root=1-5759e988-${'a'.repeat(100_000)};Parent=53995c3f42cd8ad8;Sampled=1` },
    ],
    ['a wrong root format', { header: 'Root=2-xyz-123;Parent=53995c3f42cd8ad8;Sampled=1' }],
    [
      'Sampled=x',
      { header: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=x' },
    ],
    ['an empty header', { header: '' }],
    ['context.xRayTraceId garbage', { xRayTraceId: '\u0000not a trace id' }],
  ];

  it.each(headers)(
    '%s: handled, the records are written with a fresh valid trace',
    async (_, h) => {
      const mine = { label: 'ok', confidence: 0.7 };
      const handler = lib.observe(async () => mine);
      const context = lambdaContext(h.xRayTraceId ? { xRayTraceId: h.xRayTraceId } : {});
      const r = await invoke(handler, {}, { header: h.header ?? 'garbage', context });
      expect(r.value).toBe(mine);
      expect(r.segment.trace_id).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    },
  );
});

describe('stage names', () => {
  const ok = { label: 'ok', confidence: 0.9 };
  const subsegmentNames = (segment: SegmentDoc) =>
    ((segment.subsegments ?? []) as SegmentDoc[]).map((s) => String(s.name));

  it('cuts a stage name to MAX_STAGE_NAME_CHARS in its span, its metric and its log key', async () => {
    const long = `score${'x'.repeat(5_000)}`;
    const handler = lib.observe(async () => lib.stage(long, () => ok));
    const r = await invoke(handler);
    expect(r.value).toBe(ok);
    const cut = long.slice(0, MAX_STAGE_NAME_CHARS);
    expect(Object.keys(r.log.stages as object)).toEqual([cut]);
    expect(subsegmentNames(r.segment)).toContain(cut);
    const metric = Object.keys(r.emf).find((k) => k.startsWith('Score'));
    expect(metric?.length).toBeLessThanOrEqual(MAX_STAGE_NAME_CHARS + 'Duration'.length);
  });

  it('gives the first MAX_STAGE_METRICS names a metric and a log key of their own, the rest `other`', async () => {
    const names = Array.from({ length: 3 * MAX_STAGE_METRICS }, (_, i) => `item-${i}`);
    const handler = lib.observe(async () => {
      for (const name of names) await lib.stage(name, () => name);
      return ok;
    });
    const r = await invoke(handler);
    expect(r.value).toBe(ok);
    const stages = r.log.stages as Record<string, number>;
    expect(Object.keys(stages).length).toBeLessThanOrEqual(MAX_STAGE_METRICS + 1);
    expect(stages.other).toEqual(expect.any(Number));
    const own = Object.keys(r.emf).filter((k) => /^Item\d+Duration$/.test(k));
    expect(own.length).toBeGreaterThan(0);
    expect(own.length).toBeLessThanOrEqual(MAX_STAGE_METRICS);
    expect(r.emf.OtherDuration).toBeDefined();
    // The spans keep their own names: the trace still shows every step.
    expect(subsegmentNames(r.segment)).toEqual(expect.arrayContaining(names));
  });
});
