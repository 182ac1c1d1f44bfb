import type { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Where an instrumented function's traces go: the `kind` of a {@link TraceExport}.
 *
 * @example
 * const traces: TraceExport = { kind: TRACE_EXPORT.XrayOtlpEndpoint };
 */
export const TRACE_EXPORT = {
  /** X-Ray segment documents to Lambda's X-Ray daemon over UDP (`OBSERVED_TRACES=xray-udp`): the default. */
  XraySegments: 'xray-segments',
  /** OTLP spans to Lambda's X-Ray daemon over UDP (`otlp-udp`). */
  XrayUdpOtlp: 'xray-udp-otlp',
  /** OTLP/HTTP, signed with SigV4, to X-Ray's OTLP endpoint (`otlp-http`): needs Transaction Search. */
  XrayOtlpEndpoint: 'xray-otlp-endpoint',
  /** OTLP/HTTP to a collector, by default a Lambda extension on `localhost:4318` (`otlp-http`). */
  Collector: 'otlp-collector',
  /** No traces (`off`): no active tracing, no X-Ray permissions. */
  Off: 'off',
} as const;
export type TraceExportKind = (typeof TRACE_EXPORT)[keyof typeof TRACE_EXPORT];

/**
 * `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION` values.
 *
 * @example
 * const traces: TraceExport = { kind: 'xray-otlp-endpoint', compression: OTLP_COMPRESSION.Gzip };
 */
export const OTLP_COMPRESSION = { Gzip: 'gzip', None: 'none' } as const;
export type OtlpCompression = (typeof OTLP_COMPRESSION)[keyof typeof OTLP_COMPRESSION];

/**
 * Options of both OTLP/HTTP exports.
 *
 * @example
 * const options: OtlpHttpOptions = { timeout: Duration.seconds(2), compression: 'gzip' };
 */
export interface OtlpHttpOptions {
  /**
   * Lambda active tracing. The runtime follows Lambda's sampling decision in
   * `_X_AMZN_TRACE_ID`: with active tracing Lambda samples (and records its
   * own segments in X-Ray, which costs X-Ray traces); without it Lambda marks
   * every request unsampled unless its caller sent a sampled trace header, so
   * only those requests are traced.
   * @default true
   */
  readonly activeTracing?: boolean;
  /**
   * `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`: how long one export may take, below the function timeout.
   * @default - the runtime's default
   */
  readonly timeout?: Duration;
  /**
   * `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION`: `gzip` or `none`.
   * @default - the runtime's default
   */
  readonly compression?: OtlpCompression;
}

/**
 * OTLP/HTTP to a collector.
 *
 * @example
 * const collector: OtlpCollectorExport = {
 *   kind: 'otlp-collector',
 *   extension: 'arn:aws:lambda:eu-west-1:123456789012:layer:otel-collector:3',
 * };
 */
export interface OtlpCollectorExport extends OtlpHttpOptions {
  readonly kind: typeof TRACE_EXPORT.Collector;
  /**
   * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: the full URL spans are posted to
   * (nothing is appended). X-Ray's own OTLP endpoint is `xray-otlp-endpoint`.
   * @default - the runtime's default, `http://localhost:4318/v1/traces` (a collector extension)
   */
  readonly endpoint?: string;
  /**
   * `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, for headers that are not secrets
   * (a tenant, a dataset): they are plain text in the function configuration
   * and the template. Credential-like names (`Authorization`, `*-api-key`,
   * `*token*`, …) and secret references fail synth: give credentials to the
   * collector extension's own configuration instead.
   * @default - none
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The collector extension layer to attach (an ARN, or a layer), receiving
   * on `localhost`. observed-inference ships none: bring the one you run.
   * @default - none: attach it yourself, or send to a remote `endpoint`
   */
  readonly extension?: lambda.ILayerVersion | string;
}

/**
 * OTLP/HTTP to X-Ray's OTLP endpoint, `https://xray.<region>.amazonaws.com/v1/traces`.
 *
 * @example
 * const toXray: XrayOtlpEndpointExport = { kind: 'xray-otlp-endpoint', compression: 'gzip' };
 */
export interface XrayOtlpEndpointExport extends OtlpHttpOptions {
  readonly kind: typeof TRACE_EXPORT.XrayOtlpEndpoint;
}

/**
 * Where an instrumented function's traces go, and through what.
 *
 * @example
 * const traces: TraceExport = { kind: 'xray-otlp-endpoint' };
 */
export type TraceExport =
  | { readonly kind: typeof TRACE_EXPORT.XraySegments }
  | { readonly kind: typeof TRACE_EXPORT.XrayUdpOtlp }
  | XrayOtlpEndpointExport
  | OtlpCollectorExport
  | { readonly kind: typeof TRACE_EXPORT.Off };
