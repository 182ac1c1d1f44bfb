import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { describe, expect, it } from 'vitest';
import {
  InferenceAlarms,
  InferenceDashboard,
  InferenceVersionComparison,
  InvalidPropError,
  ObservedInferenceFunction,
} from '../../cdk/index.js';
import { METRIC } from '../../lib/telemetry.js';
import { renderString } from '../support/templateMetrics.js';
import { functionProps, resourcesOf, testApp, testStack } from './support.js';

type Props = Record<string, unknown>;
interface Query {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: {
    Metric: { MetricName: string; Dimensions: Array<{ Name: string; Value: string }> };
    Stat: string;
    Period: number;
  };
}

const target = { model: { name: 'fraud', version: '2' }, serviceName: 'fraud-api' };

function comparisonStack(props: Props = {}) {
  const stack = new Stack(testApp(), 'Cmp');
  const comparison = new InferenceVersionComparison(stack, 'Canary', {
    target,
    baseline: '1',
    ...props,
  });
  const template = Template.fromStack(stack);
  const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map(
    (r) => r.Properties,
  );
  const byTitle = (end: string) => {
    const found = alarms.find((a) => String(a.AlarmName).endsWith(end));
    if (!found) throw new Error(`no alarm ${end}: ${alarms.map((a) => a.AlarmName).join(', ')}`);
    return found;
  };
  return { stack, comparison, template, alarms, byTitle };
}

const queries = (alarm: Props) => alarm.Metrics as Query[];
const expression = (alarm: Props) => queries(alarm).find((q) => q.Expression)!;
/** Metric id → "MetricName Stat ModelVersion". */
function inputs(alarm: Props): Record<string, string> {
  const out: Record<string, string> = {};
  for (const q of queries(alarm)) {
    if (!q.MetricStat) continue;
    const dims = Object.fromEntries(q.MetricStat.Metric.Dimensions.map((d) => [d.Name, d.Value]));
    expect(dims).toMatchObject({ service: 'fraud-api', ModelName: 'fraud' });
    out[q.Id] = `${q.MetricStat.Metric.MetricName} ${q.MetricStat.Stat} ${dims.ModelVersion}`;
  }
  return out;
}

