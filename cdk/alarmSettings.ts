import {
  ALARM_KIND,
  type AlarmEvaluation,
  type AlarmKind,
  type AlarmOverrides,
  type AlarmSettings,
  resolveEvaluations,
} from './alarmSpecs.js';
import { InvalidPropError } from './errors.js';
import type { InferenceAlarmsProps } from './InferenceAlarms.js';
import { DEFAULT_PERIOD } from './metricFactory.js';
import { DEFAULTS, resolveObjective } from './target.js';
import { checkInteger, checkPositive, checkUnitInterval } from './validate.js';

/** The props of `InferenceAlarms` that shape its alarms (not which models, not where they notify). */
export type AlarmSettingsProps = Omit<
  InferenceAlarmsProps,
  'models' | 'alarmTopic' | 'notifyEachAlarm' | 'alarmNamePrefix'
>;

/** The shared settings, every kind's evaluation, and the kinds left out. */
export interface ResolvedAlarmSettings {
  readonly settings: AlarmSettings;
  readonly evaluations: Readonly<Record<AlarmKind, AlarmEvaluation>>;
  readonly exclude: ReadonlySet<AlarmKind>;
}

/**
 * Check `InferenceAlarms`' props and fill in the defaults, before any alarm is made.
 *
 * @example
 * const { settings, evaluations, exclude } = resolveAlarmSettings({ driftThreshold: 0.2 });
 */
export function resolveAlarmSettings(props: AlarmSettingsProps): ResolvedAlarmSettings {
  const period = props.period ?? DEFAULT_PERIOD;
  const seconds = period.toSeconds();
  if (!(seconds === 10 || seconds === 30 || (seconds > 0 && seconds % 60 === 0)))
    throw new InvalidPropError(
      'period',
      `must be 10 s, 30 s or a multiple of 60 s, got ${seconds} s`,
    );
  const evaluationPeriods = props.evaluationPeriods ?? 3;
  const datapointsToAlarm = props.datapointsToAlarm ?? 2;
  checkInteger('evaluationPeriods', evaluationPeriods, 1);
  checkInteger('datapointsToAlarm', datapointsToAlarm, 1);
  if (datapointsToAlarm > evaluationPeriods)
    throw new InvalidPropError(
      'datapointsToAlarm',
      `must not exceed evaluationPeriods (${evaluationPeriods}), got ${datapointsToAlarm}`,
    );
  const driftThreshold = props.driftThreshold ?? DEFAULTS.driftThreshold;
  checkPositive('driftThreshold', driftThreshold);
  const confidenceStdDevs = props.confidenceStdDevs ?? DEFAULTS.confidenceStdDevs;
  checkPositive('confidenceStdDevs', confidenceStdDevs);
  const loadsPerColdStart = props.loadsPerColdStart ?? DEFAULTS.loadsPerColdStart;
  checkInteger('loadsPerColdStart', loadsPerColdStart, 1);
  if (props.accuracyFloor !== undefined) {
    checkUnitInterval('accuracyFloor', props.accuracyFloor);
    checkPositive('accuracyFloor', props.accuracyFloor);
  }
  const accuracyMinOutcomes = props.accuracyMinOutcomes ?? 30;
  checkInteger('accuracyMinOutcomes', accuracyMinOutcomes, 1);
  for (const prop of [
    'abstentionRateCeiling',
    'invalidInputRateCeiling',
    'telemetryErrorRateCeiling',
  ] as const) {
    const value = props[prop];
    if (value === undefined) continue;
    checkUnitInterval(prop, value);
    checkPositive(prop, value);
  }
  if (props.predictionFloor !== undefined) checkPositive('predictionFloor', props.predictionFloor);
  for (const prop of ['latencyAnomalyStdDevs', 'predictionVolumeStdDevs'] as const)
    if (props[prop] !== undefined) checkPositive(prop, props[prop]);
  const timeToFirstTokenP99 = props.timeToFirstTokenP99 ?? DEFAULTS.timeToFirstTokenP99;
  checkPositive('timeToFirstTokenP99', timeToFirstTokenP99.toMilliseconds(), ' ms');
  const settings: AlarmSettings = {
    objective: resolveObjective('objective', props.objective),
    driftThreshold,
    confidenceStdDevs,
    loadsPerColdStart,
    accuracyFloor: props.accuracyFloor,
    accuracyMinOutcomes,
    abstentionRateCeiling: props.abstentionRateCeiling,
    invalidInputRateCeiling: props.invalidInputRateCeiling,
    telemetryErrorRateCeiling: props.telemetryErrorRateCeiling,
    predictionFloor: props.predictionFloor,
    latencyAnomalyStdDevs: props.latencyAnomalyStdDevs,
    timeToFirstTokenP99,
    predictionVolumeStdDevs: props.predictionVolumeStdDevs,
    dataQualityAlarm: props.dataQualityAlarm ?? false,
    period,
    evaluationPeriods,
    datapointsToAlarm,
  };
  const exclude = checkExclude(props.exclude);
  checkOverridden(props.alarmOverrides, exclude, settings);
  return { settings, evaluations: resolveEvaluations(settings, props.alarmOverrides), exclude };
}

function checkExclude(exclude: readonly AlarmKind[] = []): ReadonlySet<AlarmKind> {
  const kinds: readonly string[] = Object.values(ALARM_KIND);
  for (const kind of exclude)
    if (!kinds.includes(kind))
      throw new InvalidPropError('exclude', `'${kind}' is not one of ${kinds.join(', ')}`);
  return new Set(exclude);
}

/** The alarms that exist only when a prop of theirs is given. */
const OPT_IN: Partial<Record<AlarmKind, keyof AlarmSettings>> = {
  [ALARM_KIND.Accuracy]: 'accuracyFloor',
  [ALARM_KIND.AbstentionRate]: 'abstentionRateCeiling',
  [ALARM_KIND.InvalidInputRate]: 'invalidInputRateCeiling',
  [ALARM_KIND.TelemetryErrorRate]: 'telemetryErrorRateCeiling',
  [ALARM_KIND.SilentModel]: 'predictionFloor',
  [ALARM_KIND.LatencyAnomaly]: 'latencyAnomalyStdDevs',
  [ALARM_KIND.PredictionVolume]: 'predictionVolumeStdDevs',
};

/** An override of an alarm that will not exist is a mistake worth naming. */
function checkOverridden(
  overrides: AlarmOverrides = {},
  exclude: ReadonlySet<AlarmKind>,
  settings: AlarmSettings,
): void {
  for (const kind of Object.keys(overrides) as AlarmKind[]) {
    if (exclude.has(kind))
      throw new InvalidPropError(
        `alarmOverrides.${kind}`,
        `overrides an alarm 'exclude' leaves out`,
      );
    const enabledBy = OPT_IN[kind];
    if (kind === ALARM_KIND.DataQuality && !settings.dataQualityAlarm)
      throw new InvalidPropError(
        `alarmOverrides.${kind}`,
        'overrides the dataQuality alarm, which only exists with dataQualityAlarm: true',
      );
    if (enabledBy && settings[enabledBy] === undefined)
      throw new InvalidPropError(
        `alarmOverrides.${kind}`,
        `overrides the ${kind} alarm, which only exists with ${enabledBy}`,
      );
  }
}
