import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC, OUTCOME_METRIC } from '../lib/telemetry.js';
import type { AlarmEvaluation, AlarmKind, AlarmSettings, AlarmSpec } from './alarmSpecs.js';
import type { InferenceMetrics } from './metrics.js';
import { MODEL_CALL_ALARM_BUILDERS } from './modelCallAlarmBuilders.js';
import type { InferenceTarget } from './target.js';
import { USAGE_ALARM_BUILDERS } from './usageAlarmBuilders.js';

/** What a builder reads: the model's metrics and the kind's resolved evaluation. */
export interface AlarmContext {
  readonly metrics: InferenceMetrics;
  readonly target: InferenceTarget;
  readonly settings: AlarmSettings;
  readonly evaluation: AlarmEvaluation;
}

/** What a builder makes: the alarm but its evaluation, name and actions. */
export type AlarmShape = Pick<
  AlarmSpec,
  'title' | 'description' | 'metric' | 'comparisonOperator' | 'anomalyStdDevs'
>;

/** One alarm kind: its default evaluation and how to build it for a model. */
export interface AlarmBuilder {
  /** The evaluation unless `alarmOverrides` says otherwise. */
  readonly defaults: (settings: AlarmSettings) => AlarmEvaluation;
  /** The prop that sets this kind's threshold instead of `alarmOverrides.<kind>.threshold`. */
  readonly thresholdFrom?: string;
  /** The alarm, or undefined when it does not apply to the model. */
  readonly build: (context: AlarmContext) => AlarmShape | undefined;
}

const GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
const LT = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD;
const { NOT_BREACHING, IGNORE } = cloudwatch.TreatMissingData;

export const percent = (rate: number) => `${Number((rate * 100).toPrecision(6))}%`;

/** When the alarm fires, in words: `in the last 5 minutes`, `in 2 of 3 5-minute periods`. */
export function within({ evaluation, settings }: AlarmContext): string {
  const minutes = settings.period.toMinutes();
  const { datapointsToAlarm, evaluationPeriods } = evaluation;
  return evaluationPeriods === 1
    ? `in the last ${minutes} minutes`
    : `in ${datapointsToAlarm} of ${evaluationPeriods} ${minutes}-minute periods`;
}

/**
 * Missing data means no invocations (or, for a metric emitted only when it
 * happens, none happened): nothing is wrong, and a quiet night must not page.
 */
const once = (threshold: number): AlarmEvaluation => ({
  threshold,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: NOT_BREACHING,
});

/** Latency, error rate and accuracy: the shared `datapointsToAlarm` of `evaluationPeriods`. */
export const shared = (settings: AlarmSettings, threshold: number): AlarmEvaluation => ({
  threshold,
  evaluationPeriods: settings.evaluationPeriods,
  datapointsToAlarm: settings.datapointsToAlarm,
  treatMissingData: NOT_BREACHING,
});

/**
 * One builder per alarm kind, in the order the alarms are made. Each says
 * what fired and where to look first; the missing-data choice of each is
 * explained where it is not `notBreaching`.
 */