describe('InferenceVersionComparison', () => {
  const { alarms, byTitle, comparison } = comparisonStack();

  it('alarms when the candidate’s p99 latency is over 1.25 times the baseline’s, both versions having traffic', () => {
    const a = byTitle('fraud-api/fraud@2 vs 1: p99 latency > 1.25x baseline');
    expect(a).toMatchObject({
      Threshold: 1.25,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    expect(expression(a)).toMatchObject({
      Expression: 'IF(bn >= 20 AND cn >= 20, cp99 / bp99)',
      ReturnData: true,
    });
    expect(inputs(a)).toEqual({
      bn: `${METRIC.InferenceLatency} SampleCount 1`,
      cn: `${METRIC.InferenceLatency} SampleCount 2`,
      bp99: `${METRIC.InferenceLatency} p99 1`,
      cp99: `${METRIC.InferenceLatency} p99 2`,
    });
    for (const q of queries(a)) if (q.MetricStat) expect(q.MetricStat.Period).toBe(60);
    expect(a.AlarmDescription).toMatch(/rolls it back.*Look first at/);
  });

  it('alarms on the error-rate difference and on a mean-confidence shift either way', () => {
    const errors = byTitle(': error rate > baseline + 1%');
    expect(expression(errors).Expression).toBe(
      'IF(bn >= 20 AND cn >= 20, FILL(ce, 0) / cn - FILL(be, 0) / bn)',
    );
    expect(inputs(errors)).toMatchObject({
      be: `${METRIC.Errors} Sum 1`,
      ce: `${METRIC.Errors} Sum 2`,
    });
    expect(errors.Threshold).toBe(0.01);
    const confidence = byTitle(': mean confidence shifted > 0.05');
    expect(expression(confidence).Expression).toBe('IF(bn >= 20 AND cn >= 20, ABS(cc - bc))');
    expect(inputs(confidence)).toMatchObject({
      bc: `${METRIC.Confidence} Average 1`,
      cc: `${METRIC.Confidence} Average 2`,
    });
    expect(alarms).toHaveLength(3);
    expect(comparison.alarm('confidence')).toBe(comparison.alarms[2]);
  });

  it('takes an absolute latency margin, thresholds, a period and evaluation of its own', () => {
    const { byTitle } = comparisonStack({
      latencyP99Increase: Duration.millis(40),
      errorRateIncrease: 0.02,
      confidenceShift: 0.1,
      minInvocations: 5,
      period: Duration.minutes(5),
      evaluationPeriods: 2,
      datapointsToAlarm: 1,
    });
    const latency = byTitle(': p99 latency > baseline + 40 ms');
    expect(expression(latency).Expression).toBe('IF(bn >= 5 AND cn >= 5, cp99 - bp99)');
    expect(latency).toMatchObject({ Threshold: 40, EvaluationPeriods: 2, DatapointsToAlarm: 1 });
    for (const q of queries(latency)) if (q.MetricStat) expect(q.MetricStat.Period).toBe(300);
    expect(byTitle(': error rate > baseline + 2%').Threshold).toBe(0.02);
    expect(byTitle(': mean confidence shifted > 0.1').Threshold).toBe(0.1);
  });

  it('names the prop of a bad comparison', () => {
    const bad = (props: Props) => () => comparisonStack(props);
    expect(bad({ baseline: '2' })).toThrow(/'baseline'.*two ModelVersions/);
    expect(bad({ latencyP99Ratio: 1.5, latencyP99Increase: Duration.millis(5) })).toThrow(
      /latencyP99Increase/,
    );
    expect(bad({ errorRateIncrease: 2 })).toThrow(/errorRateIncrease/);
    expect(bad({ latencyP99Ratio: 1 })).toThrow(/latencyP99Ratio.*more than 1/);
    expect(bad({ latencyP99Increase: Duration.millis(0) })).toThrow(/latencyP99Increase/);
    expect(bad({ period: Duration.seconds(45) })).toThrow(/'period'/);
    expect(bad({ datapointsToAlarm: 4 })).toThrow(InvalidPropError);
  });

  it('stays out of the model health composites: a rolled-back canary is not an unhealthy model', () => {
    const stack = new Stack(testApp(), 'Both');
    const health = new InferenceAlarms(stack, 'Alarms', { models: [target] });
    const cmp = new InferenceVersionComparison(stack, 'Canary', { target, baseline: '1' });
    const rule = renderString(
      Object.values(resourcesOf(Template.fromStack(stack), 'AWS::CloudWatch::CompositeAlarm'))[0]!
        .Properties.AlarmRule as never,
    );
    for (const alarm of cmp.alarms)
      expect(rule).not.toContain(
        stack.resolve(stack.getLogicalId(alarm.node.defaultChild as never)),
      );
    expect(health.alarms.length).toBeGreaterThan(0);
  });
});

describe('InferenceDashboard.addVersionComparison', () => {
  it('draws both versions side by side and the alarm expressions with their thresholds', () => {
    const stack = new Stack(testApp(), 'Dash');
    const cmp = new InferenceVersionComparison(stack, 'Canary', {
      target,
      baseline: '1',
      labels: ['fraud', 'legit'],
      driftThreshold: 0.2,
    });
    new InferenceDashboard(stack, 'D').addVersionComparison(cmp);
    const dashboard = Object.values(
      resourcesOf(Template.fromStack(stack), 'AWS::CloudWatch::Dashboard'),
    )[0]!;
    const body = JSON.parse(renderString(dashboard.Properties.DashboardBody as never)) as {
      widgets: Array<{
        type: string;
        properties: {
          title?: string;
          markdown?: string;
          metrics?: unknown[][];
          annotations?: { horizontal?: Array<{ value: number }> };
          alarms?: string[];
        };
      }>;
    };
    const titles = body.widgets.map((w) => w.properties.title ?? w.type);
    expect(titles).toEqual([
      'Alarms',
      'text',
      'Invocations by version',
      'Latency by version (ms)',
      'Error rate by version',
      'Mean confidence by version',
      'Label mix by version (share of predictions)',
      'Drift score by version (PSI)',
      'Accuracy by version (ground truth)',
      'Candidate / baseline p99 latency',
      'Candidate − baseline error rate',
      '|Candidate − baseline| mean confidence',
    ]);
    expect(body.widgets[0]!.properties.alarms).toHaveLength(3);
    const byTitle = (t: string) => body.widgets.find((w) => w.properties.title === t)!;
    const versionsOf = (t: string) =>
      (byTitle(t).properties.metrics ?? [])
        .map((m) => JSON.stringify(m))
        .flatMap((m) => [...m.matchAll(/"ModelVersion","(\d)"/g)].map((x) => x[1]));
    for (const t of [
      'Invocations by version',
      'Latency by version (ms)',
      'Mean confidence by version',
    ])
      expect(new Set(versionsOf(t)), t).toEqual(new Set(['1', '2']));
    const latencyLabels = (byTitle('Latency by version (ms)').properties.metrics ?? []).map(
      (m) => (m.at(-1) as { label?: string }).label,
    );
    expect(latencyLabels).toEqual(['1 p50', '2 p50', '1 p99', '2 p99']);
    expect(
      byTitle('Candidate / baseline p99 latency').properties.annotations?.horizontal?.[0]?.value,
    ).toBe(1.25);
    expect(JSON.stringify(byTitle('Candidate − baseline error rate').properties.metrics)).toContain(
      'IF(bn >= 20 AND cn >= 20, FILL(ce, 0) / cn - FILL(be, 0) / bn)',
    );
  });
});

describe('version comparisons on a dashboard of many models', () => {
  it('open new pages as models do, each within its widgets and body budget', () => {
    const stack = new Stack(testApp(), 'Many');
    const dashboard = new InferenceDashboard(stack, 'D', { dashboardName: 'fleet' });
    for (let i = 0; i < 15; i++) {
      const model = { model: { name: `model-${i}`, version: '2' }, serviceName: `svc-${i}` };
      dashboard.addModel(model).addVersionComparison(
        new InferenceVersionComparison(stack, `Cmp${i}`, {
          target: model,
          baseline: '1',
          labels: ['a', 'b'],
        }),
      );
    }
    const bodies = Object.values(
      resourcesOf(Template.fromStack(stack), 'AWS::CloudWatch::Dashboard'),
    ).map(
      (d) =>
        JSON.parse(renderString(d.Properties.DashboardBody as never)) as { widgets: unknown[] },
    );
    expect(bodies.length).toBe(dashboard.dashboards.length);
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) {
      expect(body.widgets.length).toBeLessThanOrEqual(100);
      expect(JSON.stringify(body).length).toBeLessThanOrEqual(100_000);
    }
  });
});

describe('ObservedInferenceFunction deployment', () => {
  function deployed(deployment: Props, overrides: Props = {}) {
    const { stack, layer } = testStack('Canary');
    const fn = new ObservedInferenceFunction(stack, 'Fn', {
      ...functionProps(layer, { model: { name: 'fraud', version: '2' }, ...overrides }),
      labels: ['fraud', 'legit'],
      deployment,
    });
    return { stack, fn, template: Template.fromStack(stack) };
  }

  it('deploys through a live alias that CodeDeploy shifts, canary by default, rolling back on the comparison and error alarms', () => {
    const { stack, fn, template } = deployed({ previousVersion: '1' });
    const fnId = stack.resolve(stack.getLogicalId(fn.node.defaultChild as never));
    template.resourceCountIs('AWS::Lambda::Version', 1);
    template.hasResource('AWS::Lambda::Alias', {
      Properties: {
        Name: 'live',
        FunctionName: { Ref: fnId },
        FunctionVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnCurrentVersion'), 'Version'] },
      },
      UpdatePolicy: {
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: Match.anyValue(),
          DeploymentGroupName: Match.anyValue(),
        },
      },
    });
    const group = Object.values(resourcesOf(template, 'AWS::CodeDeploy::DeploymentGroup'))[0]!;
    expect(group.Properties).toMatchObject({
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: expect.arrayContaining([
          'DEPLOYMENT_FAILURE',
          'DEPLOYMENT_STOP_ON_REQUEST',
          'DEPLOYMENT_STOP_ON_ALARM',
        ]),
      },
      AlarmConfiguration: { Enabled: true },
    });
    const rollback = (
      group.Properties.AlarmConfiguration as { Alarms: Array<{ Name: unknown }> }
    ).Alarms.map((a) => JSON.stringify(a.Name));
    const expected = [
      ...fn.versionComparison!.alarms,
      fn.alarms!.forModel(fn.target.model).errorRate!,
    ].map((a) => JSON.stringify(stack.resolve(a.alarmName)));
    expect(rollback.sort()).toEqual(expected.sort());
    expect(fn.alias?.aliasName).toBe('live');
    expect(fn.versionComparison?.baseline.model.version).toBe('1');
    expect(fn.versionComparison?.candidate.model.version).toBe('2');
    const body = JSON.stringify(
      Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0]!.Properties,
    );
    expect(body).toContain('Label mix by version');
  });

  it('selects a linear config and an alias name; without previousVersion the error alarm alone rolls back', () => {
    const { template, fn } = deployed({
      aliasName: 'prod',
      deploymentConfig: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
    });
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'prod' });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
      AlarmConfiguration: {
        Alarms: Match.arrayWith([Match.objectLike({ Name: Match.anyValue() })]),
      },
    });
    const group = Object.values(resourcesOf(template, 'AWS::CodeDeploy::DeploymentGroup'))[0]!;
    expect((group.Properties.AlarmConfiguration as { Alarms: unknown[] }).Alarms).toHaveLength(1);
    expect(fn.versionComparison).toBeUndefined();
    expect(JSON.stringify(template.toJSON())).not.toContain('by version');
  });

  it('names the deployment prop that is wrong', () => {
    expect(() => deployed({ previousVersion: '2' })).toThrow(
      /deployment\.previousVersion.*bump model\.version/,
    );
    expect(() => deployed({ previousVersion: '1', comparison: { confidenceShift: 0 } })).toThrow(
      /deployment\.comparison\.confidenceShift/,
    );
    expect(() => deployed({ aliasName: '42' })).toThrow(/deployment\.aliasName/);
    expect(() => deployed({}, { createAlarms: false })).toThrow(/'deployment'.*no alarm/);
    expect(() => deployed({}, { serviceLevelObjectives: { replaceAlarms: true } })).toThrow(
      /'deployment'.*no alarm/,
    );
  });
});
