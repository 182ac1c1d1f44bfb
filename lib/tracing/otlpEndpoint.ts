import { ConfigError } from '../errors.js';
import {
  DEFAULT_OTLP_ENDPOINT,
  DEFAULT_OTLP_TIMEOUT_MS,
  OTEL_ENV,
  OTLP_COMPRESSION,
  OTLP_LOGS_PATH,
  OTLP_METRICS_PATH,
  OTLP_PROTOCOL,
  OTLP_TRACES_PATH,
  type OtlpCompression,
} from '../telemetry.js';
import { LOGS_SIGNING_SERVICE, XRAY_SIGNING_SERVICE } from './otlpSigner.js';

/*
 * Where and how each OTLP signal (traces, metrics, logs) is sent by
 * `otlp-http`, from OpenTelemetry's variables as its SDK specification
 * defines them: the signal's own variable first, then the generic one.
 * Pure: it reads only its arguments.
 */

export type Env = Readonly<Record<string, string | undefined>>;

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

export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
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

export function keyValues(env: Env, name: string, issues: ConfigError[]): Record<string, string> {
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
