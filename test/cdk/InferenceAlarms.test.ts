import { Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { InferenceAlarms, InvalidPropError } from '../../cdk/index.js';
import { DEFAULT_NAMESPACE, METRIC, OUTCOME_METRIC } from '../../lib/telemetry.js';
import { renderString, templateMetrics } from '../support/templateMetrics.js';
import { fullStack, resourcesOf, templateOf, testApp } from './support.js';

type AlarmProps = Record<string, unknown> & {
  AlarmName: string;
  AlarmDescription: string;
  Threshold?: number;
  ComparisonOperator: string;
  TreatMissingData: string;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
};

let full: ReturnType<typeof fullStack>;
let alarms: Record<string, AlarmProps>;

beforeAll(() => {
  full = fullStack();
  alarms = {};
  for (const [id, r] of Object.entries(
    resourcesOf(templateOf(full.stack), 'AWS::CloudWatch::Alarm'),
  ))
    alarms[id] = r.Properties as AlarmProps;
});

const byName = (name: string) => {
  const found = Object.values(alarms).find((a) => a.AlarmName === name);
  if (!found)
    throw new Error(
      `no alarm named ${name}; have ${Object.values(alarms)
        .map((a) => a.AlarmName)
        .join('\n')}`,
    );
  return found;
};
const metricNamesOf = (id: string) =>
  templateMetrics({
    Resources: { [id]: { Type: 'AWS::CloudWatch::Alarm', Properties: alarms[id] } },
  }).map((r) => `${r.namespace}/${r.metricName}:${r.stat}`);
const idOf = (name: string) =>
  Object.entries(alarms).find(([, a]) => a.AlarmName === name)?.[0] ?? '';

describe('InferenceAlarms', () => {
  it('alarms on p99 InferenceLatency above the objective, ignoring quiet periods', () => {
    const name = 'Full/fraud-api/fraud@2026-11-01: p99 latency > 300 ms';
    const a = byName(name);
    expect(a).toMatchObject({
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    expect(metricNamesOf(idOf(name))).toEqual([
      `${DEFAULT_NAMESPACE}/${METRIC.InferenceLatency}:p99`,
    ]);
    expect(a.AlarmDescription).toMatch(/Look first at/);
  });

  it('alarms on the error rate as Errors over invocations, against the budget', () => {
    const name = 'Full/fraud-api/fraud@2026-11-01: error rate > 2%';
    expect(byName(name)).toMatchObject({ Threshold: 0.02, TreatMissingData: 'notBreaching' });
    expect(metricNamesOf(idOf(name))).toEqual([
      `${DEFAULT_NAMESPACE}/${METRIC.Errors}:Sum`,
      `${DEFAULT_NAMESPACE}/${METRIC.InferenceLatency}:SampleCount`,
    ]);
    expect(JSON.stringify(byName(name).Metrics)).toContain('errors / invocations');
  });

  it('alarms on any timeout and any Lambda throttle', () => {
    const timeouts = 'Full/fraud-api/fraud@2026-11-01: timeouts';
    expect(byName(timeouts)).toMatchObject({ Threshold: 0, EvaluationPeriods: 1 });
    expect(metricNamesOf(idOf(timeouts))).toEqual([`${DEFAULT_NAMESPACE}/${METRIC.Timeouts}:Sum`]);
    const throttles = 'Full/fraud-api/fraud@2026-11-01: throttles';
    expect(byName(throttles)).toMatchObject({ Threshold: 0, EvaluationPeriods: 1 });
    expect(metricNamesOf(idOf(throttles))).toEqual(['AWS/Lambda/Throttles:Sum']);
  });

  it('alarms on model loads beyond one per cold start, sustained', () => {
    const name = 'Full/fraud-api/fraud@2026-11-01: model reloads';
    expect(byName(name)).toMatchObject({
      Threshold: 0,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
    expect(metricNamesOf(idOf(name))).toEqual([
      `${DEFAULT_NAMESPACE}/${METRIC.ModelLoads}:Sum`,
      `${DEFAULT_NAMESPACE}/${METRIC.ColdStart}:Sum`,
    ]);
  });

  it('alarms on average Confidence leaving its anomaly-detection band, keeping state without traffic', () => {
    const a = byName('Full/fraud-api/fraud@2026-11-01: confidence out of band');
    expect(a).toMatchObject({
      ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold',
      TreatMissingData: 'ignore',
    });
    expect(a.ThresholdMetricId).toEqual(expect.any(String));
    expect(JSON.stringify(a.Metrics)).toContain('ANOMALY_DETECTION_BAND(');
    expect(metricNamesOf(idOf(a.AlarmName))).toEqual([
      `${DEFAULT_NAMESPACE}/${METRIC.Confidence}:Average`,
    ]);
  });

  it('alarms on DriftScore above the threshold', () => {
    const name = 'Full/fraud-api/fraud@2026-11-01: drift > 0.2';
    expect(byName(name)).toMatchObject({ Threshold: 0.2, TreatMissingData: 'ignore' });
    expect(metricNamesOf(idOf(name))).toEqual([
      `${DEFAULT_NAMESPACE}/${METRIC.DriftScore}:Maximum`,
    ]);
  });

  it('alarms on accuracy below its floor, judged only in periods with enough outcomes', () => {
    const name = 'Full/fraud-api/fraud@2026-11-01: accuracy < 90%';
    const alarm = byName(name);
    expect(alarm).toMatchObject({
      Threshold: 0.9,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.AlarmDescription).toMatch(/DriftScore.*label mix/);
    const expression = (alarm.Metrics as Array<{ Expression?: string }>).find((m) => m.Expression);
    expect(expression?.Expression).toBe('IF(outcomes >= 30, accuracy)');
    expect(metricNamesOf(idOf(name)).sort()).toEqual([
      `${DEFAULT_NAMESPACE}/${OUTCOME_METRIC.PredictionCorrect}:Average`,
      `${DEFAULT_NAMESPACE}/${OUTCOME_METRIC.PredictionCorrect}:SampleCount`,
    ]);
    const accuracy = full.fraud.alarms!.forModel({ name: 'fraud', version: '2026-11-01' })
      .accuracy!;
    const composites = resourcesOf(templateOf(full.stack), 'AWS::CloudWatch::CompositeAlarm');
    const own = Object.entries(composites).find(([id]) => id.startsWith('FraudAlarms'))?.[1];
    const id = full.stack.resolve(full.stack.getLogicalId(accuracy.node.defaultChild as never));
    expect(renderString(own?.Properties.AlarmRule as never)).toContain(
      `ALARM("{{GetAtt:${id}.Arn}}")`,
    );
  });

  it('makes no accuracy alarm without a floor, and leaves it out when excluded', () => {
    expect(
      full.teamAlarms.forModel({ name: 'fraud', version: '2026-11-01' }).accuracy,
    ).toBeUndefined();
    const stack = new Stack(testApp(), 'Acc');
    const excluded = new InferenceAlarms(stack, 'A', {
      models: [{ model: { name: 'm', version: '1' }, serviceName: 's' }],
      accuracyFloor: 0.8,
      exclude: ['accuracy'],
    });
    expect(excluded.forModel({ name: 'm', version: '1' }).accuracy).toBeUndefined();
  });

  it('notifies the topic from a fleet composite over one "model health" composite per model', () => {
    const stack = full.stack;
    const composites = resourcesOf(templateOf(stack), 'AWS::CloudWatch::CompositeAlarm');
    const idOfAlarm = (alarm: { node: { defaultChild?: unknown } }) =>
      stack.resolve(stack.getLogicalId(alarm.node.defaultChild as never));
    const ruleOf = (alarm: { node: { defaultChild?: unknown } }) =>
      renderString(composites[idOfAlarm(alarm)]?.Properties.AlarmRule as never);
    const team = composites[idOfAlarm(full.teamAlarms.modelHealth)]?.Properties;
    expect(team?.AlarmName).toBe('team/TeamAlarms (2 models): model health');
    const models = [
      { name: 'fraud', version: '2026-11-01' },
      { name: 'churn', version: '7' },
    ];
    for (const model of models) {
      const health = full.teamAlarms.modelHealthOf(model);
      expect(ruleOf(full.teamAlarms.modelHealth)).toContain(
        `ALARM("{{GetAtt:${idOfAlarm(health)}.Arn}}")`,
      );
      for (const alarm of Object.values(full.teamAlarms.forModel(model)))
        expect(ruleOf(health)).toContain(`ALARM("{{GetAtt:${idOfAlarm(alarm)}.Arn}}")`);
      expect(composites[idOfAlarm(health)]?.Properties.AlarmActions).toBeUndefined();
    }
    expect(full.teamAlarms.healthAlarms).toHaveLength(3);
    const topicRef = {
      Ref: stack.resolve(stack.getLogicalId(full.topic.node.defaultChild as never)),
    };
    expect(team?.AlarmActions).toEqual([topicRef]);
    expect(team?.OKActions).toEqual([topicRef]);
    for (const alarm of Object.values(alarms)) expect(alarm.AlarmActions).toBeUndefined();
  });

  it('gives each model its own alarms in a shared set; throttles only where the function is known', () => {
    expect(full.teamAlarms.alarms).toHaveLength(14);
    expect(Object.keys(full.teamAlarms.forModel({ name: 'churn', version: '7' })).sort()).toEqual(
      [
        'confidence',
        'drift',
        'errorRate',
        'latencyP99',
        'modelReloads',
        'throttles',
        'timeouts',
      ].sort(),
    );
  });

  it('names, thresholds and missing-data treatment of one model (snapshot)', () => {
    const summary = Object.values(alarms)
      .filter((a) => a.AlarmName.startsWith('Full/fraud-api/'))
      .map((a) => [a.AlarmName, a.Threshold ?? 'band', a.ComparisonOperator, a.TreatMissingData])
      .sort();
    expect(summary).toMatchSnapshot();
  });

  it('creates a TLS-only topic when none is given', () => {
    templateOf(full.stack).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      }),
    });
    expect(full.fraud.alarms?.topic).toBeDefined();
  });

  it('leaves out excluded alarms', () => {
    const stack = new Stack(testApp(), 'Excl');
    const alarms = new InferenceAlarms(stack, 'A', {
      models: [{ model: { name: 'm', version: '1' }, serviceName: 's' }],
      exclude: ['modelReloads', 'drift'],
      period: Duration.minutes(1),
    });
    expect(Object.keys(alarms.forModel({ name: 'm', version: '1' })).sort()).toEqual([
      'confidence',
      'errorRate',
      'latencyP99',
      'timeouts',
    ]);
  });

  it('applies alarmOverrides to the alarm they name, leaving the others at their defaults', () => {
    const stack = new Stack(testApp(), 'Overrides');
    new InferenceAlarms(stack, 'A', {
      models: [{ model: { name: 'm', version: '1' }, serviceName: 's' }],
      alarmOverrides: {
        timeouts: { threshold: 2, evaluationPeriods: 3, datapointsToAlarm: 2 },
        drift: { treatMissingData: TreatMissingData.NOT_BREACHING },
        latencyP99: { evaluationPeriods: 5 },
      },
    });
    const all = Object.values(resourcesOf(templateOf(stack), 'AWS::CloudWatch::Alarm'));
    const alarm = (title: string) =>
      all.find((a) => String(a.Properties.AlarmName).endsWith(`: ${title}`))
        ?.Properties as AlarmProps;
    expect(alarm('timeouts')).toMatchObject({
      Threshold: 2,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm('timeouts').AlarmDescription).toMatch(
      /^More than 2 invocations reached the Lambda timeout \(Timeouts > 2\) in 2 of 3 5-minute periods\./,
    );
    expect(alarm('drift > 0.25')).toMatchObject({
      TreatMissingData: 'notBreaching',
      EvaluationPeriods: 1,
    });
    expect(alarm('p99 latency > 250 ms')).toMatchObject({
      EvaluationPeriods: 5,
      DatapointsToAlarm: 2,
    });
    expect(alarm('error rate > 1%')).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(alarm('confidence out of band')).toMatchObject({
      TreatMissingData: 'ignore',
      EvaluationPeriods: 3,
    });
  });

  it('refuses the same model twice and an alarm name used twice in a stack', () => {
    const stack = new Stack(testApp(), 'Dup');
    const target = { model: { name: 'm', version: '1' }, serviceName: 's' };
    expect(() => new InferenceAlarms(stack, 'A', { models: [target, target] })).toThrow(
      /models\[1\]/,
    );
    new InferenceAlarms(stack, 'B', { models: [target] });
    expect(() => new InferenceAlarms(stack, 'C', { models: [target] })).toThrow(InvalidPropError);
    expect(
      () => new InferenceAlarms(stack, 'D', { models: [target], alarmNamePrefix: 'other' }),
    ).not.toThrow();
  });
});
