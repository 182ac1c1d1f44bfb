/**
 * A provisioned-concurrency environment: its first invocation is not a cold
 * start for the user. Its own file, because the lifecycle is per process.
 */
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

let udp: UdpCollector;
let out: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  udp = await collectUdp();
  useLambdaEnvironment(
    {
      functionName: 'pc-fn',
      initializationType: 'provisioned-concurrency',
      daemonAddress: udp.address,
    },
    { _X_AMZN_TRACE_ID: traceHeader().header },
  );
  out = captureOutput();
});

afterAll(async () => {
  out.restore();
  await udp.close();
});

describe('a provisioned-concurrency environment', () => {
  it('records the start type, the init model load and no cold start; user spans nest under ours', async () => {
    const lib = await import('../../lib/index.js');
    await lib.loadModel('m', () => 'weights');
    const handler = lib.observe(async () => {
      // A user's own OpenTelemetry span, through the global API.
      const span = trace.getTracer('user-code').startSpan('feature store lookup');
      span.end();
      return { label: 'ok', confidence: 0.6 };
    });
    await handler({}, lambdaContexts('pc-fn')());
    const [record] = emfRecords(out.lines);
    expect(record).toMatchObject({ ColdStart: 0, ModelLoads: 1 });
    expect(record).not.toHaveProperty('ColdStartDuration');
    expect(logRecords(out.lines).find((l) => l.message === 'inference')).toMatchObject({
      cold_start: false,
      start_type: 'provisioned-concurrency',
    });
    await expect.poll(() => udp.documents.length).toBe(1);
    const doc = udp.documents[0] as {
      name: string;
      subsegments: Array<{ name: string }>;
      metadata: unknown;
    };
    expect(doc.subsegments.map((s) => s.name).sort()).toEqual([
      'feature store lookup',
      'model load m',
    ]);
    expect(JSON.stringify(doc.metadata)).toContain('provisioned-concurrency');
  });
});
