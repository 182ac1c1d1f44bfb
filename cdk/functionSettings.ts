import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { ECOSYSTEM_ENV, ENV } from '../lib/telemetry.js';
import { ALARM_KIND, type AlarmKind } from './alarmSpecs.js';
import { checkDeployment, type FunctionDeployment } from './canaryDeployment.js';
import {
  INSTRUMENTATION_MODE,
  type InstrumentationMode,
  instrumentationEnvironment,
} from './environment.js';
import { InvalidPropError } from './errors.js';
import type { FunctionServiceLevelObjectives } from './InferenceServiceLevelObjectives.js';
import { SLO_KIND, type SloKind } from './sloSpecs.js';
import {
  DEFAULTS,
  type DriftSettings,
  type InferenceObjective,
  type ResolvedObjective,
  resolveObjective,
} from './target.js';
import { TRACE_EXPORT, type TraceExport } from './traceExport.js';
import { TRACE_EXPORT_ENV } from './traceExportSettings.js';
import { checkDriftWindow, checkPositive } from './validate.js';

/** The Lambda runtimes the layer is built for (`nodejs20.x` is deprecated). */
export const SUPPORTED_RUNTIMES: readonly lambda.Runtime[] = [
  lambda.Runtime.NODEJS_22_X,
  lambda.Runtime.NODEJS_24_X,
];

/**
 * Refuse runtimes the layer is not built for.
 *
 * @example
 * checkRuntime('runtime', lambda.Runtime.NODEJS_22_X);
 */
export function checkRuntime(prop: string, runtime: lambda.Runtime): void {
  if (!SUPPORTED_RUNTIMES.some((r) => r.runtimeEquals(runtime)))
    throw new InvalidPropError(
      prop,
      `${runtime.name} is not supported: the layer targets ${SUPPORTED_RUNTIMES.map((r) => r.name).join(' and ')}`,
    );
}

/** Modules the function's bundle must not contain: the Lambda runtime's AWS SDK and the layer's package. */
export const LAYER_PROVIDED_MODULES: readonly string[] = ['@aws-sdk/*', 'observed-inference'];

/** CommonJS dependencies call require(); an ESM bundle has none unless given one. */
const REQUIRE_SHIM =
  "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";

/**
 * Local esbuild bundling (never Docker) to ESM, with the layer-provided
 * modules external; the caller's options win, their externals are added.
 *
 * @example
 * bundlingOptions({ minify: true }).externalModules; // ['@aws-sdk/*', 'observed-inference']
 */
export function bundlingOptions(user: BundlingOptions = {}): BundlingOptions {
  const format = user.format ?? OutputFormat.ESM;
  return {
    format,
    mainFields: format === OutputFormat.ESM ? ['module', 'main'] : undefined,
    banner: format === OutputFormat.ESM ? REQUIRE_SHIM : undefined,
    forceDockerBundling: false,
    ...user,
    externalModules: [...new Set([...LAYER_PROVIDED_MODULES, ...(user.externalModules ?? [])])],
  };
}

/**
 * Refuse application log levels above INFO: EMF lines carry no `level`, so
 * Lambda's log-level filtering counts them as INFO and would drop every metric.
 *
 * @example
 * checkLogLevel('logLevel', lambda.ApplicationLogLevel.DEBUG);
 */
export function checkLogLevel(prop: string, level: lambda.ApplicationLogLevel): void {
  const allowed: readonly string[] = [
    lambda.ApplicationLogLevel.TRACE,
    lambda.ApplicationLogLevel.DEBUG,
    lambda.ApplicationLogLevel.INFO,
  ];
  if (!allowed.includes(level))
    throw new InvalidPropError(
      prop,
      `${level} would drop the metrics: EMF records have no log level, Lambda files them as INFO ` +
        `and filters them out above it. Use one of ${allowed.join(', ')}`,
    );
}

