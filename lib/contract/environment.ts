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
  Logs: 'OBSERVED_LOGS',
  Baseline: 'OBSERVED_BASELINE',
  DriftWindow: 'OBSERVED_DRIFT_WINDOW',
  Labels: 'OBSERVED_LABELS',
  TracesProvider: 'OBSERVED_TRACES_PROVIDER',
  PricePerGbSecond: 'OBSERVED_PRICE_PER_GB_SECOND',
  PricePerRequest: 'OBSERVED_PRICE_PER_REQUEST',
  Priming: 'OBSERVED_PRIMING',
  Write: 'OBSERVED_WRITE',
} as const;

/**
 * `OBSERVED_WRITE` values (the zero-code layer): when each invocation's
 * telemetry is written. `before-return` (the default): before the handler's
 * result goes back to the runtime. `after-response`: once the runtime has
 * posted the response, held open by an internal Lambda extension until it is
 * written (`writeAfterResponse()`), so the caller no longer waits for it.
 */
export const WRITE_MODE = {
  BeforeReturn: 'before-return',
  AfterResponse: 'after-response',
} as const;
export type WriteMode = (typeof WRITE_MODE)[keyof typeof WRITE_MODE];

/**
 * `OBSERVED_TRACES` values: where traces go. One span model, several
 * exporters: X-Ray segment documents to the daemon (`xray-udp`) or to
 * `PutTraceSegments` (`xray-api`); OTLP protobuf to the daemon's UDP endpoint
 * in AWS's own framing (`otlp-udp`) or over HTTP to a collector or X-Ray's
 * OTLP endpoint (`otlp-http`).
 */
export const TRACES_MODE = {
  XrayUdp: 'xray-udp',
  XrayApi: 'xray-api',
  OtlpUdp: 'otlp-udp',
  OtlpHttp: 'otlp-http',
  Off: 'off',
} as const;
export type TracesMode = (typeof TRACES_MODE)[keyof typeof TRACES_MODE];

/**
 * `OBSERVED_TRACES_PROVIDER` values: which OpenTelemetry tracer provider
 * records our spans, decided once per process by the first observe().
 * `auto` (the default): a provider someone else registered globally before
 * (`NodeTracerProvider.register()`, the ADOT or OpenTelemetry Lambda layer's
 * wrapper) records them, under the span active when the invocation starts,
 * and their exporter sends them (ours sends none); otherwise our own. `own`:
 * always ours, exported as `OBSERVED_TRACES` says. `global`: always the
 * global one, even one registered after observe() (none registered: no spans).
 */
export const TRACES_PROVIDER = { Auto: 'auto', Own: 'own', Global: 'global' } as const;
export type TracesProvider = (typeof TRACES_PROVIDER)[keyof typeof TRACES_PROVIDER];

/**
 * `OBSERVED_METRICS` values: each invocation's record as an EMF line on
 * stdout (`emf`, the default in Lambda), by `PutMetricData` (`api`, the
 * default elsewhere), as OTLP metrics over HTTP to a collector
 * (`otlp-http`), or not at all.
 */
export const METRICS_MODE = { Emf: 'emf', Api: 'api', OtlpHttp: 'otlp-http', Off: 'off' } as const;
export type MetricsMode = (typeof METRICS_MODE)[keyof typeof METRICS_MODE];

/**
 * `OBSERVED_LOGS` values: where the invocation's log line (and our own
 * warnings) go: the JSON line on stdout/stderr (`stdout`, the default), an
 * OTLP log record over HTTP to a collector instead (`otlp-http`; failures of
 * our own still reach stderr too), or both (`both`, while moving a log
 * pipeline over).
 */
export const LOGS_MODE = { Stdout: 'stdout', OtlpHttp: 'otlp-http', Both: 'both' } as const;
export type LogsMode = (typeof LOGS_MODE)[keyof typeof LOGS_MODE];

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

/**
 * OpenTelemetry's own variables, read as its SDK specification defines them
 * (the constructs may set them): which exporter, where `otlp-http` sends, and
 * the resource. `OBSERVED_TRACES` wins over `OTEL_TRACES_EXPORTER`, and
 * likewise `OBSERVED_METRICS` and `OBSERVED_LOGS` over theirs; a signal's
 * own endpoint variable over the generic one.
 *
 * @example
 * fn.addEnvironment(OTEL_ENV.TracesExporter, OTEL_TRACES_EXPORTER_VALUE.Otlp);
 */
