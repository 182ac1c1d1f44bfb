import { InvalidPropError } from './errors.js';
import type { InferenceAlarmsProps } from './InferenceAlarms.js';

/**
 * The `InferenceAlarms` props an `ObservedInferenceFunction` takes as they
 * are: every one that is not the function's own already (`objective`,
 * `drift.threshold`, `accuracyFloor`, `alarmOverrides`, `alarmTopic`) and
 * makes sense for one model (`models`, `modelsPerStack` do not; `period`
 * would read as the function's).
 */
export const FUNCTION_ALARM_PROPS = [
  'confidenceStdDevs',
  'loadsPerColdStart',
  'accuracyMinOutcomes',
  'abstentionRateCeiling',
  'invalidInputRateCeiling',
  'telemetryErrorRateCeiling',
  'predictionFloor',
  'latencyAnomalyStdDevs',
  'predictionVolumeStdDevs',
  'dataQualityAlarm',
  'evaluationPeriods',
  'datapointsToAlarm',
  'exclude',
  'notifyEachAlarm',
  'alarmNamePrefix',
] as const satisfies readonly (keyof InferenceAlarmsProps)[];

/**
 * The alarm props of {@link FUNCTION_ALARM_PROPS}, documented where
 * `InferenceAlarms` declares them.
 *
 * @example
 * const props: FunctionAlarmProps = { predictionFloor: 10, abstentionRateCeiling: 0.05 };
 */
export type FunctionAlarmProps = Pick<InferenceAlarmsProps, (typeof FUNCTION_ALARM_PROPS)[number]>;

/**
 * Split a function's props into its alarm props and the rest; refuse alarm
 * props with `createAlarms: false`, where nothing would read them.
 *
 * @example
 * const { alarmProps, rest } = splitAlarmProps(props, true);
 */
export function splitAlarmProps<T extends FunctionAlarmProps>(
  props: T,
  createAlarms: boolean,
): { alarmProps: FunctionAlarmProps; rest: Omit<T, keyof FunctionAlarmProps> } {
  const alarmProps: Record<string, unknown> = {};
  const rest: Record<string, unknown> = { ...props };
  for (const key of FUNCTION_ALARM_PROPS) {
    if (!(key in rest)) continue;
    if (rest[key] !== undefined) {
      if (!createAlarms)
        throw new InvalidPropError(
          key,
          'applies to the alarms the function creates; with createAlarms: false, give it to your InferenceAlarms',
        );
      alarmProps[key] = rest[key];
    }
    delete rest[key];
  }
  return { alarmProps, rest: rest as Omit<T, keyof FunctionAlarmProps> };
}
