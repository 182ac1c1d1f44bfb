import { type Duration, NestedStack, Stack, Token } from 'aws-cdk-lib';
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
  checkModelsPerStack,
  checkNestedResources,
  checkStackResources,
  clip,
} from './fleetLimits.js';
import { groupForRule, type NamedAlarm, rollUp } from './healthTree.js';
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
   * Share of predictions the model abstains on (`Abstentions` / `Predictions`)
   * above which the abstention alarm fires, in (0, 1].
   * @default - no abstention alarm
   */
  readonly abstentionRateCeiling?: number;
  /**
   * Share of invocations rejected as invalid input (`InvalidInputs` /
   * invocations, as the runtime counts one per rejected invocation) above
   * which the invalid-input alarm fires, in (0, 1].
   * @default - no invalid-input alarm
   */
  readonly invalidInputRateCeiling?: number;
  /**
   * Share of invocations whose telemetry failed (`TelemetryErrors` /
   * invocations) above which the telemetry alarm fires, in (0, 1]: the other
   * alarms are blind to what was not recorded.
   * @default - no telemetry alarm
   */
  readonly telemetryErrorRateCeiling?: number;
  /**
   * Predictions a period below which the model counts as silent (traffic
   * stopped reaching it, or it stopped answering); a period with none counts too.
   * @default - no silent-model alarm
   */
  readonly predictionFloor?: number;
  /**
   * Also alarm when p99 latency rises above its anomaly-detection band of
   * this many standard deviations, beside the fixed objective: a slowdown
   * still within the objective but unlike the model's own history.
   * @default - no latency band alarm
   */
  readonly latencyAnomalyStdDevs?: number;
  /**
   * p99 of `TimeToFirstToken` (call start to a streamed answer's first
   * token) above which the time to first token alarm fires, for the models
   * whose target has `modelCalls`.
   * @default Duration.seconds(3)
   */
  readonly timeToFirstTokenP99?: Duration;
  /**
   * Also alarm when predictions a period fall below their anomaly-detection
   * band of this many standard deviations: a silent model against its own
   * daily and weekly pattern, where `predictionFloor` is one fixed number.
   * @default - no prediction-volume alarm
   */
  readonly predictionVolumeStdDevs?: number;
  /**
   * Alarm when a drift window closes with a feature's data quality broken
   * (`DataQualityBroken`: missing values or wrong types beyond the
   * baseline's; needs a drift baseline). `ObservedInferenceFunction` turns it
   * on with `drift.baseline`.
   * @default false
   */
  readonly dataQualityAlarm?: boolean;
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
   * Per-alarm evaluation: `threshold` (timeouts, throttles, model reloads, model-call throttles),
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
  /**
   * Put the alarms of every this many models in a nested stack of their own.
   * CloudFormation takes at most 500 resources a stack, and each model makes
   * about ten (its alarms and its "model health" composite): past ~45 models
   * in one stack the synth fails, naming this prop.
   * @default - every alarm in this construct's stack
   */
  readonly modelsPerStack?: number;
}

/** The alarms of one model; `throttles` only when its function is known. */
export type ModelAlarms = Readonly<Partial<Record<AlarmKind, cloudwatch.Alarm>>>;

