import { type Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { alarmName } from './alarmNames.js';
import { resolveAlarmSettings } from './alarmSettings.js';
import {
  type AlarmKind,
  type AlarmOverrides,
  type AlarmSpec,
  modelAlarmSpecs,
} from './alarmSpecs.js';
import { InvalidPropError } from './errors.js';
import {
  checkTarget,
  type InferenceModel,
  type InferenceObjective,
  type InferenceTarget,
  targetKey,
  targetLabel,
} from './target.js';

/**
 * Props of {@link InferenceAlarms}. Thresholds are shared by every model of
 * one instance; make several instances for different objectives.
 *
 * @example
 * const props: InferenceAlarmsProps = {
 *   models: [fraud.target, churn.target],
 *   objective: { latencyP99: Duration.millis(300) },
 * };
 */
export interface InferenceAlarmsProps {
  /** The models to alarm on (at least one), each with its own set of alarms. */
  readonly models: readonly InferenceTarget[];
  /**
   * The objective: p99 latency and error-rate budget.
   * @default { latencyP99: Duration.millis(250), errorRate: 0.01 }
   */
  readonly objective?: InferenceObjective;
  /**
   * `DriftScore` above which the drift alarm fires.
   * @default 0.25
   */
  readonly driftThreshold?: number;
  /**
   * Width of the confidence anomaly band in standard deviations.
   * @default 2
   */
  readonly confidenceStdDevs?: number;
  /**
   * Accuracy (`PredictionCorrect` from `recordOutcome()`) below which the
   * accuracy alarm fires, in (0, 1]. There is no default: a good floor depends
   * on the model and its base rates.
   * @default - no accuracy alarm
   */
  readonly accuracyFloor?: number;
  /**
   * Outcomes a period needs before its accuracy is judged (fewer: no data point).
   * @default 30
   */
  readonly accuracyMinOutcomes?: number;
  /**
   * Model loads expected per cold start (a function that loads a tokenizer and a
   * model with `loadModel` makes 2); loads beyond that are reloads.
   * @default 1
   */
  readonly loadsPerColdStart?: number;
  /**
   * Period of every alarm: 10 s, 30 s or a multiple of 60 s.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
  /**
   * Latency, error-rate and accuracy alarms look at this many periods…
   * @default 3
   */
  readonly evaluationPeriods?: number;
  /**
   * …and fire when this many of them breach.
   * @default 2
   */
  readonly datapointsToAlarm?: number;
  /**
   * Per-alarm evaluation: `threshold` (timeouts, throttles, model reloads),
   * `evaluationPeriods`, `datapointsToAlarm` and `treatMissingData`, by alarm
   * kind. Each field replaces that alarm's default; the other alarms keep theirs.
   * @default - each alarm's defaults (docs/cdk.md, "What each alarm means")
   */
  readonly alarmOverrides?: AlarmOverrides;
  /**
   * Alarms not to create (e.g. `modelReloads` on provisioned concurrency, which
   * loads models without cold starts).
   * @default - none excluded
   */
  readonly exclude?: readonly AlarmKind[];
  /**
   * Where the "model health" composite alarm notifies (ALARM and OK).
   * @default - a new SNS topic (enforcing TLS), exposed as `topic`
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Also notify the topic from each alarm, not only from the composite.
   * @default false
   */
  readonly notifyEachAlarm?: boolean;
  /**
   * First part of every alarm name, so names stay unique in the account.
   * @default - the stack name
   */
  readonly alarmNamePrefix?: string;
}

/** The alarms of one model; `throttles` only when its function is known. */
export type ModelAlarms = Readonly<Partial<Record<AlarmKind, cloudwatch.Alarm>>>;

/**
 * Prebuilt alarms for one or more models: p99 latency over the objective,
 * error rate over the budget, timeouts, Lambda throttles, model reloads,
 * confidence out of its anomaly band, drift over its threshold, accuracy
 * under its floor (when `accuracyFloor` is given), and one
 * composite "model health" alarm over all of them that notifies an SNS topic.
 * Every name and description says what fired and where to look first.
 *
 * @example
 * const alarms = new InferenceAlarms(this, 'Alarms', {
 *   models: [{ model: { name: 'fraud', version: '1' }, serviceName: 'fraud-api', function: fn }],
 *   alarmTopic: pagerTopic,
 * });
 * alarms.forModel({ name: 'fraud', version: '1' }).latencyP99;
 */
export class InferenceAlarms extends Construct {
  /** Every alarm of every model (not the composite). */
  readonly alarms: readonly cloudwatch.Alarm[];
  /** ALARM when any alarm is in ALARM; the one that notifies. */
  readonly modelHealth: cloudwatch.CompositeAlarm;
  /** The topic notified by `modelHealth`. */
  readonly topic: sns.ITopic;
  /** The models alarmed on. */
  readonly models: readonly InferenceTarget[];
  readonly #byModel = new Map<string, ModelAlarms>();

  constructor(scope: Construct, id: string, props: InferenceAlarmsProps) {
    super(scope, id);
    const { settings, evaluations, exclude } = resolveAlarmSettings(props);
    const prefix = props.alarmNamePrefix ?? Stack.of(this).stackName;
    this.models = checkModels(props.models);
    this.topic = props.alarmTopic ?? this.#createTopic();
    const action = new actions.SnsAction(this.topic);
    const all: cloudwatch.Alarm[] = [];
    for (const [i, target] of this.models.entries()) {
      const scope = new Construct(this, constructId(target, i));
      const byKind: Partial<Record<AlarmKind, cloudwatch.Alarm>> = {};
      for (const spec of modelAlarmSpecs(target, settings, evaluations)) {
        if (exclude.has(spec.kind)) continue;
        const name = alarmName(
          this,
          'alarmNamePrefix',
          `${prefix}/${targetLabel(target)}: ${spec.title}`,
        );
        const alarm = createAlarm(scope, spec, name);
        if (props.notifyEachAlarm) alarm.addAlarmAction(action);
        byKind[spec.kind] = alarm;
        all.push(alarm);
      }
      this.#byModel.set(targetKey(target), byKind);
    }
    if (all.length === 0) throw new InvalidPropError('exclude', 'excludes every alarm');
    this.alarms = all;
    this.modelHealth = this.#createComposite(prefix, all);
    this.modelHealth.addAlarmAction(action);
    this.modelHealth.addOkAction(action);
  }

  /**
   * The alarms of one model.
   *
   * @example
   * alarms.forModel({ name: 'fraud', version: '1' }).errorRate;
   */
  forModel(model: InferenceModel, serviceName?: string): ModelAlarms {
    const found = this.models.find(
      (t) =>
        t.model.name === model.name &&
        t.model.version === model.version &&
        (serviceName === undefined || t.serviceName === serviceName),
    );
    if (!found) throw new Error(`no alarms for model ${model.name}@${model.version}`);
    return this.#byModel.get(targetKey(found)) ?? {};
  }

  #createTopic(): sns.Topic {
    const topic = new sns.Topic(this, 'Topic', {
      displayName: 'observed-inference model health',
      enforceSSL: true,
    });
    return topic;
  }

  #createComposite(prefix: string, alarms: readonly cloudwatch.Alarm[]): cloudwatch.CompositeAlarm {
    const [only] = this.models;
    const subject =
      this.models.length === 1 && only
        ? targetLabel(only)
        : `${this.node.id} (${this.models.length} models)`;
    return new cloudwatch.CompositeAlarm(this, 'ModelHealth', {
      compositeAlarmName: alarmName(this, 'alarmNamePrefix', `${prefix}/${subject}: model health`),
      alarmDescription:
        `Model health of ${this.models.map(targetLabel).join(', ')}: ALARM when any of its ` +
        `${alarms.length} alarms is. The notification lists the alarm that fired; its description says ` +
        'where to look first. The dashboard alarm status widget shows them all.',
      alarmRule: cloudwatch.AlarmRule.anyOf(...alarms),
    });
  }
}

