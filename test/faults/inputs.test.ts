/**
 * Fault matrix, inputs part (issue 12): big, circular, deep and encoded
 * inputs, hostile baselines and secrets, through observe() as Lambda runs it
 * (environment, UDP segments on a real socket, EMF and log lines from
 * stdout). Each case checks the handler's result passes through unchanged,
 * the invocation's records are all there, no secret reaches any output, and
 * the work done on the input is bounded (characters hashed and logged).
 */
import crypto, { createHash } from 'node:crypto';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_BASELINE_BYTES, MAX_HASHED_INPUT_CHARS } from '../../lib/contract/limits.js';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

type Lib = typeof import('../../lib/index.js');
type Handler = (event: unknown, context: Context) => Promise<unknown>;

let lib: Lib;
let udp: UdpCollector;
let out: ReturnType<typeof captureOutput>;
const lambdaContext = lambdaContexts('inputs-fn');
const dir = mkdtempSync(join(tmpdir(), 'faults-inputs-'));
const SECRET = 'S3CRET-d41d8cd98f';
/** A logged line stays within the payload bound (2 × 16 KB) plus the line's own fields. */
const MAX_LINE = 40_000;

/** Characters handed to node:crypto hashes while `fn` runs (below 32 KB hashing stays in JS). */
async function hashedChars<T>(fn: () => Promise<T>): Promise<{ value: T; chars: number }> {
  let chars = 0;
  const real = crypto.createHash;
  const spy = vi.spyOn(crypto, 'createHash').mockImplementation((algorithm, options) => {
    const hash = real(algorithm, options);
    const update = hash.update.bind(hash);
    hash.update = ((data: string | Uint8Array) => {
      chars += data.length;
      return update(data as string);
    }) as typeof hash.update;
    return hash;
  });
  try {
    return { value: await fn(), chars };
  } finally {
    spy.mockRestore();
  }
}

/** One invocation as the runtime client makes it, with everything it wrote. */
async function invoke(handler: Handler, event: unknown) {
  const trace = traceHeader(true);
  process.env._X_AMZN_TRACE_ID = trace.header;
  const mark = out.lines.length;
  const ctx = lambdaContext();
  const { value: result, chars } = await hashedChars(() => handler(event, ctx));
  const lines = out.since(mark);
  const mine = () => udp.documents.filter((d) => d.trace_id === trace.root);
  await expect.poll(() => mine().length).toBeGreaterThan(0);
  const log = logRecords(lines).find((l) => l.function_request_id === ctx.awsRequestId);
  return {
    result,
    chars,
    lines,
    emf: emfRecords(lines),
    log,
    all: `${lines.join('\n')}\n${JSON.stringify(mine())}`,
  };
}

type Run = Awaited<ReturnType<typeof invoke>>;

