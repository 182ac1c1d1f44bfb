/**
 * Online drift end to end: the fraud example as its CDK stack deploys it (the
 * bundled code, its environment: the baseline in the bundle, 200-prediction
 * windows) in one local Lambda execution environment, fed first with traffic
 * from the training distribution, then with shifted traffic. Everything is
 * read from what the function really wrote: its EMF records, its log lines
 * and the X-Ray documents it sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeExample } from '../../examples/demo/synth.js';
import { FRAUD } from '../../examples/fraud-detection/cdk/stack.js';
import { generate } from '../../examples/fraud-detection/data.js';
import { driftMetricName, METRIC } from '../../lib/telemetry.js';
import { unzipLayer } from '../../local-lambda/layer.js';
import { type LocalLambda, startLocalLambda } from '../../local-lambda/localLambda.js';
import { type EmfRecord, emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import {
  startXRayDaemon,
  type XRayDaemon,
  type XRayDocument,
} from '../../local-lambda/xrayDaemon.js';
import { validateEmf } from '../support/emf.js';

/** The usual PSI reading: above 0.25 is a major shift (the example's drift alarm threshold). */
const MAJOR = 0.25;
const BATCH = 100;
const FEATURES = ['amount', 'hour', 'merchant_category', 'country_mismatch', 'velocity_1h'];

const api = (transactions: unknown[]) => ({
  headers: { 'content-type': 'application/json' },
  requestContext: { requestId: 'r' },
  body: JSON.stringify({ transactions }),
});

interface Window {
  readonly emf: EmfRecord;
  readonly log: Record<string, unknown>;
  readonly traceId: string;
}

describe('drift of the fraud example through the local Lambda', () => {
  const example = synthesizeExample('fraud-detection-drift');
  const optDir = unzipLayer();
  let daemon: XRayDaemon;
  let fn: LocalLambda;

  /** Send `rows` in batches; the window that closes on the last batch. */
  async function traffic(rows: ReturnType<typeof generate>): Promise<Window> {
    let last: { mark: ReturnType<LocalLambda['mark']>; traceHeader: string } | undefined;
    for (let i = 0; i < rows.length; i += BATCH) {
      const mark = fn.mark();
      const batch = rows.slice(i, i + BATCH).map((r) => r.transaction);
      const result = await fn.invoke(api(batch));
      expect(result.error).toBeUndefined();
      last = { mark, traceHeader: result.traceHeader };
    }
    const lines = fn.linesSince(last!.mark);
    const emf = emfRecords(lines);
    expect(emf).toHaveLength(1);
    const log = logRecords(lines).find((l) => String(l.message).startsWith('drift'));
    expect(log, 'a drift log line in the invocation that closed the window').toBeDefined();
    const traceId = /Root=([^;]+)/.exec(last!.traceHeader)![1]!;
    return { emf: emf[0]!, log: log!, traceId };
  }

  /** The span event of the window's closing invocation, from the X-Ray document. */
  async function driftEvent(traceId: string): Promise<Record<string, unknown>> {
    const doc = await daemon.waitFor(
      (d: XRayDocument) => d.trace_id === traceId && String(d.name).startsWith('inference '),
    );
    const metadata = doc.metadata as Record<string, Record<string, unknown>>;
    const events = metadata.observed_inference?.events as Array<{
      name: string;
      attributes: Record<string, unknown>;
    }>;
    const event = events.find((e) => e.name === 'drift window closed');
    expect(event).toBeDefined();
    return event!.attributes;
  }

  let stable: Window;
  let shifted: Window;

  beforeAll(async () => {
    daemon = await startXRayDaemon();
    fn = await startLocalLambda({
      taskRoot: example.taskRoot,
      handler: example.handler,
      optDir,
      functionName: example.functionName,
      timeoutMs: 10_000,
      xrayDaemonAddress: daemon.address,
      env: example.env,
    });
    expect(fn.initError).toBeUndefined();
    stable = await traffic(generate(FRAUD.driftWindow, 2024));
    shifted = await traffic(generate(FRAUD.driftWindow, 2025, { drift: true }));
  }, 30_000);

  afterAll(async () => {
    await fn?.stop();
    await daemon?.close();
  });

  it('runs with the baseline and window the stack configures', () => {
    expect(example.env.OBSERVED_BASELINE).toBe(FRAUD.baseline);
    expect(example.env.OBSERVED_DRIFT_WINDOW).toBe(String(FRAUD.driftWindow));
  });

  it('keeps DriftScore low on traffic from the training distribution', () => {
    expect(validateEmf(stable.emf)).toEqual([]);
    expect(stable.emf[METRIC.DriftWindowSize]).toBe(FRAUD.driftWindow);
    expect(stable.emf[METRIC.DriftScore]).toBeLessThan(0.1);
    for (const feature of FEATURES)
      expect(stable.emf[driftMetricName(feature)], feature).toBeLessThan(0.1);
    expect(stable.log).toMatchObject({ message: 'drift: stable', drift_moved: [] });
  });

  it('raises DriftScore above the threshold on shifted traffic and names the features that moved', async () => {
    expect(validateEmf(shifted.emf)).toEqual([]);
    expect(shifted.emf[METRIC.DriftWindowSize]).toBe(FRAUD.driftWindow);
    expect(shifted.emf[METRIC.DriftScore]).toBeGreaterThan(MAJOR);
    // The generator shifts amounts (×3), night hours and country mismatches.
    const moved = shifted.log.drift_moved as string[];
    expect(moved).toEqual(expect.arrayContaining(['amount', 'hour', 'country_mismatch']));
    expect(shifted.emf[driftMetricName('amount')]).toBeGreaterThan(MAJOR);
    expect(shifted.log.message).toMatch(/^drift: .*amount/);
    expect(shifted.log.drift_score).toBe(shifted.emf[METRIC.DriftScore]);
    const event = await driftEvent(shifted.traceId);
    expect(event['inference.drift.score']).toBe(shifted.emf[METRIC.DriftScore]);
    expect(String(event['inference.drift.moved']).split(',')).toEqual(moved);
  });

  it('counts the label mix of the same traffic under the stack’s labels', () => {
    for (const w of [stable, shifted]) {
      const fraud = Number(w.emf['PredictedLabel.fraud'] ?? 0);
      const legit = Number(w.emf['PredictedLabel.legit'] ?? 0);
      expect(fraud + legit).toBe(BATCH);
      expect(w.emf['PredictedLabel.other']).toBeUndefined();
    }
  });
});
