import { type Duration, Stack, Token } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import {
  DEFAULT_OTLP_ENDPOINT,
  ENV,
  OTEL_ENV,
  OTLP_TRACES_PATH,
  TRACES_MODE,
} from '../lib/telemetry.js';
import { InvalidPropError } from './errors.js';
import { otlpHeaders } from './otlpHeaders.js';
import {
  OTLP_COMPRESSION,
  type OtlpCollectorExport,
  type OtlpHttpOptions,
  TRACE_EXPORT,
  type TraceExport,
  type TraceExportKind,
} from './traceExport.js';

/*
 * IAM, from the AWS documentation:
 * - Active tracing: Lambda's X-Ray daemon writes with xray:PutTraceSegments
 *   and xray:PutTelemetryRecords (managed policy AWSXRayDaemonWriteAccess).
 * - X-Ray's OTLP endpoint "is authorized as xray:PutTraceSegments" (X-Ray
 *   developer guide, "Setting up bearer token authentication for traces";
 *   the managed CloudWatchLambdaApplicationSignalsExecutionRolePolicy grants
 *   that action alone). Roles that export OTLP to it in public infrastructure
 *   code are also granted xray:PutSpans, which the AWS pages found do not
 *   describe; both are granted, on "*" (neither is resource-scoped there).
 *   xray:PutSpansForIndexing, seen beside it in such code, is not granted:
 *   no AWS page found says an exporter needs it.
 * - Spans reach the OTLP endpoint only once Transaction Search is enabled
 *   (CloudWatch "Collector-less trace export with the ADOT SDKs": prerequisite),
 *   an account-level setting: AWS::XRay::TransactionSearchConfig's primary
 *   identifier is the account id, so the constructs never create it.
 */

/** X-Ray write actions of Lambda active tracing (the daemon). */
export const ACTIVE_TRACING_ACTIONS: readonly string[] = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
];
/** X-Ray actions of OTLP/HTTP to X-Ray's OTLP endpoint. */
export const XRAY_OTLP_ACTIONS: readonly string[] = ['xray:PutTraceSegments', 'xray:PutSpans'];

/** The environment variables a trace export may set: the construct owns them all. */
export const TRACE_EXPORT_ENV: readonly string[] = [
  ENV.Traces,
  OTEL_ENV.TracesExporter,
  OTEL_ENV.Endpoint,
  OTEL_ENV.TracesEndpoint,
  OTEL_ENV.Headers,
  OTEL_ENV.TracesHeaders,
  OTEL_ENV.Compression,
  OTEL_ENV.TracesCompression,
  OTEL_ENV.Timeout,
  OTEL_ENV.TracesTimeout,
  OTEL_ENV.Protocol,
  OTEL_ENV.TracesProtocol,
];

/** A trace export, checked: what it sets on the function. */
export interface ResolvedTraceExport {
  readonly kind: TraceExportKind;
  /** Variables to add (none for the default, so existing templates do not change). */
  readonly environment: Readonly<Record<string, string>>;
  readonly activeTracing: boolean;
  /** X-Ray actions the role needs, on `*`. */
  readonly xrayActions: readonly string[];
  /** A collector extension layer to attach. */
  readonly extension?: lambda.ILayerVersion | string;
}

/** The function's facts a trace export is checked against. */
export interface TraceExportContext {
  /** Any construct of the function's stack: the region and secret references are resolved there. */
  readonly scope: IConstruct;
  /** The function timeout: an export must take less. */
  readonly timeout?: Duration;
}

/**
 * Check a `traces` prop and say what it sets: variables, active tracing, X-Ray actions, a layer.
 *
 * @example
 * const { environment, activeTracing } = resolveTraceExport('traces', { kind: 'off' }, { scope: fn });
 */
export function resolveTraceExport(
  prop: string,
  traces: TraceExport | undefined,
  context: TraceExportContext,
): ResolvedTraceExport {
  const choice = traces ?? { kind: TRACE_EXPORT.XraySegments };
  switch (choice.kind) {
    case TRACE_EXPORT.XraySegments:
      return {
        kind: choice.kind,
        environment: {},
        activeTracing: true,
        xrayActions: ACTIVE_TRACING_ACTIONS,
      };
    case TRACE_EXPORT.XrayUdpOtlp:
      return {
        kind: choice.kind,
        environment: { [ENV.Traces]: TRACES_MODE.OtlpUdp },
        activeTracing: true,
        xrayActions: ACTIVE_TRACING_ACTIONS,
      };
    case TRACE_EXPORT.XrayOtlpEndpoint: {
      const http = otlpHttp(prop, choice, context);
      const { region, urlSuffix } = Stack.of(context.scope);
      return {
        kind: choice.kind,
        environment: {
          ...http.environment,
          [OTEL_ENV.TracesEndpoint]: `https://xray.${region}.${urlSuffix}/v1/traces`,
        },
        activeTracing: http.activeTracing,
        xrayActions: union(http.activeTracing ? ACTIVE_TRACING_ACTIONS : [], XRAY_OTLP_ACTIONS),
      };
    }
    case TRACE_EXPORT.Collector:
      return collector(prop, choice, context);
    case TRACE_EXPORT.Off:
      return {
        kind: choice.kind,
        environment: { [ENV.Traces]: TRACES_MODE.Off },
        activeTracing: false,
        xrayActions: [],
      };
    default: {
      const kinds = Object.values(TRACE_EXPORT).join(', ');
      const kind = (choice as { kind?: unknown }).kind;
      throw new InvalidPropError(`${prop}.kind`, `'${String(kind)}' is not one of ${kinds}`);
    }
  }
}

