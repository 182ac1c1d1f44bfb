/** Span names (X-Ray subsegment names are the same). */
export const SPAN = {
  inference: (model: string) => `inference ${model}`,
  coldStart: 'cold start',
  /** Inside `cold start`: library load → the first invocation began. */
  init: 'init',
  modelLoad: (model: string) => `model load ${model}`,
  warmup: 'warmup',
  /** A Bedrock call (GenAI conventions): `chat anthropic.claude-3-haiku…`, or the operation alone. */
  genAi: (operation: string, model: string | undefined) =>
    model ? `${operation} ${model}` : operation,
  /** Any other observed AWS call: `SageMakerRuntime.InvokeEndpoint`, `S3.GetObject`. */
  awsCall: (service: string, operation: string) => `${service}.${operation}`,
  /** An HTTP call to a model server (`observeHttpModelCalls()`): `POST 127.0.0.1:8080`. */
  httpCall: (method: string, host: string) => `${method} ${host}`,
} as const;

/** Span attributes beyond the OpenTelemetry semantic conventions. */
export const ATTR = {
  ModelName: 'inference.model.name',
  ModelVersion: 'inference.model.version',
  BatchSize: 'inference.batch_size',
  Prediction: 'inference.prediction',
  Confidence: 'inference.confidence',
  InputHash: 'inference.input_hash',
  ClientId: 'inference.client_id',
  CorrelationId: 'inference.correlation_id',
  StartType: 'inference.start_type',
  Warmup: 'inference.warmup',
  LowConfidence: 'inference.low_confidence',
  Timeout: 'inference.timeout',
  PredictionId: 'inference.prediction_id',
  ModelLoadNumber: 'inference.model.load_number',
  ClientError: 'inference.client_error',
  /** Predictions of the invocation that abstained or fell back (set when > 0). */
  Abstentions: 'inference.abstentions',
  /** The field of the first input that failed validation. */
  InvalidInputField: 'inference.invalid_input.field',
  /** Why it failed. */
  InvalidInputReason: 'inference.invalid_input.reason',
  /** Response streaming: invocation start → the first body byte, in ms. */
  StreamFirstByteMs: 'inference.stream.first_byte_ms',
  /** Response streaming: body bytes written. */
  StreamBytes: 'inference.stream.bytes',
  /** Response streaming: the stream did not end normally (handler failed, client gone). */
  StreamAborted: 'inference.stream.aborted',
  /** Model call: refused as throttled (`ThrottlingException`, HTTP 429). */
  ModelCallThrottled: 'inference.model_call.throttled',
  /** Model call: estimated cost from the user's price table. */
  ModelCallCost: 'inference.model_call.cost',
  /** Model call, streamed answer: call start → the first content chunk, in ms. */
  ModelCallTimeToFirstTokenMs: 'inference.model_call.time_to_first_token_ms',
  /** Model call, streamed answer: chunks the consumer read. */
  ModelCallStreamChunks: 'inference.model_call.stream.chunks',
  /** Model call, streamed answer: payload bytes the consumer read (InvokeModelWithResponseStream). */
  ModelCallStreamBytes: 'inference.model_call.stream.bytes',
  /** Model call, streamed answer: not read to its end (consumer stopped, error, or still open at the invocation's end). */
  ModelCallStreamAborted: 'inference.model_call.stream.aborted',
  /** Model call, streamed answer: still being read when the invocation ended; the span holds what was seen. */
  ModelCallStreamOpen: 'inference.model_call.stream.open',
  /** S3 GetObject: the object's bytes (Content-Length). */
  ModelCallBytes: 'inference.model_call.bytes',
} as const;

/**
 * The OpenTelemetry GenAI semantic conventions our Bedrock spans follow
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/aws-bedrock/), and the
 * AWS attributes of the other model-call spans.
 */
