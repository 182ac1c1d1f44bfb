import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import { LambdaDeploymentConfig } from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type FunctionServiceLevelObjectives,
  InferenceServiceLevelObjectives,
  ObservedInferenceFunction,
  type TraceExport,
} from '../../cdk/index.js';
import { fullStack, functionProps, testApp } from './support.js';

interface Violation {
  ruleName: string;
  severity: string;
  description: string;
  violatingConstructs: Array<{ constructPath: string }>;
}

/** cfn-lint warnings accepted, each with why. */
const ACCEPTED_CFN_LINT_WARNINGS: Record<string, string> = {
  W3005:
    'aws-cdk-lib adds DependsOn on the role and its default policy to functions (so the policy exists before the first invocation); cfn-lint sees the Role GetAtt and calls it redundant.',
};

let templatePath: string;
let violations: Violation[];
let synthError: unknown;
let full: ReturnType<typeof fullStack>;

/**
 * One synth of a stack using every construct, with cdk-nag's AwsSolutions
 * pack and aws-cdk-lib's own CloudFormation validation (off elsewhere: it
 * costs ~5 s) turned into errors.
 */
beforeAll(() => {
  vi.stubEnv('CDK_VALIDATION', 'true');
  const app = testApp();
  app.node.setContext('@aws-cdk/core:validateAgainstDefaultRules', true);
  full = fullStack(app);
  // Defaults everywhere: its own topic, the default runtime.
  new ObservedInferenceFunction(full.stack, 'Defaults', {
    ...functionProps(full.layer),
    model: { name: 'defaults', version: '1' },
  });
  // Every other trace export, and SLOs beside and in place of alarms.
  const exports: Array<[string, TraceExport, FunctionServiceLevelObjectives?]> = [
    ['UdpOtlp', { kind: 'xray-udp-otlp' }],
    [
      'XrayOtlp',
      { kind: 'xray-otlp-endpoint', compression: 'gzip' },
      { replaceAlarms: true, burnRateWindows: [Duration.hours(1), Duration.hours(6)] },
    ],
    [
      'Collector',
      {
        kind: 'otlp-collector',
        extension: 'arn:aws:lambda:eu-west-1:123456789012:layer:otel-collector:3',
        headers: { 'x-tenant': 'ml' },
      },
    ],
    ['Off', { kind: 'off' }, {}],
  ];
  for (const [id, traces, serviceLevelObjectives] of exports)
    new ObservedInferenceFunction(full.stack, id, {
      ...functionProps(full.layer),
      model: { name: id.toLowerCase(), version: '1' },
      runtime: lambda.Runtime.NODEJS_24_X,
      traces,
      serviceLevelObjectives,
      createDashboard: false,
    });
  new InferenceServiceLevelObjectives(full.stack, 'ChurnSlos', { target: full.churn });
  // A canary deployment: alias, CodeDeploy deployment group, version-comparison alarms and rows.
  new ObservedInferenceFunction(full.stack, 'Canary', {
    ...functionProps(full.layer),
    model: { name: 'canary', version: '2' },
    runtime: lambda.Runtime.NODEJS_24_X,
    labels: ['yes', 'no'],
    deployment: {
      previousVersion: '1',
      deploymentConfig: LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
    },
  });
  // The test's own "user" function, outside the constructs: the user acknowledges its findings.
  Validations.of(full.churnFn).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'Test fixture: a function defined outside observed-inference, with the CDK default role.',
    },
    {
      id: 'AwsSolutions-L1',
      reason: 'Test fixture: instrumenting a nodejs22.x function is what is tested.',
    },
  );
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  const report = join(app.outdir, 'validation-report.json');
  violations = existsSync(report)
    ? (
        JSON.parse(readFileSync(report, 'utf8')) as {
          pluginReports: Array<{ violations: Violation[] }>;
        }
      ).pluginReports.flatMap((p) => p.violations)
    : [];
  templatePath = join(app.outdir, `${full.stack.artifactId}.template.json`);
  vi.unstubAllEnvs();
}, 60_000);

function acknowledgements(root: IConstruct): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  for (const node of root.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
        out.push([node.node.path, id, reason]);
    }
  }
  return out;
}

describe('synthesized template lint', () => {
  it('has no unacknowledged cdk-nag AwsSolutions finding nor CloudFormation validation finding', () => {
    const found = violations.map(
      (v) =>
        `${v.severity} ${v.ruleName} ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}: ${v.description}`,
    );
    expect(found).toEqual([]);
    expect(synthError).toBeUndefined();
  });

  it('gives a reason for every acknowledged finding, each where it arises', () => {
    const acks = acknowledgements(full.stack);
    for (const [path, id, reason] of acks)
      expect(reason.length, `${path} ${id}`).toBeGreaterThan(40);
    expect(acks.map(([path, id]) => `${path} ${id}`).sort()).toMatchSnapshot();
  });

  it('passes cfn-lint with no error', (ctx) => {
    const run = spawnSync('cfn-lint', [templatePath, '--format', 'json'], { encoding: 'utf8' });
    if (run.error) {
      if (process.env.CI === 'true')
        throw new Error(`cfn-lint is required in CI: ${run.error.message}`);
      ctx.skip();
    }
    let matches: Array<{
      Level: string;
      Rule: { Id: string };
      Message: string;
      Location: { Path: unknown[] };
    }>;
    try {
      matches = JSON.parse(run.stdout || '[]');
    } catch {
      throw new Error(`cfn-lint failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    }
    const problems = matches
      .filter((m) => m.Level === 'Error' || !(m.Rule.Id in ACCEPTED_CFN_LINT_WARNINGS))
      .map((m) => `${m.Level} ${m.Rule.Id} ${m.Location.Path.join('/')}: ${m.Message}`);
    expect(problems, run.stdout).toEqual([]);
  });
});
