/**
 * Every CDK stack of the documentation synthesizes, in a project of its own
 * with the handlers its `entry` names, and deploys what the text around it
 * says. The README's library handler also runs.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { Context } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { captureOutput } from '../support/captureOutput.js';
import { type CodeBlock, snippet } from '../support/snippets.js';
import {
  documentationBlocks,
  isCode,
  markdownLine,
  removeProjects,
  writeBlock,
} from './project.js';

/** A block that defines a stack: it imports aws-cdk-lib and extends Stack. */
const isStack = (block: CodeBlock) =>
  isCode(block) && /from 'aws-cdk-lib'/.test(block.code) && /extends Stack\b/.test(block.code);

const stacks = documentationBlocks().filter(isStack);

type StackClass = new (scope: App, id: string) => Stack;

/** Synthesize every stack class a block exports, in the block's own project directory. */
async function synth(block: CodeBlock, options: { bundle: boolean }): Promise<Template[]> {
  const file = writeBlock(block, 'esm');
  const cwd = process.cwd();
  // NodejsFunction finds `entry` and the lock file from the working directory, as `cdk synth` does.
  process.chdir(file.dir);
  try {
    const module = (await import(file.path)) as Record<string, unknown>;
    const classes = Object.values(module).filter(
      (value): value is StackClass =>
        typeof value === 'function' && value.prototype instanceof Stack,
    );
    expect(classes, `${markdownLine(block, 0)} exports no Stack`).not.toHaveLength(0);
    const app = new App({ context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] } });
    return classes.map((StackClass) => Template.fromStack(new StackClass(app, StackClass.name)));
  } finally {
    process.chdir(cwd);
  }
}

const named = (name: string) => stacks.find((block) => block.name === name);

afterAll(removeProjects);

