import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { ObservedInferenceFunction } from '../../cdk/index.js';
import { DEFAULT_NAMESPACE, ENV, METRIC } from '../../lib/telemetry.js';
import { fullStack, functionProps, templateOf, testStack } from './support.js';

let full: ReturnType<typeof fullStack>;
let template: Template;
beforeAll(() => {
  full = fullStack();
  template = templateOf(full.stack);
});

const fraudFunction = () => {
  const id = full.stack.resolve(full.stack.getLogicalId(full.fraud.node.defaultChild as never));
  return template.toJSON().Resources[id] as { Properties: Record<string, unknown> };
};

describe('ObservedInferenceFunction', () => {
  it('is a Node.js function with the layer, active tracing and JSON logs to its own log group', () => {
    expect(fraudFunction().Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 10,
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Layers: [{ Ref: expect.stringMatching(/^Layer/) }],
      LoggingConfig: {
        LogFormat: 'JSON',
        ApplicationLogLevel: 'INFO',
        LogGroup: { Ref: expect.stringMatching(/^FraudLogGroup/) },
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('sets the telemetry environment the dashboard and alarms read', () => {
    const env = (fraudFunction().Properties.Environment as { Variables: Record<string, string> })
      .Variables;
    expect(env).toMatchObject({
      [ENV.ModelName]: 'fraud',
      [ENV.ModelVersion]: '2026-11-01',
      POWERTOOLS_SERVICE_NAME: 'fraud-api',
      POWERTOOLS_METRICS_NAMESPACE: DEFAULT_NAMESPACE,
      [ENV.LowConfidence]: '0.5',
      [ENV.Baseline]: 's3://models-bucket/fraud/baseline.json',
      [ENV.DriftWindow]: '500',
    });
    expect(env.AWS_LAMBDA_EXEC_WRAPPER).toBeUndefined();
  });

  it('runs with a role that can only write its own logs, its traces and read its baseline', () => {
    const roleId = full.stack.resolve(
      full.stack.getLogicalId(full.fraud.role!.node.defaultChild as never),
    );
    const role = template.toJSON().Resources[roleId];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap(
        (p) =>
          p.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>,
      );
    expect(statements.map((s) => s.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      's3:GetObject',
    ]);
    expect(statements[0]?.Resource).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^FraudLogGroup/), 'Arn'],
    });
  });

  it('creates its own alarms and dashboard, each of which can be left out', () => {
    expect(full.fraud.alarms?.models).toEqual([full.fraud.target]);
    expect(full.fraud.dashboard?.models).toHaveLength(1);
    const { stack, layer } = testStack('Bare');
    const bare = new ObservedInferenceFunction(stack, 'Fn', {
      ...functionProps(layer),
      createAlarms: false,
      createDashboard: false,
    });
    expect(bare.alarms).toBeUndefined();
    expect(bare.dashboard).toBeUndefined();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    t.resourceCountIs('AWS::SNS::Topic', 0);
    t.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x' });
  });

  it('exposes the model metrics on its own dimensions as .metrics, beside Lambda’s metricErrors()', () => {
    const stack = full.stack;
    const config = (m: { toMetricConfig(): unknown }) => stack.resolve(m.toMetricConfig());
    expect(config(full.fraud.metrics.metricInferenceLatency())).toMatchObject({
      metricStat: {
        namespace: DEFAULT_NAMESPACE,
        metricName: METRIC.InferenceLatency,
        statistic: 'p99',
        dimensions: expect.arrayContaining([
          { name: 'service', value: 'fraud-api' },
          { name: 'ModelName', value: 'fraud' },
          { name: 'ModelVersion', value: '2026-11-01' },
        ]),
      },
    });
    expect(config(full.fraud.metrics.metricInferenceLatency({ statistic: 'p50' }))).toMatchObject({
      metricStat: { statistic: 'p50' },
    });
    expect(config(full.fraud.metrics.metricPredictions())).toMatchObject({
      metricStat: { metricName: METRIC.Predictions, statistic: 'Sum' },
    });
    expect(config(full.fraud.metrics.metricColdStarts())).toMatchObject({
      metricStat: { metricName: METRIC.ColdStart, statistic: 'Sum' },
    });
    expect(config(full.fraud.metricErrors())).toMatchObject({
      metricStat: { namespace: 'AWS/Lambda', metricName: 'Errors' },
    });
    expect(config(full.fraud.metrics.metricErrorRate())).toMatchObject({
      mathExpression: { expression: 'errors / invocations' },
    });
  });

  it('gives alarmOverrides to its alarms', () => {
    const { stack, layer } = testStack('Overridden');
    new ObservedInferenceFunction(stack, 'Fn', {
      ...functionProps(layer),
      alarmOverrides: { modelReloads: { threshold: 1, datapointsToAlarm: 2 } },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: Match.stringLikeRegexp(': model reloads$'),
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
  });

  it('makes these resources with every default (snapshot)', () => {
    const { stack, layer } = testStack('Defaults');
    new ObservedInferenceFunction(stack, 'Fn', functionProps(layer));
    const counts: Record<string, number> = {};
    for (const { Type } of Object.values(
      Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>,
    ))
      counts[Type] = (counts[Type] ?? 0) + 1;
    expect(counts).toMatchSnapshot();
  });

  it('bundles locally with esbuild to ESM, leaving the layer package and the AWS SDK out', () => {
    const { app, stack, layer } = testStack('Bundled', { bundle: true });
    const fn = new ObservedInferenceFunction(
      stack,
      'Fn',
      functionProps(layer, { mode: 'zero-code' }),
    );
    const assembly = app.synth();
    const code = (fn.node.defaultChild as lambda.CfnFunction).code as { s3Key?: string };
    const hash = stack.resolve(code.s3Key).replace('.zip', '');
    const dir = join(assembly.directory, `asset.${hash}`);
    expect(readdirSync(dir)).toEqual(['index.mjs']);
    const bundle = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(bundle).toMatch(/from\s*["']observed-inference["']/);
    expect(bundle).toContain('createRequire');
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/observed-inference-wrapper' }),
      },
    });
  });

  it('uses its timeout to check the objective', () => {
    const { stack, layer } = testStack('Timeout');
    expect(
      () =>
        new ObservedInferenceFunction(stack, 'Fn', {
          ...functionProps(layer),
          timeout: Duration.millis(200),
        }),
    ).toThrow(/objective\.latencyP99.*timeout/);
  });
});
