import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { MAX_LOGGED_MODELS } from '../lib/telemetry.js';
import { InvalidPropError } from './errors.js';
import { acknowledge, NAG_REASON } from './nag.js';
import { checkDimensionValue } from './validate.js';

/**
 * Marks a function as calling models through `observeModelCalls()`: the
 * dashboard adds its model-call rows, the alarms their throttle and time to
 * first token alarms, and the role may invoke the models and endpoints named
 * (nothing when none is named).
 *
 * @example
 * const modelCalls: ModelCalls = {
 *   bedrockModelIds: ['anthropic.claude-3-haiku-20240307-v1:0', 'us.amazon.nova-lite-v1:0'],
 *   sagemakerEndpoints: ['ticket-embedder'],
 * };
 */
export interface ModelCalls {
  /**
   * Bedrock model ids the function calls, as its code passes them as
   * `modelId` (the `BedrockModelId` dimension): a foundation model id, a
   * cross-region inference profile id (`us.`, `eu.`, `apac.`, `global.`, …
   * before the model id) or an ARN. The role may call `bedrock:InvokeModel`
   * and `bedrock:InvokeModelWithResponseStream` (what Converse and
   * ConverseStream need) on these only; the dashboard graphs each one's
   * latency, tokens and cost.
   * @default - none: no Bedrock permission, no per-model graphs
   */
  readonly bedrockModelIds?: readonly string[];
  /**
   * SageMaker endpoint names the function calls: the role may call
   * `sagemaker:InvokeEndpoint`, `InvokeEndpointWithResponseStream` and
   * `InvokeEndpointAsync` on these only.
   * @default - none: no SageMaker permission
   */
  readonly sagemakerEndpoints?: readonly string[];
}

/** Prefixes of Bedrock's cross-region (system-defined) inference profile ids. */
const PROFILE_PREFIX = /^(us|us-gov|eu|apac|jp|au|ca|global)\.(.+)$/;
/** SageMaker's endpoint name rule. */
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * Check the model ids and endpoint names (literal, distinct, at most
 * `MAX_LOGGED_MODELS` model ids: the runtime states no more per invocation).
 *
 * @example
 * checkModelCalls('modelCalls', { bedrockModelIds: ['amazon.nova-micro-v1:0'] });
 */
export function checkModelCalls(prop: string, calls: ModelCalls | undefined): void {
  if (calls === undefined) return;
  const ids = calls.bedrockModelIds ?? [];
  if (ids.length > MAX_LOGGED_MODELS)
    throw new InvalidPropError(
      `${prop}.bedrockModelIds`,
      `names ${ids.length} models; the runtime gives at most ${MAX_LOGGED_MODELS} a BedrockModelId of their own`,
    );
  checkList(`${prop}.bedrockModelIds`, ids, (at, id) => checkDimensionValue(at, id));
  checkList(`${prop}.sagemakerEndpoints`, calls.sagemakerEndpoints ?? [], (at, name) => {
    if (!ENDPOINT_NAME.test(name))
      throw new InvalidPropError(at, `${JSON.stringify(name)} is not a SageMaker endpoint name`);
  });
}

function checkList(
  prop: string,
  values: readonly string[],
  check: (at: string, value: string) => void,
): void {
  const seen = new Set<string>();
  values.forEach((value, i) => {
    const at = `${prop}[${i}]`;
    if (typeof value !== 'string' || Token.isUnresolved(value) || value.trim() === '')
      throw new InvalidPropError(at, 'must be a non-empty literal name');
    if (seen.has(value)) throw new InvalidPropError(at, `${JSON.stringify(value)} is listed twice`);
    seen.add(value);
    check(at, value);
  });
}

/**
 * The ARNs a Bedrock model id is invoked through: its foundation model; for
 * an inference profile the profile and its model in every region the profile
 * routes to (Bedrock authorizes both); an ARN as given.
 *
 * @example
 * bedrockResources(stack, 'us.anthropic.claude-3-5-haiku-20241022-v1:0');
 * // { resources: [profile ARN, 'arn:…:bedrock:*::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0'], anyRegion: true }
 */
export function bedrockResources(
  stack: Stack,
  id: string,
): { resources: string[]; anyRegion: boolean } {
  if (id.startsWith('arn:')) return { resources: [id], anyRegion: false };
  const model = (region: string, modelId: string) =>
    stack.formatArn({
      service: 'bedrock',
      region,
      account: '',
      resource: 'foundation-model',
      resourceName: modelId,
    });
  const profile = PROFILE_PREFIX.exec(id);
  if (!profile) return { resources: [model(stack.region, id)], anyRegion: false };
  const profileArn = stack.formatArn({
    service: 'bedrock',
    resource: 'inference-profile',
    resourceName: id,
  });
  return { resources: [profileArn, model('*', profile[2]!)], anyRegion: true };
}

/**
 * Let the function's role invoke the named models and endpoints, in a policy
 * of its own; nothing when none is named.
 *
 * @example
 * grantModelCalls(fn, { bedrockModelIds: ['amazon.nova-micro-v1:0'] });
 */
export function grantModelCalls(fn: lambda.Function, calls: ModelCalls | undefined): void {
  if (!fn.role || calls === undefined) return;
  const stack = Stack.of(fn);
  const statements: iam.PolicyStatement[] = [];
  const bedrock = (calls.bedrockModelIds ?? []).map((id) => bedrockResources(stack, id));
  if (bedrock.length > 0)
    statements.push(
      new iam.PolicyStatement({
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: [...new Set(bedrock.flatMap((b) => b.resources))],
      }),
    );
  const endpoints = calls.sagemakerEndpoints ?? [];
  if (endpoints.length > 0)
    statements.push(
      new iam.PolicyStatement({
        actions: [
          'sagemaker:InvokeEndpoint',
          'sagemaker:InvokeEndpointWithResponseStream',
          'sagemaker:InvokeEndpointAsync',
        ],
        // SageMaker ARNs spell endpoint names in lower case.
        resources: endpoints.map((name) =>
          stack.formatArn({
            service: 'sagemaker',
            resource: 'endpoint',
            resourceName: name.toLowerCase(),
          }),
        ),
      }),
    );
  if (statements.length === 0) return;
  const policy = new iam.Policy(fn, 'ObservedInferenceModelCalls', {
    statements,
    roles: [fn.role],
  });
  const anyRegion = bedrock.filter((b) => b.anyRegion).map((b) => b.resources[1]!);
  if (anyRegion.length > 0)
    acknowledge(
      policy,
      anyRegion.map((arn) => `AwsSolutions-IAM5[Resource::${nagArn(stack, arn)}]`),
      NAG_REASON.inferenceProfileRegions,
    );
}

/** An ARN as cdk-nag names it in a finding: pseudo parameters as `<AWS::Partition>`. */
function nagArn(stack: Stack, arn: string): string {
  const resolved = stack.resolve(arn) as unknown;
  if (typeof resolved === 'string') return resolved;
  const parts = (resolved as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return parts
    .map((part) => (typeof part === 'string' ? part : `<${(part as { Ref: string }).Ref}>`))
    .join('');
}
