import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ALARM_BUILDERS } from './alarmBuilders.js';
import { InvalidPropError } from './errors.js';
import { InferenceMetrics } from './metrics.js';
import type { InferenceTarget, ResolvedObjective } from './target.js';
import { checkInteger } from './validate.js';

/** The alarms of one model, by kind. */
export const ALARM_KIND = {
  LatencyP99: 'latencyP99',
  ErrorRate: 'errorRate',
  Timeouts: 'timeouts',
  Throttles: 'throttles',
  ModelReloads: 'modelReloads',
  Confidence: 'confidence',
  Drift: 'drift',
  Accuracy: 'accuracy',
  AbstentionRate: 'abstentionRate',
  InvalidInputRate: 'invalidInputRate',
  TelemetryErrorRate: 'telemetryErrorRate',
  SilentModel: 'silentModel',
  LatencyAnomaly: 'latencyAnomaly',
  ModelCallThrottles: 'modelCallThrottles',
  TimeToFirstTokenP99: 'timeToFirstTokenP99',
  PredictionVolume: 'predictionVolume',
  DataQuality: 'dataQuality',
} as const;
export type AlarmKind = (typeof ALARM_KIND)[keyof typeof ALARM_KIND];

/**
 * How one alarm is evaluated, each field replacing the alarm kind's default.
 *
 * @example
 * const override: AlarmOverride = { evaluationPeriods: 5, datapointsToAlarm: 3 };
 */
export interface AlarmOverride {
  /**
   * The threshold of the `timeouts`, `throttles`, `modelReloads` and `modelCallThrottles` alarms
   * (counts per period, a whole number ≥ 0). The other kinds take theirs from
   * a prop of their own that the dashboard draws too (`objective`,
   * `driftThreshold`, `accuracyFloor`, `confidenceStdDevs`).
   * @default 0
   */
  readonly threshold?: number;
  /**
   * Periods the alarm looks at.
   * @default - 3 for latency, error rate, reloads, confidence and accuracy (see `evaluationPeriods`), else 1
   */
  readonly evaluationPeriods?: number;
  /**
   * Breaching periods among them that fire it, at most `evaluationPeriods`.
   * @default - 2 for latency, error rate and accuracy (see `datapointsToAlarm`), 3 for reloads and confidence, else 1
   */
  readonly datapointsToAlarm?: number;
  /**
   * What a period without data counts as.
   * @default - `notBreaching`, but `ignore` for confidence and drift
   */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}

/**
 * Per-alarm overrides, by alarm kind.
 *
 * @example
 * const overrides: AlarmOverrides = { timeouts: { threshold: 2 }, drift: { treatMissingData: TreatMissingData.NOT_BREACHING } };
 */
export type AlarmOverrides = { readonly [K in AlarmKind]?: AlarmOverride };

/** An alarm's evaluation with defaults and overrides resolved. */
export interface AlarmEvaluation {
  /** Unused by the anomaly-band alarm. */
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
}