const union = (...lists: ReadonlyArray<readonly string[]>) => [...new Set(lists.flat())];

/** What both OTLP/HTTP exports set: the mode, timeout, compression; and whether Lambda samples. */
function otlpHttp(prop: string, options: OtlpHttpOptions, { timeout }: TraceExportContext) {
  const environment: Record<string, string> = { [ENV.Traces]: TRACES_MODE.OtlpHttp };
  if (options.timeout !== undefined) {
    const ms = options.timeout.toMilliseconds();
    const limit = timeout?.toMilliseconds();
    if (!(ms > 0) || (limit !== undefined && ms >= limit))
      throw new InvalidPropError(
        `${prop}.timeout`,
        `must be more than 0 ms and below the function timeout (${limit} ms), got ${ms} ms`,
      );
    environment[OTEL_ENV.TracesTimeout] = String(ms);
  }
  if (options.compression !== undefined) {
    const allowed: readonly string[] = Object.values(OTLP_COMPRESSION);
    if (!allowed.includes(options.compression))
      throw new InvalidPropError(
        `${prop}.compression`,
        `'${options.compression}' is not one of ${allowed.join(', ')}`,
      );
    environment[OTEL_ENV.TracesCompression] = options.compression;
  }
  return { environment, activeTracing: options.activeTracing ?? true };
}

/** X-Ray's OTLP traces endpoint, which needs SigV4 and its own permissions: not a "collector". */
const XRAY_OTLP_ENDPOINT = /^https:\/\/xray\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/v1\/traces\/?$/;
const LOCAL_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];
const LAYER_VERSION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/;

function collector(
  prop: string,
  choice: OtlpCollectorExport,
  context: TraceExportContext,
): ResolvedTraceExport {
  const http = otlpHttp(prop, choice, context);
  const environment: Record<string, string> = { ...http.environment };
  const { endpoint, extension, headers } = choice;
  if (endpoint !== undefined) {
    checkCollectorEndpoint(`${prop}.endpoint`, endpoint);
    environment[OTEL_ENV.TracesEndpoint] = endpoint;
  }
  if (extension !== undefined) {
    if (typeof extension === 'string' && !Token.isUnresolved(extension))
      if (!LAYER_VERSION_ARN.test(extension))
        throw new InvalidPropError(
          `${prop}.extension`,
          `${JSON.stringify(extension)} is not a Lambda layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>)`,
        );
    const host = hostOf(endpoint ?? `${DEFAULT_OTLP_ENDPOINT}${OTLP_TRACES_PATH}`);
    if (host !== undefined && !LOCAL_HOSTS.includes(host))
      throw new InvalidPropError(
        `${prop}.extension`,
        `an extension receives on localhost, but endpoint sends to ${host}: drop the extension or the endpoint`,
      );
  }
  if (headers !== undefined && Object.keys(headers).length > 0)
    environment[OTEL_ENV.TracesHeaders] = otlpHeaders(context.scope, `${prop}.headers`, headers);
  return {
    kind: choice.kind,
    environment,
    activeTracing: http.activeTracing,
    xrayActions: http.activeTracing ? ACTIVE_TRACING_ACTIONS : [],
    extension,
  };
}

function checkCollectorEndpoint(prop: string, endpoint: string): void {
  if (Token.isUnresolved(endpoint)) return;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (cause) {
    throw new InvalidPropError(prop, `${JSON.stringify(endpoint)} is not a URL`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidPropError(prop, `must be an http or https URL, got ${url.protocol}`);
  if (url.username || url.password)
    throw new InvalidPropError(
      prop,
      'carries credentials in the URL, which would be plain text in the function configuration',
    );
  if (XRAY_OTLP_ENDPOINT.test(endpoint))
    throw new InvalidPropError(
      prop,
      "is X-Ray's OTLP endpoint: use { kind: 'xray-otlp-endpoint' }, which signs requests and grants the X-Ray permissions",
    );
}

/** The host of a literal URL; undefined for a token. */
function hostOf(endpoint: string): string | undefined {
  if (Token.isUnresolved(endpoint)) return undefined;
  return new URL(endpoint).hostname;
}
