/**
 * The invocation-scoped logger with our own JSON writer at the default INFO
 * level: the context each line carries, and DEBUG lines held per invocation
 * and written only when it goes wrong, read back from the captured output.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DEBUG_LINES } from '../../lib/contract/limits.js';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { logRecords } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';

type Lib = typeof import('../../lib/index.js');

let lib: Lib;
let out: ReturnType<typeof captureOutput>;
const lambdaContext = lambdaContexts('fraud-fn');

interface Event {
  readonly confidence?: number;
  readonly fail?: boolean;
  readonly status?: number;
  readonly debugLines?: number;
  readonly hang?: boolean;
}

async function invoke(
  handler: (e: Event, c: Context) => Promise<unknown>,
  event: Event,
  remainingMs?: number,
) {
  const trace = traceHeader();
  process.env._X_AMZN_TRACE_ID = trace.header;
  const mark = out.lines.length;
  const ctx = lambdaContext(remainingMs === undefined ? {} : { remainingMs });
  await handler(event, ctx).catch(() => undefined);
  const logs = logRecords(out.since(mark));
  return { ctx, trace, logs, messages: logs.map((l) => l.message) };
}

beforeAll(async () => {
  useLambdaEnvironment(
    { functionName: 'fraud-fn' },
    { POWERTOOLS_SERVICE_NAME: 'fraud-api', OBSERVED_TRACES: 'off', OBSERVED_METRICS: 'off' },
  );
  out = captureOutput();
  lib = await import('../../lib/index.js');
});

afterAll(() => out.restore());

describe('log, inside an observed invocation', () => {
  let handler: (e: Event, c: Context) => Promise<unknown>;

  beforeAll(() => {
    handler = lib.observe(
      async (event: Event) => {
        lib.log.info('request read', { tenant: 'acme', model_name: 'not-the-model' });
        for (let i = 0; i < (event.debugLines ?? 1); i++) lib.log.debug('features', { i });
        lib.log.warn('slow feature store', new Error('timeout after 20 ms'));
        if (event.fail) throw new Error('model crashed');
        if (event.hang) await new Promise((r) => setTimeout(r, 500));
        if (event.status) return { statusCode: event.status, body: '{}' };
        return { label: 'fraud', confidence: event.confidence ?? 0.9 };
      },
      { model: { name: 'fraud', version: '3' }, timeoutMarginMs: 50 },
    );
  });

  it("carries the invocation's ids, the model and the prediction id on every line", async () => {
    const inv = await invoke(handler, {});
    const info = inv.logs.find((l) => l.message === 'request read')!;
    expect(info).toMatchObject({
      level: 'INFO',
      service: 'fraud-api',
      tenant: 'acme',
      function_request_id: inv.ctx.awsRequestId,
      xray_trace_id: inv.trace.root,
      model_name: 'fraud',
      model_version: '3',
      prediction_id: inv.ctx.awsRequestId,
    });
    const warn = inv.logs.find((l) => l.message === 'slow feature store')!;
    expect(warn).toMatchObject({ level: 'WARN', prediction_id: inv.ctx.awsRequestId });
    expect(warn.error).toMatchObject({ name: 'Error', message: 'timeout after 20 ms' });
  });

  it('drops the DEBUG lines of an invocation that went well', async () => {
    const inv = await invoke(handler, {});
    expect(inv.messages).toEqual(['request read', 'slow feature store', 'inference']);
    expect(inv.logs.at(-1)).not.toHaveProperty('debug_flushed');
  });

  it.each([
    ['fails', { fail: true }, 'inference failed'],
    ['answers 5xx', { status: 503 }, 'inference'],
    ['predicts below the confidence threshold', { confidence: 0.3 }, 'inference'],
  ])('writes them, before its own line, when it %s', async (_what, event, last) => {
    const inv = await invoke(handler, event);
    expect(inv.messages).toEqual(['request read', 'slow feature store', 'features', last]);
    const debug = inv.logs[2]!;
    expect(debug).toMatchObject({
      level: 'DEBUG',
      i: 0,
      function_request_id: inv.ctx.awsRequestId,
      prediction_id: inv.ctx.awsRequestId,
    });
    // Logged before the handler's end, it keeps its own time.
    expect(Date.parse(debug.timestamp as string)).toBeLessThanOrEqual(
      Date.parse(inv.logs.at(-1)!.timestamp as string),
    );
    expect(inv.logs.at(-1)).toMatchObject({ debug_flushed: true });
  });

  it('writes them when it times out', async () => {
    const inv = await invoke(handler, { hang: true }, 150);
    expect(inv.messages).toContain('features');
    const timedOut = inv.logs.find((l) => l.message === 'inference timed out')!;
    expect(inv.messages.indexOf('features')).toBeLessThan(
      inv.messages.indexOf('inference timed out'),
    );
    expect(timedOut).toMatchObject({ level: 'ERROR', debug_flushed: true });
  });

  it('holds a bounded number, and counts the rest', async () => {
    const inv = await invoke(handler, { fail: true, debugLines: MAX_DEBUG_LINES + 25 });
    expect(inv.messages.filter((m) => m === 'features')).toHaveLength(MAX_DEBUG_LINES);
    expect(inv.logs.at(-1)).toMatchObject({ debug_flushed: true, debug_lines_dropped: 25 });
  });
});

describe('log, outside any invocation', () => {
  it('writes the line at its level, without an invocation context', () => {
    const mark = out.lines.length;
    lib.log.info('model warmed', { ms: 12 });
    lib.log.debug('not at INFO');
    const logs = logRecords(out.since(mark));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 'INFO', message: 'model warmed', ms: 12 });
    expect(logs[0]).not.toHaveProperty('prediction_id');
  });
});
