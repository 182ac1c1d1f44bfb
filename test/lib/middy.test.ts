/**
 * observedInference() in a real Middy (@middy/core 7) handler, beside the
 * real Powertools middlewares (`injectLambdaContext`, `logMetrics`), in
 * both orders: what the output and the X-Ray documents show. Segments are
 * received on a real UDP socket; nothing is mocked.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContexts, useLambdaEnvironment } from '../../local-lambda/lambdaContext.js';
import { metricValues } from '../../local-lambda/outputRecords.js';
import { captureOutput, invokeCapturing } from '../support/captureOutput.js';
import { type SegmentDoc, segmentNodes } from '../support/segmentTree.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

type Lib = typeof import('../../lib/index.js');
type Middy = typeof import('../../lib/middy.js');

let lib: Lib;
let observedInference: Middy['observedInference'];
let out: ReturnType<typeof captureOutput>;
let udp: UdpCollector;
const lambdaContext = lambdaContexts('fraud-fn');

interface Event {
  readonly amount: number;
}

function invoke(handler: (e: Event, c: Context) => Promise<unknown>, event: Event) {
  return invokeCapturing(out, (ctx) => handler(event, ctx), { ctx: lambdaContext() });
}

const thrown = new RangeError('negative amount');

/** The handler a team writes: its own metric, a stage, a line of its own. */
function predict(metrics: Metrics) {
  return async (event: Event) => {
    metrics.addMetric('CardChecks', MetricUnit.Count, 1);
    lib.log.info('scoring', { amount: event.amount });
    if (event.amount < 0) throw thrown;
    return lib.stage('predict', () => ({
      label: event.amount > 100 ? 'fraud' : 'legit',
      confidence: 0.9,
    }));
  };
}

beforeAll(async () => {
  udp = await collectUdp();
  useLambdaEnvironment(
    { functionName: 'fraud-fn', daemonAddress: udp.address },
    { POWERTOOLS_SERVICE_NAME: 'fraud-api' },
  );
  out = captureOutput();
  lib = await import('../../lib/index.js');
  ({ observedInference } = await import('../../lib/middy.js'));
});

afterAll(async () => {
  out.restore();
  await udp.close();
});