describe('the CDK stacks of the documentation', () => {
  it('are found', () => {
    expect(stacks.length).toBeGreaterThanOrEqual(3);
    expect(named('cdk-quick-start')).toBeDefined();
  });

  it('the README quick start synthesizes, bundling the handler locally with esbuild', async () => {
    const [template] = await synth(named('cdk-quick-start')!, { bundle: true });
    template!.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    template!.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      TracingConfig: { Mode: 'Active' },
      Layers: Match.anyValue(),
      Environment: {
        Variables: Match.objectLike({
          OBSERVED_MODEL_NAME: 'fraud',
          OBSERVED_MODEL_VERSION: '2026-11-01',
        }),
      },
    });
    template!.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ml-oncall@example.com',
    });
    template!.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(Object.keys(template!.findResources('AWS::CloudWatch::Alarm')).length).toBeGreaterThan(
      0,
    );
  }, 60_000);

  it.each(
    stacks.filter((block) => block.name !== 'cdk-quick-start').map((b) => [markdownLine(b, 0), b]),
  )(
    '%s synthesizes with one layer for its functions, every instrumented function traced',
    async (_where, block) => {
      for (const template of await synth(block as CodeBlock, { bundle: false })) {
        const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Array<{
          Properties: { Layers?: unknown; TracingConfig?: unknown };
        }>;
        // An account-level stack (Transaction Search) has no function and no layer.
        template.resourceCountIs('AWS::Lambda::LayerVersion', functions.length > 0 ? 1 : 0);
        for (const fn of functions.filter((f) => f.Properties.Layers))
          expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      }
    },
  );

  it('the OTLP exports send to X-Ray’s OTLP endpoint, allowed to put spans, and to a collector extension', async () => {
    const block = stacks.find((b) => /class FraudOtlpStack/.test(b.code))!;
    const [template] = await synth(block, { bundle: false });
    const json = JSON.stringify(template!.toJSON());
    template!.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          OBSERVED_MODEL_NAME: 'fraud',
          OBSERVED_TRACES: 'otlp-http',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
            'Fn::Join': ['', Match.arrayWith(['https://xray.'])],
          },
        }),
      },
    });
    expect(json).toContain('"xray:PutSpans"');
    template!.hasResourceProperties('AWS::Lambda::Function', {
      Layers: Match.arrayWith(['arn:aws:lambda:eu-west-1:123456789012:layer:my-otel-collector:4']),
      Environment: {
        Variables: Match.objectLike({
          OBSERVED_MODEL_NAME: 'churn',
          OBSERVED_TRACES: 'otlp-http',
          OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=ml-team',
        }),
      },
    });
  });

  it('the Transaction Search stack enables it once, after X-Ray may write the span log groups', async () => {
    const block = stacks.find((b) => /class TransactionSearchStack/.test(b.code))!;
    const [template] = await synth(block, { bundle: false });
    template!.resourceCountIs('AWS::XRay::TransactionSearchConfig', 1);
    const [policyId] = Object.keys(template!.findResources('AWS::Logs::ResourcePolicy'));
    template!.hasResource('AWS::XRay::TransactionSearchConfig', { DependsOn: [policyId] });
    expect(JSON.stringify(template!.findResources('AWS::Logs::ResourcePolicy'))).toContain(
      'xray.amazonaws.com',
    );
  });

  it('the SLO stack makes the function’s two SLOs in place of two alarms, and a stricter one', async () => {
    const block = stacks.find((b) => /class FraudSloStack/.test(b.code))!;
    const [template] = await synth(block, { bundle: false });
    const slos = Object.values(
      template!.findResources('AWS::ApplicationSignals::ServiceLevelObjective'),
    ).map((r) => (r as { Properties: { Name: string } }).Properties.Name);
    expect(slos.sort()).toEqual([
      'FraudSloStack fraud fraud 2026-11-01 availability',
      'FraudSloStack fraud fraud 2026-11-01 latency',
      'strict fraud fraud 2026-11-01 latency',
    ]);
    const alarms = JSON.stringify(template!.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).not.toContain('p99 latency');
    expect(alarms).toContain('timeouts');
  });

  it('the canary stack deploys through an alias that CodeDeploy rolls back on four alarms', async () => {
    const block = stacks.find((b) => /class FraudCanaryStack/.test(b.code))!;
    const [template] = await synth(block, { bundle: false });
    template!.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live' });
    template!.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    });
    const group = Object.values(template!.findResources('AWS::CodeDeploy::DeploymentGroup'))[0] as {
      Properties: { AlarmConfiguration: { Alarms: unknown[] } };
    };
    expect(group.Properties.AlarmConfiguration.Alarms).toHaveLength(4);
    const names = JSON.stringify(template!.findResources('AWS::CloudWatch::Alarm'));
    expect(names).toContain('fraud@2026-12-01 vs 2026-11-01: p99 latency > baseline + 50 ms');
    template!.resourceCountIs('AWS::Lambda::Url', 1);
  });

  it('the model-calls stack may invoke the models and endpoint named, and alarms on throttles and TTFT', async () => {
    const [template] = await synth(named('cdk-model-calls')!, { bundle: false });
    const policies = JSON.stringify(template!.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('"bedrock:InvokeModelWithResponseStream"');
    expect(policies).toContain('inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(policies).toContain('endpoint/ticket-embedder');
    const alarms = JSON.stringify(template!.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toContain('model call throttles');
    expect(alarms).toContain('p99 time to first token > 2000 ms');
  });

  it('the shared dashboard and alarm set alarm once per model, on one topic', async () => {
    const team = stacks.find((block) => /class MlTeamStack/.test(block.code))!;
    const [template] = await synth(team, { bundle: false });
    const names = Object.values(template!.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => (alarm as { Properties: { AlarmName: string } }).Properties.AlarmName,
    );
    expect(names.some((name) => name.includes('/fraud-api/fraud@2026-11-01: '))).toBe(true);
    expect(names.some((name) => name.includes('/churn-api/churn@7: '))).toBe(true);
    // One "model health" composite per model under a fleet composite, the only one that notifies.
    const composites = Object.values(template!.findResources('AWS::CloudWatch::CompositeAlarm'));
    expect(composites).toHaveLength(3);
    expect(
      composites.filter(
        (c) => (c as { Properties: { AlarmActions?: unknown } }).Properties.AlarmActions,
      ),
    ).toHaveLength(1);
    template!.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template!.resourceCountIs('AWS::SNS::Topic', 1);
    template!.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          AWS_LAMBDA_EXEC_WRAPPER: '/opt/observed-inference-wrapper',
          OBSERVED_MODEL_NAME: 'churn',
        }),
      },
    });
  });
});

describe('the README library handler', () => {
  it('answers and writes one log line for the model', async () => {
    process.env.OBSERVED_TRACES = 'off';
    process.env.OBSERVED_METRICS = 'off';
    const file = writeBlock(
      documentationBlocks().find((block) => block.name === 'library-handler')!,
      'esm',
    );
    expect(snippet('README.md', 'library-handler')).toContain('observe(');
    const out = captureOutput();
    try {
      const { handler } = (await import(file.path)) as {
        handler: (
          event: unknown,
          context: Context,
        ) => Promise<{ statusCode: number; body: string }>;
      };
      const result = await handler({ body: JSON.stringify({ amount: 2500, hour: 3 }) }, context());
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ label: 'fraud', confidence: expect.any(Number) });
      const log = out.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(log).toContainEqual(
        expect.objectContaining({
          model_name: 'fraud',
          model_version: '2026-11-01',
          prediction: 'fraud',
        }),
      );
    } finally {
      out.restore();
      delete process.env.OBSERVED_TRACES;
      delete process.env.OBSERVED_METRICS;
    }
  });
});

function context(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'fraud',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fraud',
    memoryLimitInMB: '1024',
    awsRequestId: 'docs-1',
    logGroupName: '/aws/lambda/fraud',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