/** The invariants of every case: records present, no TelemetryErrors, the secret nowhere. */
function expectIntact(r: Run, returned: unknown): void {
  expect(r.result).toBe(returned);
  expect(r.emf).toHaveLength(1);
  expect(r.emf[0]!.TelemetryErrors ?? 0).toBe(0);
  expect(r.log).toBeDefined();
  expect(r.all).not.toContain(SECRET);
  for (const line of r.lines) expect(line.length).toBeLessThan(MAX_LINE);
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A JSON batch body of about `bytes` characters, a secret in its last row. */
function batchBody(bytes: number): string {
  const rows: unknown[] = [];
  let size = 40;
  while (size < bytes) {
    const row = { id: rows.length, amount: rows.length * 1.5, country: 'FR' };
    rows.push(row);
    size += JSON.stringify(row).length + 1;
  }
  rows.push({ id: -1, password: SECRET });
  return JSON.stringify({ instances: rows });
}

/** `a=1&b=2` of a record's fields. */
const formOf = (record: Record<string, unknown>) =>
  new URLSearchParams(
    Object.entries(record).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();

const proxyEvent = (body: string, extra: Record<string, unknown> = {}) => ({
  resource: '/predict',
  httpMethod: 'POST',
  headers: { 'content-type': 'application/json' },
  requestContext: { requestId: 'req-1' },
  body,
  ...extra,
});

beforeAll(async () => {
  udp = await collectUdp();
  useLambdaEnvironment({ functionName: 'inputs-fn', daemonAddress: udp.address });
  out = captureOutput();
  lib = await import('../../lib/index.js');
});

afterAll(async () => {
  out.restore();
  await udp.close();
});

describe('6 MB events', () => {
  const returned = { label: 'legit', confidence: 0.9 };
  let handler: Handler;
  const body = batchBody(6_000_000);

  beforeAll(() => {
    handler = lib.observe(async () => returned, { logPayloads: 1 }) as Handler;
  });

  it('hashes an API Gateway body once as its bytes, logs a bounded redacted preview', async () => {
    const r = await invoke(handler, proxyEvent(body));
    expectIntact(r, returned);
    expect(r.log!.input_hash).toBe(sha256(body));
    expect(r.chars).toBe(body.length);
  });

  it('hashes at most 64 KiB of a direct 6 MB JSON event', async () => {
    const r = await invoke(handler, JSON.parse(body));
    expectIntact(r, returned);
    expect(r.log!.input_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.chars).toBeLessThanOrEqual(MAX_HASHED_INPUT_CHARS);
  });

  it('hashes a 6 MB base64 body as its decoded bytes and never logs them', async () => {
    const event = proxyEvent(Buffer.from(body).toString('base64'), { isBase64Encoded: true });
    const r = await invoke(handler, event);
    expectIntact(r, returned);
    expect(r.log!.input_hash).toBe(sha256(Buffer.from(body)));
    expect(r.chars).toBe(Buffer.byteLength(body));
    expect((r.log!.payload as { input: unknown }).input).toBe(`[${body.length} bytes]`);
  });

  it('hashes a 6 MB binary Buffer event as its bytes', async () => {
    const bytes = Buffer.from(body);
    const r = await invoke(handler, bytes);
    expectIntact(r, returned);
    expect(r.log!.input_hash).toBe(sha256(bytes));
    expect(r.chars).toBe(bytes.length);
  });
});

describe('circular and deeply nested payloads', () => {
  const returned = { label: 'legit', confidence: 0.9 };

  it('hashes and redacts a circular event', async () => {
    const handler = lib.observe(async () => returned, { logPayloads: 1 }) as Handler;
    const event: Record<string, unknown> = { amount: 3, token: SECRET };
    event.self = event;
    const r = await invoke(handler, event);
    expectIntact(r, returned);
    expect(r.log!.payload).toMatchObject({ input: { amount: 3, self: '[Circular]' } });
  });

  it('hashes and redacts an event nested 10,000 deep', async () => {
    const handler = lib.observe(async () => returned, { logPayloads: 1 }) as Handler;
    let deep: unknown = { password: SECRET };
    for (let i = 0; i < 10_000; i++) deep = { next: deep };
    const r = await invoke(handler, deep);
    expectIntact(r, returned);
    expect(r.log!.input_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(r.log!.payload)).toContain('[MaxDepth]');
  });

  it('reads a deep body through a custom input reader', async () => {
    const handler = lib.observe(async () => returned, {
      logPayloads: 1,
      input: (e: { body: string }) => JSON.parse(e.body) as unknown,
    }) as Handler;
    const body = `${'['.repeat(10_000)}"${SECRET}"${']'.repeat(10_000)}`;
    const r = await invoke(handler, proxyEvent(body));
    expectIntact(r, returned);
  });
});

describe('oversized, malformed and hostile baselines', () => {
  const returned = { label: 'legit', confidence: 0.9 };

  /** observe() with this baseline, then one invocation: drift off, everything else intact. */
  async function withBaseline(baseline: unknown, expected: RegExp) {
    const mark = out.lines.length;
    const handler = lib.observe(async () => returned, {
      baseline: baseline as string,
    }) as Handler;
    const init = logRecords(out.since(mark));
    const r = await invoke(handler, { amount: 1 });
    expectIntact(r, returned);
    const error = [...init, ...logRecords(r.lines)].find((l) =>
      String(l.message).includes('drift baseline unusable'),
    );
    expect(error?.message).toMatch(expected);
    expect(r.emf[0]!.DriftScore).toBeUndefined();
  }

  it('refuses a 20 MB baseline file from its size, naming it', async () => {
    const file = join(dir, 'huge-baseline.json');
    writeFileSync(file, '');
    truncateSync(file, 20 * 1024 ** 2);
    await withBaseline(
      file,
      new RegExp(`baseline: baseline '${file}' is ${20 * 1024 ** 2} bytes.*${MAX_BASELINE_BYTES}`),
    );
  });

  it('reports a malformed baseline file', async () => {
    const file = join(dir, 'broken-baseline.json');
    writeFileSync(file, '{"version": 1, "features": ');
    await withBaseline(file, /broken-baseline\.json/);
  });

  it('refuses a baseline with 5,000 bins', async () => {
    const file = join(dir, 'bins-baseline.json');
    const edges = Array.from({ length: 5000 }, (_, i) => i);
    const proportions = [...edges, 0].map(() => 1e-4);
    writeFileSync(
      file,
      JSON.stringify({ version: 1, features: { a: { type: 'numeric', edges, proportions } } }),
    );
    await withBaseline(file, /features\.a: 5001 bins, at most 1000/);
  });

  it('refuses a baseline object with NaN edges given as the option', async () => {
    const hostile = {
      version: 1,
      features: { a: { type: 'numeric', edges: [Number.NaN], proportions: [0.5, 0.5] } },
    };
    await withBaseline(hostile, /features\.a: edges and proportions must be number arrays/);
  });

  it('refuses a deeply nested baseline file', async () => {
    const file = join(dir, 'deep-baseline.json');
    writeFileSync(file, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    await withBaseline(file, /deep-baseline\.json.*not a JSON object/);
  });
});

describe('redaction table', () => {
  const headers = {
    Authorization: `Bearer ${SECRET}`,
    'Proxy-Authorization': `Basic ${SECRET}`,
    'x-api-key': SECRET,
    'X-Amz-Security-Token': SECRET,
    cookie: `session=${SECRET}`,
    'X-User-Password': SECRET,
  };
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const fields = {
    user_password: SECRET,
    userPassword: SECRET,
    client_secret: SECRET,
    id_token: SECRET,
    credit_card: SECRET,
    card_number: SECRET,
    social_security_number: SECRET,
    ssn: SECRET,
    amount: 12,
  };
  const returned = {
    statusCode: 200,
    headers: { 'Set-Cookie': `session=${SECRET}` },
    body: JSON.stringify({ label: 'legit', confidence: 0.9, access_token: SECRET }),
  };
  let handler: Handler;

  beforeAll(() => {
    handler = lib.observe(async () => returned, {
      logPayloads: 1,
      redact: ['password', 'ssn', 'card_number', 'authorization'],
      // The whole event is the logged input, so headers are in it.
      input: (e: unknown) => e,
    }) as Handler;
  });

  it.each([
    ['headers as sent', proxyEvent(JSON.stringify(fields), { headers })],
    ['lower-case headers', proxyEvent(JSON.stringify(fields), { headers: lower })],
    [
      'multiValueHeaders',
      proxyEvent('{}', {
        multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      }),
    ],
    [
      'a form-encoded body',
      proxyEvent(formOf(fields), {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    ],
    ['a double-encoded body', proxyEvent(JSON.stringify(JSON.stringify(fields)))],
    [
      'a base64 body',
      proxyEvent(Buffer.from(JSON.stringify(fields)).toString('base64'), {
        isBase64Encoded: true,
      }),
    ],
    [
      'a base64 form body',
      proxyEvent(Buffer.from(formOf(fields)).toString('base64'), { isBase64Encoded: true }),
    ],
    ['a query string', proxyEvent('{}', { rawQueryString: `api_key=${SECRET}&page=2` })],
  ])('keeps the secret out of every output for %s', async (_, event) => {
    const r = await invoke(handler, event);
    expectIntact(r, returned);
    expect(r.log!.payload).toBeDefined();
    expect(JSON.stringify(r.log!.payload)).toContain('[REDACTED]');
  });

  it('still logs what is not secret', async () => {
    const r = await invoke(handler, proxyEvent(JSON.stringify(fields), { headers }));
    const input = (r.log!.payload as { input: { body: Record<string, unknown> } }).input;
    expect(input.body).toMatchObject({ amount: 12, user_password: '[REDACTED]' });
  });

  it('does not redact at all when payload logging is off', async () => {
    const quiet = lib.observe(async () => returned, { input: (e: unknown) => e }) as Handler;
    const r = await invoke(quiet, proxyEvent(JSON.stringify(fields), { headers }));
    expectIntact(r, returned);
    expect(r.log!.payload).toBeUndefined();
  });
});