describe('observedInference() last, after injectLambdaContext and logMetrics (as documented)', () => {
  let handler: (e: Event, c: Context) => Promise<unknown>;
  let cold: Awaited<ReturnType<typeof invoke>>;
  let warm: Awaited<ReturnType<typeof invoke>>;

  beforeAll(async () => {
    const logger = new Logger({ persistentKeys: { team: 'risk' } });
    const metrics = new Metrics({ namespace: 'FraudTeam' });
    handler = middy(predict(metrics))
      .use(injectLambdaContext(logger))
      .use(logMetrics(metrics, { captureColdStartMetric: true }))
      .use(
        observedInference({
          model: { name: 'fraud', version: '3' },
          powertools: { logger, metrics },
        }),
      );
    cold = await invoke(handler, { amount: 500 });
    warm = await invoke(handler, { amount: 20 });
  });

  it('returns what the handler returns', () => {
    expect(cold.result).toEqual({ label: 'fraud', confidence: 0.9 });
    expect(warm.result).toEqual({ label: 'legit', confidence: 0.9 });
  });

  it("leaves one EMF flush per invocation, logMetrics', with their metrics and ours", () => {
    for (const inv of [cold, warm]) {
      expect(inv.emf).toHaveLength(1);
      expect(inv.emf[0]).toMatchObject({
        CardChecks: 1,
        Predictions: 1,
        ModelName: 'fraud',
        service: 'fraud-api',
      });
      expect(inv.emf[0]!.PredictDuration).toEqual(expect.any(Number));
    }
  });

  it('calls publishStoredMetrics once: no flush of an empty store, which Powertools warns of', () => {
    for (const inv of [cold, warm]) {
      expect(inv.lines.filter((l) => l.includes('No application metrics to publish'))).toEqual([]);
    }
  });

  it('counts the cold start once, though logMetrics captures cold starts', () => {
    expect(metricValues([...cold.emf, ...warm.emf], 'ColdStart')).toEqual([1, 0]);
    expect(cold.emf.some((r) => 'function_name' in r)).toBe(false);
  });

  it('writes our line through the Logger injectLambdaContext filled, with the stages', () => {
    const line = cold.logs.find((l) => l.message === 'inference')!;
    expect(line).toMatchObject({
      level: 'INFO',
      team: 'risk',
      cold_start: true,
      function_request_id: cold.ctx.awsRequestId,
      model_name: 'fraud',
      prediction: 'fraud',
      prediction_id: cold.ctx.awsRequestId,
    });
    expect(Object.keys(line.stages as object)).toEqual(['predict']);
  });

  it('finds the invocation from the handler: log lines carry it, stages nest under it', async () => {
    const scoring = warm.logs.find((l) => l.message === 'scoring')!;
    expect(scoring).toMatchObject({ prediction_id: warm.ctx.awsRequestId, model_version: '3' });
    const mine = () =>
      (udp.documents as SegmentDoc[]).filter((d) => d.trace_id === warm.trace.root);
    await expect.poll(() => mine().length).toBeGreaterThan(0);
    const spans = mine().flatMap((d) => segmentNodes(d));
    const inference = spans.find((s) => s.name === 'inference fraud')!;
    expect(spans.find((s) => s.name === 'predict')?.parent).toBe(inference.id);
  });

  it('records a failure from onError, rethrown unchanged, in the same one flush', async () => {
    const failed = await invoke(handler, { amount: -1 });
    expect(failed.error).toBe(thrown);
    expect(failed.emf).toHaveLength(1);
    expect(failed.emf[0]).toMatchObject({ Errors: 1, CardChecks: 1 });
    expect(failed.lines.filter((l) => l.includes('No application metrics'))).toEqual([]);
    expect(failed.logs.find((l) => l.message === 'inference failed')).toMatchObject({
      level: 'ERROR',
      team: 'risk',
    });
  });
});

describe('observedInference() first, before the Powertools middlewares', () => {
  let inv: Awaited<ReturnType<typeof invoke>>;

  beforeAll(async () => {
    const logger = new Logger({ persistentKeys: { team: 'risk' } });
    const metrics = new Metrics({ namespace: 'FraudTeam' });
    const handler = middy(predict(metrics))
      .use(observedInference({ model: 'fraud', powertools: { logger, metrics } }))
      .use(injectLambdaContext(logger))
      .use(logMetrics(metrics, { captureColdStartMetric: true }));
    inv = await invoke(handler, { amount: 500 });
  });

  it('still records the invocation through their Logger and Metrics', () => {
    expect(inv.result).toEqual({ label: 'fraud', confidence: 0.9 });
    expect(inv.logs.find((l) => l.message === 'inference')).toMatchObject({
      team: 'risk',
      prediction: 'fraud',
    });
  });

  it('takes two flushes: logMetrics flushed before our after ran, so ours is a second', () => {
    expect(inv.emf).toHaveLength(2);
    expect(inv.emf[0]).toMatchObject({ CardChecks: 1 });
    expect(inv.emf[0]).not.toHaveProperty('Predictions');
    expect(inv.emf[1]).toMatchObject({ Predictions: 1, ModelName: 'fraud' });
    // No Powertools ColdStart in this order either.
    expect(inv.emf.some((r) => 'function_name' in r)).toBe(false);
  });
});

describe('a warmup ping answered by observedInference() itself', () => {
  it('answers early, skips the handler and still writes the record', async () => {
    let called = 0;
    const handler = middy(async () => {
      called++;
      return { label: 'legit', confidence: 0.9 };
    }).use(observedInference({ model: 'fraud', warmup: { respond: () => 'warm' } }));
    const inv = await invoke(
      handler as (e: Event, c: Context) => Promise<unknown>,
      {
        warmup: true,
      } as unknown as Event,
    );
    expect(inv.result).toBe('warm');
    expect(called).toBe(0);
    expect(inv.emf).toHaveLength(1);
    expect(inv.emf[0]).toMatchObject({ WarmupPings: 1, ModelName: 'fraud' });
  });
});
