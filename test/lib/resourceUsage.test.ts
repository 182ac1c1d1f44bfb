/**
 * Resource use and cost per invocation: the price arithmetic, its
 * configuration, and what observe() writes for a busy handler in a Lambda
 * environment (EMF record and log line read from stdout; nothing mocked).
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config.js';
import { otlpKind } from '../../lib/metrics/otlpMetrics.js';
import { computePrice, invocationCost } from '../../lib/resourceUsage.js';
import { COMPUTE_PRICES, ENV } from '../../lib/telemetry.js';
import { lambdaContexts, useLambdaEnvironment } from '../../local-lambda/lambdaContext.js';
import { emfRecords, logRecords, metricValues } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';
import { validateEmf } from '../support/emf.js';

describe('the price of an invocation', () => {
  it('prices a GB-second by architecture: arm64 its own, anything else x86', () => {
    const mb = 1024;
    expect(computePrice(mb, 'arm64')?.perMs).toBeCloseTo(0.0000133334 / 1000, 15);
    expect(computePrice(mb, 'x64')?.perMs).toBeCloseTo(0.0000166667 / 1000, 15);
    expect(computePrice(mb, 'ia32')?.perMs).toBe(computePrice(mb, 'x64')?.perMs);
    expect(computePrice(mb, 'x64')?.perRequest).toBe(0.0000002);
  });

  it('has no price without a memory size (outside Lambda)', () => {
    expect(computePrice(undefined, 'x64')).toBeUndefined();
  });

  it('bills the duration rounded up to the ms at the memory size, plus the request', () => {
    // 512 MB x86 for 99.2 ms: 100 ms × 0.5 GB × $0.0000166667 + $0.0000002 = $0.00000103333...
    const price = computePrice(512, 'x64')!;
    expect(invocationCost(99.2, price)).toBeCloseTo(0.1 * 0.5 * 0.0000166667 + 0.0000002, 12);
    expect(invocationCost(100, price)).toBe(invocationCost(99.2, price));
    expect(invocationCost(100.01, price)).toBeGreaterThan(invocationCost(100, price));
    // 1,000 such invocations: about a tenth of a cent.
    expect(invocationCost(99.2, price) * 1000).toBeCloseTo(0.00103, 5);
  });

  it('takes the prices from the option, else the variables, and names a bad one', () => {
    const env = { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '2048', [ENV.PricePerGbSecond]: '0.00002' };
    const fromEnv = resolveConfig(env, {}, 'arm64').config.computePrice!;
    expect(fromEnv.perMs).toBeCloseTo((2 * 0.00002) / 1000, 15);
    expect(fromEnv.perRequest).toBe(COMPUTE_PRICES.perRequest);
    const fromOption = resolveConfig(env, {
      computePrice: { perGbSecond: 0.00001, perRequest: 0 },
    });
    expect(fromOption.config.computePrice).toEqual({ perMs: (2 * 0.00001) / 1000, perRequest: 0 });
    const bad = resolveConfig({ ...env, [ENV.PricePerRequest]: '-1' }, {}, 'x64');
    expect(bad.issues.map((i) => i.message).join()).toContain(ENV.PricePerRequest);
    expect(bad.config.computePrice?.perRequest).toBe(COMPUTE_PRICES.perRequest);
    expect(resolveConfig({}, {}).config.computePrice).toBeUndefined();
  });

  it('sends over OTLP CPU time as a histogram, peak memory as a gauge and cost as a sum', () => {
    expect(otlpKind('CpuTime', 'Milliseconds').type).toBe('histogram');
    expect(otlpKind('MaxMemoryUsed', 'Megabytes').type).toBe('gauge');
    expect(otlpKind('ComputeCost', 'None').type).toBe('sum');
  });
});

describe('observe() records what each invocation used', () => {
  type Lib = typeof import('../../lib/index.js');
  let lib: Lib;
  let out: ReturnType<typeof captureOutput>;
  const context = lambdaContexts('cost-fn');

  beforeAll(async () => {
    useLambdaEnvironment({ functionName: 'cost-fn', memoryMb: 1024 });
    process.env.OBSERVED_TRACES = 'off';
    out = captureOutput();
    lib = await import('../../lib/index.js');
  });
  afterAll(() => out.restore());

  it('writes CPU time, peak memory and cost to the EMF record and the log line', async () => {
    // A handler that keeps the CPU busy for about 30 ms, and holds 40 MB while it does.
    const handler = lib.observe(
      async (_event: unknown, _c: Context) => {
        const held = Buffer.alloc(40 * 1024 * 1024, 1);
        const until = performance.now() + 30;
        let x = 0;
        while (performance.now() < until) x += Math.sqrt(x + held[x % held.length]!);
        return { label: 'ok', confidence: 0.9, x };
      },
      { model: 'costly' },
    );
    const mark = out.lines.length;
    await handler({}, context());
    const lines = out.since(mark);
    const [record] = emfRecords(lines);
    expect(record && validateEmf(record)).toEqual([]);
    const units = Object.fromEntries(
      record!._aws.CloudWatchMetrics[0]!.Metrics.map((m) => [m.Name, m.Unit]),
    );
    expect(units).toMatchObject({
      CpuTime: 'Milliseconds',
      MaxMemoryUsed: 'Megabytes',
      ComputeCost: 'None',
    });
    const [cpu] = metricValues([record!], 'CpuTime');
    const [memory] = metricValues([record!], 'MaxMemoryUsed');
    const [cost] = metricValues([record!], 'ComputeCost');
    const [latency] = metricValues([record!], 'InferenceLatency');
    // Busy for 30 ms: most of it on the CPU (the whole process's, so it may exceed the latency a little).
    expect(cpu).toBeGreaterThan(15);
    expect(memory).toBeGreaterThan(40);
    expect(memory).toBeLessThan(4096);
    const billedMs = Math.ceil(latency!);
    const perGbSecond = COMPUTE_PRICES.perGbSecond[process.arch === 'arm64' ? 'arm64' : 'x64'];
    expect(cost).toBeCloseTo(billedMs * (perGbSecond / 1000) + 0.0000002, 9);
    const [log] = logRecords(lines);
    expect(log).toMatchObject({ cpu_ms: cpu, max_memory_used_mb: memory, compute_cost: cost });
  });
});
