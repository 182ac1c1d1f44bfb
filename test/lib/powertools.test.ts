/**
 * observe() with a user's real Powertools Logger and Metrics (the packages'
 * own 2.36.0, from devDependencies): our line goes through their Logger and
 * our metrics into their Metrics, read back from the captured stdout/stderr
 * as CloudWatch would read them. Nothing of either side is mocked.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContexts, useLambdaEnvironment } from '../../local-lambda/lambdaContext.js';
import { emfRecords, metricValues } from '../../local-lambda/outputRecords.js';
import { captureOutput, invokeCapturing } from '../support/captureOutput.js';
import { validateEmf } from '../support/emf.js';

type Lib = typeof import('../../lib/index.js');

let lib: Lib;
let out: ReturnType<typeof captureOutput>;
const lambdaContext = lambdaContexts('fraud-fn');

function invoke<E>(handler: (e: E, c: Context) => Promise<unknown>, event: E) {
  return invokeCapturing(out, (ctx) => handler(event, ctx), { ctx: lambdaContext() });
}

beforeAll(async () => {
  useLambdaEnvironment(
    { functionName: 'fraud-fn' },
    { POWERTOOLS_SERVICE_NAME: 'fraud-api', OBSERVED_TRACES: 'off' },
  );
  out = captureOutput();
  lib = await import('../../lib/index.js');
});

afterAll(() => out.restore());

describe('observe() with a Powertools Logger and Metrics', () => {
  let logger: Logger;
  let metrics: Metrics;
  let handler: (e: { amount: number }, c: Context) => Promise<unknown>;
  let cold: Awaited<ReturnType<typeof invoke>>;
  let warm: Awaited<ReturnType<typeof invoke>>;

  beforeAll(async () => {
    // Made after the environment is set, as in a function's module scope.
    logger = new Logger({ persistentKeys: { team: 'risk' } });
    metrics = new Metrics({ namespace: 'FraudTeam', defaultDimensions: { environment: 'prod' } });
    handler = lib.observe(
      async (event: { amount: number }) => {
        // What a Powertools user already does in the handler: their cold start, their metric.
        metrics.captureColdStartMetric();
        metrics.addMetric('CardChecks', MetricUnit.Count, 1);
        logger.setCorrelationId('corr-7');
        lib.log.info('scoring', { amount: event.amount });
        if (event.amount < 0) throw new RangeError('negative amount');
        return { label: event.amount > 100 ? 'fraud' : 'legit', confidence: 0.9 };
      },
      { model: { name: 'fraud', version: '3' }, powertools: { logger, metrics } },
    );
    cold = await invoke(handler, { amount: 500 });
    warm = await invoke(handler, { amount: 20 });
  });

  it('returns what the handler returns', () => {
    expect(cold.result).toEqual({ label: 'fraud', confidence: 0.9 });
  });

  it('flushes their metrics and ours in one EMF record per invocation', () => {
    for (const inv of [cold, warm]) {
      expect(inv.emf).toHaveLength(1);
      const record = inv.emf[0]!;
      expect(validateEmf(record)).toEqual([]);
      expect(record).toMatchObject({ CardChecks: 1, Predictions: 1, Errors: 0 });
      expect(record.function_request_id).toBe(inv.ctx.awsRequestId);
      expect(record.xray_trace_id).toBe(inv.trace.root);
    }
  });

  it('merges their namespace, service and default dimensions with the model dimensions', () => {
    const directive = cold.emf[0]!._aws.CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe('FraudTeam');
    expect(directive.Dimensions).toEqual([['service', 'environment', 'ModelName', 'ModelVersion']]);
    expect(cold.emf[0]).toMatchObject({
      service: 'fraud-api',
      environment: 'prod',
      ModelName: 'fraud',
      ModelVersion: '3',
    });
  });

  it('counts the cold start once: ours, under the model dimensions, and no Powertools ColdStart', () => {
    const all = emfRecords(out.lines);
    expect(metricValues(all, 'ColdStart')).toEqual([1, 0]);
    expect(all.some((r) => 'function_name' in r)).toBe(false);
  });

  it('writes our line through their Logger: its persistent keys and correlation id', () => {
    const line = cold.logs.find((l) => l.message === 'inference')!;
    expect(line).toMatchObject({
      level: 'INFO',
      service: 'fraud-api',
      team: 'risk',
      correlation_id: 'corr-7',
      model_name: 'fraud',
      prediction: 'fraud',
      prediction_id: cold.ctx.awsRequestId,
      function_request_id: cold.ctx.awsRequestId,
    });
  });

  it("gives the user's own line the invocation's context, through the same Logger", () => {
    const line = warm.logs.find((l) => l.message === 'scoring')!;
    expect(line).toMatchObject({
      level: 'INFO',
      team: 'risk',
      amount: 20,
      function_request_id: warm.ctx.awsRequestId,
      xray_trace_id: warm.trace.root,
      model_name: 'fraud',
      model_version: '3',
      prediction_id: warm.ctx.awsRequestId,
    });
  });

  it('logs a failure as an ERROR through their Logger and still flushes once', async () => {
    const failed = await invoke(handler, { amount: -1 });
    expect(failed.error).toBeInstanceOf(RangeError);
    expect(failed.emf).toHaveLength(1);
    expect(failed.emf[0]).toMatchObject({ Errors: 1, CardChecks: 1 });
    const line = failed.logs.find((l) => l.message === 'inference failed')!;
    expect(line).toMatchObject({ level: 'ERROR', team: 'risk' });
    expect(line.error).toMatchObject({ name: 'RangeError', message: 'negative amount' });
  });
});

describe('a batch past Powertools Metrics’ 100 values per metric', () => {
  it('keeps the model dimensions on the record Powertools starts after flushing on its own', async () => {
    const metrics = new Metrics({ namespace: 'FraudTeam' });
    const batch = lib.observe(
      async () => ({
        predictions: Array.from({ length: 150 }, () => ({ label: 'legit', confidence: 0.8 })),
      }),
      { model: { name: 'fraud', version: '3' }, powertools: { metrics } },
    );
    const inv = await invoke(batch, { amount: 1 });
    expect(inv.emf).toHaveLength(2);
    for (const record of inv.emf) {
      expect(validateEmf(record)).toEqual([]);
      expect(record).toMatchObject({ ModelName: 'fraud', ModelVersion: '3' });
    }
    expect(metricValues(inv.emf, 'Confidence')).toHaveLength(150);
    expect(metricValues(inv.emf, 'Predictions')).toEqual([150]);
  });
});

describe("a Powertools Logger's level and log buffer", () => {
  const handler = (logger: Logger) =>
    lib.observe(
      async (event: { confidence: number }) => {
        lib.log.debug('features', { n: 3 });
        return { label: 'fraud', confidence: event.confidence };
      },
      { model: 'fraud', powertools: { logger } },
    );
  let observed: ReturnType<typeof handler>;
  beforeAll(() => {
    const logger = new Logger({
      serviceName: 'fraud-api',
      logLevel: 'INFO',
      logBufferOptions: { enabled: true, flushOnErrorLog: false },
    });
    observed = handler(logger);
  });

  it('drops the DEBUG lines of a confident prediction', async () => {
    const inv = await invoke(observed, { confidence: 0.95 });
    expect(inv.logs.map((l) => l.message)).toEqual(['inference']);
    expect(inv.logs[0]).not.toHaveProperty('debug_flushed');
  });

  it('flushes its buffer when the prediction is below the confidence threshold', async () => {
    const inv = await invoke(observed, { confidence: 0.3 });
    expect(inv.logs.map((l) => l.message)).toEqual(['features', 'inference']);
    expect(inv.logs[0]).toMatchObject({
      level: 'DEBUG',
      n: 3,
      prediction_id: inv.ctx.awsRequestId,
    });
    expect(inv.logs[1]).toMatchObject({ debug_flushed: true });
  });

  it('writes DEBUG lines at once when its level is DEBUG, and claims no flush', async () => {
    const verbose = new Logger({ serviceName: 'fraud-api', logLevel: 'DEBUG' });
    const h = lib.observe(
      async () => {
        lib.log.debug('features', { n: 3 });
        return { label: 'fraud', confidence: 0.3 };
      },
      { model: 'fraud', powertools: { logger: verbose } },
    );
    const inv = await invoke(h, {});
    expect(inv.logs.map((l) => l.message)).toEqual(['features', 'inference']);
    expect(inv.logs[1]).not.toHaveProperty('debug_flushed');
  });

  it('leaves out what its level leaves out', async () => {
    const quiet = new Logger({ serviceName: 'fraud-api', logLevel: 'WARN' });
    const h = lib.observe(async () => ({ label: 'legit', confidence: 0.9 }), {
      model: 'fraud',
      powertools: { logger: quiet },
    });
    const inv = await invoke(h, {});
    expect(inv.logs).toEqual([]);
    expect(inv.emf).toHaveLength(1);
  });
});
