/**
 * What each name of the telemetry contract means, for docs/telemetry.md: one
 * entry per key of each contract constant (docs/generate.ts checks both ways
 * that the keys match, so a name added to lib/telemetry.ts without a
 * description fails the generator and its test).
 */
import {
  type ATTR,
  COMPUTE_PRICES,
  type DATA_QUALITY_LOG_KEY,
  type DATA_QUALITY_METRIC,
  DEFAULT_DRIFT_WINDOW,
  DEFAULT_LOW_CONFIDENCE,
  DEFAULT_NAMESPACE,
  DEFAULT_OTLP_ENDPOINT,
  DEFAULT_OTLP_TIMEOUT_MS,
  type DIMENSION,
  type DRIFT_LOG_KEY,
  DRIFT_MOVED_PSI,
  ECOSYSTEM_ENV,
  type ENV,
  LIST_SEPARATOR,
  type LOG_KEY,
  LOGS_MODE,
  MAX_DRIFT_WINDOW,
  MAX_LABEL_METRICS,
  MAX_LOGGED_LABELS,
  METRIC,
  METRICS_MODE,
  MIN_DRIFT_WINDOW,
  type OTEL_ENV,
  OTHER_LABEL,
  OTLP_LOGS_PATH,
  OTLP_METRICS_PATH,
  OTLP_TRACES_PATH,
  type OUTCOME_METRIC,
  PREDICTED_LABEL_PREFIX,
  PROACTIVE_INIT_GAP_MS,
  SPAN,
  type START_TYPE,
  TRACES_MODE,
  TRACES_PROVIDER,
  WRAPPER_PATH,
  WRITE_MODE,
} from '../lib/telemetry.js';

/** Inline code in Markdown. */
export const code = (text: string | number) => `\`${text}\``;

export const SPAN_DOC: Record<keyof typeof SPAN, { name: string; when: string; parent: string }> = {
  inference: {
    name: SPAN.inference('<model>'),
    when: 'every invocation but a warmup ping',
    parent:
      'the Lambda function segment from `_X_AMZN_TRACE_ID` (outside Lambda: an incoming `traceparent` or `X-Amzn-Trace-Id` header, else a new trace)',
  },
  coldStart: {
    name: SPAN.coldStart,
    when: "the first invocation of an on-demand execution environment: library load → that invocation's model ready (the last model load it saw finish; the invocation's start when none was pending), the whole wait of the first request; its children `init` and the loads of init lie within it",
    parent: `the parent of ${code(SPAN.inference('<model>'))}, beside it (as Lambda's own Initialization and Invocation are); when the inference span is the trace's root, inside it`,
  },
  init: {
    name: SPAN.init,
    when: 'in every `cold start`: library load → the first invocation began',
    parent: code(SPAN.coldStart),
  },
  modelLoad: {
    name: SPAN.modelLoad('<model>'),
    when: 'each run of a `loadModel()` loader',
    parent: `${code(SPAN.coldStart)} for a load that began during the init of a cold start (and ended before its first invocation did), else the span current when it ran (the next invocation's span for a background load)`,
  },
  warmup: {
    name: SPAN.warmup,
    when: `a warmup ping, instead of ${code(SPAN.inference('<model>'))}`,
    parent: 'as for the inference span',
  },
  genAi: {
    name: SPAN.genAi('<gen_ai.operation.name>', '<gen_ai.request.model>'),
    when: "each Bedrock call (Converse, ConverseStream, InvokeModel, InvokeModelWithResponseStream) of a client passed to `observeModelCalls()`, kind CLIENT, with the OpenTelemetry GenAI attributes (`chat anthropic.claude-3-haiku-20240307-v1:0`); a streamed answer's span ends with its stream",
    parent: 'the span current when the call was made (the inference span or a `stage()`)',
  },
  awsCall: {
    name: SPAN.awsCall('<Service>', '<Operation>'),
    when: 'each SageMaker runtime call and S3 `GetObject` of a client passed to `observeModelCalls()`, kind CLIENT (`SageMakerRuntime.InvokeEndpoint`, `S3.GetObject`)',
    parent: 'the span current when the call was made',
  },
  httpCall: {
    name: SPAN.httpCall('<METHOD>', '<host:port>'),
    when: 'each `fetch()` or undici request to an origin given to `observeHttpModelCalls()`, made inside an observed invocation, kind CLIENT (`POST 127.0.0.1:8080`); it ends when the response body has been read',
    parent: 'the span current when the request was made',
  },
};

