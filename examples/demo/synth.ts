/**
 * Synthesize the example's CDK stack offline, as `cdk synth` would, and read
 * from it what the demo runs locally: the bundled function code (the asset
 * that would be deployed), its environment, and the alarms and dashboard.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { FraudDetectionStack } from '../fraud-detection/cdk/stack.js';
import { type Json, type Template, TemplateResolver } from './template.js';

/** A function of the stack as it would be deployed. */
export interface SynthesizedFunction {
  /** The function's bundled code: what would be zipped into /var/task. */
  readonly taskRoot: string;
  /** `index.handler`. */
  readonly handler: string;
  /** The function's environment variables as deployed. */
  readonly env: Record<string, string>;
}

/** The inference function (its fields at the top level), and the ground-truth consumer. */
export interface SynthesizedExample extends SynthesizedFunction {
  readonly template: Template;
  readonly resolver: TemplateResolver;
  readonly functionName: string;
  readonly logGroupName: string;
  /** `outcomes.ts`: case resolutions from SQS → `recordOutcome()`. */
  readonly outcomes: SynthesizedFunction;
}

/** Synthesize; `functionName` is the name the local function runs under (CloudFormation would generate one). */
export function synthesizeExample(functionName: string): SynthesizedExample {
  const outdir = mkdtempSync(join(tmpdir(), 'oi-demo-cdk-'));
  // Asset metadata names the bundled code's folder, as the CDK CLI asks for it.
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  new FraudDetectionStack(app, 'FraudDetection');
  const artifact = app.synth().getStackByName('FraudDetection');
  const template = artifact.template as Template;
  const functionId = (prefix: string) =>
    Object.keys(template.Resources).find(
      (id) => template.Resources[id]!.Type === 'AWS::Lambda::Function' && id.startsWith(prefix),
    )!;
  const fnId = functionId('Fraud');
  const logId = Object.keys(template.Resources).find(
    (id) => template.Resources[id]!.Type === 'AWS::Logs::LogGroup',
  )!;
  const logGroupName = `/aws/lambda/${functionName}`;
  const resolver = new TemplateResolver(template, { [fnId]: functionName, [logId]: logGroupName });
  const deployed = (id: string): SynthesizedFunction => {
    const fn = template.Resources[id] as unknown as {
      Properties: Record<string, Json>;
      Metadata: Record<string, string>;
    };
    const props = resolver.resolve(fn.Properties) as {
      Handler: string;
      Environment?: { Variables?: Record<string, string> };
    };
    return {
      taskRoot: join(outdir, fn.Metadata['aws:asset:path']!),
      handler: props.Handler,
      env: props.Environment?.Variables ?? {},
    };
  };
  return {
    ...deployed(fnId),
    template,
    resolver,
    functionName,
    logGroupName,
    outcomes: deployed(functionId('Outcomes')),
  };
}