/**
 * Refuse a function environment that sets a variable the instrumentation
 * owns: the dashboard and alarms would look for dimension values never
 * emitted, and a trace export would go where its permissions do not reach.
 * With a collector extension, `AWS_LAMBDA_EXEC_WRAPPER` stays ours: an
 * extension's wrapper would start a second OpenTelemetry SDK.
 *
 * @example
 * checkEnvironment({ LOG_LEVEL: 'debug' }, 'library');
 */
export function checkEnvironment(
  environment: Readonly<Record<string, string>> | undefined,
  mode: InstrumentationMode,
  traces?: TraceExport,
): void {
  const owned = instrumentationEnvironment({
    mode,
    model: { name: 'm', version: 'v' },
    serviceName: 's',
    lowConfidence: DEFAULTS.lowConfidence,
    baseline: 'b',
    driftWindow: 100,
    labels: ['l'],
  });
  const hint: Record<string, string> = {
    [ENV.ModelName]: 'model.name',
    [ENV.ModelVersion]: 'model.version',
    [ECOSYSTEM_ENV.ServiceName]: 'serviceName',
    [ECOSYSTEM_ENV.Namespace]: 'namespace',
    [ENV.LowConfidence]: 'lowConfidenceThreshold',
    [ENV.Baseline]: 'drift.baseline',
    [ENV.DriftWindow]: 'drift.window',
    [ENV.Labels]: 'labels',
    [ECOSYSTEM_ENV.ExecWrapper]: "mode: 'library'",
  };
  for (const key of TRACE_EXPORT_ENV) {
    owned[key] = '';
    hint[key] = 'traces';
  }
  const keys = Object.keys(environment ?? {});
  if (
    keys.includes(ECOSYSTEM_ENV.ExecWrapper) &&
    traces?.kind === TRACE_EXPORT.Collector &&
    traces.extension !== undefined
  )
    throw new InvalidPropError(
      `environment.${ECOSYSTEM_ENV.ExecWrapper}`,
      'would run the collector extension’s wrapper, a second OpenTelemetry SDK beside ours: ' +
        'the extension only needs to receive the spans observed-inference exports',
    );
  for (const key of keys) {
    if (key in owned)
      throw new InvalidPropError(
        `environment.${key}`,
        `is set by the construct; use the ${hint[key] ?? 'matching'} prop instead`,
      );
  }
}

/**
 * Refuse an objective the function's timeout makes meaningless.
 *
 * @example
 * checkObjectiveFitsTimeout(objective, Duration.seconds(3));
 */
export function checkObjectiveFitsTimeout(objective: ResolvedObjective, timeout: Duration): void {
  const p99 = objective.latencyP99.toMilliseconds();
  const limit = timeout.toMilliseconds();
  if (p99 >= limit)
    throw new InvalidPropError(
      'objective.latencyP99',
      `${p99} ms is not below the function timeout (${limit} ms): raise the timeout or lower the objective`,
    );
}

/** The instrumentation mode, checked. */
export function resolveMode(mode: InstrumentationMode | undefined): InstrumentationMode {
  const value = mode ?? INSTRUMENTATION_MODE.Library;
  const modes: readonly string[] = Object.values(INSTRUMENTATION_MODE);
  if (!modes.includes(value))
    throw new InvalidPropError('mode', `'${value}' is not one of ${modes.join(', ')}`);
  return value;
}

/** The props `resolveFunctionSettings` reads. */
export interface FunctionSettingsProps {
  readonly runtime?: lambda.Runtime;
  readonly mode?: InstrumentationMode;
  readonly logLevel?: lambda.ApplicationLogLevel;
  readonly environment?: Readonly<Record<string, string>>;
  readonly objective?: InferenceObjective;
  readonly timeout?: Duration;
  readonly drift?: DriftSettings;
  readonly logGroup?: unknown;
  readonly logRetention?: unknown;
  readonly createAlarms?: boolean;
  readonly alarmOverrides?: Readonly<Record<string, unknown>>;
  readonly traces?: TraceExport;
  readonly serviceLevelObjectives?: FunctionServiceLevelObjectives;
  readonly model?: { readonly version: string };
  readonly deployment?: FunctionDeployment;
  readonly modelCalls?: unknown;
  readonly timeToFirstTokenP99?: Duration;
}