export const ATTR_DOC: Record<keyof typeof ATTR, string> = {
  ModelName: 'the model name',
  ModelVersion: 'the model version',
  BatchSize: 'predictions in the invocation',
  Prediction: 'the predicted label; for a batch the most frequent one',
  Confidence: 'its confidence (a single prediction only)',
  InputHash:
    'SHA-256 of the key-sorted JSON of the model input (bounded for big inputs: docs/library.md)',
  ClientId: 'the caller, from the `clientId` option or its default',
  CorrelationId: 'the correlation id, from the `correlationId` option or its default',
  StartType: 'how the execution environment started (first invocation only; see below)',
  Warmup: '`true` on a warmup ping',
  LowConfidence: 'whether any prediction was below the low-confidence threshold',
  Timeout: '`true` when the invocation was about to reach the Lambda timeout',
  PredictionId: 'the id `recordOutcome()` matches ground truth with',
  ModelLoadNumber: 'on a model-load span: 1 for the first load of that model, more for a reload',
  ClientError: '`true` when the result is a client error (a proxy 4xx, an `InvalidInputError`)',
  Abstentions: 'predictions that abstained or fell back, when > 0',
  InvalidInputField: 'the field of the first input that failed validation',
  InvalidInputReason: 'why it failed',
  StreamFirstByteMs:
    'response streaming: invocation start to the first body byte written, in ms (the span ends at the end of the stream)',
  StreamBytes: 'response streaming: body bytes written',
  StreamAborted:
    '`true` when the stream did not end normally: the handler failed, destroyed it, or the client went away',
  ModelCallThrottled:
    'model call: `true` when refused as throttled (`ThrottlingException`, HTTP 429)',
  ModelCallCost: 'model call: the estimated cost from the `prices` table of `observeModelCalls()`',
  ModelCallTimeToFirstTokenMs:
    'model call, streamed answer: call start to the first content chunk, in ms',
  ModelCallStreamChunks: 'model call, streamed answer: chunks the consumer read',
  ModelCallStreamBytes:
    'model call, streamed answer: payload bytes read (InvokeModelWithResponseStream)',
  ModelCallStreamAborted:
    'model call, streamed answer: `true` when not read to its end (the consumer stopped, an error, or still open when the invocation ended)',
  ModelCallStreamOpen:
    'model call, streamed answer: `true` when still being read as the invocation ended; the span holds what was seen by then',
  ModelCallBytes: "S3 `GetObject`: the object's bytes (`Content-Length`)",
};

export const START_TYPE_DOC: Record<keyof typeof START_TYPE, string> = {
  OnDemand:
    'a cold start: the only start type that records `ColdStart` 1, `ColdStartDuration` and the `cold start` span',
  ProvisionedConcurrency: 'initialized ahead of traffic for provisioned concurrency',
  Proactive: `an on-demand initialization whose first invocation came more than ${PROACTIVE_INIT_GAP_MS / 1000} s later: Lambda initialized it ahead of traffic, so nobody waited for it`,
  SnapStart: 'restored from a SnapStart snapshot',
  ManagedInstances: 'an environment of Lambda Managed Instances',
  Warm: 'an invocation after the first: never written, the attribute and the log key are on first invocations only',
};

