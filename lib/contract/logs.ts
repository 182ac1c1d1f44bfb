/**
 * Powertools Logger's standard keys, in the order its lines (and ours) start
 * with them, so queries written for Powertools keep working.
 *
 * @example
 * `filter ${POWERTOOLS_LOG_KEY.Level} = "ERROR"`;
 */
export const POWERTOOLS_LOG_KEY = {
  Level: 'level',
  Message: 'message',
  Timestamp: 'timestamp',
  Service: 'service',
  ColdStart: 'cold_start',
  FunctionArn: 'function_arn',
  FunctionMemorySize: 'function_memory_size',
  FunctionName: 'function_name',
  RequestId: 'function_request_id',
  SamplingRate: 'sampling_rate',
  XrayTraceId: 'xray_trace_id',
} as const;

/** Keys of the per-invocation log record, beyond Powertools' standard keys. */
export const LOG_KEY = {
  ModelName: 'model_name',
  ModelVersion: 'model_version',
  LatencyMs: 'latency_ms',
  Stages: 'stages',
  BatchSize: 'batch_size',
  Prediction: 'prediction',
  Confidence: 'confidence',
  InputHash: 'input_hash',
  CorrelationId: 'correlation_id',
  ClientId: 'client_id',
  Warmup: 'warmup',
  StartType: 'start_type',
  /** On a cold start: library load → the first invocation's model ready (`ColdStartDuration`). */
  ColdStartMs: 'cold_start_ms',
  /** On a cold start: library load → the invocation began. */
  InitMs: 'init_ms',
  /** On a cold start: the invocation began → its model ready. */
  ModelWaitMs: 'model_wait_ms',
  PredictionId: 'prediction_id',
  /** Predictions that abstained or fell back (present when > 0). */
  Abstentions: 'abstentions',
  /** `{ field, reason, count }` of inputs that failed validation (present when any did). */
  InvalidInput: 'invalid_input',
  /** Response streaming: invocation start → the first body byte (`latency_ms` is to the end). */
  FirstByteMs: 'first_byte_ms',
  /** Response streaming: body bytes written. */
  StreamedBytes: 'streamed_bytes',
  /** Response streaming: the stream did not end normally (handler failed, client gone). */
  StreamAborted: 'stream_aborted',
  /**
   * Model calls made through an `observeModelCalls()` client (present when any
   * was): `{ count, errors, throttles, input_tokens, output_tokens, ttft_ms,
   * latency_ms, cost, streams_open, models }` (`MODEL_CALLS_LOG_KEY`).
   */
  ModelCalls: 'model_calls',
  /** `MaxMemoryUsed`: the process's peak resident memory so far, in MB. */
  MaxMemoryUsedMb: 'max_memory_used_mb',
  /** `CpuTime`: the process's CPU time during the invocation, in ms. */
  CpuMs: 'cpu_ms',
  /** `ComputeCost`: the invocation's estimated Lambda cost (absent outside Lambda). */
  ComputeCost: 'compute_cost',
  Error: 'error',
  /**
   * `true` when the invocation's buffered DEBUG lines (`log.debug()`) were
   * written before this line: it failed, timed out or predicted below the
   * confidence threshold. Absent otherwise.
   */
  DebugFlushed: 'debug_flushed',
  /** DEBUG lines past the invocation's buffer (`MAX_DEBUG_LINES`, `MAX_DEBUG_BYTES`), not kept (present when any was). */
  DebugLinesDropped: 'debug_lines_dropped',
} as const;

/** Keys of the log line's `model_calls` summary. */
export const MODEL_CALLS_LOG_KEY = {
  Count: 'count',
  /** Calls that failed, throttled ones included. */
  Errors: 'errors',
  Throttles: 'throttles',
  InputTokens: 'input_tokens',
  OutputTokens: 'output_tokens',
  /** Time to the first token of the first streamed answer. */
  TimeToFirstTokenMs: 'ttft_ms',
  /** Summed latency of the calls. */
  LatencyMs: 'latency_ms',
  /** Estimated, from the user's price table (absent without one). */
  Cost: 'cost',
  /** Streamed answers still being read when the invocation ended (recorded as seen so far). */
  StreamsOpen: 'streams_open',
  /** The distinct models called: Bedrock model ids, SageMaker endpoints, S3 buckets (at most `MAX_LOGGED_MODELS`). */
  Models: 'models',
} as const;

/** Keys of the line a drift window writes when it closes (`drift: data_quality_broken: <features>`, `drift: <signals> moved` or `drift: stable`). */
export const DRIFT_LOG_KEY = {
  /** The largest PSI of the window's signals. */
  Score: 'drift_score',
  WindowSize: 'drift_window_size',
  /** `{ "<signal>": PSI }`. */
  Scores: 'drift_scores',
  /** The signals with PSI ≥ `DRIFT_MOVED_PSI`, most moved first. */
  Moved: 'drift_moved',
} as const;

/**
 * Data-quality keys of the drift window's line (next to `DRIFT_LOG_KEY`):
 * a window whose inputs broke is `drift: data_quality_broken: <features>`,
 * never `drift: stable`.
 */
export const DATA_QUALITY_LOG_KEY = {
  /** `stable`, `moved` or `data_quality_broken` (see `DRIFT_STATUS`). */
  Status: 'drift_status',
  /** The features whose data quality broke (missing-rate rise or wrong types). */
  Broken: 'data_quality_broken',
  /** `{ "<feature>": { missing_rate, type_mismatches, out_of_range, unseen_categories } }`, features with any non-zero value only. */
  Features: 'data_quality',
} as const;

/**
 * The verdict of a closed drift window, in its log line and span event:
 * `data_quality_broken` wins over `moved`, which wins over `stable`.
 */
export const DRIFT_STATUS = {
  Stable: 'stable',
  Moved: 'moved',
  DataQualityBroken: 'data_quality_broken',
} as const;
export type DriftStatus = (typeof DRIFT_STATUS)[keyof typeof DRIFT_STATUS];
