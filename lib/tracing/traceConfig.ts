import type { Attributes } from '@opentelemetry/api';
import { ConfigError } from '../errors.js';
import {
  ECOSYSTEM_ENV,
  ENV,
  LOGS_MODE,
  type LogsMode,
  METRICS_MODE,
  type MetricsMode,
  OTEL_ENV,
  OTEL_TRACES_EXPORTER_VALUE,
  TRACES_MODE,
  TRACES_PROVIDER,
  type TracesMode,
  type TracesProvider,
} from '../telemetry.js';
import { type Env, keyValues, nonEmpty } from './otlpEndpoint.js';

/*
 * Which exporter each signal uses and the OpenTelemetry resource every
 * span, metric and log record carries, resolved once at init like the rest
 * of the config (pure: it reads only its arguments); where `otlp-http`
 * sends is `otlpEndpoint.ts`.
 * OpenTelemetry's variables are read as its SDK specification defines them.
 */

const TRACES_MODES: readonly string[] = Object.values(TRACES_MODE);

function tracesModeOf(
  name: string,
  value: string | undefined,
  issues: ConfigError[],
): TracesMode | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (TRACES_MODES.includes(v)) return v as TracesMode;
  issues.push(new ConfigError(name, `'${value}' is not one of ${TRACES_MODES.join(', ')}`));
  return undefined;
}

/**
 * An `OTEL_<SIGNAL>_EXPORTER` value: `otlp`, `none`, or undefined when unset
 * or naming only exporters we do not have. It may list several exporters; we
 * run one, so `otlp` wins. An exporter we do not have (`console`, `zipkin`,
 * `prometheus`, …) is a configuration error, and a list of only those leaves
 * the default. `ours` names the variable of ours that chooses instead.
 */
function otelExporter(
  name: string,
  value: string | undefined,
  ours: string,
  issues: ConfigError[],
): 'otlp' | 'none' | undefined {
  const listed = nonEmpty(value)
    ?.split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
  if (!listed || listed.length === 0) return undefined;
  const unknown = listed.filter(
    (v) => v !== OTEL_TRACES_EXPORTER_VALUE.Otlp && v !== OTEL_TRACES_EXPORTER_VALUE.None,
  );
  if (unknown.length > 0) {
    const message = `'${unknown.join(',')}' is not an exporter observed-inference has (it has ${OTEL_TRACES_EXPORTER_VALUE.Otlp} and ${OTEL_TRACES_EXPORTER_VALUE.None}; ${ours})`;
    issues.push(new ConfigError(name, message));
  }
  if (listed.includes(OTEL_TRACES_EXPORTER_VALUE.Otlp)) return OTEL_TRACES_EXPORTER_VALUE.Otlp;
  if (unknown.length === 0) return OTEL_TRACES_EXPORTER_VALUE.None;
  return undefined;
}

/** `OTEL_TRACES_EXPORTER` as a traces mode: `otlp` → `otlp-http`, `none` → `off`. */
function fromOtelExporter(
  value: string | undefined,
  issues: ConfigError[],
): TracesMode | undefined {
  const ours = `${ENV.Traces} chooses among ${TRACES_MODES.join(', ')}`;
  const chosen = otelExporter(OTEL_ENV.TracesExporter, value, ours, issues);
  if (chosen === undefined) return undefined;
  return chosen === OTEL_TRACES_EXPORTER_VALUE.Otlp ? TRACES_MODE.OtlpHttp : TRACES_MODE.Off;
}

function modeOf<T extends string>(
  name: string,
  value: string | undefined,
  accepted: readonly T[],
  issues: ConfigError[],
): T | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if ((accepted as readonly string[]).includes(v)) return v as T;
  issues.push(new ConfigError(name, `'${value}' is not one of ${accepted.join(', ')}`));
  return undefined;
}

const METRICS_MODES = Object.values(METRICS_MODE);
const LOGS_MODES = Object.values(LOGS_MODE);

