import { Duration, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC } from '../lib/telemetry.js';
import { percent } from './alarmBuilders.js';
import { InvalidPropError } from './errors.js';
import { mathMetric } from './metricFactory.js';
import { InferenceMetrics } from './metrics.js';
import type { InferenceTarget } from './target.js';
import { checkDimensionValue, checkInteger, checkPositive, checkUnitInterval } from './validate.js';

/*
 * "Candidate worse than baseline": the alarms that compare two ModelVersions
 * of one model over the same periods, for CodeDeploy to roll a Lambda alias
 * back on. Each is one metric-math expression over both versions' metrics
 * (their ModelVersion dimension is all that differs), and says nothing (no
 * data point) unless both versions served enough invocations in the period.
 */

/** The version-comparison alarms, by kind. */
export const VERSION_ALARM_KIND = {
  LatencyP99: 'latencyP99',
  ErrorRate: 'errorRate',
  Confidence: 'confidence',
} as const;
export type VersionAlarmKind = (typeof VERSION_ALARM_KIND)[keyof typeof VERSION_ALARM_KIND];

/**
 * How much worse the candidate may be than the baseline, and how the
 * comparison is evaluated. A canary lasts minutes, so the defaults judge
 * one-minute periods.
 *
 * @example
 * const settings: VersionComparisonSettings = { latencyP99Ratio: 1.5, minInvocations: 10 };
 */
export interface VersionComparisonSettings {
  /**
   * Candidate p99 latency / baseline p99 latency above which the latency
   * alarm fires (1.25: 25 % slower). Give this or `latencyP99Increase`.
   * @default 1.25 (unless `latencyP99Increase` is given)
   */
  readonly latencyP99Ratio?: number;
  /**
   * Candidate p99 latency − baseline p99 latency above which the latency
   * alarm fires: an absolute margin instead of `latencyP99Ratio`.
   * @default - the ratio
   */
  readonly latencyP99Increase?: Duration;
  /**
   * Candidate error rate − baseline error rate above which the error alarm
   * fires, in (0, 1] (0.01: one percentage point more).
   * @default 0.01
   */
  readonly errorRateIncrease?: number;
  /**
   * |candidate mean `Confidence` − baseline mean `Confidence`| above which
   * the confidence alarm fires, in (0, 1]: a model that became less sure, or
   * suddenly surer, answers differently from the one it replaces.
   * @default 0.05
   */
  readonly confidenceShift?: number;
  /**
   * Invocations each version needs in a period before the period is compared
   * (fewer: no data point, which does not breach). At 10 % canary traffic,
   * 20 a minute needs 200 requests a minute; lower it, or lengthen `period`,
   * for less traffic.
   * @default 20
   */
  readonly minInvocations?: number;
  /**
   * Period of the comparison alarms and graphs: 10 s, 30 s or a multiple of 60 s.
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
  /**
   * Periods each alarm looks at…
   * @default 3
   */
  readonly evaluationPeriods?: number;
  /**
   * …and breaching periods among them that fire it.
   * @default 2
   */
  readonly datapointsToAlarm?: number;
}