/** An `ObservedInferenceFunction`'s props, checked and with defaults filled in. */
export interface FunctionSettings {
  readonly runtime: lambda.Runtime;
  readonly mode: InstrumentationMode;
  readonly logLevel: lambda.ApplicationLogLevel;
  readonly objective: ResolvedObjective;
  readonly driftThreshold: number;
  /** Alarms left out because an SLO restates them (`serviceLevelObjectives.replaceAlarms`). */
  readonly replacedAlarms: readonly AlarmKind[];
}

/**
 * Check an `ObservedInferenceFunction`'s props before anything is created.
 *
 * @example
 * const { runtime, objective } = resolveFunctionSettings(props);
 */
export function resolveFunctionSettings(props: FunctionSettingsProps): FunctionSettings {
  const runtime = props.runtime ?? lambda.Runtime.NODEJS_22_X;
  checkRuntime('runtime', runtime);
  const mode = resolveMode(props.mode);
  const logLevel = props.logLevel ?? lambda.ApplicationLogLevel.INFO;
  checkLogLevel('logLevel', logLevel);
  checkEnvironment(props.environment, mode, props.traces);
  const objective = resolveObjective('objective', props.objective);
  checkObjectiveFitsTimeout(objective, props.timeout ?? Duration.seconds(3));
  const driftThreshold = props.drift?.threshold ?? DEFAULTS.driftThreshold;
  checkPositive('drift.threshold', driftThreshold);
  if (props.drift?.window !== undefined) checkDriftWindow('drift.window', props.drift.window);
  if (props.logGroup !== undefined && props.logRetention !== undefined)
    throw new InvalidPropError(
      'logRetention',
      'does not apply to a logGroup you pass; set it on that group',
    );
  if (props.createAlarms === false && props.alarmOverrides !== undefined)
    throw new InvalidPropError(
      'alarmOverrides',
      'applies to the alarms the function creates; with createAlarms: false, give it to your InferenceAlarms',
    );
  if (props.timeToFirstTokenP99 !== undefined) {
    if (props.modelCalls === undefined)
      throw new InvalidPropError(
        'timeToFirstTokenP99',
        'applies to a function that calls models: give modelCalls too',
      );
    checkPositive('timeToFirstTokenP99', props.timeToFirstTokenP99.toMilliseconds(), ' ms');
  }
  const replacedAlarms = resolveReplacedAlarms(props);
  if (props.deployment && props.model)
    checkDeployment(
      props.deployment,
      props.model.version,
      props.createAlarms !== false && !replacedAlarms.includes(ALARM_KIND.ErrorRate),
    );
  return { runtime, mode, logLevel, objective, driftThreshold, replacedAlarms };
}

/** The alarm each SLO restates. */
const ALARM_OF_SLO: Readonly<Record<SloKind, AlarmKind>> = {
  [SLO_KIND.Latency]: ALARM_KIND.LatencyP99,
  [SLO_KIND.Availability]: ALARM_KIND.ErrorRate,
};

function resolveReplacedAlarms(props: FunctionSettingsProps): readonly AlarmKind[] {
  const slos = props.serviceLevelObjectives;
  if (!slos?.replaceAlarms) return [];
  if (props.createAlarms === false)
    throw new InvalidPropError(
      'serviceLevelObjectives.replaceAlarms',
      'replaces alarms the function creates; with createAlarms: false there are none',
    );
  const kinds = Object.values(SLO_KIND).filter((kind) => !slos.exclude?.includes(kind));
  const replaced = kinds.map((kind) => ALARM_OF_SLO[kind]);
  for (const kind of replaced)
    if (props.alarmOverrides?.[kind] !== undefined)
      throw new InvalidPropError(
        `alarmOverrides.${kind}`,
        'overrides an alarm that serviceLevelObjectives.replaceAlarms leaves out',
      );
  return replaced;
}