/**
 * The metrics mode. Precedence: the `metrics` option > `OBSERVED_METRICS` >
 * `OTEL_METRICS_EXPORTER` (`otlp` → `otlp-http`, `none` → `off`) > `emf` in
 * Lambda, `api` elsewhere.
 *
 * @example
 * resolveMetricsMode({ OTEL_METRICS_EXPORTER: 'otlp' }, undefined, true, []); // 'otlp-http'
 */
export function resolveMetricsMode(
  env: Env,
  option: string | undefined,
  inLambda: boolean,
  issues: ConfigError[],
): MetricsMode {
  const chosen =
    modeOf('metrics', option, METRICS_MODES, issues) ??
    modeOf(ENV.Metrics, env[ENV.Metrics], METRICS_MODES, issues);
  if (chosen !== undefined) return chosen;
  const ours = `${ENV.Metrics} chooses among ${METRICS_MODES.join(', ')}`;
  const otel = otelExporter(OTEL_ENV.MetricsExporter, env[OTEL_ENV.MetricsExporter], ours, issues);
  if (otel === OTEL_TRACES_EXPORTER_VALUE.Otlp) return METRICS_MODE.OtlpHttp;
  if (otel === OTEL_TRACES_EXPORTER_VALUE.None) return METRICS_MODE.Off;
  return inLambda ? METRICS_MODE.Emf : METRICS_MODE.Api;
}

/**
 * The logs mode. Precedence: the `logs` option > `OBSERVED_LOGS` >
 * `OTEL_LOGS_EXPORTER` (`otlp` → `otlp-http`; `none` → `stdout`: the line on
 * stdout is not an OpenTelemetry exporter, and the log level silences it) >
 * `stdout`.
 *
 * @example
 * resolveLogsMode({ OTEL_LOGS_EXPORTER: 'otlp' }, undefined, []); // 'otlp-http'
 */
export function resolveLogsMode(
  env: Env,
  option: string | undefined,
  issues: ConfigError[],
): LogsMode {
  const chosen =
    modeOf('logs', option, LOGS_MODES, issues) ??
    modeOf(ENV.Logs, env[ENV.Logs], LOGS_MODES, issues);
  if (chosen !== undefined) return chosen;
  const ours = `${ENV.Logs} chooses among ${LOGS_MODES.join(', ')}`;
  const otel = otelExporter(OTEL_ENV.LogsExporter, env[OTEL_ENV.LogsExporter], ours, issues);
  return otel === OTEL_TRACES_EXPORTER_VALUE.Otlp ? LOGS_MODE.OtlpHttp : LOGS_MODE.Stdout;
}

/**
 * The traces mode. Precedence: the `traces` option > `OBSERVED_TRACES` >
 * `OTEL_TRACES_EXPORTER` > `xray-udp` in Lambda, `xray-api` elsewhere.
 *
 * @example
 * resolveTracesMode({ OTEL_TRACES_EXPORTER: 'otlp' }, undefined, true, []); // 'otlp-http'
 */
export function resolveTracesMode(
  env: Env,
  option: string | undefined,
  inLambda: boolean,
  issues: ConfigError[],
): TracesMode {
  return (
    tracesModeOf('traces', option, issues) ??
    tracesModeOf(ENV.Traces, env[ENV.Traces], issues) ??
    fromOtelExporter(env[OTEL_ENV.TracesExporter], issues) ??
    (inLambda ? TRACES_MODE.XrayUdp : TRACES_MODE.XrayApi)
  );
}

/** The exec wrappers of the ADOT (`otel-instrument`) and OpenTelemetry (`otel-handler`, `otel-sqs-handler`, …) Lambda layers. */
const OTEL_WRAPPER = /(?:^|\/)otel-[a-z-]+$/;