function createAlarm(scope: Construct, spec: AlarmSpec, name: string): cloudwatch.Alarm {
  const common = {
    alarmName: name,
    alarmDescription: spec.description,
    metric: spec.metric,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    treatMissingData: spec.treatMissingData,
    comparisonOperator: spec.comparisonOperator,
  };
  const id = spec.kind[0]!.toUpperCase() + spec.kind.slice(1);
  if (spec.anomalyStdDevs !== undefined)
    return new cloudwatch.AnomalyDetectionAlarm(scope, id, {
      ...common,
      stdDevs: spec.anomalyStdDevs,
    });
  return new cloudwatch.Alarm(scope, id, { ...common, threshold: spec.threshold });
}

function checkModels(models: readonly InferenceTarget[] | undefined): readonly InferenceTarget[] {
  if (!models || models.length === 0)
    throw new InvalidPropError('models', 'needs at least one model');
  const seen = new Set<string>();
  models.forEach((target, i) => {
    checkTarget(`models[${i}]`, target);
    const key = targetKey(target);
    if (seen.has(key))
      throw new InvalidPropError(`models[${i}]`, `${targetLabel(target)} is listed twice`);
    seen.add(key);
  });
  return [...models];
}

/** A construct id per model that stays the same when other models are added (unless a token). */
function constructId(target: InferenceTarget, index: number): string {
  const label = targetLabel(target);
  return Token.isUnresolved(label) ? `Model${index}` : label.replace(/[^A-Za-z0-9@._-]/g, '_');
}
