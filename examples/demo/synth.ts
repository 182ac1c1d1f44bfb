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

export interface SynthesizedExample {
  readonly template: Template;
  readonly resolver: TemplateResolver;
  /** The function's bundled code: what would be zipped into /var/task. */
  readonly taskRoot: string;
  /** `index.handler`. */
  readonly handler: string;
  /** The function's environment variables as deployed. */
  readonly env: Record<string, string>;
  readonly functionName: string;
  readonly logGroupName: string;
}

/** Synthesize; `functionName` is the name the local function runs under (CloudFormation would generate one). */
export function synthesizeExample(functionName: string): SynthesizedExample {
  const outdir = mkdtempSync(join(tmpdir(), 'oi-demo-cdk-'));
  // Asset metadata names the bundled code's folder, as the CDK CLI asks for it.
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  new FraudDetectionStack(app, 'FraudDetection');
  const artifact = app.synth().getStackByName('FraudDetection');
  const template = artifact.template as Template;
  const fnId = Object.keys(template.Resources).find(
    (id) => template.Resources[id]!.Type === 'AWS::Lambda::Function' && id.startsWith('Fraud'),
  )!;
  const logId = Object.keys(template.Resources).find(
    (id) => template.Resources[id]!.Type === 'AWS::Logs::LogGroup',
  )!;
  const logGroupName = `/aws/lambda/${functionName}`;
  const resolver = new TemplateResolver(template, { [fnId]: functionName, [logId]: logGroupName });
  const fn = template.Resources[fnId] as unknown as {
    Properties: Record<string, Json>;
    Metadata: Record<string, string>;
  };
  const props = resolver.resolve(fn.Properties) as {
    Handler: string;
    Environment?: { Variables?: Record<string, string> };
  };
  return {
    template,
    resolver,
    taskRoot: join(outdir, fn.Metadata['aws:asset:path']!),
    handler: props.Handler,
    env: props.Environment?.Variables ?? {},
    functionName,
    logGroupName,
  };
}
