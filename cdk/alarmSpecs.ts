import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC, OUTCOME_METRIC } from '../lib/telemetry.js';
import { InferenceMetrics } from './metrics.js';
import type { InferenceTarget, ResolvedObjective } from './target.js';

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
} as const;
export type AlarmKind = (typeof ALARM_KIND)[keyof typeof ALARM_KIND];

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
  readonly period: Duration;
  /** Latency and error rate: breaching in `datapointsToAlarm` of the last `evaluationPeriods`. */
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** What one alarm is: everything but its name and actions. */
export interface AlarmSpec {
  readonly kind: AlarmKind;
  /** Short, for the alarm name: `p99 latency > 250 ms`. */
  readonly title: string;
  /** What it means and what to look at first. */
  readonly description: string;
  readonly metric: cloudwatch.IMetric;
  /** Absent for the anomaly-band alarm. */
  readonly threshold?: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  /** Set for the anomaly-detection alarm: the band's width. */
  readonly anomalyStdDevs?: number;
}

const GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
const LT = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD;
const { NOT_BREACHING, IGNORE } = cloudwatch.TreatMissingData;

const percent = (rate: number) => `${Number((rate * 100).toPrecision(6))}%`;

/**
 * The alarm specs of one model. Missing data, per alarm:
 * - latency, error rate, timeouts, throttles, reloads: `notBreaching` — no data
 *   means no invocations (or, for `Timeouts`, which is only emitted on a
 *   timeout, none timed out): nothing is wrong, and a quiet night must not page.
 * - confidence band: `ignore` — no predictions says nothing about their
 *   quality; the alarm keeps its state until predictions resume.
 * - drift: `ignore` — `DriftScore` is emitted only when a window closes, so
 *   most periods have none; the last verdict stands until the next score.
 * - accuracy: `notBreaching` — ground truth arrives late and in bursts; a
 *   period without enough outcomes says nothing against the model.
 *
 * @example
 * const specs = modelAlarmSpecs(target, settings);
 */
