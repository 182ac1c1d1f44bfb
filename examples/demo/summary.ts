/**
 * What the demo's telemetry says, computed from what the function really
 * emitted: EMF records (statistics as CloudWatch computes them), log lines
 * and X-Ray documents.
 */
import {
  DEFAULT_NAMESPACE,
  DIMENSION,
  METRIC,
  OUTCOME_METRIC,
  PREDICTED_LABEL_PREFIX,
  stageMetricName,
} from '../../lib/telemetry.js';
import { MetricStore } from './preview/metricStore.js';

export const STAGES = ['preprocess', 'predict', 'postprocess'] as const;

export interface Percentiles {
  readonly p50: number | undefined;
  readonly p95: number | undefined;
  readonly p99: number | undefined;
}

export interface DriftWindowSummary {
  readonly score: number;
  readonly windowSize: number;
  readonly moved: readonly string[];
}

export interface DemoSummary {
  readonly invocations: number;
  readonly predictions: number;
  readonly warmups: number;
  readonly errors: number;
  readonly latency: Percentiles;
  readonly stages: Readonly<Record<string, Percentiles>>;
  readonly coldStarts: number;
  readonly coldStartDurations: readonly number[];
  readonly modelLoadTimes: readonly number[];
  readonly modelLoads: number;
  readonly confidenceAverage: number | undefined;
  readonly lowConfidence: number;
  /** `PredictedLabel.<label>` sums, by label, most predicted first. */
  readonly labels: ReadonlyArray<readonly [string, number]>;
  readonly invalidInputs: number;
  readonly abstentions: number;
  readonly drift: readonly DriftWindowSummary[];
  /** Ground truth recorded by the outcomes function. */
  readonly outcomes: number;
  /** `PredictionCorrect` Average. */
  readonly accuracy: number | undefined;
}

type Log = Record<string, unknown>;

/**
 * A statistic over every value of a metric in the whole run. Not one
 * CloudWatch period: periods are aligned to the epoch, so a run of any length
 * can straddle a boundary, and a percentile or an average of two periods is
 * not the run's.
 */
function whole(
  store: MetricStore,
  dims: Record<string, string>,
  metricName: string,
  stat: string,
): number | undefined {
  return store.statistic({ namespace: DEFAULT_NAMESPACE, metricName, dimensions: dims }, stat);
}

function percentiles(
  store: MetricStore,
  dims: Record<string, string>,
  metricName: string,
): Percentiles {
  return {
    p50: whole(store, dims, metricName, 'p50'),
    p95: whole(store, dims, metricName, 'p95'),
    p99: whole(store, dims, metricName, 'p99'),
  };
}

/** Values of one metric across records, in order. */
function valuesOf(records: readonly Record<string, unknown>[], name: string): number[] {
  return records.flatMap((r) => {
    const v = r[name];
    return typeof v === 'number' ? [v] : Array.isArray(v) ? (v as number[]) : [];
  });
}

/** Summarise a run from its EMF records and log lines, for the model's dimension set. */
export function summarise(
  records: readonly Record<string, unknown>[],
  logs: readonly Log[],
  dims: { service: string; model: string; version: string },
): DemoSummary {
  const store = MetricStore.fromEmf(records);
  const d = {
    [DIMENSION.Service]: dims.service,
    [DIMENSION.ModelName]: dims.model,
    [DIMENSION.ModelVersion]: dims.version,
  };
  const sum = (name: string) => whole(store, d, name, 'Sum') ?? 0;
  const stages: Record<string, Percentiles> = {};
  for (const s of STAGES) stages[s] = percentiles(store, d, stageMetricName(s));
  return {
    invocations: whole(store, d, METRIC.InferenceLatency, 'SampleCount') ?? 0,
    predictions: sum(METRIC.Predictions),
    warmups: sum(METRIC.WarmupPings),
    errors: sum(METRIC.Errors),
    latency: percentiles(store, d, METRIC.InferenceLatency),
    stages,
    coldStarts: sum(METRIC.ColdStart),
    coldStartDurations: valuesOf(records, METRIC.ColdStartDuration),
    modelLoadTimes: valuesOf(records, METRIC.ModelLoadTime),
    modelLoads: sum(METRIC.ModelLoads),
    confidenceAverage: whole(store, d, METRIC.Confidence, 'Average'),
    lowConfidence: sum(METRIC.LowConfidence),
    labels: labelMix(records, sum),
    invalidInputs: sum(METRIC.InvalidInputs),
    abstentions: sum(METRIC.Abstentions),
    outcomes: sum(OUTCOME_METRIC.Outcomes),
    accuracy: whole(store, d, OUTCOME_METRIC.PredictionCorrect, 'Average'),
    drift: logs
      .filter((l) => typeof l.drift_score === 'number')
      .sort((a, b) => String(a.timestamp).localeCompare(String(b.timestamp)))
      .map((l) => ({
        score: l.drift_score as number,
        windowSize: l.drift_window_size as number,
        moved: (l.drift_moved as string[]) ?? [],
      })),
  };
}

/** The label-mix metrics the run emitted, summed, most predicted first. */
function labelMix(
  records: readonly Record<string, unknown>[],
  sum: (name: string) => number,
): Array<[string, number]> {
  const prefix = `${PREDICTED_LABEL_PREFIX}.`;
  const names = new Set<string>();
  for (const r of records)
    for (const key of Object.keys(r)) if (key.startsWith(prefix)) names.add(key);
  return [...names]
    .map((name): [string, number] => [name.slice(prefix.length), sum(name)])
    .sort((a, b) => b[1] - a[1]);
}
