import type { Span } from '@opentelemetry/api';
import type { ResolvedConfig } from '../config.js';
import { ENV } from '../contract/environment.js';
import type { Invocation } from '../invocation.js';
import type { LogWriter } from '../logs/logger.js';
import {
  DATA_QUALITY_LOG_KEY,
  DATA_QUALITY_METRIC,
  DATA_QUALITY_METRIC_UNIT,
  DRIFT_EVENT,
  DRIFT_LOG_KEY,
  DRIFT_STATUS,
  dataQualityMetricName,
  driftMetricName,
  METRIC,
  METRIC_UNIT,
} from '../telemetry.js';
import type { ObserveOptions, Prediction } from '../types.js';
import type { Baseline } from './baseline.js';
import {
  DriftMonitor,
  defaultFeatureRows,
  loadBaselineFile,
  loadBaselineFromS3,
  TOO_SMALL,
} from './monitor.js';
import { parseBaseline } from './parse.js';
import { baselineSource } from './source.js';
import { DEFAULT_WINDOW, type DriftReport } from './window.js';

/** What observe() needs from drift: count an invocation, and report a closed window into it. */
export interface DriftHook {
  record(
    invocation: Invocation,
    input: unknown,
    event: unknown,
    predictions: readonly Prediction[],
  ): void;
  /** The baseline's label categories, once the baseline is loaded (and has labels). */
  readonly labels: readonly string[] | undefined;
}

/**
 * Drift for one observe() call, if a baseline is configured (option or
 * `OBSERVED_BASELINE`). A file is read at init; an S3 object is fetched in the
 * background and drift starts when it arrives. A bad baseline is an ERROR
 * line naming it, and drift stays off.
 */
export function createDriftHook(
  config: ResolvedConfig,
  options: ObserveOptions<never, never>,
  log: LogWriter,
): DriftHook | undefined {
  const source = baselineSource(config, options);
  if (source === undefined) return undefined;
  const variable = options.baseline !== undefined ? 'baseline' : ENV.Baseline;
  let monitor: DriftMonitor | undefined;
  let labels: readonly string[] | undefined;
  const fail = (error: unknown) =>
    log.write(
      'error',
      `observed-inference: drift baseline unusable, drift scores are off: ${(error as Error).message}`,
      {},
    );
  const use = (baseline: Baseline) => {
    labels = baseline.labels?.categories;
    const size = options.drift?.window?.size ?? config.driftWindow;
    // A window smaller than the default minimum would never be judged: the minimum follows it.
    const minSize = Math.min(
      options.drift?.window?.minSize ?? DEFAULT_WINDOW.minSize,
      size ?? Infinity,
    );
    monitor = new DriftMonitor(baseline, {
      ...options.drift?.window,
      ...(size ? { size } : {}),
      minSize,
    });
  };
  try {
    // An object is as untrusted as a file: it may come from anywhere at runtime.
    if (typeof source !== 'string') use(parseBaseline(source));
    else if (source.startsWith('s3://')) loadBaselineFromS3(source, variable).then(use, fail);
    else use(loadBaselineFile(source, process.env.LAMBDA_TASK_ROOT, variable));
  } catch (error) {
    fail(error);
  }
  const rowsOf =
    (options.drift?.features as
      | ((input: unknown, event: unknown) => readonly unknown[])
      | undefined) ?? defaultFeatureRows;
  return {
    get labels() {
      return labels;
    },
    record(invocation, input, event, predictions) {
      if (!monitor || predictions.length === 0) return;
      const result = monitor.record(rowsOf(input, event), predictions, Date.now());
      if (result === TOO_SMALL)
        log.write(
          'debug',
          'drift window closed with too few predictions to judge; no DriftScore',
          {},
        );
      else if (result) report(invocation, result, log);
    },
  };
}

function report(invocation: Invocation, r: DriftReport, log: LogWriter): void {
  invocation.addMetric(METRIC.DriftScore, METRIC_UNIT.DriftScore, r.score);
  invocation.addMetric(METRIC.DriftWindowSize, METRIC_UNIT.DriftWindowSize, r.windowSize);
  for (const name of r.ranked)
    invocation.addMetric(driftMetricName(name), METRIC_UNIT.DriftScore, r.scores[name]!);
  invocation.addMetric(
    DATA_QUALITY_METRIC.DataQualityBroken,
    DATA_QUALITY_METRIC_UNIT.DataQualityBroken,
    r.broken.length > 0 ? 1 : 0,
  );
  const logged = addQualityMetrics(invocation, r);
  addSpanEvent(invocation.span, r);
  log.write('info', message(r), {
    [DRIFT_LOG_KEY.Score]: r.score,
    [DRIFT_LOG_KEY.WindowSize]: r.windowSize,
    [DRIFT_LOG_KEY.Scores]: r.scores,
    [DRIFT_LOG_KEY.Moved]: r.moved,
    [DATA_QUALITY_LOG_KEY.Status]: r.status,
    [DATA_QUALITY_LOG_KEY.Broken]: r.broken,
    [DATA_QUALITY_LOG_KEY.Features]: logged,
  });
}

function message(r: DriftReport): string {
  if (r.status === DRIFT_STATUS.DataQualityBroken)
    return `drift: ${DRIFT_STATUS.DataQualityBroken}: ${r.broken.join(', ')}`;
  return r.status === DRIFT_STATUS.Moved ? `drift: ${r.moved.join(', ')} moved` : 'drift: stable';
}

/**
 * The non-zero data-quality values as metrics (a healthy window adds none:
 * 30 features × 4 metrics would push every closing record past EMF's 100),
 * and the same values for the log line.
 */
function addQualityMetrics(
  invocation: Invocation,
  r: DriftReport,
): Record<string, Record<string, number>> {
  const logged: Record<string, Record<string, number>> = {};
  for (const [feature, q] of Object.entries(r.quality)) {
    const values = [
      [DATA_QUALITY_METRIC.MissingRate, 'missing_rate', q.missingRate],
      [DATA_QUALITY_METRIC.TypeMismatches, 'type_mismatches', q.typeMismatches],
      [DATA_QUALITY_METRIC.OutOfRange, 'out_of_range', q.outOfRange],
      [DATA_QUALITY_METRIC.UnseenCategories, 'unseen_categories', q.unseenCategories],
    ] as const;
    for (const [metric, key, value] of values) {
      if (value === 0) continue;
      invocation.addMetric(
        dataQualityMetricName(metric, feature),
        DATA_QUALITY_METRIC_UNIT[metric],
        value,
      );
      logged[feature] = { ...logged[feature], [key]: value };
    }
  }
  return logged;
}

function addSpanEvent(span: Span, r: DriftReport): void {
  span.addEvent(DRIFT_EVENT.Name, {
    [DRIFT_EVENT.Score]: r.score,
    [DRIFT_EVENT.WindowSize]: r.windowSize,
    [DRIFT_EVENT.Moved]: r.moved.join(','),
    [DRIFT_EVENT.Status]: r.status,
    ...(r.broken.length > 0 ? { [DRIFT_EVENT.Broken]: r.broken.join(',') } : {}),
  });
}