export function modelAlarmSpecs(target: InferenceTarget, settings: AlarmSettings): AlarmSpec[] {
  const m = new InferenceMetrics(target);
  const { period, evaluationPeriods, datapointsToAlarm, objective } = settings;
  const minutes = period.toMinutes();
  const window = `${datapointsToAlarm} of ${evaluationPeriods} ${minutes}-minute periods`;
  const latencyMs = objective.latencyP99.toMilliseconds();
  const specs: AlarmSpec[] = [
    {
      kind: ALARM_KIND.LatencyP99,
      title: `p99 latency > ${latencyMs} ms`,
      description:
        `p99 of ${METRIC.InferenceLatency} (wrapper start to result) above the ${latencyMs} ms objective in ${window}. ` +
        'Look first at the dashboard latency row: which stage p95 rose (preprocess, predict, postprocess), ' +
        'then the cold start row (cold start rate, ModelLoadTime). The "slowest invocations" Logs Insights widget ' +
        'gives xray_trace_id: open that X-Ray trace to see the slow span.',
      metric: m.metricInferenceLatency({ period }),
      threshold: latencyMs,
      comparisonOperator: GT,
      evaluationPeriods,
      datapointsToAlarm,
      treatMissingData: NOT_BREACHING,
    },
    {
      kind: ALARM_KIND.ErrorRate,
      title: `error rate > ${percent(objective.errorRate)}`,
      description:
        `${METRIC.Errors} / invocations above the ${percent(objective.errorRate)} error budget in ${window}. ` +
        'Look first at the "latest errors" Logs Insights widget: error.name and error.message, the input_hash ' +
        '(the same input failing again and again is a bad request, not a bad model) and xray_trace_id for the ' +
        'failing span. A deploy or a new ModelVersion just before the rise is the usual cause.',
      metric: m.metricErrorRate({ period }),
      threshold: objective.errorRate,
      comparisonOperator: GT,
      evaluationPeriods,
      datapointsToAlarm,
      treatMissingData: NOT_BREACHING,
    },
    {
      kind: ALARM_KIND.Timeouts,
      title: 'timeouts',
      description:
        `At least one invocation reached the Lambda timeout (${METRIC.Timeouts} > 0) in the last ${minutes} minutes. ` +
        'Look first at the "latest errors" Logs Insights widget (InvocationTimeoutError with latency_ms and the ' +
        'stages reached) and its X-Ray trace: a stage that hangs on a dependency, or a cold start with a slow ' +
        'model load. Then raise the timeout or memory, or cut the batch size.',
      metric: m.metricTimeouts({ period }),
      threshold: 0,
      comparisonOperator: GT,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: NOT_BREACHING,
    },
  ];
  if (target.function) {
    specs.push({
      kind: ALARM_KIND.Throttles,
      title: 'throttles',
      description:
        `Lambda throttled invocations (AWS/Lambda Throttles > 0) in the last ${minutes} minutes: requests were ` +
        'rejected before the model saw them. Look first at the function ConcurrentExecutions against its ' +
        'reserved concurrency and the account limit, then at the traffic row for a spike in invocations.',
      metric: target.function.metricThrottles({ period, statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: GT,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: NOT_BREACHING,
    });
  }
  specs.push(
    {
      kind: ALARM_KIND.ModelReloads,
      title: 'model reloads',
      description:
        `${METRIC.ModelLoads} exceeded ${settings.loadsPerColdStart} per ${METRIC.ColdStart} in each of the last ` +
        `${3 * minutes} minutes: models are loaded again in warm environments. Look first at the log lines that ` +
        'report a reload (a new version, a failed load retried on every call) and at ModelLoadTime on the ' +
        'dashboard. A proactive or provisioned-concurrency initialization also loads without a cold start, so ' +
        'only a sustained excess fires.',
      metric: m.metricModelReloads(settings.loadsPerColdStart, { period }),
      threshold: 0,
      comparisonOperator: GT,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: NOT_BREACHING,
    },
    {
      kind: ALARM_KIND.Confidence,
      title: 'confidence out of band',
      description:
        `Average ${METRIC.Confidence} outside its anomaly-detection band (±${settings.confidenceStdDevs} ` +
        `standard deviations) in 3 of 3 ${minutes}-minute periods. Look first at the model quality row: ` +
        'low-confidence rate and DriftScore (inputs changed?) and whether a new ModelVersion was deployed. ' +
        'The band learns from about two weeks of history; before that it can fire on normal variation.',
      metric: m.metricConfidence({ period }),
      comparisonOperator:
        cloudwatch.ComparisonOperator.LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: IGNORE,
      anomalyStdDevs: settings.confidenceStdDevs,
    },
    {
      kind: ALARM_KIND.Drift,
      title: `drift > ${settings.driftThreshold}`,
      description:
        `${METRIC.DriftScore} (population stability index of recent inputs against the training baseline) ` +
        `above ${settings.driftThreshold}. Look first at which features moved (the drift log lines), then at ` +
        'confidence and the low-confidence rate: a model that sees inputs unlike its training data needs ' +
        'retraining or a new baseline.',
      metric: m.metricDriftScore({ period }),
      threshold: settings.driftThreshold,
      comparisonOperator: GT,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: IGNORE,
    },
  );
  if (settings.accuracyFloor !== undefined) specs.push(accuracySpec(m, settings, window));
  return specs;
}

function accuracySpec(m: InferenceMetrics, settings: AlarmSettings, window: string): AlarmSpec {
  const floor = settings.accuracyFloor ?? 0;
  const min = settings.accuracyMinOutcomes;
  return {
    kind: ALARM_KIND.Accuracy,
    title: `accuracy < ${percent(floor)}`,
    description:
      `Accuracy (Average of ${OUTCOME_METRIC.PredictionCorrect}: ground truth reported by recordOutcome()) ` +
      `below ${percent(floor)} in ${window}, counting only periods with at least ${min} outcomes. ` +
      'Look first at the model quality row: DriftScore and the per-feature scores (inputs moved away from ' +
      'training?), the label mix (a class the model now over- or under-predicts) and confidence; then at ' +
      'whether a new ModelVersion went out before the drop. Outcomes arrive late: the drop concerns ' +
      'predictions made up to the chargeback or review delay earlier.',
    metric: m.metricAccuracyWithMinOutcomes(min, { period: settings.period }),
    threshold: floor,
    comparisonOperator: LT,
    evaluationPeriods: settings.evaluationPeriods,
    datapointsToAlarm: settings.datapointsToAlarm,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
}
