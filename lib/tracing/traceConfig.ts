import type { Attributes } from '@opentelemetry/api';
import { ConfigError } from '../errors.js';
import {
  DEFAULT_OTLP_ENDPOINT,
  DEFAULT_OTLP_TIMEOUT_MS,
  ECOSYSTEM_ENV,
  ENV,
  LOGS_MODE,
  type LogsMode,
  METRICS_MODE,
  type MetricsMode,
  OTEL_ENV,
  OTEL_TRACES_EXPORTER_VALUE,
  OTLP_COMPRESSION,
  OTLP_LOGS_PATH,
  OTLP_METRICS_PATH,
  OTLP_PROTOCOL,
  OTLP_TRACES_PATH,
  type OtlpCompression,
  TRACES_MODE,
  type TracesMode,
} from '../telemetry.js';
import { LOGS_SIGNING_SERVICE, XRAY_SIGNING_SERVICE } from './otlpSigner.js';

/*
 * How the OTLP signals are configured, resolved once at init like the rest
 * of the config (pure: it reads only its arguments): which exporter, where
 * each `otlp-http` signal sends, and the OpenTelemetry resource every span,
 * metric and log record carries.
 * OpenTelemetry's variables are read as its SDK specification defines them.
 */

type Env = Readonly<Record<string, string | undefined>>;

/** Where and how one `otlp-http` signal sends. */
export interface OtlpHttpConfig {
  /** The signal's full URL (`…/v1/traces`, `…/v1/metrics`, `…/v1/logs`). */
  readonly url: string;
  /** `OTEL_EXPORTER_OTLP_HEADERS`, then the signal's (`…_TRACES_HEADERS`) key by key. */
  readonly headers: Readonly<Record<string, string>>;
  readonly compression: OtlpCompression;
  readonly timeoutMs: number;
  /**
   * The region of an AWS OTLP endpoint: X-Ray's for traces
   * (`https://xray.<region>.amazonaws.com`), CloudWatch Logs' for logs
   * (`https://logs.<region>.amazonaws.com`): its requests are signed with
   * SigV4 for `sigv4Service`. Undefined for any other endpoint, which gets
   * the configured headers only.
   */
  readonly sigv4Region: string | undefined;
  /** The service the SigV4 signature is for (`xray`, `logs`). */
  readonly sigv4Service: string;
}

/** The three OTLP signals. */
export type OtlpSignalName = 'traces' | 'metrics' | 'logs';

/** One signal's variables, path and AWS endpoint. */
interface SignalSpec {
  readonly endpoint: string;
  readonly headers: string;
  readonly compression: string;
  readonly timeout: string;
  readonly protocol: string;
  readonly path: string;
  /** The host of AWS's own OTLP endpoint for the signal (its region captured), if it has one we sign for. */
  readonly awsHost: RegExp | undefined;
  readonly signingService: string;
}

const SIGNALS: Readonly<Record<OtlpSignalName, SignalSpec>> = {
  traces: {
    endpoint: OTEL_ENV.TracesEndpoint,
    headers: OTEL_ENV.TracesHeaders,
    compression: OTEL_ENV.TracesCompression,
    timeout: OTEL_ENV.TracesTimeout,
    protocol: OTEL_ENV.TracesProtocol,
    path: OTLP_TRACES_PATH,
    awsHost: /^xray\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/,
    signingService: XRAY_SIGNING_SERVICE,
  },
  metrics: {
    endpoint: OTEL_ENV.MetricsEndpoint,
    headers: OTEL_ENV.MetricsHeaders,
    compression: OTEL_ENV.MetricsCompression,
    timeout: OTEL_ENV.MetricsTimeout,
    protocol: OTEL_ENV.MetricsProtocol,
    path: OTLP_METRICS_PATH,
    // CloudWatch takes metrics as EMF (the default) or PutMetricData; OTLP metrics go to a collector.
    awsHost: undefined,
    signingService: '',
  },
  logs: {
    endpoint: OTEL_ENV.LogsEndpoint,
    headers: OTEL_ENV.LogsHeaders,
    compression: OTEL_ENV.LogsCompression,
    timeout: OTEL_ENV.LogsTimeout,
    protocol: OTEL_ENV.LogsProtocol,
    path: OTLP_LOGS_PATH,
    awsHost: /^logs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/,
    signingService: LOGS_SIGNING_SERVICE,
  },
};

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

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

/**
 * A `key=value,key=value` list as OpenTelemetry writes headers and resource
 * attributes: entries trimmed, values percent-decoded. A string when an entry
 * is malformed (the caller reports it).
 *
 * @example
 * parseKeyValueList('api-key=abc%20d, x=1'); // { 'api-key': 'abc d', x: '1' }
 */