export const OTEL_ENV = {
  TracesExporter: 'OTEL_TRACES_EXPORTER',
  ServiceName: 'OTEL_SERVICE_NAME',
  ResourceAttributes: 'OTEL_RESOURCE_ATTRIBUTES',
  Endpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  TracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  Headers: 'OTEL_EXPORTER_OTLP_HEADERS',
  TracesHeaders: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  Compression: 'OTEL_EXPORTER_OTLP_COMPRESSION',
  TracesCompression: 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION',
  Timeout: 'OTEL_EXPORTER_OTLP_TIMEOUT',
  TracesTimeout: 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
  Protocol: 'OTEL_EXPORTER_OTLP_PROTOCOL',
  TracesProtocol: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  MetricsExporter: 'OTEL_METRICS_EXPORTER',
  MetricsEndpoint: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  MetricsHeaders: 'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
  MetricsCompression: 'OTEL_EXPORTER_OTLP_METRICS_COMPRESSION',
  MetricsTimeout: 'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT',
  MetricsProtocol: 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
  LogsExporter: 'OTEL_LOGS_EXPORTER',
  LogsEndpoint: 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
  LogsHeaders: 'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
  LogsCompression: 'OTEL_EXPORTER_OTLP_LOGS_COMPRESSION',
  LogsTimeout: 'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT',
  LogsProtocol: 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL',
} as const;

/**
 * `OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER` and `OTEL_LOGS_EXPORTER`
 * values understood: `otlp` selects `otlp-http`; `none` turns traces and
 * metrics `off` and leaves the log line on stdout.
 */
export const OTEL_TRACES_EXPORTER_VALUE = { Otlp: 'otlp', None: 'none' } as const;

/** `OTEL_EXPORTER_OTLP_*COMPRESSION` values. */
export const OTLP_COMPRESSION = { Gzip: 'gzip', None: 'none' } as const;
export type OtlpCompression = (typeof OTLP_COMPRESSION)[keyof typeof OTLP_COMPRESSION];

/** The only OTLP protocol `otlp-http` speaks (`OTEL_EXPORTER_OTLP_*PROTOCOL`). */
export const OTLP_PROTOCOL = 'http/protobuf';

/**
 * Where `otlp-http` sends without `OTEL_EXPORTER_OTLP_*ENDPOINT`: an
 * OpenTelemetry or ADOT collector Lambda extension in the same environment.
 */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';
/** The path `OTEL_EXPORTER_OTLP_ENDPOINT` gets for traces (a traces endpoint is used as it is). */
export const OTLP_TRACES_PATH = '/v1/traces';
/** The path `OTEL_EXPORTER_OTLP_ENDPOINT` gets for metrics. */
export const OTLP_METRICS_PATH = '/v1/metrics';
/** The path `OTEL_EXPORTER_OTLP_ENDPOINT` gets for logs. */
export const OTLP_LOGS_PATH = '/v1/logs';
/** `OTEL_EXPORTER_OTLP_*TIMEOUT` unless set, in ms: the specification's default. */
export const DEFAULT_OTLP_TIMEOUT_MS = 10_000;

/** `AWS_LAMBDA_EXEC_WRAPPER` in zero-code mode: the layer's wrapper script (layers are extracted to /opt). */
export const WRAPPER_PATH = '/opt/observed-inference-wrapper';

/** `OBSERVED_LOW_CONFIDENCE` unless set: predictions below it count in `LowConfidence`. */
export const DEFAULT_LOW_CONFIDENCE = 0.5;

/** What separates the items of a list variable (`OBSERVED_LABELS`, `OBSERVED_REDACT`): no item can contain it. */
export const LIST_SEPARATOR = ',';

/**
 * Lambda's on-demand prices that `ComputeCost` is estimated with unless
 * `OBSERVED_PRICE_PER_GB_SECOND` / `OBSERVED_PRICE_PER_REQUEST` (or the
 * `computePrice` option) say otherwise: USD, US East (N. Virginia), from
 * https://aws.amazon.com/lambda/pricing/ (the same since arm64 arrived in
 * 2021; checked on 2026-12-07 against two published price tables, as the
 * page renders its rates in the browser). The first duration tier (up to 6
 * billion GB-seconds a month); no free tier, Savings Plans or INIT billing.
 * Some regions charge more (Hong Kong about 38%): set your own.
 *
 * @example
 * COMPUTE_PRICES.perGbSecond.arm64; // 0.0000133334
 */
export const COMPUTE_PRICES = {
  /** USD per GB-second of duration, by `process.arch`. */
  perGbSecond: { x64: 0.0000166667, arm64: 0.0000133334 },
  /** USD per request: $0.20 per million. */
  perRequest: 0.0000002,
  region: 'us-east-1',
  readOn: '2026-12-07',
} as const;
