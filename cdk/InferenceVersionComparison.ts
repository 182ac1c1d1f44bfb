import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { alarmName } from './alarmNames.js';
import { checkTarget, type InferenceTarget } from './target.js';
import { checkLabels, checkPositive } from './validate.js';
import {
  type ResolvedVersionSettings,
  resolveVersionSettings,
  type VersionAlarmKind,
  type VersionComparisonSettings,
  versionAlarmSpecs,
  versionMetrics,
} from './versionSpecs.js';

/**
 * Props of {@link InferenceVersionComparison}.
 *
 * @example
 * const props: InferenceVersionComparisonProps = {
 *   target: fraud.target, // serving ModelVersion '2026-12-01', the candidate
 *   baseline: '2026-11-01',
 *   latencyP99Ratio: 1.5,
 * };
 */
export interface InferenceVersionComparisonProps extends VersionComparisonSettings {
  /**
   * The model: its service, namespace and name are those of both versions;
   * its `model.version` is the candidate unless `candidate` is given.
   */
  readonly target: InferenceTarget;
  /** The `ModelVersion` served before: the one the candidate must not be worse than. */
  readonly baseline: string;
  /**
   * The `ModelVersion` being rolled out.
   * @default - target.model.version
   */
  readonly candidate?: string;
  /**
   * The model's labels, whose share of predictions the dashboard compares.
   * @default - no label-mix comparison
   */
  readonly labels?: readonly string[];
  /**
   * Drawn as a line on the dashboard's drift comparison.
   * @default - no threshold line
   */
  readonly driftThreshold?: number;
  /**
   * First part of every alarm name.
   * @default - the stack name
   */
  readonly alarmNamePrefix?: string;
  /**
   * Also notified when a comparison alarm goes to ALARM.
   * @default - none: CodeDeploy acts on them (a rollback is reported by CodeDeploy)
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * Two versions of one model side by side: three "candidate worse than
 * baseline" alarms (p99 latency ratio or increase, error-rate increase,
 * mean-confidence shift), each a metric-math expression over both
 * versions' metrics, plus what a dashboard needs to graph both
 * (`InferenceDashboard.addVersionComparison()`). The alarms are meant as
 * rollback alarms of a CodeDeploy deployment of a Lambda alias; they are not
 * under any "model health" composite (a rolled-back canary is not an
 * unhealthy model), and without traffic on both versions they have no data,
 * which does not breach.
 *
 * @example
 * const comparison = new InferenceVersionComparison(this, 'Canary', {
 *   target: fraud.target,
 *   baseline: '2026-11-01',
 * });
 * new codedeploy.LambdaDeploymentGroup(this, 'Deploy', { alias, alarms: [...comparison.alarms] });
 */
export class InferenceVersionComparison extends Construct {
  /** The baseline version's target (the same service, namespace and model name). */
  readonly baseline: InferenceTarget;
  /** The candidate version's target. */
  readonly candidate: InferenceTarget;
  /** Every comparison alarm: latency, error rate, confidence. */
  readonly alarms: readonly cloudwatch.Alarm[];
  /** The checked settings (thresholds, period, evaluation). */
  readonly settings: ResolvedVersionSettings;
  /** The labels the dashboard compares. */
  readonly labels: readonly string[];
  readonly driftThreshold?: number;
  readonly #byKind = new Map<VersionAlarmKind, cloudwatch.Alarm>();

  constructor(scope: Construct, id: string, props: InferenceVersionComparisonProps) {
    super(scope, id);
    checkTarget('target', props.target);
    const candidate = props.candidate ?? props.target.model.version;
    this.settings = resolveVersionSettings('', props.baseline, candidate, props);
    checkLabels('labels', props.labels);
    if (props.driftThreshold !== undefined) checkPositive('driftThreshold', props.driftThreshold);
    this.labels = props.labels ?? [];
    this.driftThreshold = props.driftThreshold;
    this.baseline = versionMetrics(props.target, props.baseline).target;
    this.candidate = versionMetrics(props.target, candidate).target;
    const prefix = props.alarmNamePrefix ?? Stack.of(this).stackName;
    const { serviceName, model } = props.target;
    const subject = `${serviceName}/${model.name}@${candidate} vs ${props.baseline}`;
    const action = props.alarmTopic ? new actions.SnsAction(props.alarmTopic) : undefined;
    const specs = versionAlarmSpecs(props.target, props.baseline, candidate, this.settings);
    this.alarms = specs.map((spec) => {
      const alarm = new cloudwatch.Alarm(this, spec.kind[0]!.toUpperCase() + spec.kind.slice(1), {
        alarmName: alarmName(this, 'alarmNamePrefix', `${prefix}/${subject}: ${spec.title}`),
        alarmDescription: spec.description,
        metric: spec.metric,
        threshold: spec.threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: this.settings.evaluationPeriods,
        datapointsToAlarm: this.settings.datapointsToAlarm,
        // No data: one version served too little to compare, or the canary is over. Neither is a regression.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (action) alarm.addAlarmAction(action);
      this.#byKind.set(spec.kind, alarm);
      return alarm;
    });
  }

  /**
   * One comparison alarm by kind: `latencyP99`, `errorRate` or `confidence`.
   *
   * @example
   * comparison.alarm('latencyP99').alarmArn;
   */
  alarm(kind: VersionAlarmKind): cloudwatch.Alarm {
    const found = this.#byKind.get(kind);
    if (!found) throw new Error(`no ${kind} comparison alarm`);
    return found;
  }
}
