import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { InferenceAlarms, InvalidPropError } from '../../cdk/index.js';
import { renderString } from '../support/templateMetrics.js';
import { resourcesOf, templateOf, testApp } from './support.js';

type Props = Record<string, unknown>;
const target = { model: { name: 'm', version: '1' }, serviceName: 's' };

function synth(props: Props = {}) {
  const stack = new Stack(testApp(), 'Usage');
  const alarms = new InferenceAlarms(stack, 'A', { models: [target], ...props });
  const template = templateOf(stack);
  const all = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map(
    (r) => r.Properties,
  );
  const byTitle = (title: string) => {
    const found = all.find((a) => a.AlarmName === `Usage/s/m@1: ${title}`);
    if (!found) throw new Error(`no alarm ${title}: ${all.map((a) => a.AlarmName).join(', ')}`);
    return found;
  };
  const expressions = (a: Props) =>
    ((a.Metrics as { Expression?: string }[] | undefined) ?? [])
      .map((m) => m.Expression)
      .filter(Boolean);
  const composite = Object.values(resourcesOf(template, 'AWS::CloudWatch::CompositeAlarm'))[0];
  return {
    stack,
    alarms,
    all,
    byTitle,
    expressions,
    rule: renderString(composite?.Properties.AlarmRule as never),
  };
}

describe('opt-in usage alarms', () => {
  it('makes none of them unless asked', () => {
    const names = synth().all.map((a) => String(a.AlarmName));
    expect(
      names.filter((n) =>
        /abstention|invalid|telemetry|predictions <|above band|below band|data quality/.test(n),
      ),
    ).toEqual([]);
  });

  const on = synth({
    abstentionRateCeiling: 0.1,
    invalidInputRateCeiling: 0.05,
    telemetryErrorRateCeiling: 0.01,
    predictionFloor: 10,
    latencyAnomalyStdDevs: 3,
    predictionVolumeStdDevs: 4,
    dataQualityAlarm: true,
  });

  it('alarms on Abstentions / Predictions over the ceiling, quiet periods not breaching', () => {
    const a = on.byTitle('abstention rate > 10%');
    expect(a).toMatchObject({
      Threshold: 0.1,
      TreatMissingData: 'notBreaching',
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(on.expressions(a).join()).toMatch(/abstentions.*\/.*predictions/);
    expect(a.AlarmDescription).toMatch(/Look first at/);
  });

  it('alarms on InvalidInputs and TelemetryErrors per invocation, a period without them a rate of 0', () => {
    for (const [title, threshold] of [
      ['invalid-input rate > 5%', 0.05],
      ['telemetry error rate > 1%', 0.01],
    ] as const) {
      const a = on.byTitle(title);
      expect(a).toMatchObject({ Threshold: threshold, TreatMissingData: 'notBreaching' });
      expect(on.expressions(a)).toContain('FILL(n, 0) / invocations');
    }
  });

  it('alarms on a silent model: predictions under the floor, no data breaching', () => {
    expect(on.byTitle('predictions < 10')).toMatchObject({
      Threshold: 10,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
  });

  it('alarms on p99 latency above its anomaly band beside the fixed objective', () => {
    const a = on.byTitle('p99 latency above band');
    expect(a.ComparisonOperator).toBe('GreaterThanUpperThreshold');
    expect(on.expressions(a).join()).toMatch(/ANOMALY_DETECTION_BAND\(m\d+, 3\)/);
    expect(on.byTitle('p99 latency > 250 ms')).toBeDefined();
  });

  it('alarms on predictions below their anomaly band, learnt with quiet periods as 0', () => {
    const a = on.byTitle('predictions below band');
    expect(a).toMatchObject({
      ComparisonOperator: 'LessThanLowerThreshold',
      TreatMissingData: 'notBreaching',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
    const expressions = on.expressions(a).join(' ');
    expect(expressions).toMatch(/ANOMALY_DETECTION_BAND\(\w+, 4\)/);
    expect(expressions).toContain('FILL(predictions, 0)');
    expect(a.AlarmDescription).toMatch(/Look first at/);
  });

  it('alarms when a drift window closes with its data quality broken, keeping the last verdict', () => {
    const a = on.byTitle('data quality broken');
    expect(JSON.stringify(a.Metrics)).toMatch(/"MetricName":"DataQualityBroken".*"Stat":"Maximum"/);
    expect(a).toMatchObject({
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'ignore',
    });
    expect(a.AlarmDescription).toMatch(
      /data_quality_broken.*Look first|Look first.*data_quality_broken/s,
    );
  });

  it('puts every one under the model health composite', () => {
    const kinds = [
      'abstentionRate',
      'invalidInputRate',
      'telemetryErrorRate',
      'silentModel',
      'latencyAnomaly',
      'predictionVolume',
      'dataQuality',
    ] as const;
    const own = on.alarms.forModel(target.model);
    for (const kind of kinds) {
      const id = on.stack.resolve(on.stack.getLogicalId(own[kind]!.node.defaultChild as never));
      expect(on.rule).toContain(`ALARM("{{GetAtt:${id}.Arn}}")`);
    }
  });

  it('names the prop of a bad ceiling and of an override of an alarm not asked for', () => {
    expect(() => synth({ abstentionRateCeiling: 1.5 })).toThrow(/abstentionRateCeiling/);
    expect(() => synth({ predictionFloor: 0 })).toThrow(InvalidPropError);
    expect(() => synth({ alarmOverrides: { silentModel: { evaluationPeriods: 5 } } })).toThrow(
      /alarmOverrides.silentModel.*predictionFloor/,
    );
    expect(() => synth({ predictionVolumeStdDevs: -1 })).toThrow(/predictionVolumeStdDevs/);
    expect(() => synth({ alarmOverrides: { dataQuality: { evaluationPeriods: 2 } } })).toThrow(
      /alarmOverrides.dataQuality.*dataQualityAlarm/,
    );
  });
});