export const GEN_AI_ATTR = {
  OperationName: 'gen_ai.operation.name',
  ProviderName: 'gen_ai.provider.name',
  /** Deprecated name of `gen_ai.provider.name` (conventions ≤ 1.36), set too for older backends. */
  System: 'gen_ai.system',
  RequestModel: 'gen_ai.request.model',
  ResponseModel: 'gen_ai.response.model',
  RequestMaxTokens: 'gen_ai.request.max_tokens',
  RequestTemperature: 'gen_ai.request.temperature',
  RequestTopP: 'gen_ai.request.top_p',
  ResponseFinishReasons: 'gen_ai.response.finish_reasons',
  UsageInputTokens: 'gen_ai.usage.input_tokens',
  UsageOutputTokens: 'gen_ai.usage.output_tokens',
  /** Only with `capturePrompts`: redacted and bounded JSON. */
  InputMessages: 'gen_ai.input.messages',
  /** Only with `capturePrompts`: redacted and bounded JSON. */
  OutputMessages: 'gen_ai.output.messages',
  ErrorType: 'error.type',
  RpcSystem: 'rpc.system',
  RpcService: 'rpc.service',
  RpcMethod: 'rpc.method',
  AwsRequestId: 'aws.request_id',
  HttpStatusCode: 'http.response.status_code',
  S3Bucket: 'aws.s3.bucket',
  S3Key: 'aws.s3.key',
  SageMakerEndpoint: 'aws.sagemaker.endpoint_name',
  SageMakerVariant: 'aws.sagemaker.invoked_production_variant',
  /** HTTP calls to model servers (`observeHttpModelCalls()`), as the OpenTelemetry HTTP client conventions name them. */
  HttpRequestMethod: 'http.request.method',
  ServerAddress: 'server.address',
  ServerPort: 'server.port',
  /** The path without its query (a query may carry keys). */
  UrlPath: 'url.path',
} as const;

/** `gen_ai.provider.name` (and `gen_ai.system`) of Bedrock calls. */
export const GEN_AI_PROVIDER_BEDROCK = 'aws.bedrock';

/** `gen_ai.operation.name` values we set. */
export const GEN_AI_OPERATION = {
  /** Converse, ConverseStream, and InvokeModel bodies with `messages`. */
  Chat: 'chat',
  /** InvokeModel bodies with a prompt (`prompt`, `inputText`). */
  TextCompletion: 'text_completion',
  /** InvokeModel bodies of embedding models (`texts`, `inputText` to an embed model). */
  Embeddings: 'embeddings',
} as const;

/** Span attributes that become indexed X-Ray annotations, by annotation key. */
export const ANNOTATION_OF_ATTR: Readonly<Record<string, string>> = {
  [ATTR.ModelName]: 'model_name',
  [ATTR.ModelVersion]: 'model_version',
  'faas.coldstart': 'cold_start',
  [ATTR.Warmup]: 'warmup',
  [ATTR.ClientId]: 'client_id',
  [ATTR.Prediction]: 'prediction',
  [ATTR.LowConfidence]: 'low_confidence',
};

/** X-Ray metadata namespace for every attribute that is not an annotation. */
export const XRAY_METADATA_NAMESPACE = 'observed_inference';

/** How an execution environment started; only `on-demand` is a cold start for the user. */
export const START_TYPE = {
  OnDemand: 'on-demand',
  ProvisionedConcurrency: 'provisioned-concurrency',
  Proactive: 'proactive-initialization',
  SnapStart: 'snap-start',
  ManagedInstances: 'lambda-managed-instances',
  Warm: 'warm',
} as const;
export type StartType = (typeof START_TYPE)[keyof typeof START_TYPE];

/**
 * The span event a drift window adds when it closes, and its attributes (the
 * drift log line carries the same facts under `DRIFT_LOG_KEY`).
 */
export const DRIFT_EVENT = {
  Name: 'drift window closed',
  Score: 'inference.drift.score',
  WindowSize: 'inference.drift.window_size',
  /** The signals with PSI ≥ `DRIFT_MOVED_PSI`, comma-separated, most moved first. */
  Moved: 'inference.drift.moved',
  /** `stable`, `moved` or `data_quality_broken` (`DRIFT_STATUS`). */
  Status: 'inference.drift.status',
  /** The features whose data quality broke, comma-separated (absent when none). */
  Broken: 'inference.drift.data_quality_broken',
} as const;
