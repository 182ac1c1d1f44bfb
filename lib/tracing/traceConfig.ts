import type { Attributes } from '@opentelemetry/api';
import { ConfigError } from '../errors.js';
import {
  DEFAULT_OTLP_ENDPOINT,
  DEFAULT_OTLP_TIMEOUT_MS,
  ECOSYSTEM_ENV,
  ENV,
  OTEL_ENV,
  OTEL_TRACES_EXPORTER_VALUE,
  OTLP_COMPRESSION,
  OTLP_PROTOCOL,
  OTLP_TRACES_PATH,
  type OtlpCompression,
  TRACES_MODE,
  type TracesMode,
} from '../telemetry.js';

/*
 * How traces are configured, resolved once at init like the rest of the
 * config (pure: it reads only its arguments): which exporter, where
 * `otlp-http` sends, and the OpenTelemetry resource every span carries.
 * OpenTelemetry's variables are read as its SDK specification defines them.
 */

type Env = Readonly<Record<string, string | undefined>>;

/** Where and how `otlp-http` sends. */
export interface OtlpHttpConfig {
  /** The full traces URL (`…/v1/traces`). */
  readonly url: string;
  /** `OTEL_EXPORTER_OTLP_HEADERS`, then `…_TRACES_HEADERS` key by key. */
  readonly headers: Readonly<Record<string, string>>;
  readonly compression: OtlpCompression;
  readonly timeoutMs: number;
  /**
   * The region of X-Ray's OTLP endpoint (`https://xray.<region>.amazonaws.com`):
   * its requests are signed with SigV4 for the service `xray`. Undefined for any
   * other endpoint, which gets the configured headers only.
   */
  readonly sigv4Region: string | undefined;
}

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
 * `OTEL_TRACES_EXPORTER` as a traces mode: `otlp` → `otlp-http`, `none` →
 * `off`. It may list several exporters; we run one, so `otlp` wins. An
 * exporter we do not have (`console`, `zipkin`, …) is a configuration error,
 * and a list of only those leaves the default.
 */
function fromOtelExporter(
  value: string | undefined,
  issues: ConfigError[],
): TracesMode | undefined {
  const listed = nonEmpty(value)
    ?.split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
  if (!listed || listed.length === 0) return undefined;
  const unknown = listed.filter(
    (v) => v !== OTEL_TRACES_EXPORTER_VALUE.Otlp && v !== OTEL_TRACES_EXPORTER_VALUE.None,
  );
  if (unknown.length > 0) {
    const message = `'${unknown.join(',')}' is not an exporter observed-inference has (it has ${OTEL_TRACES_EXPORTER_VALUE.Otlp} and ${OTEL_TRACES_EXPORTER_VALUE.None}; ${ENV.Traces} chooses among ${TRACES_MODES.join(', ')})`;
    issues.push(new ConfigError(OTEL_ENV.TracesExporter, message));
  }
  if (listed.includes(OTEL_TRACES_EXPORTER_VALUE.Otlp)) return TRACES_MODE.OtlpHttp;
  if (unknown.length === 0) return TRACES_MODE.Off;
  return undefined;
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

/** `…_TRACES_<suffix>` as it is, else `OTEL_EXPORTER_OTLP_<suffix>`, with the name that was read. */
function signalFirst(env: Env, traces: string, generic: string): [string, string] | undefined {
  const specific = nonEmpty(env[traces]);
  if (specific !== undefined) return [traces, specific];
  const value = nonEmpty(env[generic]);
  return value === undefined ? undefined : [generic, value];
}

function resolveUrl(env: Env, issues: ConfigError[]): string {
  const fallback = `${DEFAULT_OTLP_ENDPOINT}${OTLP_TRACES_PATH}`;
  const traces = nonEmpty(env[OTEL_ENV.TracesEndpoint]);
  const base = nonEmpty(env[OTEL_ENV.Endpoint]);
  const [name, url] =
    traces !== undefined
      ? [OTEL_ENV.TracesEndpoint, traces]
      : base !== undefined
        ? [OTEL_ENV.Endpoint, `${base.replace(/\/+$/, '')}${OTLP_TRACES_PATH}`]
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

function resolveCompression(env: Env, url: string, issues: ConfigError[]): OtlpCompression {
  const read = signalFirst(env, OTEL_ENV.TracesCompression, OTEL_ENV.Compression);
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

function resolveTimeout(env: Env, issues: ConfigError[]): number {
  const read = signalFirst(env, OTEL_ENV.TracesTimeout, OTEL_ENV.Timeout);
  if (!read) return DEFAULT_OTLP_TIMEOUT_MS;
  const ms = Number(read[1]);
  if (Number.isFinite(ms) && ms > 0) return ms;
  issues.push(new ConfigError(read[0], `'${read[1]}' is not a number of milliseconds > 0`));
  return DEFAULT_OTLP_TIMEOUT_MS;
}

const XRAY_OTLP_HOST = /^xray\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/**
 * Where and how `otlp-http` sends: the traces endpoint as it is, else the
 * base endpoint plus `/v1/traces`, else the collector extension on
 * `localhost:4318`; the headers (trace-specific ones win key by key); gzip
 * (unset: for a remote endpoint only); the timeout (10 s unless set). An
 * endpoint on X-Ray's OTLP host is signed with SigV4.
 *
 * @example
 * resolveOtlpHttp({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, []).url;
 * // 'http://collector:4318/v1/traces'
 */
export function resolveOtlpHttp(env: Env, issues: ConfigError[]): OtlpHttpConfig {
  const protocol = signalFirst(env, OTEL_ENV.TracesProtocol, OTEL_ENV.Protocol);
  if (protocol && protocol[1].toLowerCase() !== OTLP_PROTOCOL) {
    const message = `'${protocol[1]}' is not supported: otlp-http sends ${OTLP_PROTOCOL}`;
    issues.push(new ConfigError(protocol[0], message));
  }
  const url = resolveUrl(env, issues);
  const headers = {
    ...keyValues(env, OTEL_ENV.Headers, issues),
    ...keyValues(env, OTEL_ENV.TracesHeaders, issues),
  };
  const host = new URL(url).hostname;
  return {
    url,
    headers,
    compression: resolveCompression(env, url, issues),
    timeoutMs: resolveTimeout(env, issues),
    sigv4Region: XRAY_OTLP_HOST.exec(host)?.[1],
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