/** Settings with defaults filled in and checked. */
export interface ResolvedVersionSettings {
  readonly latency:
    | { readonly kind: 'ratio'; readonly threshold: number }
    | { readonly kind: 'increase'; readonly threshold: number };
  readonly errorRateIncrease: number;
  readonly confidenceShift: number;
  readonly minInvocations: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** What one comparison alarm is: everything but its name. */
export interface VersionAlarmSpec {
  readonly kind: VersionAlarmKind;
  readonly title: string;
  readonly description: string;
  readonly metric: cloudwatch.MathExpression;
  readonly threshold: number;
}

/**
 * Check the two versions and the settings (each error names its prop under `at`).
 *
 * @example
 * const settings = resolveVersionSettings('deployment.comparison', '1', '2', {});
 */
export function resolveVersionSettings(
  at: string,
  baseline: string,
  candidate: string,
  s: VersionComparisonSettings,
): ResolvedVersionSettings {
  const prop = (name: string) => (at ? `${at}.${name}` : name);
  checkDimensionValue(prop('baseline'), baseline);
  checkDimensionValue(prop('candidate'), candidate);
  if (baseline === candidate)
    throw new InvalidPropError(
      prop('baseline'),
      `is the candidate version too (${JSON.stringify(baseline)}): the comparison needs two ModelVersions; bump model.version with each model change`,
    );
  if (s.latencyP99Ratio !== undefined && s.latencyP99Increase !== undefined)
    throw new InvalidPropError(prop('latencyP99Increase'), 'replaces latencyP99Ratio: give one');
  const latency =
    s.latencyP99Increase === undefined
      ? ({ kind: 'ratio', threshold: s.latencyP99Ratio ?? 1.25 } as const)
      : ({ kind: 'increase', threshold: s.latencyP99Increase.toMilliseconds() } as const);
  if (latency.kind === 'increase')
    checkPositive(prop('latencyP99Increase'), latency.threshold, ' ms');
  else if (!Token.isUnresolved(latency.threshold) && !(latency.threshold > 1))
    throw new InvalidPropError(
      prop('latencyP99Ratio'),
      `must be more than 1 (1.25: the candidate 25 % slower), got ${latency.threshold}`,
    );
  const errorRateIncrease = s.errorRateIncrease ?? 0.01;
  const confidenceShift = s.confidenceShift ?? 0.05;
  for (const [name, value] of [
    ['errorRateIncrease', errorRateIncrease],
    ['confidenceShift', confidenceShift],
  ] as const) {
    checkUnitInterval(prop(name), value);
    checkPositive(prop(name), value);
  }
  const minInvocations = s.minInvocations ?? 20;
  checkInteger(prop('minInvocations'), minInvocations, 1);
  const period = s.period ?? Duration.minutes(1);
  const seconds = period.toSeconds();
  if (!(seconds === 10 || seconds === 30 || (seconds > 0 && seconds % 60 === 0)))
    throw new InvalidPropError(
      prop('period'),
      `must be 10 s, 30 s or a multiple of 60 s, got ${seconds} s`,
    );
  const evaluationPeriods = s.evaluationPeriods ?? 3;
  const datapointsToAlarm = s.datapointsToAlarm ?? 2;
  checkInteger(prop('evaluationPeriods'), evaluationPeriods, 1);
  checkInteger(prop('datapointsToAlarm'), datapointsToAlarm, 1);
  if (datapointsToAlarm > evaluationPeriods)
    throw new InvalidPropError(
      prop('datapointsToAlarm'),
      `must not exceed evaluationPeriods (${evaluationPeriods}), got ${datapointsToAlarm}`,
    );
  return {
    latency,
    errorRateIncrease,
    confidenceShift,
    minInvocations,
    period,
    evaluationPeriods,
    datapointsToAlarm,
  };
}

/**
 * The metrics of one version of the target's model: the same service,
 * namespace and model name, that `ModelVersion`.
 *
 * @example
 * versionMetrics(fraud.target, '2026-11-01').metricInferenceLatency();
 */
export function versionMetrics(target: InferenceTarget, version: string): InferenceMetrics {
  return new InferenceMetrics({
    model: { name: target.model.name, version },
    serviceName: target.serviceName,
    namespace: target.namespace,
    function: target.function,
    logGroup: target.logGroup,
  });
}

const RUNBOOK =
  'During a CodeDeploy deployment of the alias this alarm rolls it back to the baseline. ' +
  'Look first at the dashboard "version comparison" rows (both versions side by side), then at the candidate’s ' +
  '"latest errors" and "slowest invocations" (model_version in each log line).';

/**
 * The three comparison alarms of `candidate` against `baseline`.
 *
 * @example
 * const specs = versionAlarmSpecs(target, '1', '2', resolveVersionSettings('', '1', '2', {}));
 */
export function versionAlarmSpecs(
  target: InferenceTarget,
  baseline: string,
  candidate: string,
  s: ResolvedVersionSettings,
): VersionAlarmSpec[] {
  const b = versionMetrics(target, baseline);
  const c = versionMetrics(target, candidate);
  const counts = { bn: b.metricInferenceCount(), cn: c.metricInferenceCount() };
  const gate = `bn >= ${s.minInvocations} AND cn >= ${s.minInvocations}`;
  const math = (expression: string, more: Record<string, cloudwatch.IMetric>, label: string) =>
    mathMetric(`IF(${gate}, ${expression})`, { ...counts, ...more }, label, { period: s.period });
  const seconds = s.period.toSeconds();
  const length = seconds < 60 ? `${seconds}-second` : `${seconds / 60}-minute`;
  const when =
    `in ${s.datapointsToAlarm} of ${s.evaluationPeriods} ${length} periods in which both versions ` +
    `served at least ${s.minInvocations} invocations`;
  const latencies = { bp99: b.metricInferenceLatency(), cp99: c.metricInferenceLatency() };
  const ratio = s.latency.kind === 'ratio';
  return [
    {
      kind: VERSION_ALARM_KIND.LatencyP99,
      title: ratio
        ? `p99 latency > ${s.latency.threshold}x baseline`
        : `p99 latency > baseline + ${s.latency.threshold} ms`,
      description:
        `p99 of ${METRIC.InferenceLatency} of ModelVersion ${candidate} ` +
        (ratio
          ? `above ${s.latency.threshold} times that of ${baseline} `
          : `more than ${s.latency.threshold} ms above that of ${baseline} `) +
        `${when}. Compare the stage p95s of both versions: a bigger model (predict), a new preprocessing step, ` +
        `or a slower model load on the candidate’s cold starts. ${RUNBOOK}`,
      metric: math(
        ratio ? 'cp99 / bp99' : 'cp99 - bp99',
        latencies,
        ratio
          ? `p99 latency ${candidate} / ${baseline}`
          : `p99 latency ${candidate} − ${baseline} (ms)`,
      ),
      threshold: s.latency.threshold,
    },
    {
      kind: VERSION_ALARM_KIND.ErrorRate,
      title: `error rate > baseline + ${percent(s.errorRateIncrease)}`,
      description:
        `${METRIC.Errors} / invocations of ModelVersion ${candidate} more than ${percent(s.errorRateIncrease)} ` +
        `above that of ${baseline} ${when}. Look at error.name and error.message of the candidate’s failures: ` +
        `an input the new model rejects, a missing artifact, a dependency it needs. ${RUNBOOK}`,
      metric: math(
        'FILL(ce, 0) / cn - FILL(be, 0) / bn',
        { be: b.metricInferenceErrors(), ce: c.metricInferenceErrors() },
        `error rate ${candidate} − ${baseline}`,
      ),
      threshold: s.errorRateIncrease,
    },
    {
      kind: VERSION_ALARM_KIND.Confidence,
      title: `mean confidence shifted > ${s.confidenceShift}`,
      description:
        `Average ${METRIC.Confidence} of ModelVersion ${candidate} more than ${s.confidenceShift} away from that ` +
        `of ${baseline} (either way) ${when}: on the same traffic the new model is less, or suddenly more, sure. ` +
        `Compare the label mix and the drift score of both versions (a changed calibration, a feature the ` +
        `candidate reads differently). ${RUNBOOK}`,
      metric: math(
        'ABS(cc - bc)',
        { bc: b.metricConfidence(), cc: c.metricConfidence() },
        `|mean confidence ${candidate} − ${baseline}|`,
      ),
      threshold: s.confidenceShift,
    },
  ];
}
