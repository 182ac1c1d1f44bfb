import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The cdk-nag (AwsSolutions) findings our own resources raise by design, each
 * acknowledged where it arises with the reason, through aws-cdk-lib's
 * `Validations` (what cdk-nag 3 reads); no dependency on cdk-nag itself.
 */
export const NAG_REASON = {
  xrayWildcard:
    'X-Ray trace writes (PutTraceSegments, PutTelemetryRecords, and PutSpans for its OTLP endpoint) ' +
    'support no resource-level permissions: the only valid resource is "*" (AWS service authorization reference).',
  defaultRuntime:
    'nodejs22.x is the default: a maintained LTS runtime the layer is built and tested for; ' +
    'pass runtime: lambda.Runtime.NODEJS_24_X for the latest.',
  codeDeployRole:
    'CodeDeploy assumes this role with AWSCodeDeployRoleForLambdaLimited, the AWS-managed service-role policy ' +
    'CodeDeploy documents for Lambda deployments: it can read and shift aliases, read alarms and invoke only ' +
    'CodeDeployHook_* functions, and AWS keeps it in step with the calls CodeDeploy makes.',
  inferenceProfileRegions:
    'A Bedrock cross-region inference profile routes each call to its foundation model in any region of ' +
    'the profile, and Bedrock authorizes the model in the region that serves it: the model ARN names ' +
    'that one model in every region (Bedrock user guide, "Prerequisites for inference profiles").',
} as const;

/**
 * Acknowledge cdk-nag rule findings on a construct (and its children), with a reason.
 *
 * @example
 * acknowledge(fn, ['AwsSolutions-L1'], NAG_REASON.defaultRuntime);
 */
export function acknowledge(scope: IConstruct, ids: readonly string[], reason: string): void {
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}