/** Thresholds and evaluation settings shared by every model of one `InferenceAlarms`. */
export interface AlarmSettings {
  readonly objective: ResolvedObjective;
  readonly driftThreshold: number;
  readonly confidenceStdDevs: number;
  readonly loadsPerColdStart: number;
  /** Accuracy below which the accuracy alarm fires; none: no accuracy alarm. */
  readonly accuracyFloor?: number;
  /** Outcomes a period needs before its accuracy counts. */
  readonly accuracyMinOutcomes: number;
  /** Abstentions / Predictions above which the abstention alarm fires; none: no alarm. */
  readonly abstentionRateCeiling?: number;
  /** InvalidInputs / invocations above which the invalid-input alarm fires; none: no alarm. */
  readonly invalidInputRateCeiling?: number;
  /** TelemetryErrors / invocations above which the telemetry alarm fires; none: no alarm. */
  readonly telemetryErrorRateCeiling?: number;
  /** Predictions a period below which the model counts as silent; none: no alarm. */
  readonly predictionFloor?: number;
  /** Width of the p99 latency anomaly band; none: no band alarm. */
  readonly latencyAnomalyStdDevs?: number;
  /** p99 `TimeToFirstToken` above which the time to first token alarm fires (models with `modelCalls`). */
  readonly timeToFirstTokenP99: Duration;
  /** Width of the prediction-volume anomaly band; none: no band alarm. */
  readonly predictionVolumeStdDevs?: number;
  /** Whether to alarm when a drift window's data quality broke. */
  readonly dataQualityAlarm: boolean;
  readonly period: Duration;
  /** Latency, error rate and accuracy: breaching in `datapointsToAlarm` of the last `evaluationPeriods`. */
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** What one alarm is: everything but its name and actions. */
export interface AlarmSpec extends AlarmEvaluation {
  readonly kind: AlarmKind;
  /** Short, for the alarm name: `p99 latency > 250 ms`. */
  readonly title: string;
  /** What it means and what to look at first. */
  readonly description: string;
  readonly metric: cloudwatch.IMetric;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  /** Set for the anomaly-detection alarm: the band's width. */
  readonly anomalyStdDevs?: number;
}

const MISSING_DATA: readonly string[] = Object.values(cloudwatch.TreatMissingData);

/**
 * Every kind's evaluation: its defaults under the shared settings, then the
 * user's overrides, checked (each error names `alarmOverrides.<kind>.<field>`).
 *
 * @example
 * const evaluations = resolveEvaluations(settings, { timeouts: { threshold: 2 } });
 */
export function resolveEvaluations(
  settings: AlarmSettings,
  overrides: AlarmOverrides = {},
): Readonly<Record<AlarmKind, AlarmEvaluation>> {
  const kinds: readonly string[] = Object.values(ALARM_KIND);
  for (const kind of Object.keys(overrides))
    if (!kinds.includes(kind))
      throw new InvalidPropError('alarmOverrides', `'${kind}' is not one of ${kinds.join(', ')}`);
  const resolve = (kind: AlarmKind): AlarmEvaluation => {
    const builder = ALARM_BUILDERS[kind];
    const override = overrides[kind] ?? {};
    const at = (field: keyof AlarmOverride) => `alarmOverrides.${kind}.${field}`;
    if (override.threshold !== undefined) {
      if (builder.thresholdFrom)
        throw new InvalidPropError(at('threshold'), `is set by ${builder.thresholdFrom}`);
      checkInteger(at('threshold'), override.threshold, 0);
    }
    const evaluation = { ...builder.defaults(settings), ...definedFields(override) };
    checkInteger(at('evaluationPeriods'), evaluation.evaluationPeriods, 1);
    checkInteger(at('datapointsToAlarm'), evaluation.datapointsToAlarm, 1);
    if (evaluation.datapointsToAlarm > evaluation.evaluationPeriods)
      throw new InvalidPropError(
        at('datapointsToAlarm'),
        `must not exceed evaluationPeriods (${evaluation.evaluationPeriods}), got ${evaluation.datapointsToAlarm}`,
      );
    if (!MISSING_DATA.includes(evaluation.treatMissingData))
      throw new InvalidPropError(
        at('treatMissingData'),
        `'${evaluation.treatMissingData}' is not one of ${MISSING_DATA.join(', ')}`,
      );
    return evaluation;
  };
  const entries = Object.values(ALARM_KIND).map((kind) => [kind, resolve(kind)] as const);
  return Object.fromEntries(entries) as Record<AlarmKind, AlarmEvaluation>;
}

/** The fields of an override that are set: `{ threshold: undefined }` keeps the default. */
function definedFields(override: AlarmOverride): Partial<AlarmEvaluation> {
  return Object.fromEntries(Object.entries(override).filter(([, value]) => value !== undefined));
}

/**
 * The alarm specs of one model: one per kind that applies to it (throttles
 * need its function, accuracy an `accuracyFloor`), built by that kind's
 * builder with its resolved evaluation.
 *
 * @example
 * const specs = modelAlarmSpecs(target, settings, resolveEvaluations(settings));
 */
export function modelAlarmSpecs(
  target: InferenceTarget,
  settings: AlarmSettings,
  evaluations: Readonly<Record<AlarmKind, AlarmEvaluation>>,
): AlarmSpec[] {
  const metrics = new InferenceMetrics(target);
  const specs: AlarmSpec[] = [];
  for (const kind of Object.values(ALARM_KIND)) {
    const evaluation = evaluations[kind];
    const shape = ALARM_BUILDERS[kind].build({ metrics, target, settings, evaluation });
    if (shape) specs.push({ kind, ...evaluation, ...shape });
  }
  return specs;
}
