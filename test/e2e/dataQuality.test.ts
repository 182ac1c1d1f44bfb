/**
 * Drift's data-quality checks end to end (issue 16): an unmodified batch
 * handler under the zero-code layer, with a baseline in its code and
 * 100-prediction windows, in one local Lambda execution environment. A
 * window of healthy traffic, then windows of nulls, of strings in a numeric
 * feature and of unseen categories; everything read from what the function
 * wrote: its EMF records, its log lines and the X-Ray documents it sent.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBaseline } from '../../lib/drift/build.js';
import { DATA_QUALITY_METRIC, METRIC } from '../../lib/telemetry.js';
import { taskRootFrom, unzipLayer, wrapperPath } from '../../local-lambda/layer.js';
import { type LocalLambda, startLocalLambda } from '../../local-lambda/localLambda.js';
import { type EmfRecord, emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import {
  startXRayDaemon,
  type XRayDaemon,
  type XRayDocument,
} from '../../local-lambda/xrayDaemon.js';
import { validateEmf } from '../support/emf.js';

const WINDOW = 100;
const COUNTRIES = ['FR', 'DE', 'ES', 'IT'];

/** Healthy rows: amount in [0, 100), a known country. */
function rows(n: number, seed: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    amount: ((i * 37 + seed * 11) % 1000) / 10,
    country: COUNTRIES[(i + seed) % COUNTRIES.length],
  }));
}

interface Window {
  readonly emf: EmfRecord;
  readonly log: Record<string, unknown>;
  readonly traceId: string;
}

describe('data quality of drift windows through the local Lambda', () => {
  const optDir = unzipLayer();
  const taskRoot = taskRootFrom(join(import.meta.dirname, '../fixtures/inference'));
  let daemon: XRayDaemon;
  let fn: LocalLambda;
  const windows: Record<string, Window> = {};

  /** One full window in one batch; the window it closes. */
  async function window(transactions: unknown[]): Promise<Window> {
    const mark = fn.mark();
    const result = await fn.invoke({
      requestContext: { requestId: 'r' },
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ transactions }),
    });
    expect(result.error).toBeUndefined();
    const lines = fn.linesSince(mark);
    const emf = emfRecords(lines);
    expect(emf).toHaveLength(1);
    const log = logRecords(lines).find((l) => String(l.message).startsWith('drift'));
    expect(log, 'a drift log line in the invocation that closed the window').toBeDefined();
    return { emf: emf[0]!, log: log!, traceId: /Root=([^;]+)/.exec(result.traceHeader)![1]! };
  }

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

  beforeAll(async () => {
    const baseline = buildBaseline(
      rows(2000, 1).map((features) => ({
        features,
        label: (features.amount as number) > 80 ? 'fraud' : 'legit',
        confidence: 0.9,
      })),
      { features: ['amount', 'country'] },
    );
    writeFileSync(join(taskRoot, 'baseline.json'), JSON.stringify(baseline));
    daemon = await startXRayDaemon();
    fn = await startLocalLambda({
      taskRoot,
      handler: 'batch.handler',
      optDir,
      functionName: 'data-quality',
      timeoutMs: 10_000,
      xrayDaemonAddress: daemon.address,
      env: {
        AWS_LAMBDA_EXEC_WRAPPER: wrapperPath(optDir),
        OBSERVED_BASELINE: 'baseline.json',
        OBSERVED_DRIFT_WINDOW: String(WINDOW),
      },
    });
    expect(fn.initError).toBeUndefined();
    windows.healthy = await window(rows(WINDOW, 2));
    windows.nulls = await window(rows(WINDOW, 3).map((r) => ({ ...r, amount: null })));
    windows.strings = await window(rows(WINDOW, 4).map((r) => ({ ...r, amount: 'n/a' })));
    windows.unseen = await window(
      rows(WINDOW, 5).map((r, i) => (i < 20 ? { ...r, country: 'XX' } : r)),
    );
  }, 30_000);

  afterAll(async () => {
    await fn?.stop();
    await daemon?.close();
  });

  it('keeps a healthy window stable, with no per-feature data-quality metrics', () => {
    const { emf, log } = windows.healthy!;
    expect(validateEmf(emf)).toEqual([]);
    expect(emf[DATA_QUALITY_METRIC.DataQualityBroken]).toBe(0);
    expect(Object.keys(emf).filter((k) => k.startsWith('MissingRate.'))).toEqual([]);
    expect(log).toMatchObject({ message: 'drift: stable', drift_status: 'stable' });
  });

  it('names a window of nulls data_quality_broken, never stable, with a high DriftScore', async () => {
    const { emf, log, traceId } = windows.nulls!;
    expect(validateEmf(emf)).toEqual([]);
    expect(emf['MissingRate.amount']).toBe(1);
    expect(emf[DATA_QUALITY_METRIC.DataQualityBroken]).toBe(1);
    expect(emf[METRIC.DriftScore]).toBeGreaterThan(0.25);
    expect(log).toMatchObject({
      message: 'drift: data_quality_broken: amount',
      drift_status: 'data_quality_broken',
      data_quality_broken: ['amount'],
    });
    expect(await driftEvent(traceId)).toMatchObject({
      'inference.drift.status': 'data_quality_broken',
      'inference.drift.data_quality_broken': 'amount',
    });
  });

  it('counts strings in a numeric feature as type mismatches and breaks the window', () => {
    const { emf, log } = windows.strings!;
    expect(validateEmf(emf)).toEqual([]);
    expect(emf['TypeMismatches.amount']).toBe(WINDOW);
    expect(emf['MissingRate.amount']).toBeUndefined();
    expect(log).toMatchObject({
      drift_status: 'data_quality_broken',
      data_quality_broken: ['amount'],
    });
  });

  it('counts categories the baseline never saw', () => {
    const { emf, log } = windows.unseen!;
    expect(validateEmf(emf)).toEqual([]);
    expect(emf['UnseenCategories.country']).toBe(20);
    expect(log).toMatchObject({ data_quality: { country: { unseen_categories: 20 } } });
    expect(log.drift_status).not.toBe('data_quality_broken');
  });
});
