import { createHash } from 'node:crypto';
import {
  DEFAULT_NAMESPACE,
  DIMENSION,
  DIMENSION_SET,
  METRIC,
  METRIC_UNIT,
  OUTCOME_METRIC,
  stageMetricName,
} from '../../../lib/telemetry.js';
import type { LogRecord } from './logQuery.js';
import type { AlarmState } from './widgetModels.js';

/** Synthetic telemetry of a fraud model, shaped as the runtime emits it. */
export interface SampleTelemetry {
  readonly records: Array<Record<string, unknown>>;
  readonly logs: LogRecord[];
  readonly alarms: AlarmState[];
  /** Lambda's own `Duration` (ms) per invocation, which EMF does not carry. */
  readonly lambdaDurations: Array<{ readonly timestamp: number; readonly ms: number }>;
}

/** Options of {@link sampleTelemetry}. */
export interface SampleOptions {
  /** Epoch ms of the first invocation. */
  readonly start: number;
  /** @default 180 */
  readonly minutes?: number;
  /** @default 25 */
  readonly secondsBetweenInvocations?: number;
  /** Alarm names' prefix, as the example stack's synthesized names. */
  readonly alarmPrefix?: string;
}

/** Deterministic PRNG (mulberry32), so the sample and its tests never change. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STAGES = ['preprocess', 'predict', 'postprocess'] as const;
const DIMENSIONS = { service: 'fraud-api', ModelName: 'fraud', ModelVersion: '1' };

function emf(
  timestamp: number,
  metrics: Record<string, number | number[]>,
): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: DEFAULT_NAMESPACE,
          Dimensions: [[...DIMENSION_SET]],
          Metrics: Object.keys(metrics).map((Name) => ({
            Name,
            Unit:
              METRIC_UNIT[Name as keyof typeof METRIC_UNIT] ??
              (Name.endsWith('Duration') ? 'Milliseconds' : 'Count'),
          })),
        },
      ],
    },
    [DIMENSION.Service]: DIMENSIONS.service,
    [DIMENSION.ModelName]: DIMENSIONS.ModelName,
    [DIMENSION.ModelVersion]: DIMENSIONS.ModelVersion,
    ...metrics,
  };
}

const round = (v: number) => Math.round(v * 100) / 100;

/**
 * About 900 invocations over three hours: cold starts in three
 * environments, a batch now and then, ~2% errors, a slowdown and drifted inputs
 * in the last hour (confidence and accuracy fall, `DriftScore` rises), warmup
 * pings, and ground-truth outcomes for about a quarter of the predictions.
 *
 * @example
 * const { records, logs } = sampleTelemetry({ start: Date.parse('2026-11-26T13:00:00Z') });
 */
