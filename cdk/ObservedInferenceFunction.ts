import type { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { AlarmOverrides } from './alarmSpecs.js';
import { canaryDeployment, type FunctionDeployment } from './canaryDeployment.js';
import type { InstrumentationMode } from './environment.js';
import { type FunctionAlarmProps, splitAlarmProps } from './functionAlarms.js';
import { bundlingOptions, resolveFunctionSettings } from './functionSettings.js';
import { InferenceAlarms } from './InferenceAlarms.js';
import { InferenceDashboard } from './InferenceDashboard.js';
import { InferenceObservabilityLayer } from './InferenceObservabilityLayer.js';
import {
  type FunctionServiceLevelObjectives,
  InferenceServiceLevelObjectives,
} from './InferenceServiceLevelObjectives.js';
import { InferenceVersionComparison } from './InferenceVersionComparison.js';
import { InferenceMetrics } from './metrics.js';
import type { ModelCalls } from './modelCalls.js';
import { acknowledge, NAG_REASON } from './nag.js';
import {
  DEFAULTS,
  type DriftSettings,
  type InferenceModel,
  type InferenceObjective,
  type InferenceTarget,
} from './target.js';
import { TRACE_EXPORT, type TraceExport } from './traceExport.js';

/** Lambda's memory size when a function sets none. */
const DEFAULT_MEMORY_MB = 128;

/** Function props the construct sets itself (tracing, log format and log group are what it is for). */
type OwnedProps =
  | 'entry'
  | 'runtime'
  | 'tracing'
  | 'loggingFormat'
  | 'logFormat'
  | 'applicationLogLevel'
  | 'applicationLogLevelV2'
  | 'logGroup'
  | 'logRetention'
  | 'logRetentionRole'
  | 'logRetentionRetryOptions';

/**
 * Props of {@link ObservedInferenceFunction}: the usual `NodejsFunction` props
 * (memorySize, timeout, architecture, environment, bundling, vpc, role, …) plus
 * the model and its observability, and `InferenceAlarms`' props for its
 * alarms (`predictionFloor`, `abstentionRateCeiling`, … : `FunctionAlarmProps`).
 *
 * @example
 * const props: ObservedInferenceFunctionProps = {
 *   entry: 'src/fraud.ts',
 *   model: { name: 'fraud', version: '2026-11-01' },
 *   objective: { latencyP99: Duration.millis(300) },
 *   memorySize: 1024,
 * };
 */
export interface ObservedInferenceFunctionProps
  extends Omit<NodejsFunctionProps, OwnedProps>,
    FunctionAlarmProps {
  /** The handler's source file (TypeScript or JavaScript), bundled locally with esbuild. */
  readonly entry: string;
  /** The model served: the `ModelName` and `ModelVersion` of every metric. */
  readonly model: InferenceModel;
  /**
   * `library` (the handler calls `observe()`) or `zero-code` (the layer wraps it).
   * @default 'library'
   */
  readonly mode?: InstrumentationMode;
  /**
   * `POWERTOOLS_SERVICE_NAME`, the `service` dimension.
   * @default - the model name
   */
  readonly serviceName?: string;
  /**
   * Where traces go: `xray-segments` (X-Ray segment documents to Lambda's
   * X-Ray daemon), `xray-udp-otlp` (OTLP to the same UDP endpoint),
   * `xray-otlp-endpoint` (OTLP/HTTP to X-Ray's OTLP endpoint; needs
   * Transaction Search), `otlp-collector` (OTLP/HTTP to a collector, with
   * its extension layer if given) or `off`. Each sets its variables, active
   * tracing and X-Ray permissions, and nothing the others need.
   * @default { kind: 'xray-segments' }
   */
  readonly traces?: TraceExport;
  /**
   * `POWERTOOLS_METRICS_NAMESPACE`.
   * @default 'ObservedInference'
   */
  readonly namespace?: string;
  /**
   * `nodejs22.x` or `nodejs24.x`.
   * @default lambda.Runtime.NODEJS_22_X
   */
  readonly runtime?: lambda.Runtime;
  /**
   * The objective the alarms hold the model to; its p99 must be below the timeout.
   * @default { latencyP99: Duration.millis(250), errorRate: 0.01 }
   */
  readonly objective?: InferenceObjective;
  /**
   * `OBSERVED_LOW_CONFIDENCE`, in [0, 1].
   * @default 0.5
   */
  readonly lowConfidenceThreshold?: number;
  /**
   * Drift alarm threshold and the baseline.
   * @default { threshold: 0.25 } and no baseline
   */
  readonly drift?: DriftSettings;
  /**
   * The model's labels: `OBSERVED_LABELS` (each gets a label-mix metric of
   * its own) and the dashboard's label-mix graph.
   * @default - the baseline's labels at runtime, and no label-mix graph
   */
  readonly labels?: readonly string[];
  /**
   * Accuracy from `recordOutcome()` below which an alarm fires, in (0, 1].
   * @default - no accuracy alarm
   */
  readonly accuracyFloor?: number;
  /**
   * `stage()` names graphed on the dashboard (p95 each).
   * @default - no stage graph
   */
  readonly stages?: readonly string[];
  /**
   * The handler streams its responses (`awslambda.streamifyResponse`, a
   * function URL in `RESPONSE_STREAM` mode): the dashboard adds time to first
   * byte, bytes streamed and aborted streams.
   * @default false
   */
  readonly responseStreaming?: boolean;
  /**
   * The handler calls models through `observeModelCalls()` (Bedrock,
   * SageMaker endpoints): the role may invoke the models and endpoints named
   * (nothing when none is), the dashboard adds the model-call rows, and the
   * alarms fire on throttled model calls and on p99 time to first token
   * (`timeToFirstTokenP99`).
   * @default - no model calls
   */
  readonly modelCalls?: ModelCalls;
  /**
   * p99 of `TimeToFirstToken` (streamed answers) above which the alarm fires, with `modelCalls`.
   * @default Duration.seconds(3)
   */
  readonly timeToFirstTokenP99?: Duration;
  /**
   * Application Signals SLOs on the `objective`, judged over a rolling
   * interval: 99% of inferences within `latencyP99`, and inferences without
   * an error within the `errorRate` budget. Beside the alarms, or in place
   * of the two they restate (`replaceAlarms`).
   * @default - no SLO
   */
  readonly serviceLevelObjectives?: FunctionServiceLevelObjectives;
  /**
   * Deploy through an alias (`live`) whose traffic CodeDeploy moves to each
   * new Lambda version, canary or linear, rolling back when the function's
   * error-rate alarm fires or, with `previousVersion`, when this model
   * version is worse than the previous one (p99 latency, error rate,
   * mean confidence). Invoke the `alias`, not the function.
   * @default - no alias, no CodeDeploy: each deployment takes all traffic at once
   */
  readonly deployment?: FunctionDeployment;
  /**
   * Per-alarm evaluation of the function's alarms (`threshold` of timeouts,
   * throttles and model reloads, `evaluationPeriods`, `datapointsToAlarm`,
   * `treatMissingData`), as `InferenceAlarms`' prop of the same name.
   * @default - each alarm's defaults
   */
  readonly alarmOverrides?: AlarmOverrides;
  /**
   * Notified by the "model health" composite alarm.
   * @default - a new SNS topic, when alarms are created
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Create this function's `InferenceAlarms`.
   * @default true
   */
  readonly createAlarms?: boolean;
  /**
   * Create this function's `InferenceDashboard` (share one across functions
   * with `createDashboard: false` and `dashboard.addModel(fn.target)`).
   * @default true
   */
  readonly createDashboard?: boolean;
  /**
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
  /**
   * The layer to attach.
   * @default - the stack's shared layer from `dist/layer.zip`
   */
  readonly layer?: InferenceObservabilityLayer;
  /**
   * Lambda's application log level; TRACE, DEBUG or INFO (above INFO would drop the EMF metrics).
   * @default lambda.ApplicationLogLevel.INFO
   */
  readonly logLevel?: lambda.ApplicationLogLevel;
  /**
   * Retention of the log group the construct creates.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Your own log group instead (`logRetention` then does not apply).
   * @default - a new log group
   */
  readonly logGroup?: logs.ILogGroup;
}

/**
 * A Node.js inference function observable from its first deployment: bundled
 * locally with esbuild (ESM; the layer's package and the AWS SDK external),
 * the observed-inference layer attached, active X-Ray tracing, the telemetry
 * environment, a JSON-format log group with retention, a role that can only
 * write its own logs and traces, and by default its own alarms and dashboard.
 *
 * Created beside it in the same scope (an L2 function takes them at
 * creation): `<id>LogGroup` and, unless `role` is given, `<id>ServiceRole`.
 * `metricErrors()` and the other inherited helpers stay Lambda's; the
 * model's are on `metrics` (`fn.metrics.metricInferenceLatency()`, …).
 *
 * @example
 * const fraud = new ObservedInferenceFunction(this, 'Fraud', {
 *   entry: 'src/fraud.ts',
 *   model: { name: 'fraud', version: '2026-11-01' },
 *   stages: ['preprocess', 'predict', 'postprocess'],
 * });
 * fraud.metrics.metricInferenceLatency({ statistic: 'p99' });
 */
export class ObservedInferenceFunction extends NodejsFunction {
  /** The alarms, unless `createAlarms: false`. */
  readonly alarms?: InferenceAlarms;
  /** The SLOs, with `serviceLevelObjectives`. */
  readonly serviceLevelObjectives?: InferenceServiceLevelObjectives;
  /** The dashboard, unless `createDashboard: false`. */
  readonly dashboard?: InferenceDashboard;
  readonly layer: InferenceObservabilityLayer;
  /** What alarms and dashboards need to find this function's telemetry. */
  readonly target: InferenceTarget;
  /** The model's metrics on this function's dimensions: `metrics.metricErrorRate()`, … */
  readonly metrics: InferenceMetrics;
  /** The alias callers invoke, with `deployment`. */
  readonly alias?: lambda.Alias;
  /** The CodeDeploy deployment group that moves the alias, with `deployment`. */
  readonly deploymentGroup?: codedeploy.LambdaDeploymentGroup;
  /** This model version against `deployment.previousVersion`: its alarms and dashboard rows. */
  readonly versionComparison?: InferenceVersionComparison;

  constructor(scope: Construct, id: string, props: ObservedInferenceFunctionProps) {
    const {
      model,
      mode: _mode,
      serviceName,
      namespace,
      objective: _objective,
      lowConfidenceThreshold,
      drift,
      labels,
      traces,
      accuracyFloor,
      stages,
      modelCalls,
      timeToFirstTokenP99,
      serviceLevelObjectives,
      deployment,
      alarmOverrides,
      alarmTopic,
      createAlarms = true,
      createDashboard = true,
      dashboardName,
      layer,
      logLevel: _logLevel,
      logRetention: _logRetention,
      logGroup: _logGroup,
      ...otherProps
    } = props;
    const settings = resolveFunctionSettings(props);
    const { alarmProps, rest: functionProps } = splitAlarmProps(otherProps, createAlarms);
    const { logGroup, role } = logGroupAndRole(scope, id, props);
    super(scope, id, {
      ...functionProps,
      runtime: settings.runtime,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: settings.logLevel,
      bundling: bundlingOptions(props.bundling),
    });

    if (props.runtime === undefined)
      acknowledge(this, ['AwsSolutions-L1'], NAG_REASON.defaultRuntime);
    this.layer = layer ?? InferenceObservabilityLayer.forStack(this);
    const target = this.layer.instrument(this, {
      mode: settings.mode,
      model,
      serviceName,
      namespace,
      lowConfidenceThreshold,
      baseline: drift?.baseline,
      driftWindow: drift?.window,
      labels,
      traces,
      modelCalls,
    });
    this.target = { ...target, logGroup };
    this.metrics = new InferenceMetrics(this.target);
    const { objective, driftThreshold } = settings;
    if (serviceLevelObjectives) {
      const { replaceAlarms: _replace, ...sloProps } = serviceLevelObjectives;
      this.serviceLevelObjectives = new InferenceServiceLevelObjectives(this, 'Slos', {
        ...sloProps,
        target: this.target,
        objective,
      });
    }
    if (createAlarms)
      this.alarms = new InferenceAlarms(this, 'Alarms', {
        ...alarmProps,
        models: [this.target],
        objective,
        driftThreshold,
        accuracyFloor,
        timeToFirstTokenP99,
        alarmOverrides,
        alarmTopic,
        // Data quality is judged against the baseline: with one, its alarm is on unless said otherwise.
        dataQualityAlarm: alarmProps.dataQualityAlarm ?? drift?.baseline !== undefined,
        exclude: [...settings.replacedAlarms, ...(alarmProps.exclude ?? [])],
      });
    if (createDashboard)
      this.dashboard = new InferenceDashboard(this, 'Dashboard', {
        dashboardName,
        models: [
          {
            ...this.target,
            stages,
            objective,
            driftThreshold,
            driftSignals: drift?.signals,
            labels,
            responseStreaming: props.responseStreaming,
            timeToFirstTokenP99: modelCalls
              ? (timeToFirstTokenP99 ?? DEFAULTS.timeToFirstTokenP99)
              : undefined,
            confidenceStdDevs: alarmProps.confidenceStdDevs,
            loadsPerColdStart: alarmProps.loadsPerColdStart,
            memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
          },
        ],
        alarms: this.alarms ? [this.alarms] : [],
      });
    if (deployment) {
      if (deployment.previousVersion !== undefined) {
        this.versionComparison = new InferenceVersionComparison(this, 'VersionComparison', {
          ...deployment.comparison,
          target: this.target,
          baseline: deployment.previousVersion,
          labels,
          driftThreshold,
        });
        this.dashboard?.addVersionComparison(this.versionComparison);
      }
      const errorRate = this.alarms?.forModel(this.target.model).errorRate;
      const rollback: cloudwatch.IAlarm[] = [
        ...(this.versionComparison?.alarms ?? []),
        ...(errorRate ? [errorRate] : []),
      ];
      ({ alias: this.alias, deploymentGroup: this.deploymentGroup } = canaryDeployment(
        this,
        deployment,
        rollback,
      ));
    }
  }
}

/**
 * The log group and role, created beside the function (an L2 function takes
 * them at construction, before it can have children): the role may write that
 * log group and nothing else; tracing and baseline permissions come with
 * `instrument()`.
 */
function logGroupAndRole(
  scope: Construct,
  id: string,
  props: ObservedInferenceFunctionProps,
): { logGroup: logs.ILogGroup; role: iam.IRole } {
  const logGroup =
    props.logGroup ??
    new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
  const role =
    props.role ??
    new iam.Role(scope, `${id}ServiceRole`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: writesXray(props.traces)
        ? `${id}: writes its own log group and X-Ray traces only`
        : `${id}: writes its own log group only`,
    });
  logGroup.grantWrite(role);
  return { logGroup, role };
}

/** Whether the trace export writes to X-Ray (what the role's description says). */
function writesXray(traces: TraceExport | undefined): boolean {
  if (traces?.kind === TRACE_EXPORT.Off) return false;
  if (traces?.kind === TRACE_EXPORT.Collector) return traces.activeTracing !== false;
  return true;
}