/**
 * Prebuilt alarms for one or more models: p99 latency over the objective,
 * error rate over the budget, timeouts, Lambda throttles, model reloads,
 * confidence out of its anomaly band, drift over its threshold, accuracy
 * under its floor (when `accuracyFloor` is given). A "model health"
 * composite per model is ALARM when any of its alarms is; with several models
 * a fleet composite over theirs (through more levels when a composite rule
 * cannot name them all: 100 alarms and 10,240 characters) is the one that
 * notifies an SNS topic.
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
  /**
   * The root of the health tree, the one that notifies: the model's own
   * "model health" composite for one model, else the fleet composite.
   */
  readonly modelHealth: cloudwatch.CompositeAlarm;
  /** Every composite, root first, then any intermediate level, then one per model (several models). */
  readonly healthAlarms: readonly cloudwatch.CompositeAlarm[];
  /** The topic notified by `modelHealth`. */
  readonly topic: sns.ITopic;
  /** The models alarmed on. */
  readonly models: readonly InferenceTarget[];
  readonly #byModel = new Map<string, ModelAlarms>();
  readonly #healthByModel = new Map<string, cloudwatch.CompositeAlarm>();

  constructor(scope: Construct, id: string, props: InferenceAlarmsProps) {
    super(scope, id);
    const { settings, evaluations, exclude } = resolveAlarmSettings(props);
    const prefix = props.alarmNamePrefix ?? Stack.of(this).stackName;
    this.models = checkModels(props.models);
    const perStack = checkModelsPerStack(props.modelsPerStack);
    this.topic = props.alarmTopic ?? this.#createTopic();
    const action = new actions.SnsAction(this.topic);
    const all: cloudwatch.Alarm[] = [];
    const composites: cloudwatch.CompositeAlarm[] = [];
    const levels: cloudwatch.CompositeAlarm[] = [];
    const modelHealth: NamedAlarm[] = [];
    const single = this.models.length === 1;
    const nestedResources = new Map<number, number>();
    for (const [i, target] of this.models.entries()) {
      const parent = perStack === undefined ? this : this.#nestedStack(Math.floor(i / perStack));
      const scope = new Construct(parent, constructId(target, i));
      const byKind: Partial<Record<AlarmKind, cloudwatch.Alarm>> = {};
      const own: NamedAlarm[] = [];
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
        own.push({ alarm, name });
      }
      this.#byModel.set(targetKey(target), byKind);
      if (own.length === 0) continue;
      if (perStack !== undefined) {
        const index = Math.floor(i / perStack);
        nestedResources.set(index, (nestedResources.get(index) ?? 0) + own.length + 1);
      }
      // One model keeps its composite at the top (as before the tree), under the id it always had.
      const health = this.#modelComposite(
        single ? this : scope,
        single ? 'ModelHealth' : 'Health',
        prefix,
        target,
        own,
      );
      this.#healthByModel.set(targetKey(target), health.alarm as cloudwatch.CompositeAlarm);
      composites.push(health.alarm as cloudwatch.CompositeAlarm);
      modelHealth.push(health);
    }
    if (all.length === 0) throw new InvalidPropError('exclude', 'excludes every alarm');
    if (perStack === undefined)
      checkStackResources(all.length + composites.length, this.models.length);
    else checkNestedResources(perStack, nestedResources);
    this.alarms = all;
    const root = single
      ? modelHealth[0]!.alarm
      : this.#fleetComposites(prefix, modelHealth, levels);
    this.modelHealth = root as cloudwatch.CompositeAlarm;
    // Top down: the root, the levels under it (the last made is the highest), the models'.
    this.healthAlarms = [
      this.modelHealth,
      ...levels.reverse(),
      ...composites.filter((c) => c !== root),
    ];
    this.modelHealth.addAlarmAction(action);
    this.modelHealth.addOkAction(action);
  }

  /**
   * The "model health" composite of one model: ALARM when any of its alarms is.
   *
   * @example
   * alarms.modelHealthOf({ name: 'fraud', version: '1' });
   */
  modelHealthOf(model: InferenceModel, serviceName?: string): cloudwatch.CompositeAlarm {
    const found = this.#find(model, serviceName);
    const health = this.#healthByModel.get(targetKey(found));
    if (!health) throw new Error(`no alarms for model ${model.name}@${model.version}`);
    return health;
  }

  /**
   * The alarms of one model.
   *
   * @example
   * alarms.forModel({ name: 'fraud', version: '1' }).errorRate;
   */
  forModel(model: InferenceModel, serviceName?: string): ModelAlarms {
    return this.#byModel.get(targetKey(this.#find(model, serviceName))) ?? {};
  }

  #find(model: InferenceModel, serviceName: string | undefined): InferenceTarget {
    const found = this.models.find(
      (t) =>
        t.model.name === model.name &&
        t.model.version === model.version &&
        (serviceName === undefined || t.serviceName === serviceName),
    );
    if (!found) throw new Error(`no alarms for model ${model.name}@${model.version}`);
    return found;
  }

  #nestedStack(index: number): NestedStack {
    const id = `Models${index}`;
    const existing = this.node.tryFindChild(id);
    return existing instanceof NestedStack ? existing : new NestedStack(this, id);
  }

  #createTopic(): sns.Topic {
    const topic = new sns.Topic(this, 'Topic', {
      displayName: 'observed-inference model health',
      enforceSSL: true,
    });
    return topic;
  }

  #modelComposite(
    scope: Construct,
    id: string,
    prefix: string,
    target: InferenceTarget,
    alarms: readonly NamedAlarm[],
  ): NamedAlarm {
    // A model has a dozen alarms at most, each name ≤ 255 characters: one rule always names them.
    if (groupForRule(alarms).length > 1)
      throw new Error('a model has more alarms than one composite rule can name');
    const name = alarmName(
      this,
      'alarmNamePrefix',
      `${prefix}/${targetLabel(target)}: model health`,
    );
    const alarm = new cloudwatch.CompositeAlarm(scope, id, {
      compositeAlarmName: name,
      alarmDescription:
        `Model health of ${targetLabel(target)}: ALARM when any of its ` +
        `${alarms.length} alarms is. The notification lists the alarm that fired; its description says ` +
        'where to look first. The dashboard alarm status widget shows them all.',
      alarmRule: cloudwatch.AlarmRule.anyOf(...alarms.map((a) => a.alarm)),
    });
    return { alarm, name };
  }

  /**
   * The fleet composite over the models' composites, with levels between when
   * one rule cannot name them all; intermediate composites land in `levels`.
   */
  #fleetComposites(
    prefix: string,
    models: readonly NamedAlarm[],
    levels: cloudwatch.CompositeAlarm[],
  ): cloudwatch.IAlarm {
    const n = this.models.length;
    const root = rollUp(models, (children, { level, index, root }) => {
      const subject = root
        ? `${this.node.id} (${n} models)`
        : `${this.node.id} (level ${level + 1} group ${index + 1})`;
      const name = alarmName(this, 'alarmNamePrefix', `${prefix}/${subject}: model health`);
      const alarm = new cloudwatch.CompositeAlarm(
        this,
        root ? 'ModelHealth' : `ModelHealthL${level + 1}G${index + 1}`,
        {
          compositeAlarmName: name,
          alarmDescription: clip(
            `Health of ${root ? n : children.length} ${root ? 'models' : 'model composites'}: ALARM when any "model health" composite under it is. ` +
              'The notification names the composite that fired; open it for the model and the alarm behind it, ' +
              `whose description says where to look first. Under it: ${children.map((c) => c.name).join(', ')}`,
          ),
          alarmRule: cloudwatch.AlarmRule.anyOf(...children.map((c) => c.alarm)),
        },
      );
      if (!root) levels.push(alarm);
      return { alarm, name };
    });
    return root.alarm;
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
