/**
 * An observe() with traces `off` in Lambda, whose trace header says
 * Sampled=1: its cold start records no span at all (nothing would take it
 * from the buffer), and its metrics and log line are written as ever. Its
 * own file: a cold start happens once per process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config.js';
import { containment } from '../../lib/containment.js';
import { getProcessTracer } from '../../lib/tracer.js';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';

let out: ReturnType<typeof captureOutput>;

beforeAll(() => {
  useLambdaEnvironment({ functionName: 'quiet-fn' }, { OBSERVED_TRACES: 'off' });
  out = captureOutput();
});

afterAll(() => out.restore());

describe('an observe() with traces off', () => {
  it('records no span on a sampled cold start, and still writes its metrics and log line', async () => {
    const lib = await import('../../lib/index.js');
    await lib.loadModel('m', () => 'weights');
    const handler = lib.observe(async () => {
      await lib.stage('predict', () => undefined);
      return { label: 'a', confidence: 0.9 };
    });
    process.env._X_AMZN_TRACE_ID = traceHeader().header;
    await handler({}, lambdaContexts('quiet-fn')());
    expect(emfRecords(out.lines)[0]).toMatchObject({ ColdStart: 1, ModelLoads: 1, Predictions: 1 });
    expect(logRecords(out.lines).find((l) => l.message === 'inference')).toMatchObject({
      cold_start: true,
    });
    const { spans } = getProcessTracer(resolveConfig(process.env).config, containment);
    expect(spans.size).toBe(0);
  });
});
