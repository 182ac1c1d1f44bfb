/**
 * The benchmark's records floor (bench/handlers/recordsFloor.mjs) claims to
 * write our three records, field for field, from templates. Checked here
 * against what the library itself writes for the same invocations, both
 * handlers as the benchmark deploys them (bench/handlers/observed.mjs for
 * ours), their datagrams received on a real UDP socket: a field added to our
 * records that the floor does not follow fails here instead of flattering
 * the benchmark.
 */
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContexts, useLambdaEnvironment } from '../../local-lambda/lambdaContext.js';
import type { EmfRecord } from '../../local-lambda/outputRecords.js';
import { type CapturedOutput, captureOutput, invokeCapturing } from '../support/captureOutput.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;
type Json = Record<string, unknown>;

/** The benchmark's request: an API Gateway proxy event with 32 features. */
function benchEvent(i: number) {
  const features = Array.from(
    { length: 32 },
    (_, k) => Math.round(Math.sin(i * 31 + k * 7) * 1000) / 1000,
  );
  return {
    resource: '/predict',
    path: '/predict',
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json' },
    requestContext: { requestId: `api-request-${i}`, stage: 'prod', path: '/prod/predict' },
    body: JSON.stringify({ features }),
    isBase64Encoded: false,
  };
}

/** A handler as the benchmark deploys it (plain JavaScript, imported after the environment is set). */
async function benchHandler(file: string): Promise<Handler> {
  const path = fileURLToPath(new URL(`../../bench/handlers/${file}`, import.meta.url));
  return ((await import(path)) as { handler: Handler }).handler;
}

/** Every key path of a record, values left out: `a`, `a.b`, …; arrays by their first element. */
function shape(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length > 0 ? shape(value[0], `${prefix}[]`) : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Json).flatMap(([key, inner]) => [
    `${prefix}${key}`,
    ...shape(inner, `${prefix}${key}.`),
  ]);
}

/** The EMF metric names and units a record declares. */
function declared(emf: EmfRecord): string[] {
  return emf._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => `${m.Name} ${m.Unit}`));
}

interface Written {
  readonly emf: EmfRecord;
  readonly log: Json;
  readonly segment: Json;
  readonly stdoutBytes: number;
  readonly datagramBytes: number;
}

describe('the records floor', () => {
  let udp: UdpCollector;
  let out: CapturedOutput;

  beforeAll(async () => {
    udp = await collectUdp();
    // What the runtime sets before the handler module is imported; and the
    // independent scenario's two stages, read by bench/handlers/model.mjs.
    useLambdaEnvironment(
      { functionName: 'bench-fn', daemonAddress: udp.address, memoryMb: 1024 },
      { BENCH_STAGES: '2' },
    );
    out = captureOutput();
  });

  afterAll(async () => {
    out.restore();
    await udp.close();
  });

  /** A warm invocation of `handler` (the second of two): its records, parsed, and their sizes. */
  async function written(handler: Handler): Promise<Written> {
    const contexts = lambdaContexts('bench-fn');
    let last: Awaited<ReturnType<typeof invokeCapturing>> | undefined;
    for (let i = 1; i <= 2; i++) {
      last = await invokeCapturing(out, (ctx) => handler(benchEvent(i), ctx), { ctx: contexts() });
    }
    const { emf, logs, lines, trace, error } = last!;
    expect(error).toBeUndefined();
    // A warm invocation's trace is one document.
    const ofTrace = () => udp.documents.filter((d) => d.trace_id === trace.root);
    await expect.poll(() => ofTrace().length).toBe(1);
    const segment = ofTrace()[0]!;
    return {
      emf: emf[0]!,
      log: logs.find((l) => (l as Json).message === 'inference') as Json,
      segment,
      stdoutBytes: lines.reduce((n, line) => n + Buffer.byteLength(line) + 1, 0),
      datagramBytes: Buffer.byteLength(JSON.stringify(segment)),
    };
  }

  it('writes the fields ours writes, in records of about our size', async () => {
    const floor = await written(await benchHandler('recordsFloor.mjs'));
    const ours = await written(await benchHandler('observed.mjs'));

    expect(declared(floor.emf)).toEqual(declared(ours.emf));
    expect(shape(floor.emf).sort()).toEqual(shape(ours.emf).sort());
    expect(shape(floor.log).sort()).toEqual(shape(ours.log).sort());
    expect(shape(floor.segment).sort()).toEqual(shape(ours.segment).sort());
    expect((floor.segment.subsegments as Json[]).map((s) => s.name)).toEqual(
      (ours.segment.subsegments as Json[]).map((s) => s.name),
    );
    // The values differ (times, ids, CPU), their lengths barely.
    expect(floor.stdoutBytes).toBeGreaterThan(ours.stdoutBytes * 0.95);
    expect(floor.stdoutBytes).toBeLessThan(ours.stdoutBytes * 1.05);
    expect(floor.datagramBytes).toBeGreaterThan(ours.datagramBytes * 0.95);
    expect(floor.datagramBytes).toBeLessThan(ours.datagramBytes * 1.05);
  });
});
