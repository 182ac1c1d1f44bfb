import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { InferenceObservabilityLayer, InvalidPropError } from '../../cdk/index.js';
import { defaultLayerZipPath, packageRoot } from '../../cdk/layerAsset.js';
import { WRAPPER_NAME } from '../../layer/build.js';
import { ENV, WRAPPER_PATH } from '../../lib/telemetry.js';
import { repoRoot } from '../support/paths.js';
import { fixtureLayerZip, fullStack, templateOf, testApp, testStack } from './support.js';

let full: ReturnType<typeof fullStack>;
let template: Template;
beforeAll(() => {
  full = fullStack();
  template = templateOf(full.stack);
});

const churnEnv = () => {
  const fns = template.findResources('AWS::Lambda::Function', {
    Properties: { Code: { ZipFile: Match.anyValue() } },
  });
  const [fn] = Object.values(fns) as Array<{ Properties: Record<string, unknown> }>;
  if (!fn) throw new Error('no inline-code function in the template');
  return (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
};

describe('InferenceObservabilityLayer', () => {
  it('is a layer version for nodejs22.x and nodejs24.x on x86_64 and arm64', () => {
    template.hasResourceProperties('AWS::Lambda::LayerVersion', {
      CompatibleRuntimes: ['nodejs22.x', 'nodejs24.x'],
      CompatibleArchitectures: ['x86_64', 'arm64'],
      LicenseInfo: 'Apache-2.0',
      Description: Match.stringLikeRegexp('^observed-inference \\d+\\.\\d+\\.\\d+'),
    });
    template.hasResource('AWS::Lambda::LayerVersion', { DeletionPolicy: 'Retain' });
  });

  it('instruments a function defined elsewhere in zero-code mode through the exec wrapper', () => {
    expect(churnEnv()).toEqual({
      AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH,
      [ENV.ModelName]: 'churn',
      [ENV.ModelVersion]: '7',
      POWERTOOLS_SERVICE_NAME: 'churn-api',
      POWERTOOLS_METRICS_NAMESPACE: 'ObservedInference',
      [ENV.LowConfidence]: '0.7',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Code: { ZipFile: Match.anyValue() },
      TracingConfig: { Mode: 'Active' },
      Layers: [{ Ref: Match.stringLikeRegexp('^Layer') }],
    });
  });

  it('sets this environment in zero-code mode (snapshot)', () => {
    expect(churnEnv()).toMatchSnapshot();
  });

  it('points the wrapper variable at the script the layer ships, at the zip root', () => {
    expect(WRAPPER_PATH).toBe(`/opt/${WRAPPER_NAME}`);
    expect(existsSync(join(repoRoot, 'layer', WRAPPER_NAME))).toBe(true);
  });

  it('grants the X-Ray writes in a policy of its own on the function role', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyName: Match.stringLikeRegexp('ChurnObservedInferenceTelemetry') },
    });
    const [policy] = Object.values(policies) as Array<{
      Properties: { PolicyDocument: unknown; Roles: unknown };
    }>;
    expect(policy?.Properties.PolicyDocument).toMatchObject({
      Statement: [
        {
          Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          Effect: 'Allow',
          Resource: '*',
        },
      ],
    });
    expect(policy?.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^ChurnServiceRole/) }]);
  });

  it('returns the target alarms and dashboards need, with the function', () => {
    expect(full.churn.model).toEqual({ name: 'churn', version: '7' });
    expect(full.churn.serviceName).toBe('churn-api');
    expect(full.churn.function).toBe(full.churnFn);
  });

  it('is shared per stack through forStack()', () => {
    const { stack } = testStack('Shared');
    const zip = fixtureLayerZip();
    const first = new InferenceObservabilityLayer(stack, 'ObservedInferenceLayer', {
      zipPath: zip,
    });
    expect(InferenceObservabilityLayer.forStack(stack)).toBe(first);
  });

  it('refuses a missing zip, saying how to build it', () => {
    const stack = new Stack(testApp(), 'NoZip');
    const attempt = () =>
      new InferenceObservabilityLayer(stack, 'L', { zipPath: '/nonexistent/layer.zip' });
    expect(attempt).toThrow(InvalidPropError);
    expect(attempt).toThrow(/zipPath.*npm run build:layer/s);
  });

  it('finds dist/layer.zip of the package from sources and from the built files', () => {
    expect(defaultLayerZipPath()).toBe(join(repoRoot, 'dist', 'layer.zip'));
    const root = mkdtempSync(join(tmpdir(), 'oi-pkg-'));
    writeFileSync(join(root, 'package.json'), '{"name":"observed-inference"}');
    mkdirSync(join(root, 'dist', 'cdk'), { recursive: true });
    expect(packageRoot(join(root, 'dist', 'cdk'))).toBe(root);
    expect(defaultLayerZipPath(join(root, 'dist', 'cdk'))).toBe(join(root, 'dist', 'layer.zip'));
  });

  it('refuses to instrument a runtime the layer is not built for, or twice', () => {
    const { stack, layer } = testStack('Runtimes');
    const old = new lambda.Function(stack, 'Old', {
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => 1;'),
    });
    expect(() => layer.instrument(old, { model: { name: 'm', version: '1' } })).toThrow(
      /'runtime'.*nodejs20\.x/,
    );
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => 1;'),
    });
    layer.instrument(fn, { model: { name: 'm', version: '1' } });
    expect(() => layer.instrument(fn, { model: { name: 'm', version: '1' } })).toThrow(/'fn'/);
  });

  it('defaults to library mode, the model name as service, and grants reading an S3 baseline', () => {
    const { stack, layer } = testStack('Library');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => 1;'),
    });
    const target = layer.instrument(fn, {
      model: { name: 'fraud', version: '3' },
      baseline: 's3://bucket/models/baseline.json',
      driftWindow: 1000,
    });
    expect(target.serviceName).toBe('fraud');
    const t = Template.fromStack(stack);
    const vars = (
      Object.values(t.findResources('AWS::Lambda::Function'))[0] as {
        Properties: { Environment: { Variables: Record<string, string> } };
      }
    ).Properties.Environment.Variables;
    expect(vars.AWS_LAMBDA_EXEC_WRAPPER).toBeUndefined();
    expect(vars).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'fraud',
      [ENV.Baseline]: 's3://bucket/models/baseline.json',
      [ENV.DriftWindow]: '1000',
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 's3:GetObject',
            Effect: 'Allow',
            Resource: {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':s3:::bucket/models/baseline.json'],
              ],
            },
          },
        ]),
      },
    });
  });
});
