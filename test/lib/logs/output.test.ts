/**
 * An invocation's EMF record and log line leave in one write to stdout (one
 * syscall), through observe() as a function uses it.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emfRecords, logRecords } from '../../../local-lambda/outputRecords.js';
import { collectUdp, type UdpCollector } from '../../support/udpCollector.js';

let udp: UdpCollector;
const writes: string[] = [];
const original = process.stdout.write;

beforeAll(async () => {
  udp = await collectUdp();
  Object.assign(process.env, {
    AWS_LAMBDA_FUNCTION_NAME: 'output-fn',
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    AWS_XRAY_DAEMON_ADDRESS: udp.address,
    POWERTOOLS_LOG_LEVEL: 'INFO',
  });
  process.stdout.write = function write(chunk: unknown, ...rest: unknown[]): boolean {
    writes.push(String(chunk));
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  } as typeof process.stdout.write;
});

afterAll(async () => {
  process.stdout.write = original;
  await udp.close();
});

const context = (id: string) =>
  ({
    awsRequestId: id,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:output-fn',
  }) as Context;

describe('the function output', () => {
  it('writes an invocation’s EMF record and log line together, in one write', async () => {
    const { observe } = await import('../../../lib/index.js');
    const handler = observe(async () => ({ label: 'fraud', confidence: 0.9 }));
    for (let i = 0; i < 3; i++) {
      const before = writes.length;
      process.env._X_AMZN_TRACE_ID = `Root=1-5759e988-bd862e3fe1be46a99427279${i};Parent=53995c3f42cd8ad8;Sampled=1`;
      await handler({}, context(`req-${i}`));
      const mine = writes.slice(before);
      expect(mine).toHaveLength(1);
      const lines = mine[0]!.split('\n').filter(Boolean);
      expect(emfRecords(lines)).toHaveLength(1);
      expect(logRecords(lines).map((l) => l.function_request_id)).toEqual([`req-${i}`]);
    }
  });
});
