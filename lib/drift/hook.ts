import type { Span } from '@opentelemetry/api';
import type { ResolvedConfig } from '../config.js';
import { ENV } from '../contract/environment.js';
import type { Invocation } from '../invocation.js';
import type { LogWriter } from '../logs/logger.js';
import {
  DRIFT_EVENT,
  DRIFT_LOG_KEY,
  DRIFT_MOVED_PSI,
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
  const source = options.baseline ?? config.baseline;
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
  const moved = r.ranked.filter((name) => r.scores[name]! >= DRIFT_MOVED_PSI);
  addSpanEvent(invocation.span, r, moved);
  log.write('info', moved.length > 0 ? `drift: ${moved.join(', ')} moved` : 'drift: stable', {
    [DRIFT_LOG_KEY.Score]: r.score,
    [DRIFT_LOG_KEY.WindowSize]: r.windowSize,
    [DRIFT_LOG_KEY.Scores]: r.scores,
    [DRIFT_LOG_KEY.Moved]: moved,
  });
}

function addSpanEvent(span: Span, r: DriftReport, moved: readonly string[]): void {
  span.addEvent(DRIFT_EVENT.Name, {
    [DRIFT_EVENT.Score]: r.score,
    [DRIFT_EVENT.WindowSize]: r.windowSize,
    [DRIFT_EVENT.Moved]: moved.join(','),
  });
}
