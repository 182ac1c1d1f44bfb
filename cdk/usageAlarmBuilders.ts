import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DATA_QUALITY_LOG_KEY, DATA_QUALITY_METRIC, METRIC } from '../lib/telemetry.js';
import { type AlarmBuilder, type AlarmContext, percent, shared, within } from './alarmBuilders.js';
import type { AlarmKind } from './alarmSpecs.js';
import type { InferenceMetrics } from './metrics.js';

/*
 * The opt-in alarms on how the model is used and answers: each exists only
 * when its prop is given, so stacks that do not ask for them are unchanged.
 */

const GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
const { NOT_BREACHING, BREACHING } = cloudwatch.TreatMissingData;

/**
 * A count per invocation. The count is FILLed with 0 (a period with
 * invocations and no such event is a rate of 0); a period without
 * invocations has no rate, and counts as not breaching: nothing ran, nothing
 * went wrong.
 */
function perInvocation(
  metrics: InferenceMetrics,
  count: cloudwatch.IMetric,
  label: string,
  period: AlarmContext['settings']['period'],
): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: 'FILL(n, 0) / invocations',
    usingMetrics: { n: count, invocations: metrics.metricInferenceCount() },
    label,
    period,
  });
}

type UsageKind = Extract<
  AlarmKind,
  | 'abstentionRate'
  | 'invalidInputRate'
  | 'telemetryErrorRate'
  | 'silentModel'
  | 'latencyAnomaly'
  | 'predictionVolume'
  | 'dataQuality'
>;

/**
 * Builders of the opt-in kinds, merged into `ALARM_BUILDERS`.
 *
 * @example
 * USAGE_ALARM_BUILDERS.silentModel.defaults(settings);
 */
