/**
 * The demo's traffic: realistic requests to the fraud model through the local
 * Lambda, in several execution environments (each a cold start): warm
 * traffic, batches, malformed requests, a slow input, a warmup ping, then a
 * drifted slice so that confidence and DriftScore move.
 */

import { type LocalLambda, startLocalLambda } from '../../test/support/localLambda.js';
import { newTraceHeader } from '../../test/support/runtimeApi.js';
import { generate, type Transaction } from '../fraud-detection/data.js';
import { Progress } from './progress.js';
import { FUNCTION_NAME, type World } from './world.js';

/** One request the demo made, and what came back. */
export interface Call {
  readonly env: string;
  readonly kind: 'single' | 'batch' | 'malformed' | 'slow' | 'warmup' | 'drifted';
  readonly traceHeader: string;
  readonly requestId: string;
  readonly statusCode: number | undefined;
  readonly error: string | undefined;
  readonly durationMs: number;
  /** When the invocation ended (epoch ms). */
  readonly endedAt: number;
}

export interface TrafficResult {
  readonly calls: Call[];
  /** Every stdout line of every environment (EMF records and log lines). */
  readonly lines: string[];
  readonly environments: Array<{ name: string; initDurationMs: number | undefined }>;
}

const CLIENTS = ['acme-pay', 'globex-shop', 'initech-market'];
const MALFORMED = [
  '{"amount": 12.5, "merchant_category": "grocery"',
  JSON.stringify({
    amount: -5,
    merchant_category: 'grocery',
    hour: 3,
    country_mismatch: false,
    velocity_1h: 1,
    account_age_days: 30,
    card_present: true,
  }),
  JSON.stringify({
    amount: 40,
    merchant_category: 'spaceships',
    hour: 12,
    country_mismatch: false,
    velocity_1h: 0,
    account_age_days: 400,
    card_present: true,
  }),
  JSON.stringify({
    amount: 40,
    merchant_category: 'grocery',
    hour: 25,
    country_mismatch: false,
    velocity_1h: 0,
    account_age_days: 400,
    card_present: true,
  }),
];

function apiEvent(body: string, i: number) {
  return {
    resource: '/predict',
    path: '/predict',
    httpMethod: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-client-id': CLIENTS[i % CLIENTS.length]!,
      'x-correlation-id': `demo-${i}`,
    },
    requestContext: { requestId: `apigw-${i}`, stage: 'prod' },
    isBase64Encoded: false,
    body,
  };
}

interface Plan {
  readonly label: string;
  readonly env: string;
  readonly kind: Call['kind'];
  readonly events: unknown[];
}

function plan(): Plan[] {
  const normal = generate(900, 42).map((r) => r.transaction);
  const drifted = generate(800, 43, { drift: true }).map((r) => r.transaction);
  const single = (txs: Transaction[], offset: number) =>
    txs.map((tx, i) => apiEvent(JSON.stringify(tx), offset + i));
  const batches = (txs: Transaction[], size: number, offset: number) =>
    Array.from({ length: Math.floor(txs.length / size) }, (_, i) =>
      apiEvent(JSON.stringify({ transactions: txs.slice(i * size, (i + 1) * size) }), offset + i),
    );
  return [
    {
      label: 'environment A: cold start + warm traffic',
      env: 'A',
      kind: 'single',
      events: single(normal.slice(0, 260), 0),
    },
    {
      label: 'environment A: batches of 20',
      env: 'A',
      kind: 'batch',
      events: batches(normal.slice(260, 380), 20, 300),
    },
    {
      label: 'environment A: malformed requests',
      env: 'A',
      kind: 'malformed',
      events: MALFORMED.map((b, i) => apiEvent(b, 400 + i)),
    },
    {
      label: 'environment A: a slow input (batch of 100)',
      env: 'A',
      kind: 'slow',
      events: batches(normal.slice(380, 480), 100, 410),
    },
    { label: 'environment A: a warmup ping', env: 'A', kind: 'warmup', events: [{ warmup: true }] },
    {
      label: 'environment B: cold start + traffic',
      env: 'B',
      kind: 'single',
      events: single(normal.slice(480, 690), 500),
    },
    {
      label: 'environment C: cold start + traffic',
      env: 'C',
      kind: 'single',
      events: single(normal.slice(690, 900), 700),
    },
    {
      label: 'environment A: drifted traffic',
      env: 'A',
      kind: 'drifted',
      events: single(drifted.slice(0, 600), 1000),
    },
  ];
}

function statusOf(result: unknown): number | undefined {
  return typeof result === 'object' && result !== null
    ? (result as { statusCode?: number }).statusCode
    : undefined;
}

/** Run the whole scenario; environments are stopped at the end. */
export async function runTraffic(world: World): Promise<TrafficResult> {
  const steps = plan();
  const progress = new Progress(steps.reduce((n, s) => n + s.events.length, 0));
  const envs = new Map<string, LocalLambda>();
  const calls: Call[] = [];
  try {
    for (const step of steps) {
      progress.step(step.label);
      let fn = envs.get(step.env);
      if (!fn) {
        fn = await startLocalLambda({
          taskRoot: world.taskRoot,
          handler: world.handler,
          optDir: world.optDir,
          functionName: FUNCTION_NAME,
          memoryMb: 512,
          timeoutMs: 10_000,
          xrayDaemonAddress: world.daemon.address,
          env: world.env,
        });
        if (fn.initError)
          throw new Error(
            `environment ${step.env} failed to initialise: ${JSON.stringify(fn.initError)}`,
          );
        envs.set(step.env, fn);
      }
      for (const event of step.events) {
        const traceHeader = newTraceHeader();
        const r = await fn.invoke(event, { traceHeader });
        calls.push({
          env: step.env,
          kind: step.kind,
          traceHeader,
          requestId: r.requestId,
          statusCode: statusOf(r.result),
          error: r.error ? `${r.error.errorType}: ${r.error.errorMessage}` : undefined,
          durationMs: r.durationMs,
          endedAt: Date.now(),
        });
        progress.tick();
      }
    }
  } finally {
    progress.finish();
  }
  const lines = [...envs.values()].flatMap((fn) => fn.lines());
  const environments = [...envs.entries()].map(([name, fn]) => ({
    name,
    initDurationMs: fn.initDurationMs,
  }));
  await Promise.all([...envs.values()].map((fn) => fn.stop()));
  return { calls, lines, environments };
}
