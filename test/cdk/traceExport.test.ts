import { Duration, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { ObservedInferenceFunction, type TraceExport } from '../../cdk/index.js';
import { ENV, OTEL_ENV } from '../../lib/telemetry.js';
import { functionProps, resourcesOf, testStack } from './support.js';

const EXTENSION = 'arn:aws:lambda:eu-west-1:123456789012:layer:otel-collector:3';

interface Synthesized {
  readonly stack: Stack;
  readonly fn: { Properties: Record<string, unknown> };
  readonly env: Record<string, unknown>;
  /** The actions of the role's telemetry policy, if it has one. */
  readonly xrayActions: unknown[];
  readonly roleDescription: unknown;
}

/** One function exporting its traces as `traces` says, synthesized. */
function synth(traces: TraceExport, extra: { timeout?: Duration } = {}): Synthesized {
  const { stack, layer } = testStack('Traces');
  new ObservedInferenceFunction(stack, 'Fn', { ...functionProps(layer), traces, ...extra });
  const template = Template.fromStack(stack);
  const [fn] = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
  const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
    (p) =>
      (p.Properties.PolicyDocument as { Statement: Array<{ Action: unknown }> }).Statement ?? [],
  );
  const [role] = Object.values(resourcesOf(template, 'AWS::IAM::Role'));
  return {
    stack,
    fn: fn!,
    env: (fn!.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    xrayActions: statements
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
      .filter((a) => String(a).startsWith('xray:')),
    roleDescription: role!.Properties.Description,
  };
}

const ACTIVE = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

describe('ObservedInferenceFunction traces', () => {
  it('keeps X-Ray segments by default: no variable, active tracing, the daemon’s permissions', () => {
    const { fn, env, xrayActions } = synth({ kind: 'xray-segments' });
    expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(env[ENV.Traces]).toBeUndefined();
    expect(Object.keys(env).filter((k) => k.startsWith('OTEL_'))).toEqual([]);
    expect(xrayActions).toEqual(ACTIVE);
  });

  it('sends OTLP to Lambda’s X-Ray UDP endpoint with active tracing and the same permissions', () => {
    const { fn, env, xrayActions } = synth({ kind: 'xray-udp-otlp' });
    expect(env[ENV.Traces]).toBe('otlp-udp');
    expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(xrayActions).toEqual(ACTIVE);
  });

  it('sends OTLP/HTTP to X-Ray’s regional OTLP endpoint, allowed to put spans', () => {
    const { stack, fn, env, xrayActions } = synth({
      kind: 'xray-otlp-endpoint',
      compression: 'gzip',
      timeout: Duration.seconds(2),
    });
    expect(env[ENV.Traces]).toBe('otlp-http');
    expect(stack.resolve(env[OTEL_ENV.TracesEndpoint])).toEqual({
      'Fn::Join': ['', ['https://xray.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/v1/traces']],
    });
    expect(env[OTEL_ENV.TracesCompression]).toBe('gzip');
    expect(env[OTEL_ENV.TracesTimeout]).toBe('2000');
    expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(xrayActions).toEqual([...ACTIVE, 'xray:PutSpans']);
  });

  it('leaves Lambda’s sampling and segments out of an OTLP export when asked', () => {
    const toXray = synth({ kind: 'xray-otlp-endpoint', activeTracing: false });
    expect(toXray.fn.Properties.TracingConfig).toBeUndefined();
    expect(toXray.xrayActions).toEqual(['xray:PutTraceSegments', 'xray:PutSpans']);
    const toCollector = synth({ kind: 'otlp-collector', activeTracing: false });
    expect(toCollector.fn.Properties.TracingConfig).toBeUndefined();
    expect(toCollector.xrayActions).toEqual([]);
    expect(toCollector.roleDescription).toBe('Fn: writes its own log group only');
  });

  it('sends OTLP/HTTP to a collector extension it attaches, with the headers given', () => {
    const { fn, env, xrayActions } = synth({
      kind: 'otlp-collector',
      extension: EXTENSION,
      headers: { 'x-tenant': 'fraud team', 'x-dataset': 'inference' },
    });
    expect(env[ENV.Traces]).toBe('otlp-http');
    // The runtime's default endpoint is the extension's receiver.
    expect(env[OTEL_ENV.TracesEndpoint]).toBeUndefined();
    expect(env[OTEL_ENV.TracesHeaders]).toBe('x-tenant=fraud%20team,x-dataset=inference');
    expect(fn.Properties.Layers).toEqual([{ Ref: expect.stringMatching(/^Layer/) }, EXTENSION]);
    expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(xrayActions).toEqual(ACTIVE);
  });

  it('sends OTLP/HTTP to a remote collector without a layer', () => {
    const { fn, env } = synth({
      kind: 'otlp-collector',
      endpoint: 'https://otlp.example.com/v1/traces',
    });
    expect(env[OTEL_ENV.TracesEndpoint]).toBe('https://otlp.example.com/v1/traces');
    expect(fn.Properties.Layers).toHaveLength(1);
  });

  it('accepts the extension as a layer version', () => {
    const { stack, layer } = testStack('Traces');
    const extension = lambda.LayerVersion.fromLayerVersionArn(stack, 'Collector', EXTENSION);
    const fn = new ObservedInferenceFunction(stack, 'Fn', {
      ...functionProps(layer),
      traces: { kind: 'otlp-collector', extension },
    });
    expect(stack.resolve((fn.node.defaultChild as lambda.CfnFunction).layers)).toEqual([
      { Ref: expect.stringMatching(/^Layer/) },
      EXTENSION,
    ]);
  });

  it('turns traces off: the variable, no active tracing, no X-Ray permission', () => {
    const { fn, env, xrayActions, roleDescription } = synth({ kind: 'off' });
    expect(env[ENV.Traces]).toBe('off');
    expect(fn.Properties.TracingConfig).toBeUndefined();
    expect(xrayActions).toEqual([]);
    expect(roleDescription).toBe('Fn: writes its own log group only');
  });

  it('instruments a function defined elsewhere the same way', () => {
    const { stack, layer } = testStack('Traces');
    const fn = new lambda.Function(stack, 'Plain', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({});'),
    });
    layer.instrument(fn, { model: { name: 'm', version: '1' }, traces: { kind: 'off' } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { [ENV.Traces]: 'off' } },
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('xray:');
  });
});
