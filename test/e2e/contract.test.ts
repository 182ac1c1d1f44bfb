/**
 * The test that keeps the runtime, the alarms and the dashboards from
 * drifting apart: every metric of our namespace that an alarm or a widget of
 * the example's synthesized stack references — name and exact dimension set
 * with values — is one the runtime really emitted when the stack's own code
 * and environment ran through the local Lambda. (moto's CloudFormation skips
 * alarms and evaluates none, so a deploy there would prove nothing.)
 */
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeExample } from '../../examples/demo/synth.js';
import { generate } from '../../examples/fraud-detection/data.js';
import { DEFAULT_NAMESPACE } from '../../lib/telemetry.js';
import { taskRootFrom, unzipLayer } from '../../local-lambda/layer.js';
import { startLocalLambda } from '../../local-lambda/localLambda.js';
import { type EmfRecord, emfRecords } from '../../local-lambda/outputRecords.js';
import { validateEmf } from '../support/emf.js';
import { emfMetrics, templateMetrics, unemittedMetrics } from '../support/templateMetrics.js';

/** A TCP server that accepts connections and never answers. */
async function hangingServer(): Promise<{ endpoint: string; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

const fixture = fileURLToPath(new URL('../fixtures/inference/', import.meta.url));
const api = (body: unknown) => ({
  headers: { 'content-type': 'application/json' },
  requestContext: { requestId: 'r' },
  body: JSON.stringify(body),
});

describe('the example stack against what its function emits', () => {
  const example = synthesizeExample('fraud-detection');
  const optDir = unzipLayer();
  const records: EmfRecord[] = [];

  async function run(
    options: {
      env?: Record<string, string>;
      timeoutMs?: number;
      taskRoot?: string;
      handler?: string;
      awsSdk?: boolean;
    },
    events: unknown[],
  ) {
    const fn = await startLocalLambda({
      taskRoot: options.taskRoot ?? example.taskRoot,
      handler: options.handler ?? example.handler,
      optDir,
      functionName: example.functionName,
      timeoutMs: options.timeoutMs ?? 10_000,
      env: { ...example.env, ...options.env },
      awsSdk: options.awsSdk ?? false,
    });
    try {
      expect(fn.initError).toBeUndefined();
      const results = [];
      for (const event of events) results.push(await fn.invoke(event));
      return results;
    } finally {
      await fn.stop();
      records.push(...emfRecords(fn.lines()));
    }
  }

  let hanging: { endpoint: string; close(): void };

  beforeAll(async () => {
    hanging = await hangingServer();
    const txs = generate(400, 11).map((r) => r.transaction);
    const drifted = generate(300, 12, { drift: true }).map((r) => r.transaction);
    // Normal traffic, a batch, bad input, a warmup ping, and enough predictions to close drift windows.
    const predictions = await run({}, [
      api(txs[0]),
      api({ transactions: txs.slice(1, 101) }),
      api({ transactions: txs.slice(101, 201) }),
      api({ amount: 'lots' }),
      { warmup: true },
      api({ transactions: drifted.slice(0, 100) }),
      api({ transactions: drifted.slice(100, 200) }),
    ]);
    expect(predictions.every((r) => r.error === undefined)).toBe(true);
    // An unreachable X-Ray daemon: our own failure, counted as TelemetryErrors, never the handler's.
    await run({ env: { AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:9' } }, [
      api(txs[300]),
      api(txs[301]),
      api(txs[302]),
    ]);
    // Weights from an S3 endpoint that never answers: the first invocation waits for the model past
    // its deadline, and the runtime records the timeout before Lambda kills the environment.
    const late = await run(
      {
        timeoutMs: 1500,
        awsSdk: true,
        env: {
          MODEL_BUCKET: 'models',
          AWS_ENDPOINT_URL: hanging.endpoint,
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
        },
      },
      [api(txs[0])],
    );
    expect(late[0]?.timedOut).toBe(true);
    // Delayed ground truth from another function of the same service.
    // The fraud model never abstains: a fallback-answering function of the same service does.
    await run({ taskRoot: taskRootFrom(fixture), handler: 'fallback.handler' }, [api(txs[0])]);
    await run({ taskRoot: taskRootFrom(fixture), handler: 'outcomes.handler' }, [
      {
        outcomes: [
          { predictionId: 'p1', actual: 'fraud', predicted: 'fraud' },
          { predictionId: 'unknown', actual: 'legit' },
        ],
      },
    ]);
  }, 120_000);

  afterAll(() => hanging?.close());

  it('writes only valid EMF records', () => {
    expect(records.length).toBeGreaterThan(5);
    for (const r of records) expect(validateEmf(r)).toEqual([]);
  });

  it('records plausible memory, CPU time and cost for the real runtime client', () => {
    const values = (name: string) =>
      records.flatMap((r) => [r[name]].flat()).filter((v): v is number => typeof v === 'number');
    expect(values('MaxMemoryUsed').length).toBeGreaterThan(5);
    // The stack's 512 MB function: a Node.js process peaks well above 20 MB and below its memory.
    for (const mb of values('MaxMemoryUsed')) expect(mb).toBeGreaterThan(20);
    expect(Math.max(...values('MaxMemoryUsed'))).toBeLessThan(512);
    expect(values('CpuTime').every((ms) => ms >= 0)).toBe(true);
    // At least the request price; 512 MB for under 10 s costs well under a tenth of a cent.
    for (const usd of values('ComputeCost')) expect(usd).toBeGreaterThanOrEqual(0.0000002);
    expect(Math.max(...values('ComputeCost'))).toBeLessThan(0.001);
  });

  it('references no metric of our namespace that the runtime did not emit', () => {
    const referenced = templateMetrics(example.resolver.resolve(example.template as never));
    const ours = referenced.filter((r) => r.namespace === DEFAULT_NAMESPACE);
    expect(ours.length).toBeGreaterThan(20);
    // The rare metrics are referenced, and this traffic really produced them.
    const names = new Set(ours.map((r) => r.metricName));
    const emitted = new Set(emfMetrics(records).map((r) => r.metricName));
    for (const rare of [
      'Timeouts',
      'TelemetryErrors',
      'DriftScore',
      'WarmupPings',
      'PredictionCorrect',
      'ModelLoads',
      'Abstentions',
      'InvalidInputs',
      'PredictedLabel.fraud',
      'MaxMemoryUsed',
      'CpuTime',
      'ComputeCost',
      'DataQualityBroken',
    ]) {
      expect(names, `the stack references ${rare}`).toContain(rare);
      expect(emitted, `the run emitted ${rare}`).toContain(rare);
    }
    const missing = unemittedMetrics(referenced, emfMetrics(records), DEFAULT_NAMESPACE);
    expect(
      missing.map((m) => `${m.source} ${m.metricName} ${JSON.stringify(m.dimensions)}`),
    ).toEqual([]);
  });
});
