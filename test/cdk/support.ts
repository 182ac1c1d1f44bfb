import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { zipSync } from 'fflate';
import {
  InferenceAlarms,
  InferenceDashboard,
  InferenceObservabilityLayer,
  type InferenceTarget,
  ObservedInferenceFunction,
  type ObservedInferenceFunctionProps,
} from '../../cdk/index.js';
import { repoRoot } from '../support/paths.js';

/** The fixture handler every test function bundles. */
export const HANDLER_ENTRY = join(repoRoot, 'test', 'cdk', 'fixtures', 'handler.ts');

let zipPath: string | undefined;

/**
 * A small layer zip (the real wrapper script, a stub package): dist/layer.zip
 * is a build output a clean checkout does not have.
 */
export function fixtureLayerZip(): string {
  if (zipPath) return zipPath;
  const dir = mkdtempSync(join(tmpdir(), 'oi-cdk-layer-'));
  const wrapper = readFileSync(join(repoRoot, 'layer', 'observed-inference-wrapper'));
  const zip = zipSync({
    'observed-inference-wrapper': [wrapper, { os: 3, attrs: 0o100755 << 16 }],
    'nodejs/node_modules/observed-inference/package.json': new TextEncoder().encode(
      '{"name":"observed-inference","type":"module","main":"./index.mjs"}',
    ),
    'nodejs/node_modules/observed-inference/index.mjs': new TextEncoder().encode('export {};\n'),
  });
  zipPath = join(dir, 'layer.zip');
  writeFileSync(zipPath, zip);
  return zipPath;
}

/**
 * An app whose stacks skip asset bundling (a test that checks the bundle
 * turns it back on), so a synth takes about a second.
 */
export function testApp(options: { bundle?: boolean } = {}): App {
  return new App({
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
}

/** A stack with a fixture layer, in a fresh app. */
export function testStack(id = 'Test', options: { bundle?: boolean } = {}) {
  const app = testApp(options);
  const stack = new Stack(app, id, { env: { account: '123456789012', region: 'eu-west-1' } });
  const layer = new InferenceObservabilityLayer(stack, 'Layer', { zipPath: fixtureLayerZip() });
  return { app, stack, layer };
}

/** The props of an ObservedInferenceFunction, with the fixture entry and layer. */
export function functionProps(
  layer: InferenceObservabilityLayer,
  overrides: Partial<ObservedInferenceFunctionProps> = {},
): ObservedInferenceFunctionProps {
  return {
    entry: HANDLER_ENTRY,
    model: { name: 'fraud', version: '2026-11-01' },
    layer,
    ...overrides,
  };
}

/** The Bedrock model ids of the full stack's LLM-backed function: a foundation model and an inference profile. */
export const TRIAGE_MODELS = [
  'anthropic.claude-3-haiku-20240307-v1:0',
  'us.anthropic.claude-3-5-haiku-20241022-v1:0',
] as const;

/**
 * One stack using every construct the way a team would: an
 * ObservedInferenceFunction with its own alarms and dashboard, a function
 * defined elsewhere instrumented in zero-code mode, a shared InferenceAlarms
 * over both and a shared InferenceDashboard with both and an LLM-backed
 * function (`modelCalls`) with its own alarms and dashboard.
 */
export function fullStack(app: App = testApp()) {
  const stack = new Stack(app, 'Full', { env: { account: '123456789012', region: 'eu-west-1' } });
  const layer = new InferenceObservabilityLayer(stack, 'Layer', { zipPath: fixtureLayerZip() });
  const fraud = new ObservedInferenceFunction(stack, 'Fraud', {
    ...functionProps(layer),
    serviceName: 'fraud-api',
    stages: ['preprocess', 'predict', 'postprocess'],
    objective: { latencyP99: Duration.millis(300), errorRate: 0.02 },
    drift: {
      threshold: 0.2,
      baseline: 's3://models-bucket/fraud/baseline.json',
      window: 500,
      signals: ['amount'],
    },
    labels: ['fraud', 'legit'],
    accuracyFloor: 0.9,
    memorySize: 1024,
    timeout: Duration.seconds(10),
    architecture: lambda.Architecture.ARM_64,
    runtime: lambda.Runtime.NODEJS_24_X,
  });
  const churnFn = new lambda.Function(stack, 'Churn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(
      'exports.handler = async () => ({ label: "stay", confidence: 0.9 });',
    ),
  });
  const churn: InferenceTarget = layer.instrument(churnFn, {
    mode: 'zero-code',
    model: { name: 'churn', version: '7' },
    serviceName: 'churn-api',
    lowConfidenceThreshold: 0.7,
  });
  // An LLM-backed function: Bedrock (a model and an inference profile) and a SageMaker endpoint.
  const triage = new ObservedInferenceFunction(stack, 'Triage', {
    ...functionProps(layer),
    model: { name: 'triage', version: '2026-12-01' },
    serviceName: 'triage-api',
    objective: { latencyP99: Duration.seconds(20) },
    timeout: Duration.seconds(30),
    runtime: lambda.Runtime.NODEJS_24_X,
    responseStreaming: true,
    modelCalls: { bedrockModelIds: TRIAGE_MODELS, sagemakerEndpoints: ['Ticket-Embedder'] },
    timeToFirstTokenP99: Duration.millis(1500),
  });
  const topic = new sns.Topic(stack, 'Pager', { enforceSSL: true });
  const teamAlarms = new InferenceAlarms(stack, 'TeamAlarms', {
    models: [fraud.target, churn],
    alarmTopic: topic,
    alarmNamePrefix: 'team',
  });
  const teamDashboard = new InferenceDashboard(stack, 'TeamDashboard', {
    dashboardName: 'ml-inference',
    alarms: [teamAlarms],
  });
  teamDashboard
    .addModel({ ...fraud.target, stages: ['predict'], responseStreaming: true })
    .addModel(churn);
  return { app, stack, layer, fraud, churnFn, churn, triage, topic, teamAlarms, teamDashboard };
}

/** Synthesize once per stack and keep the template. */
const templates = new WeakMap<Stack, Template>();
export function templateOf(stack: Stack): Template {
  let template = templates.get(stack);
  if (!template) {
    template = Template.fromStack(stack);
    templates.set(stack, template);
  }
  return template;
}

/** Resources of a type, by logical id. */
export function resourcesOf(
  template: Template,
  type: string,
): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown> }>;
}