export const ALARM_BUILDERS: { readonly [K in AlarmKind]: AlarmBuilder } = {
  latencyP99: {
    defaults: (s) => shared(s, s.objective.latencyP99.toMilliseconds()),
    thresholdFrom: 'objective.latencyP99',
    build: (c) => ({
      title: `p99 latency > ${c.evaluation.threshold} ms`,
      description:
        `p99 of ${METRIC.InferenceLatency} (wrapper start to result) above the ${c.evaluation.threshold} ms objective ${within(c)}. ` +
        'Look first at the dashboard latency row: which stage p95 rose (preprocess, predict, postprocess), ' +
        `then the cold start row (cold start rate; ${METRIC.ColdStartDuration}, the first request's wait from library load until its model was ready; ` +
        `${METRIC.ModelLoadTime}). The "slowest invocations" Logs Insights widget ` +
        'gives xray_trace_id: open that X-Ray trace to see the slow span.',
      metric: c.metrics.metricInferenceLatency({ period: c.settings.period }),
      comparisonOperator: GT,
    }),
  },
  errorRate: {
    defaults: (s) => shared(s, s.objective.errorRate),
    thresholdFrom: 'objective.errorRate',
    build: (c) => ({
      title: `error rate > ${percent(c.evaluation.threshold)}`,
      description:
        `${METRIC.Errors} / invocations above the ${percent(c.evaluation.threshold)} error budget ${within(c)}. ` +
        'Look first at the "latest errors" Logs Insights widget: error.name and error.message, the input_hash ' +
        '(the same input failing again and again is a bad request, not a bad model) and xray_trace_id for the ' +
        'failing span. A deploy or a new ModelVersion just before the rise is the usual cause.',
      metric: c.metrics.metricErrorRate({ period: c.settings.period }),
      comparisonOperator: GT,
    }),
  },
  timeouts: {
    defaults: () => once(0),
    build: (c) => {
      const n = c.evaluation.threshold;
      return {
        title: 'timeouts',
        description:
          `${n === 0 ? 'At least one invocation' : `More than ${n} invocations`} reached the Lambda timeout ` +
          `(${METRIC.Timeouts} > ${n}) ${within(c)}. ` +
          'Look first at the "latest errors" Logs Insights widget (InvocationTimeoutError with latency_ms and the ' +
          'stages reached) and its X-Ray trace: a stage that hangs on a dependency, or a cold start with a slow ' +
          'model load. Then raise the timeout or memory, or cut the batch size.',
        metric: c.metrics.metricTimeouts({ period: c.settings.period }),
        comparisonOperator: GT,
      };
    },
  },
  throttles: {
    defaults: () => once(0),
    build: (c) =>
      c.target.function === undefined
        ? undefined
        : {
            title: 'throttles',
            description:
              `Lambda throttled invocations (AWS/Lambda Throttles > ${c.evaluation.threshold}) ${within(c)}: requests were ` +
              'rejected before the model saw them. Look first at the function ConcurrentExecutions against its ' +
              'reserved concurrency and the account limit, then at the traffic row for a spike in invocations.',
            metric: c.target.function.metricThrottles({
              period: c.settings.period,
              statistic: 'Sum',
            }),
            comparisonOperator: GT,
          },
  },
  modelReloads: {
    defaults: () => ({ ...once(0), evaluationPeriods: 3, datapointsToAlarm: 3 }),
    build: (c) => {
      const { loadsPerColdStart } = c.settings;
      const n = c.evaluation.threshold;
      return {
        title: 'model reloads',
        description:
          `${METRIC.ModelLoads} exceeded ${loadsPerColdStart} per ${METRIC.ColdStart}${n === 0 ? '' : ` by more than ${n}`} ` +
          `${within(c)}: models are loaded again in warm environments. Look first at the log lines that ` +
          'report a reload (a new version, a failed load retried on every call) and at ModelLoadTime on the ' +
          'dashboard. A proactive or provisioned-concurrency initialization also loads without a cold start, so ' +
          'only a sustained excess fires.',
        metric: c.metrics.metricModelReloads(loadsPerColdStart, { period: c.settings.period }),
        comparisonOperator: GT,
      };
    },
  },
  confidence: {
    // No predictions say nothing about their quality: the alarm keeps its state until they resume.
    defaults: () => ({
      threshold: 0,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: IGNORE,
    }),
    thresholdFrom: 'confidenceStdDevs (the width of the anomaly band)',
    build: (c) => ({
      title: 'confidence out of band',
      description:
        `Average ${METRIC.Confidence} outside its anomaly-detection band (±${c.settings.confidenceStdDevs} ` +
        `standard deviations) ${within(c)}. Look first at the model quality row: ` +
        'low-confidence rate and DriftScore (inputs changed?) and whether a new ModelVersion was deployed. ' +
        'The band learns from about two weeks of history; before that it can fire on normal variation.',
      metric: c.metrics.metricConfidence({ period: c.settings.period }),
      comparisonOperator:
        cloudwatch.ComparisonOperator.LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,
      anomalyStdDevs: c.settings.confidenceStdDevs,
    }),
  },
  drift: {
    // DriftScore is emitted only when a window closes, so most periods have none: the last verdict stands.
    defaults: (s) => ({ ...once(s.driftThreshold), treatMissingData: IGNORE }),
    thresholdFrom: 'driftThreshold (drift.threshold of ObservedInferenceFunction)',
    build: (c) => ({
      title: `drift > ${c.evaluation.threshold}`,
      description:
        `${METRIC.DriftScore} (population stability index of recent inputs against the training baseline) ` +
        `above ${c.evaluation.threshold}. Look first at which features moved (the drift log lines), then at ` +
        'confidence and the low-confidence rate: a model that sees inputs unlike its training data needs ' +
        'retraining or a new baseline.',
      metric: c.metrics.metricDriftScore({ period: c.settings.period }),
      comparisonOperator: GT,
    }),
  },
  accuracy: {
    // Ground truth arrives late and in bursts: a period without enough outcomes says nothing against the model.
    defaults: (s) => shared(s, s.accuracyFloor ?? 0),
    thresholdFrom: 'accuracyFloor',
    build: (c) => {
      if (c.settings.accuracyFloor === undefined) return undefined;
      const floor = percent(c.evaluation.threshold);
      const min = c.settings.accuracyMinOutcomes;
      return {
        title: `accuracy < ${floor}`,
        description:
          `Accuracy (Average of ${OUTCOME_METRIC.PredictionCorrect}: ground truth reported by recordOutcome()) ` +
          `below ${floor} ${within(c)}, counting only periods with at least ${min} outcomes. ` +
          'Look first at the model quality row: DriftScore and the per-feature scores (inputs moved away from ' +
          'training?), the label mix (a class the model now over- or under-predicts) and confidence; then at ' +
          'whether a new ModelVersion went out before the drop. Outcomes arrive late: the drop concerns ' +
          'predictions made up to the chargeback or review delay earlier.',
        metric: c.metrics.metricAccuracyWithMinOutcomes(min, { period: c.settings.period }),
        comparisonOperator: LT,
      };
    },
  },
  ...USAGE_ALARM_BUILDERS,
  ...MODEL_CALL_ALARM_BUILDERS,
};