/**
 * The variables the signal modes are read from. Under the ADOT or
 * OpenTelemetry Lambda layer's exec wrapper, `OTEL_TRACES_EXPORTER`,
 * `OTEL_METRICS_EXPORTER` and `OTEL_LOGS_EXPORTER` configure that wrapper's
 * SDK (ADOT sets the last two to `none` where unset): they say nothing of our
 * EMF record or log line, so they are left out and `OBSERVED_*` alone choose.
 *
 * @example
 * modeEnv({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-instrument', OTEL_METRICS_EXPORTER: 'none' });
 * // { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-instrument' }
 */
export function modeEnv(env: Env): Env {
  const wrapper = env[ECOSYSTEM_ENV.ExecWrapper]?.trim();
  if (!wrapper || !OTEL_WRAPPER.test(wrapper)) return env;
  const {
    [OTEL_ENV.TracesExporter]: _traces,
    [OTEL_ENV.MetricsExporter]: _metrics,
    [OTEL_ENV.LogsExporter]: _logs,
    ...rest
  } = env;
  return rest;
}

const TRACES_PROVIDERS = Object.values(TRACES_PROVIDER);

/**
 * Whose tracer provider records our spans: `OBSERVED_TRACES_PROVIDER` >
 * `auto` (see `TRACES_PROVIDER`).
 *
 * @example
 * resolveTracesProvider({ OBSERVED_TRACES_PROVIDER: 'own' }, []); // 'own'
 */
export function resolveTracesProvider(env: Env, issues: ConfigError[]): TracesProvider {
  const name = ENV.TracesProvider;
  return modeOf(name, env[name], TRACES_PROVIDERS, issues) ?? TRACES_PROVIDER.Auto;
}

/** What the resource is made of besides OpenTelemetry's variables. */
export interface ResourceInputs {
  readonly inLambda: boolean;
  /** The `serviceName` option. */
  readonly serviceName: string | undefined;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly region: string | undefined;
  readonly memoryMb: number | undefined;
}

/**
 * The OpenTelemetry resource of this process, built once at init from what
 * is already known (no resource detectors, no I/O): the FaaS and cloud
 * attributes of the Lambda environment (in Lambda only), then `OTEL_RESOURCE_ATTRIBUTES` (the
 * user's value wins over ours), then `service.name`: the `serviceName`
 * option > `OTEL_SERVICE_NAME` > `service.name` in `OTEL_RESOURCE_ATTRIBUTES`
 * > `POWERTOOLS_SERVICE_NAME` > the function name. (The log line and the EMF
 * `service` dimension keep their own rule: option > `POWERTOOLS_SERVICE_NAME`
 * > the function name.)
 *
 * @example
 * resolveResource({ OTEL_SERVICE_NAME: 'fraud' }, inputs, [])['service.name']; // 'fraud'
 */
export function resolveResource(
  env: Env,
  inputs: ResourceInputs,
  issues: ConfigError[],
): Attributes {
  const user = keyValues(env, OTEL_ENV.ResourceAttributes, issues);
  const logStream = nonEmpty(env.AWS_LAMBDA_LOG_STREAM_NAME);
  const serviceName =
    nonEmpty(inputs.serviceName) ??
    nonEmpty(env[OTEL_ENV.ServiceName]) ??
    nonEmpty(user['service.name']) ??
    nonEmpty(env[ECOSYSTEM_ENV.ServiceName]) ??
    inputs.functionName;
  // Outside Lambda (a container, a laptop) nothing says where we run: say nothing.
  const lambda: Attributes = inputs.inLambda
    ? {
        'cloud.provider': 'aws',
        'cloud.platform': 'aws_lambda',
        'faas.name': inputs.functionName,
        'faas.version': inputs.functionVersion,
        ...(logStream ? { 'faas.instance': logStream } : {}),
        ...(inputs.memoryMb ? { 'faas.max_memory': inputs.memoryMb * 1024 * 1024 } : {}),
      }
    : {};
  return {
    ...lambda,
    ...(inputs.region ? { 'cloud.region': inputs.region } : {}),
    ...user,
    'service.name': serviceName,
  };
}