export const METRIC_DOC: Record<keyof typeof METRIC, string> = {
  InferenceLatency: 'each invocation but warmup pings: wrapper start to result',
  Predictions: 'predictions made (the batch size)',
  BatchSize: 'each invocation',
  Errors: '1 when the handler threw or rejected, else 0 (its Average is the error rate)',
  Timeouts: '1 when the invocation was about to reach the Lambda timeout',
  ColdStart:
    "1 on an on-demand environment's first invocation, else 0 (its Average is the cold-start rate)",
  ColdStartDuration:
    'that invocation: what its request waited for a ready model, the `cold start` span: library load → the end of the last model load the invocation saw finish (one init began, or its own), else → invocation start',
  ModelLoadTime:
    "each model load, its own duration (a load during init is in the first invocation's record)",
  ModelLoads: 'each model load (more than one per model and environment is a reload)',
  WarmupPings: 'each warmup ping (no latency or prediction metrics for it)',
  Confidence: 'each prediction with a confidence in [0, 1]',
  LowConfidence: 'predictions below `OBSERVED_LOW_CONFIDENCE`',
  DriftScore:
    'when a drift window closes: the largest population stability index (PSI) of its signals against the baseline',
  DriftWindowSize: 'predictions in the window that just closed',
  TelemetryErrors:
    'failures inside observed-inference itself since the last record (never the handler’s)',
  Abstentions: 'predictions that abstained or fell back, when > 0',
  InvalidInputs: 'inputs rejected by `rejectInput()` or a thrown `InvalidInputError`, when > 0',
  TimeToFirstByte:
    'response streaming: invocation start to the first body byte written (`InferenceLatency` is to the end of the stream)',
  BytesStreamed:
    'response streaming: body bytes the handler wrote (an `HttpResponseStream` prelude excluded)',
  StreamsAborted:
    'response streaming: 1 when the stream did not end normally (the handler failed, destroyed it, or the client went away), else 0',
  InputTokens:
    "each Bedrock call of an `observeModelCalls()` client: the input tokens its response reported (Converse `usage`, InvokeModel's `X-Amzn-Bedrock-Input-Token-Count`, a stream's `metadata`)",
  OutputTokens: 'each Bedrock call: the output tokens its response or stream reported',
  TimeToFirstToken: 'each streamed answer: call start to its first content chunk',
  TimePerOutputToken:
    'each streamed answer with more than one output token: first content chunk to the end of the stream, per further output token',
  ModelCallLatency:
    'each observed model call (Bedrock, SageMaker runtime, S3 `GetObject`): call start to its response; a streamed answer to the end of its stream',
  ModelCallErrors:
    'model calls that failed, throttled ones included, and streams that failed midway (when > 0)',
  ModelCallThrottles:
    'model calls refused as throttled: `ThrottlingException`, HTTP 429 (when > 0)',
  ModelStreamsAborted:
    'streamed answers not read to their end: the consumer stopped early, an error midway, or still open when the invocation ended (when > 0)',
  InferenceCost:
    "each Bedrock call whose model is in the `prices` table of `observeModelCalls()`: estimated cost, in the table's currency (no prices ship)",
  MaxMemoryUsed:
    "every invocation, warmup pings included: the process's peak resident memory so far (`ru_maxrss`, Lambda's Max Memory Used for this process), read as it ended",
  CpuTime:
    'every invocation: user + system CPU time of the process from its start to its end (background threads, such as the garbage collector, and overlapping invocations included; with writes after the response, from the records of the invocation before, see [library.md](library.md#writes-after-the-response))',
  ComputeCost: `every invocation in Lambda: its estimated cost, ceil(duration ms) × memory GB × price per GB-second / 1000 + price per request; default prices ${code(COMPUTE_PRICES.region)} on-demand USD (read ${COMPUTE_PRICES.readOn}), per \`process.arch\`: x86 $${COMPUTE_PRICES.perGbSecond.x64}, arm64 $${COMPUTE_PRICES.perGbSecond.arm64} per GB-second, $${(COMPUTE_PRICES.perRequest * 1e6).toFixed(2)} per million requests`,
};

export const OUTCOME_METRIC_DOC: Record<keyof typeof OUTCOME_METRIC, string> = {
  Outcomes: '1 per outcome recorded',
  PredictionCorrect:
    '1 when the prediction matched the outcome, else 0: its Average is the accuracy',
  OutcomesUnmatched: '1 per outcome whose prediction could not be found',
};

export const DIMENSION_DOC: Record<keyof typeof DIMENSION, string> = {
  Service: '`POWERTOOLS_SERVICE_NAME` (or the `serviceName` option); default: the function name',
  ModelName: '`OBSERVED_MODEL_NAME` (or the `model` option); default: the function name',
  ModelVersion: '`OBSERVED_MODEL_VERSION` (or the `model` option); default: `$LATEST`',
};