export const USAGE_ALARM_BUILDERS: { readonly [K in UsageKind]: AlarmBuilder } = {
  abstentionRate: {
    // No predictions: no rate, and notBreaching (a quiet period is not abstaining).
    defaults: (s) => shared(s, s.abstentionRateCeiling ?? 0),
    thresholdFrom: 'abstentionRateCeiling',
    build: (c) =>
      c.settings.abstentionRateCeiling === undefined
        ? undefined
        : {
            title: `abstention rate > ${percent(c.evaluation.threshold)}`,
            description:
              `${METRIC.Abstentions} / ${METRIC.Predictions} above ${percent(c.evaluation.threshold)} ${within(c)}: ` +
              'the model declines to answer more often. Look first at the model quality row: confidence and ' +
              'DriftScore (inputs unlike training make a model abstain), then at a new ModelVersion or a ' +
              'changed abstention threshold.',
            metric: c.metrics.metricAbstentionRate({ period: c.settings.period }),
            comparisonOperator: GT,
          },
  },
  invalidInputRate: {
    defaults: (s) => shared(s, s.invalidInputRateCeiling ?? 0),
    thresholdFrom: 'invalidInputRateCeiling',
    build: (c) =>
      c.settings.invalidInputRateCeiling === undefined
        ? undefined
        : {
            title: `invalid-input rate > ${percent(c.evaluation.threshold)}`,
            description:
              `${METRIC.InvalidInputs} per invocation above ${percent(c.evaluation.threshold)} ${within(c)}: ` +
              'requests the model rejected before predicting. Look first at the "latest errors" Logs Insights ' +
              'widget (the validation message and input_hash: one caller sending the same bad input), then at ' +
              'a client or schema change deployed before the rise.',
            metric: perInvocation(
              c.metrics,
              c.metrics.metricInvalidInputs(),
              'invalid-input rate',
              c.settings.period,
            ),
            comparisonOperator: GT,
          },
  },
  telemetryErrorRate: {
    defaults: (s) => shared(s, s.telemetryErrorRateCeiling ?? 0),
    thresholdFrom: 'telemetryErrorRateCeiling',
    build: (c) =>
      c.settings.telemetryErrorRateCeiling === undefined
        ? undefined
        : {
            title: `telemetry error rate > ${percent(c.evaluation.threshold)}`,
            description:
              `${METRIC.TelemetryErrors} per invocation above ${percent(c.evaluation.threshold)} ${within(c)}: ` +
              'observed-inference failed to record part of what happened (the handler was not affected), so ' +
              'the other alarms see less than ran. Look first at the log lines the runtime writes once per ' +
              'failure (telemetry_error), then at the X-Ray daemon or OTLP endpoint and the log group.',
            metric: perInvocation(
              c.metrics,
              c.metrics.metricTelemetryErrors(),
              'telemetry error rate',
              c.settings.period,
            ),
            comparisonOperator: GT,
          },
  },
  silentModel: {
    // Silence is the failure: a period without Predictions breaches, so a model that stops altogether fires.
    defaults: (s) => ({
      threshold: s.predictionFloor ?? 0,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: BREACHING,
    }),
    thresholdFrom: 'predictionFloor',
    build: (c) =>
      c.settings.predictionFloor === undefined
        ? undefined
        : {
            title: `predictions < ${c.evaluation.threshold}`,
            description:
              `Fewer than ${c.evaluation.threshold} ${METRIC.Predictions} a period (none counts too) ${within(c)}: ` +
              'the model went silent. Look first at the traffic row (invocations without predictions: the ' +
              'handler fails or returns early; no invocations: the caller, its trigger or a routing change), ' +
              'then at throttles and the function state.',
            metric: c.metrics.metricPredictions({ period: c.settings.period }),
            comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          },
  },
  latencyAnomaly: {
    // A quiet period says nothing about latency: notBreaching, as the fixed-objective alarm.
    defaults: (s) => ({ ...shared(s, 0), treatMissingData: NOT_BREACHING }),
    thresholdFrom: 'latencyAnomalyStdDevs (the width of the anomaly band)',
    build: (c) =>
      c.settings.latencyAnomalyStdDevs === undefined
        ? undefined
        : {
            title: 'p99 latency above band',
            description:
              `p99 of ${METRIC.InferenceLatency} above its anomaly-detection band (${c.settings.latencyAnomalyStdDevs} ` +
              `standard deviations) ${within(c)}: slower than this model's own history, objective met or not. ` +
              'Look first at the dashboard latency row (which stage p95 rose) and the cold start row; the band ' +
              'learns from about two weeks of history and can fire on normal variation before that.',
            metric: c.metrics.metricInferenceLatency({ period: c.settings.period }),
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
            anomalyStdDevs: c.settings.latencyAnomalyStdDevs,
          },
  },
  predictionVolume: {
    // The band learns from FILL(predictions, 0): a quiet night is a low band, not missing data. A
    // window with no invocations at all is notBreaching, left to predictionFloor (whose silence breaches).
    defaults: () => ({
      threshold: 0,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: NOT_BREACHING,
    }),
    thresholdFrom: 'predictionVolumeStdDevs (the width of the anomaly band)',
    build: (c) =>
      c.settings.predictionVolumeStdDevs === undefined
        ? undefined
        : {
            title: 'predictions below band',
            description:
              `${METRIC.Predictions} a period below their anomaly-detection band (${c.settings.predictionVolumeStdDevs} ` +
              `standard deviations) ${within(c)}: the model went quiet for this time of day and week. Look first ` +
              'at the traffic row (invocations without predictions: the handler fails or returns early; fewer ' +
              'invocations: the caller, its trigger or a routing change), then at throttles. The band learns ' +
              'from about two weeks of history and can fire on normal variation before that.',
            metric: c.metrics.metricPredictionVolume({ period: c.settings.period }),
            comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_LOWER_THRESHOLD,
            anomalyStdDevs: c.settings.predictionVolumeStdDevs,
          },
  },
  dataQuality: {
    // Written only when a drift window closes, so most periods have none: the last verdict stands, as for drift.
    defaults: () => ({
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    }),
    thresholdFrom: 'dataQualityAlarm (it fires on any broken window)',
    build: (c) =>
      c.settings.dataQualityAlarm
        ? {
            title: 'data quality broken',
            description:
              `A drift window closed with ${DATA_QUALITY_METRIC.DataQualityBroken} = 1: a feature arrived missing ` +
              'or of the wrong type far more often than in the baseline, so drift and confidence say little. ' +
              `Look first at the drift log line (${DATA_QUALITY_LOG_KEY.Broken} names the features, ` +
              `${DATA_QUALITY_LOG_KEY.Features} their missing rates and type mismatches) and the dashboard's ` +
              'invalid-input rate, then at a client, schema or upstream pipeline change deployed before it.',
            metric: c.metrics.metricDataQualityBroken({ period: c.settings.period }),
            comparisonOperator: GT,
          }
        : undefined,
  },
};
