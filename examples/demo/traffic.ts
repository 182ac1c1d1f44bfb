/**
 * The demo's traffic: realistic requests to the fraud model through the local
 * Lambda, in several execution environments (each a cold start): warm
 * traffic, batches, malformed requests, a slow input, a warmup ping, then a
 * drifted slice so that confidence and DriftScore move; last, the ground
 * truth of the single-transaction requests arrives as SQS case resolutions at
 * the example's outcomes function, so that accuracy can be measured.
 */

import { type LocalLambda, startLocalLambda } from '../../local-lambda/localLambda.js';
import { newTraceHeader } from '../../local-lambda/runtimeApi.js';
import { generate, type Transaction } from '../fraud-detection/data.js';
import { Progress } from './progress.js';
import { OUTCOMES_FUNCTION_NAME, startFraudFunction, type World } from './world.js';

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
  /** The model's answer to a single transaction (200 responses only). */
  readonly predicted: string | undefined;
  /** Whether that transaction really was fraud (the generator knows). */
  readonly fraud: boolean | undefined;
}

export interface TrafficResult {
  readonly calls: Call[];
  /** Every stdout line of every environment (EMF records and log lines). */
  readonly lines: string[];
  readonly environments: Array<{ name: string; initDurationMs: number | undefined }>;
  /** The ground-truth step: case resolutions sent, in how many SQS batches. */
  readonly outcomes: { readonly resolutions: number; readonly batches: number };
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

export function apiEvent(body: string, i: number) {
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
  /** For single-transaction steps: each event's ground truth. */
  readonly truth?: readonly boolean[];
}

function plan(): Plan[] {
  const normalRows = generate(900, 42);
  const driftedRows = generate(800, 43, { drift: true });
  const normal = normalRows.map((r) => r.transaction);
  const drifted = driftedRows.map((r) => r.transaction);
  const truth = (rows: typeof normalRows, from: number, to: number) =>
    rows.slice(from, to).map((r) => r.fraud);
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
      truth: truth(normalRows, 0, 260),
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
      truth: truth(normalRows, 480, 690),
    },
    {
      label: 'environment C: cold start + traffic',
      env: 'C',
      kind: 'single',
      events: single(normal.slice(690, 900), 700),
      truth: truth(normalRows, 690, 900),
    },
    {
      label: 'environment A: drifted traffic',
      env: 'A',
      kind: 'drifted',
      events: single(drifted.slice(0, 600), 1000),
      truth: truth(driftedRows, 0, 600),
    },
  ];
}

function statusOf(result: unknown): number | undefined {
  return typeof result === 'object' && result !== null
    ? (result as { statusCode?: number }).statusCode
    : undefined;
}

/** The label of a 200 single-transaction response. */
function labelOf(result: unknown): string | undefined {
  if (statusOf(result) !== 200) return undefined;
  const body = JSON.parse(String((result as { body?: unknown }).body)) as { label?: unknown };
  return typeof body.label === 'string' ? body.label : undefined;
}

/** Case resolutions travel in SQS batches of this size (the event source's batch size). */
const SQS_BATCH = 10;

/** The SQS events carrying the ground truth of every answered single-transaction call. */
function resolutionEvents(
  calls: readonly Call[],
  modelVersion: string,
): Array<{ Records: unknown[] }> {
  const resolved = calls.filter((c) => c.predicted !== undefined && c.fraud !== undefined);
  const events: Array<{ Records: unknown[] }> = [];
  for (let i = 0; i < resolved.length; i += SQS_BATCH)
    events.push({
      Records: resolved.slice(i, i + SQS_BATCH).map((c, j) => ({
        messageId: `resolution-${i + j}`,
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:fraud-case-resolutions',
        body: JSON.stringify({
          prediction_id: c.requestId,
          model_version: modelVersion,
          predicted: c.predicted,
          actual: c.fraud ? 'fraud' : 'legit',
        }),
      })),
    });
  return events;
}

/** Run the whole scenario; environments are stopped at the end. */
export async function runTraffic(world: World): Promise<TrafficResult> {
  const steps = plan();
  const singles = steps.reduce((n, s) => n + (s.truth?.length ?? 0), 0);
  const progress = new Progress(
    steps.reduce((n, s) => n + s.events.length, 0) + Math.ceil(singles / SQS_BATCH),
  );
  const envs = new Map<string, LocalLambda>();
  const calls: Call[] = [];
  let outcomes = { resolutions: 0, batches: 0 };
  try {
    for (const step of steps) {
      progress.step(step.label);
      let fn = envs.get(step.env);
      if (!fn) {
        fn = await startFraudFunction(world, world.env);
        envs.set(step.env, fn);
        if (fn.initError)
          throw new Error(
            `environment ${step.env} failed to initialise: ${JSON.stringify(fn.initError)}`,
          );
      }
      for (const [i, event] of step.events.entries()) {
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
          predicted: labelOf(r.result),
          fraud: step.truth?.[i],
        });
        progress.tick();
      }
    }
    progress.step('ground truth: case resolutions from SQS → the outcomes function');
    const outcomesFn = await startLocalLambda({
      taskRoot: world.outcomes.taskRoot,
      handler: world.outcomes.handler,
      optDir: world.optDir,
      functionName: OUTCOMES_FUNCTION_NAME,
      memoryMb: 256,
      timeoutMs: 10_000,
      xrayDaemonAddress: world.daemon.address,
      env: world.outcomes.env,
      awsSdk: true,
    });
    envs.set('outcomes', outcomesFn);
    if (outcomesFn.initError)
      throw new Error(
        `the outcomes function failed to initialise: ${JSON.stringify(outcomesFn.initError)}`,
      );
    const resolutionBatches = resolutionEvents(calls, world.env.OBSERVED_MODEL_VERSION ?? '');
    for (const event of resolutionBatches) {
      const r = await outcomesFn.invoke(event);
      const failed = (r.result as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
      if (r.error || failed?.length)
        throw new Error(`the outcomes function failed: ${JSON.stringify(r.error ?? failed)}`);
      progress.tick();
    }
    outcomes = {
      resolutions: resolutionBatches.reduce((n, e) => n + e.Records.length, 0),
      batches: resolutionBatches.length,
    };
  } catch (error) {
    // Runtimes left running would keep the demo from exiting once it has reported the failure.
    await Promise.allSettled([...envs.values()].map((fn) => fn.stop()));
    throw error;
  } finally {
    progress.finish();
  }
  const lines = [...envs.values()].flatMap((fn) => fn.lines());
  const environments = [...envs.entries()]
    .filter(([name]) => name !== 'outcomes')
    .map(([name, fn]) => ({
      name,
      initDurationMs: fn.initDurationMs,
    }));
  await Promise.all([...envs.values()].map((fn) => fn.stop()));
  return { calls, lines, environments, outcomes };
}