export function sampleTelemetry(options: SampleOptions): SampleTelemetry {
  const rand = random(42);
  const minutes = options.minutes ?? 180;
  const every = (options.secondsBetweenInvocations ?? 12) * 1000;
  const end = options.start + minutes * 60_000;
  const records: Array<Record<string, unknown>> = [];
  const logs: LogRecord[] = [];
  const lambdaDurations: Array<{ timestamp: number; ms: number }> = [];
  const coldAt = new Set([0, 190, 560].map((i) => options.start + i * every));
  let n = 0;
  for (let t = options.start; t < end; t += every, n++) {
    const late = (t - options.start) / (end - options.start) > 2 / 3;
    if (n % 80 === 17) {
      records.push(emf(t + 1, { [METRIC.WarmupPings]: 1 }));
      continue;
    }
    const cold = coldAt.has(t);
    const batch = n % 37 === 5 ? 8 : 1;
    const stages = {
      preprocess: round(1 + rand() * 2 * batch),
      predict: round((late ? 30 : 14) + rand() ** 3 * (late ? 140 : 60) + batch * 3),
      postprocess: round(0.5 + rand()),
    };
    const latency = round(stages.preprocess + stages.predict + stages.postprocess + rand() * 2);
    const failed = rand() < 0.02;
    const confidence = Array.from({ length: batch }, () =>
      round(Math.min(0.999, (late ? 0.62 : 0.8) + (rand() - 0.5) * 0.4)),
    );
    const metrics: Record<string, number | number[]> = {
      [METRIC.InferenceLatency]: latency,
      ...Object.fromEntries(STAGES.map((s) => [stageMetricName(s), stages[s]])),
      [METRIC.Predictions]: failed ? 0 : batch,
      [METRIC.BatchSize]: batch,
      [METRIC.Errors]: failed ? 1 : 0,
      [METRIC.ColdStart]: cold ? 1 : 0,
      [METRIC.TelemetryErrors]: 0,
    };
    if (!failed) {
      metrics[METRIC.Confidence] = confidence;
      metrics[METRIC.LowConfidence] = confidence.filter((c) => c < 0.5).length;
    }
    if (cold) {
      metrics[METRIC.ColdStartDuration] = round(380 + rand() * 120);
      metrics[METRIC.ModelLoadTime] = round(210 + rand() * 60);
      metrics[METRIC.ModelLoads] = 1;
    }
    if (n % 150 === 149) {
      metrics[METRIC.DriftScore] = round(late ? 0.28 + rand() * 0.1 : 0.04 + rand() * 0.05);
      metrics[METRIC.DriftWindowSize] = 150;
    }
    records.push(emf(t, metrics));
    // Ground truth for about one prediction in four, a minute later (`recordOutcome()`).
    if (!failed && rand() < 0.25) {
      const unmatched = rand() < 0.03;
      const correct = rand() < (late ? 0.78 : 0.94) ? 1 : 0;
      records.push(
        emf(t + 60_000, {
          [OUTCOME_METRIC.Outcomes]: 1,
          ...(unmatched
            ? { [OUTCOME_METRIC.OutcomesUnmatched]: 1 }
            : { [OUTCOME_METRIC.PredictionCorrect]: correct }),
        }),
      );
    }
    lambdaDurations.push({ timestamp: t, ms: round(latency + 1.5 + rand()) });
    const id = `req-${String(n).padStart(5, '0')}`;
    logs.push({
      level: failed ? 'ERROR' : 'INFO',
      message: failed ? 'inference failed' : 'inference',
      timestamp: new Date(t).toISOString(),
      service: DIMENSIONS.service,
      cold_start: cold,
      function_name: 'fraud-api',
      function_request_id: id,
      xray_trace_id: `1-${(t / 1000).toString(16).slice(0, 8)}-${String(n).padStart(24, '0')}`,
      model_name: DIMENSIONS.ModelName,
      model_version: DIMENSIONS.ModelVersion,
      latency_ms: latency,
      stages,
      batch_size: batch,
      input_hash: createHash('sha256')
        .update(`input ${n % 150}`)
        .digest('hex'),
      ...(failed
        ? { error: { name: 'ValidationError', message: `amount must be a number (request ${id})` } }
        : { prediction: confidence[0]! > 0.7 ? 'legit' : 'fraud', confidence: confidence[0] }),
    });
  }
  const prefix = options.alarmPrefix ?? 'FraudDemo/fraud-api/fraud@1: ';
  const alarms: AlarmState[] = [
    { name: `${prefix}model health`, state: 'ALARM', reason: 'drift > 0.25 is in ALARM' },
    { name: `${prefix}p99 latency > 250 ms`, state: 'OK' },
    {
      name: `${prefix}error rate > 1%`,
      state: 'OK',
      reason: 'error rate 0.9% ≤ 1% in 2 of 3 periods',
    },
    { name: `${prefix}timeouts`, state: 'OK' },
    { name: `${prefix}drift > 0.25`, state: 'ALARM', reason: 'DriftScore 0.31 > 0.25' },
    {
      name: `${prefix}confidence out of band`,
      state: 'INSUFFICIENT_DATA',
      reason: 'the band needs two weeks of history',
    },
  ];
  return { records, logs, alarms, lambdaDurations };
}