export const LOG_KEY_DOC: Record<keyof typeof LOG_KEY, string> = {
  ModelName: 'the model name',
  ModelVersion: 'the model version',
  LatencyMs: 'wrapper start to result, in ms',
  Stages: '`{ "<stage>": ms }` of the `stage()` runs',
  BatchSize: 'predictions in the invocation',
  Prediction: `the label; for a batch a label → count map of at most ${MAX_LOGGED_LABELS} labels plus ${code(OTHER_LABEL)}`,
  Confidence: 'the confidence; for a batch `{ min, mean, max }`',
  InputHash:
    'SHA-256 hex of the key-sorted JSON of the model input, of its bytes for a body over 64 KiB, of the first 64 KiB for a bigger object (the input itself is never logged unless payload logging is on)',
  CorrelationId: 'the correlation id',
  ClientId: 'the caller',
  Warmup: '`true` on a warmup ping',
  StartType: 'how the environment started, on its first invocation',
  ColdStartMs: '`ColdStartDuration`, on a cold start: library load → the model ready, in ms',
  InitMs: 'its first part, on a cold start: library load → invocation start, in ms',
  ModelWaitMs:
    'its second part, on a cold start: invocation start → the model ready (0 when init had loaded it), in ms',
  PredictionId: '`<request id>`, or `<request id>#<i>` in a batch: give it to `recordOutcome()`',
  Abstentions: 'predictions that abstained or fell back, when > 0',
  InvalidInput: '`{ field, reason, count }` when inputs failed validation',
  FirstByteMs:
    'response streaming: invocation start to the first body byte, in ms (`latency_ms` is to the end of the stream)',
  StreamedBytes: 'response streaming: body bytes written',
  StreamAborted:
    'response streaming: `true` when the stream did not end normally (the handler failed, destroyed it, or the client went away)',
  ModelCalls:
    'when the invocation called a model through an `observeModelCalls()` client: `{ count, errors, throttles, input_tokens, output_tokens, ttft_ms, latency_ms, cost, streams_open, models }` (empty members left out; `models`: the first 10 distinct Bedrock model ids, SageMaker endpoints or S3 buckets)',
  MaxMemoryUsedMb: "`MaxMemoryUsed`: the process's peak resident memory so far, in MB",
  CpuMs: '`CpuTime`: CPU time of the process during the invocation, in ms',
  ComputeCost: '`ComputeCost`: the estimated Lambda cost of the invocation (absent outside Lambda)',
  Error:
    'on failure: `name`, `message`, `stack` (a thrown `InvalidInputError`: `name` and `message`)',
  DebugFlushed:
    '`true` when the DEBUG lines `log.debug()` held for this invocation were written before this line (it failed, timed out, answered 5xx or predicted below the confidence threshold); with a Powertools Logger, its own log buffer was flushed',
  DebugLinesDropped: "DEBUG lines past the invocation's buffer, not kept, when any was",
};

