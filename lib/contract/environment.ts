/** Environment variables of the project (ecosystem ones are read as they are). */
export const ENV = {
  Handler: 'OBSERVED_HANDLER',
  ModelName: 'OBSERVED_MODEL_NAME',
  ModelVersion: 'OBSERVED_MODEL_VERSION',
  LowConfidence: 'OBSERVED_LOW_CONFIDENCE',
  LogPayloads: 'OBSERVED_LOG_PAYLOADS',
  Redact: 'OBSERVED_REDACT',
  Traces: 'OBSERVED_TRACES',
  Metrics: 'OBSERVED_METRICS',
  Baseline: 'OBSERVED_BASELINE',
  DriftWindow: 'OBSERVED_DRIFT_WINDOW',
  Labels: 'OBSERVED_LABELS',
} as const;

/** `OBSERVED_TRACES` values. */
export const TRACES_MODE = {
  XrayUdp: 'xray-udp',
  XrayApi: 'xray-api',
  OtlpUdp: 'otlp-udp',
  OtlpHttp: 'otlp-http',
  Off: 'off',
} as const;
export type TracesMode = (typeof TRACES_MODE)[keyof typeof TRACES_MODE];

/** `OBSERVED_METRICS` values. */
export const METRICS_MODE = { Emf: 'emf', Api: 'api', Off: 'off' } as const;
export type MetricsMode = (typeof METRICS_MODE)[keyof typeof METRICS_MODE];

/**
 * Variables of Lambda and Powertools the runtime reads as they define them
 * (and the constructs set, where they fix a dimension value).
 *
 * @example
 * fn.addEnvironment(ECOSYSTEM_ENV.ServiceName, 'fraud-api');
 */
export const ECOSYSTEM_ENV = {
  ServiceName: 'POWERTOOLS_SERVICE_NAME',
  Namespace: 'POWERTOOLS_METRICS_NAMESPACE',
  LambdaLogLevel: 'AWS_LAMBDA_LOG_LEVEL',
  PowertoolsLogLevel: 'POWERTOOLS_LOG_LEVEL',
  LogLevel: 'LOG_LEVEL',
  LogSampleRate: 'POWERTOOLS_LOGGER_SAMPLE_RATE',
  TraceHeader: '_X_AMZN_TRACE_ID',
  DaemonAddress: 'AWS_XRAY_DAEMON_ADDRESS',
  InitializationType: 'AWS_LAMBDA_INITIALIZATION_TYPE',
  ExecWrapper: 'AWS_LAMBDA_EXEC_WRAPPER',
} as const;

/** `AWS_LAMBDA_EXEC_WRAPPER` in zero-code mode: the layer's wrapper script (layers are extracted to /opt). */
export const WRAPPER_PATH = '/opt/observed-inference-wrapper';

/** `OBSERVED_LOW_CONFIDENCE` unless set: predictions below it count in `LowConfidence`. */
export const DEFAULT_LOW_CONFIDENCE = 0.5;

/** What separates the items of a list variable (`OBSERVED_LABELS`, `OBSERVED_REDACT`): no item can contain it. */
export const LIST_SEPARATOR = ',';

/**
 * The OpenTelemetry SDK's standard variables the `otlp-http` exporter reads
 * (OTLP exporter specification), named here so the constructs that set them
 * and the runtime that reads them spell them once.
 *
 * @example
 * fn.addEnvironment(OTLP_ENV.TracesEndpoint, 'http://localhost:4318/v1/traces');
 */
export const OTLP_ENV = {
  TracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  Endpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  TracesHeaders: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  TracesTimeout: 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
  TracesCompression: 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION',
} as const;

/** Where `otlp-http` sends spans unless told: a collector Lambda extension's OTLP/HTTP receiver. */
export const DEFAULT_OTLP_TRACES_ENDPOINT = 'http://localhost:4318/v1/traces';
