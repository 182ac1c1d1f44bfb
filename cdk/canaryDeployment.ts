import { Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { InvalidPropError } from './errors.js';
import { acknowledge, NAG_REASON } from './nag.js';
import { resolveVersionSettings, type VersionComparisonSettings } from './versionSpecs.js';

/**
 * The `deployment` prop of `ObservedInferenceFunction`: an alias on a new
 * Lambda version at every deployment, its traffic shifted by CodeDeploy
 * (canary or linear) and rolled back when an alarm fires.
 *
 * @example
 * const deployment: FunctionDeployment = {
 *   previousVersion: '2026-11-01',
 *   deploymentConfig: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
 *   comparison: { latencyP99Ratio: 1.5 },
 * };
 */
export interface FunctionDeployment {
  /**
   * The alias callers invoke (an API integration, an event source): its
   * traffic moves from the old Lambda version to the new one.
   * @default 'live'
   */
  readonly aliasName?: string;
  /**
   * The `ModelVersion` the alias serves before this deployment. Given, the
   * version-comparison alarms (this `model.version` against it) roll the
   * deployment back, and the dashboard shows both versions side by side.
   * @default - no comparison (a first deployment, or a code change that keeps
   * the model version): the function's error-rate alarm alone rolls back
   */
  readonly previousVersion?: string;
  /**
   * How traffic moves: `CANARY_10PERCENT_5MINUTES`, `LINEAR_10PERCENT_EVERY_1MINUTE`,
   * `ALL_AT_ONCE`, or your own `LambdaDeploymentConfig`.
   * @default codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES
   */
  readonly deploymentConfig?: codedeploy.ILambdaDeploymentConfig;
  /**
   * Thresholds and evaluation of the comparison alarms (used with `previousVersion`).
   * @default - `InferenceVersionComparison`'s defaults
   */
  readonly comparison?: VersionComparisonSettings;
  /**
   * More alarms that roll the deployment back, beside the comparison alarms
   * and the function's error-rate alarm.
   * @default - none
   */
  readonly alarms?: readonly cloudwatch.IAlarm[];
}

/** The alias and the CodeDeploy deployment group that shifts it. */
export interface CanaryDeployment {
  readonly alias: lambda.Alias;
  readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;
}

/**
 * A Lambda alias name: 1-128 letters, digits, `-` and `_`, not only digits (a version number).
 *
 * @example
 * checkAliasName('deployment.aliasName', 'live');
 */
export function checkAliasName(prop: string, name: string): void {
  if (Token.isUnresolved(name)) return;
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(name) || /^[0-9]+$/.test(name))
    throw new InvalidPropError(
      prop,
      `${JSON.stringify(name)} must be 1-128 letters, digits, '-' or '_', and not a version number`,
    );
}

/**
 * Check `deployment` before anything is created: the alias name, and that
 * the previous model version differs from the one deployed.
 *
 * @example
 * checkDeployment({ previousVersion: '1' }, '2', true);
 */
export function checkDeployment(
  props: FunctionDeployment,
  modelVersion: string,
  hasErrorRateAlarm: boolean,
): void {
  checkAliasName('deployment.aliasName', props.aliasName ?? 'live');
  const { previousVersion, comparison } = props;
  // `comparison` without `previousVersion` is kept for the next release: a stack sets both thresholds
  // once and the previous version per release.
  if (previousVersion === undefined) {
    if (!hasErrorRateAlarm && (props.alarms ?? []).length === 0)
      throw new InvalidPropError(
        'deployment',
        'has no alarm to roll back on: the function makes no error-rate alarm (createAlarms: false, or an SLO ' +
          'replaces it), so give deployment.previousVersion or deployment.alarms',
      );
    return;
  }
  if (previousVersion === modelVersion)
    throw new InvalidPropError(
      'deployment.previousVersion',
      `is model.version too (${JSON.stringify(modelVersion)}): the comparison needs the version served before; ` +
        'bump model.version with each model change, or leave previousVersion out for a code-only change',
    );
  resolveVersionSettings('deployment.comparison', previousVersion, modelVersion, comparison ?? {});
}

/**
 * The alias on the function's current version and a deployment group that
 * moves it with `deploymentConfig`, rolling back when any of `alarms` fires,
 * when the deployment fails and when it is stopped.
 *
 * @example
 * const { alias, deploymentGroup } = canaryDeployment(fn, { previousVersion: '1' }, [errorRate]);
 */
export function canaryDeployment(
  fn: lambda.Function,
  props: FunctionDeployment,
  alarms: readonly cloudwatch.IAlarm[],
): CanaryDeployment {
  const aliasName = props.aliasName ?? 'live';
  checkAliasName('deployment.aliasName', aliasName);
  const alias = new lambda.Alias(fn, 'Alias', { aliasName, version: fn.currentVersion });
  const rollbackAlarms = [...alarms, ...(props.alarms ?? [])];
  const deploymentGroup = new codedeploy.LambdaDeploymentGroup(fn, 'Deployment', {
    alias,
    deploymentConfig:
      props.deploymentConfig ?? codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
    alarms: rollbackAlarms,
    autoRollback: {
      failedDeployment: true,
      stoppedDeployment: true,
      // CodeDeploy refuses alarm-based rollback without an alarm to watch.
      deploymentInAlarm: rollbackAlarms.length > 0,
    },
  });
  acknowledge(
    deploymentGroup,
    [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
    ],
    NAG_REASON.codeDeployRole,
  );
  return { alias, deploymentGroup };
}