export const ENV_DOC: Record<keyof typeof ENV, { default: string; what: string }> = {
  Handler: {
    default: 'set by the exec wrapper from `_HANDLER`',
    what: 'zero-code mode: the handler the layer wraps; one you set yourself wins',
  },
  ModelName: { default: 'the function name', what: 'the `ModelName` dimension and span names' },
  ModelVersion: { default: '`$LATEST`', what: 'the `ModelVersion` dimension' },
  LowConfidence: {
    default: code(DEFAULT_LOW_CONFIDENCE),
    what: 'in [0, 1]: predictions below it count in `LowConfidence`',
  },
  LogPayloads: {
    default: '`off`',
    what: '`off` or a rate in [0, 1]: the share of invocations whose input and output are logged, redacted',
  },
  Redact: {
    default: 'a built-in list (below)',
    what: `keys separated by ${code(LIST_SEPARATOR)}, redacted wherever payloads are logged`,
  },
  Traces: {
    default: `${code(TRACES_MODE.XrayUdp)} in Lambda, ${code(TRACES_MODE.XrayApi)} elsewhere (or what \`OTEL_TRACES_EXPORTER\` says)`,
    what: `${Object.values(TRACES_MODE).map(code).join(', ')} ([which to pick](library.md#trace-exporters)); wins over \`OTEL_TRACES_EXPORTER\``,
  },
  Metrics: {
    default: `${code(METRICS_MODE.Emf)} in Lambda, ${code(METRICS_MODE.Api)} elsewhere (or what \`OTEL_METRICS_EXPORTER\` says)`,
    what: `${Object.values(METRICS_MODE).map(code).join(', ')} ([OTLP metrics](library.md#metrics-and-logs-over-otlp)); wins over \`OTEL_METRICS_EXPORTER\``,
  },
  Logs: {
    default: `${code(LOGS_MODE.Stdout)} (or what \`OTEL_LOGS_EXPORTER\` says)`,
    what: `${Object.values(LOGS_MODE).map(code).join(', ')}: the log line on stdout, as an OTLP log record, or both ([OTLP logs](library.md#metrics-and-logs-over-otlp)); wins over \`OTEL_LOGS_EXPORTER\``,
  },
  Baseline: {
    default: 'none: no drift scores',
    what: 'the drift baseline: a path (relative to `LAMBDA_TASK_ROOT`, under `/opt`, or absolute) or an `s3://bucket/key` URI',
  },
  DriftWindow: {
    default: code(DEFAULT_DRIFT_WINDOW),
    what: `predictions per drift window, a whole number in [${MIN_DRIFT_WINDOW}, ${MAX_DRIFT_WINDOW}]`,
  },
  Labels: {
    default: `the baseline's labels, else the first ${MAX_LABEL_METRICS} distinct labels of each environment`,
    what: `labels separated by ${code(LIST_SEPARATOR)} that get a ${code(`${PREDICTED_LABEL_PREFIX}.<label>`)} metric of their own`,
  },
  TracesProvider: {
    default: code(TRACES_PROVIDER.Auto),
    what: `${Object.values(TRACES_PROVIDER).map(code).join(', ')}: whose OpenTelemetry tracer provider records our spans; with ${code(TRACES_PROVIDER.Auto)}, one registered before the first observe() (ADOT, your own) records and exports them, under its active span ([beside ADOT and your own provider](library.md#beside-powertools-tracer-adot-and-your-own-opentelemetry-provider))`,
  },
  PricePerGbSecond: {
    default: `${COMPUTE_PRICES.perGbSecond.x64} (x86), ${COMPUTE_PRICES.perGbSecond.arm64} (arm64): ${COMPUTE_PRICES.region} USD`,
    what: "`ComputeCost`'s price of a GB-second of duration, a number ≥ 0 (your region's, or your currency's)",
  },
  PricePerRequest: {
    default: `${code('0.0000002')} ($${(COMPUTE_PRICES.perRequest * 1e6).toFixed(2)} per million)`,
    what: "`ComputeCost`'s price of a request, a number ≥ 0",
  },
  Priming: {
    default: '`on`',
    what: '`on` or `off`: in Lambda, run the invocation path once at init, writing nothing, so the first invocation does not compile it ([cold starts](library.md#cold-starts-and-priming))',
  },
  Write: {
    default: code(WRITE_MODE.BeforeReturn),
    what: `zero-code mode: ${Object.values(WRITE_MODE).map(code).join(' or ')}: write each invocation's telemetry before the handler returns, or after the response, held by an internal extension ([writes after the response](library.md#writes-after-the-response)); library mode calls \`writeAfterResponse()\` instead`,
  },
};

export const ECOSYSTEM_ENV_DOC: Record<keyof typeof ECOSYSTEM_ENV, string> = {
  ServiceName: 'the `service` dimension and log key; default: the function name',
  Namespace: `the CloudWatch namespace; default ${code(DEFAULT_NAMESPACE)}`,
  LambdaLogLevel: "the log level set by Lambda's advanced logging controls; wins over the next two",
  PowertoolsLogLevel: `the log level when Lambda sets none; wins over ${code(ECOSYSTEM_ENV.LogLevel)}`,
  LogLevel: 'the log level when neither of the above is set; default INFO',
  LogSampleRate: 'the share of invocations logged at DEBUG, `sampling_rate` in the log',
  TraceHeader: 'the parent of the inference span (set by Lambda)',
  DaemonAddress: 'where `xray-udp` and `otlp-udp` send their datagrams (set by Lambda)',
  InitializationType: 'the start type (set by Lambda)',
  ExecWrapper: `zero-code mode: ${code(WRAPPER_PATH)}`,
};

