import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC } from '../lib/telemetry.js';
import { type AlarmBuilder, shared, within } from './alarmBuilders.js';
import type { AlarmKind } from './alarmSpecs.js';

/*
 * The alarms of a model whose target has `modelCalls` (the function calls
 * Bedrock or SageMaker through observeModelCalls()); other models get none.
 */

const GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
const { NOT_BREACHING } = cloudwatch.TreatMissingData;

type ModelCallKind = Extract<AlarmKind, 'modelCallThrottles' | 'timeToFirstTokenP99'>;

/**
 * Builders of the model-call kinds, merged into `ALARM_BUILDERS`.
 *
 * @example
 * MODEL_CALL_ALARM_BUILDERS.timeToFirstTokenP99.defaults(settings).threshold; // 3000
 */
export const MODEL_CALL_ALARM_BUILDERS: { readonly [K in ModelCallKind]: AlarmBuilder } = {
  modelCallThrottles: {
    // A period without throttled calls emits none: notBreaching.
    defaults: () => ({
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: NOT_BREACHING,
    }),
    build: (c) => {
      if (c.target.modelCalls === undefined) return undefined;
      const n = c.evaluation.threshold;
      return {
        title: 'model call throttles',
        description:
          `${n === 0 ? 'At least one model call was' : `More than ${n} model calls were`} refused as throttled ` +
          `(${METRIC.ModelCallThrottles} > ${n}, after the SDK's own retries) ${within(c)}. ` +
          'Look first at the dashboard model-call rows: tokens by model (a longer prompt or answer spends the ' +
          "tokens-per-minute quota faster) and which calls failed (the log lines' model_calls.throttles, with " +
          'xray_trace_id). Then the Bedrock service quotas of the model in this region (requests and tokens per ' +
          'minute): ask for more, use a cross-region inference profile, or provisioned throughput.',
        metric: c.metrics.modelCalls.metricModelCallThrottles({ period: c.settings.period }),
        comparisonOperator: GT,
      };
    },
  },
  timeToFirstTokenP99: {
    // Only streamed answers have a first token: a period without any says nothing.
    defaults: (s) => shared(s, s.timeToFirstTokenP99.toMilliseconds()),
    thresholdFrom: 'timeToFirstTokenP99',
    build: (c) =>
      c.target.modelCalls === undefined
        ? undefined
        : {
            title: `p99 time to first token > ${c.evaluation.threshold} ms`,
            description:
              `p99 of ${METRIC.TimeToFirstToken} (model call start to a streamed answer's first token) above ` +
              `${c.evaluation.threshold} ms ${within(c)}: users wait before anything appears. Look first at the ` +
              'dashboard model-call rows: input tokens (longer prompts take longer to a first token), call ' +
              'latency by model (one model slower than the rest), throttles (the SDK retries them inside the ' +
              'call), then at the slow call in X-Ray (the "slowest invocations" widget gives xray_trace_id).',
            metric: c.metrics.modelCalls.metricTimeToFirstToken({ period: c.settings.period }),
            comparisonOperator: GT,
          },
  },
};