export function parseKeyValueList(text: string): Record<string, string> | string {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    const key = eq < 0 ? '' : entry.slice(0, eq).trim();
    if (key === '') return `'${entry.trim()}' is not key=value`;
    try {
      out[key] = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      return `the value of '${key}' is not percent-encoded correctly`;
    }
  }
  return out;
}

function keyValues(env: Env, name: string, issues: ConfigError[]): Record<string, string> {
  const text = nonEmpty(env[name]);
  if (text === undefined) return {};
  const parsed = parseKeyValueList(text);
  if (typeof parsed === 'string') {
    issues.push(new ConfigError(name, `${parsed}; the whole value is ignored`));
    return {};
  }
  return parsed;
}

/** The signal's `…_<SIGNAL>_<suffix>` as it is, else `OTEL_EXPORTER_OTLP_<suffix>`, with the name that was read. */
function signalFirst(env: Env, own: string, generic: string): [string, string] | undefined {
  const specific = nonEmpty(env[own]);
  if (specific !== undefined) return [own, specific];
  const value = nonEmpty(env[generic]);
  return value === undefined ? undefined : [generic, value];
}

function resolveUrl(env: Env, signal: SignalSpec, issues: ConfigError[]): string {
  const fallback = `${DEFAULT_OTLP_ENDPOINT}${signal.path}`;
  const own = nonEmpty(env[signal.endpoint]);
  const base = nonEmpty(env[OTEL_ENV.Endpoint]);
  const [name, url] =
    own !== undefined
      ? [signal.endpoint, own]
      : base !== undefined
        ? [OTEL_ENV.Endpoint, `${base.replace(/\/+$/, '')}${signal.path}`]
        : [undefined, fallback];
  if (name === undefined) return url;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) return url;
  issues.push(new ConfigError(name, `'${env[name]}' is not an http:// or https:// URL`));
  return fallback;
}

function resolveCompression(
  env: Env,
  signal: SignalSpec,
  url: string,
  issues: ConfigError[],
): OtlpCompression {
  const read = signalFirst(env, signal.compression, OTEL_ENV.Compression);
  if (read) {
    const value = read[1].toLowerCase();
    if (value === OTLP_COMPRESSION.Gzip || value === OTLP_COMPRESSION.None) return value;
    issues.push(new ConfigError(read[0], `'${read[1]}' is not one of gzip, none`));
  }
  // Unset: a collector on this host costs CPU to gunzip and saves no network; a remote one saves bytes.
  return isLoopback(new URL(url).hostname) ? OTLP_COMPRESSION.None : OTLP_COMPRESSION.Gzip;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.');
}

function resolveTimeout(env: Env, signal: SignalSpec, issues: ConfigError[]): number {
  const read = signalFirst(env, signal.timeout, OTEL_ENV.Timeout);
  if (!read) return DEFAULT_OTLP_TIMEOUT_MS;
  const ms = Number(read[1]);
  if (Number.isFinite(ms) && ms > 0) return ms;
  issues.push(new ConfigError(read[0], `'${read[1]}' is not a number of milliseconds > 0`));
  return DEFAULT_OTLP_TIMEOUT_MS;
}

/**
 * Where and how one signal's `otlp-http` sends: the signal's endpoint as it
 * is, else the base endpoint plus `/v1/traces` (`/v1/metrics`, `/v1/logs`),
 * else the collector extension on `localhost:4318`; the headers (the
 * signal's own win key by key); gzip (unset: for a remote endpoint only);
 * the timeout (10 s unless set). An endpoint on X-Ray's OTLP host (traces)
 * or CloudWatch Logs' (logs) is signed with SigV4.
 *
 * @example
 * resolveOtlpHttp({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, [], 'metrics').url;
 * // 'http://collector:4318/v1/metrics'
 */
export function resolveOtlpHttp(
  env: Env,
  issues: ConfigError[],
  signalName: OtlpSignalName = 'traces',
): OtlpHttpConfig {
  const signal = SIGNALS[signalName];
  const protocol = signalFirst(env, signal.protocol, OTEL_ENV.Protocol);
  if (protocol && protocol[1].toLowerCase() !== OTLP_PROTOCOL) {
    const message = `'${protocol[1]}' is not supported: otlp-http sends ${OTLP_PROTOCOL}`;
    issues.push(new ConfigError(protocol[0], message));
  }
  const url = resolveUrl(env, signal, issues);
  const headers = {
    ...keyValues(env, OTEL_ENV.Headers, issues),
    ...keyValues(env, signal.headers, issues),
  };
  const host = new URL(url).hostname;
  return {
    url,
    headers,
    compression: resolveCompression(env, signal, url, issues),
    timeoutMs: resolveTimeout(env, signal, issues),
    sigv4Region: signal.awsHost?.exec(host)?.[1],
    sigv4Service: signal.signingService,
  };
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