export const OTEL_ENV_DOC: Record<keyof typeof OTEL_ENV, string> = {
  TracesExporter: `\`otlp\` selects ${code(TRACES_MODE.OtlpHttp)}, \`none\` ${code(TRACES_MODE.Off)}; any other exporter is a configuration error (the default stays); \`OBSERVED_TRACES\` wins; not read under an ADOT or OpenTelemetry layer wrapper (\`AWS_LAMBDA_EXEC_WRAPPER=/opt/otel-*\`), whose SDK it configures`,
  ServiceName:
    '`service.name` of the OTLP resource (after the `serviceName` option; before `POWERTOOLS_SERVICE_NAME`)',
  ResourceAttributes:
    '`key=value,…` (values percent-encoded) added to the OTLP resource, winning over the attributes derived from Lambda; a malformed value is ignored whole',
  Endpoint: `${code(TRACES_MODE.OtlpHttp)}: the collector's base URL, ${code(OTLP_TRACES_PATH)}, ${code(OTLP_METRICS_PATH)} or ${code(OTLP_LOGS_PATH)} appended; default ${code(DEFAULT_OTLP_ENDPOINT)}`,
  TracesEndpoint: `${code(TRACES_MODE.OtlpHttp)}: the traces URL, used as it is; wins over the one above. On \`https://xray.<region>.amazonaws.com\` requests are signed with SigV4`,
  Headers: '`key=value,…` sent with every OTLP request',
  TracesHeaders: 'the same, for traces; wins key by key',
  Compression:
    '`gzip` or `none`; default `gzip` for a remote endpoint, `none` for localhost; requests under 1 KiB are sent as they are',
  TracesCompression: 'the same, for traces; wins',
  Timeout: `ms an OTLP request may take before it counts as lost; default ${DEFAULT_OTLP_TIMEOUT_MS}`,
  TracesTimeout: 'the same, for traces; wins',
  Protocol: '`http/protobuf`, the only one `otlp-http` speaks; another is a configuration error',
  TracesProtocol: 'the same, for traces; wins',
  MetricsExporter: `\`otlp\` selects metrics ${code(METRICS_MODE.OtlpHttp)}, \`none\` ${code(METRICS_MODE.Off)}; \`OBSERVED_METRICS\` wins; not read under an ADOT or OpenTelemetry layer wrapper (\`AWS_LAMBDA_EXEC_WRAPPER=/opt/otel-*\`), whose SDK it configures`,
  MetricsEndpoint: `metrics ${code(METRICS_MODE.OtlpHttp)}: the metrics URL, used as it is; wins over \`OTEL_EXPORTER_OTLP_ENDPOINT\``,
  MetricsHeaders: 'headers for metrics; win key by key',
  MetricsCompression: 'compression for metrics; wins',
  MetricsTimeout: 'timeout for metrics; wins',
  MetricsProtocol: 'protocol for metrics; wins',
  LogsExporter: `\`otlp\` selects logs ${code(LOGS_MODE.OtlpHttp)}; \`none\` leaves the line on stdout; \`OBSERVED_LOGS\` wins; not read under an ADOT or OpenTelemetry layer wrapper (\`AWS_LAMBDA_EXEC_WRAPPER=/opt/otel-*\`), whose SDK it configures`,
  LogsEndpoint: `logs ${code(LOGS_MODE.OtlpHttp)}: the logs URL, used as it is; wins over \`OTEL_EXPORTER_OTLP_ENDPOINT\`. On \`https://logs.<region>.amazonaws.com\` requests are signed with SigV4`,
  LogsHeaders:
    'headers for logs (CloudWatch Logs wants `x-aws-log-group` and `x-aws-log-stream`); win key by key',
  LogsCompression: 'compression for logs; wins',
  LogsTimeout: 'timeout for logs; wins',
  LogsProtocol: 'protocol for logs; wins',
};

export const DRIFT_LOG_KEY_DOC: Record<keyof typeof DRIFT_LOG_KEY, string> = {
  Score: `${code(METRIC.DriftScore)}: the largest PSI of the window's signals`,
  WindowSize: 'predictions in the window',
  Scores: '`{ "<signal>": PSI }`',
  Moved: `the signals with PSI ≥ ${DRIFT_MOVED_PSI}, most moved first`,
};

export const DATA_QUALITY_METRIC_DOC: Record<keyof typeof DATA_QUALITY_METRIC, string> = {
  MissingRate: 'the share (0–1) of predictions whose feature was absent, `null` or NaN',
  TypeMismatches:
    "values of the wrong type: a string (`'n/a'`, `'12.5'`) in a numeric feature, an object or array in a categorical one",
  OutOfRange: "numeric values beyond the baseline's min/max (with the range tolerance below)",
  UnseenCategories:
    "categorical values not among the baseline's categories (only when the baseline lists every category it saw)",
  DataQualityBroken:
    "1 when a feature's missing and wrong-type values rose above the baseline's missing rate by more than the allowed rise, else 0",
};

export const DATA_QUALITY_LOG_KEY_DOC: Record<keyof typeof DATA_QUALITY_LOG_KEY, string> = {
  Status: '`stable`, `moved` or `data_quality_broken` (broken inputs win over moved signals)',
  Broken: 'the features whose data quality broke, worst first',
  Features:
    '`{ "<feature>": { missing_rate, type_mismatches, out_of_range, unseen_categories } }`, features with a non-zero value only',
};
