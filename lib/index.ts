/**
 * observed-inference: observe(), stage(), loadModel() and the rest of the
 * public API.
 *
 * One runtime state per process. A process can load two copies of this
 * package: the CommonJS and the ESM build (a `require` in one module, an
 * `import` in another), or the layer's copy beside one bundled into the
 * handler. Each copy has its own module state, and `stage()` from one would
 * not see the invocation `observe()` of the other opened. So the first copy
 * loaded publishes its stateful API on `globalThis` under a versioned
 * `Symbol.for` key, and every later copy of the same API version serves that
 * one: one tracer, one model cache, one cold start, and `instanceof
 * InvalidInputError` true across copies. A copy of another API version keeps
 * its own state (its functions may differ).
 *
 * @example
 * import { observe, stage } from 'observed-inference';
 * export const handler = observe(async (event: { features: number[] }) =>
 *   stage('predict', () => ({ label: 'legit', confidence: 0.97 })));
 */
import type * as own from './api.js';
import { type Api, sharedApi } from './apiRegistry.js';

const api: Api = sharedApi();

/**
 * Wrap a Lambda handler so every invocation becomes an X-Ray trace, one EMF
 * record and one JSON log line. The handler's result and errors pass through
 * unchanged (the same objects); our own failures never reach it. Every
 * handler shape is taken: async or sync, the callback style (given a real
 * callback; nodejs22.x), and response streaming in either order with
 * `awslambda.streamifyResponse` (the marker stays on the returned function).
 *
 * @example
 * import { observe, stage } from 'observed-inference';
 * export const handler = observe(async (event) => {
 *   const x = await stage('preprocess', () => parse(event));
 *   return stage('predict', () => model.predict(x)); // { label, confidence }
 * }, { model: { name: 'fraud', version: '3' } });
 */
export const observe: Api['observe'] = api.observe;

/**
 * Run `fn` (sync or async) as a named stage of the current inference: a child
 * span, a `<Stage>Duration` metric value and an entry in the log's `stages`.
 * Its result or error passes through unchanged. Outside an observed
 * invocation it only runs `fn`. Use a few fixed names: the first 20 of an
 * environment get a metric and a log key of their own, later ones are timed
 * as `other` (their spans keep their names), and names are cut to 64 characters.
 *
 * @example
 * const features = await stage('preprocess', () => toFeatures(body));
 * const scores = await stage('predict', () => model.predict(features));
 */
export const stage: Api['stage'] = api.stage;

/**
 * Load a model once per execution environment. The first call during init is
 * timed into the `cold start` span as `model load <model>`, with
 * `ModelLoadTime` and `ModelLoads`; later calls return the same promise. A
 * failed load is forgotten, so the next call retries; a second real load of a
 * model (a new version, or a retry) is counted and logged as a reload. The
 * version defaults to `OBSERVED_MODEL_VERSION`, else `$LATEST`.
 *
 * @example
 * const model = loadModel({ name: 'fraud', version: '3' }, () => readWeights('/opt/model.json'));
 * export const handler = observe(async (event) => (await model).predict(event));
 */
export const loadModel: Api['loadModel'] = api.loadModel;

/**
 * Observe the model calls an AWS SDK v3 client makes (Bedrock runtime,
 * SageMaker runtime, S3 `GetObject`): a CLIENT span under the current span
 * for each (Bedrock ones with the OpenTelemetry GenAI attributes), the
 * downstream `X-Amzn-Trace-Id` parented on it, and `InputTokens`,
 * `OutputTokens`, `TimeToFirstToken`, `ModelCallLatency`, … in the
 * invocation's record and `model_calls` in its log line. Streamed answers
 * are watched as they are read, never buffered. Returns the same client; the
 * client's results and errors pass through unchanged, and outside an
 * observed invocation it only calls through. No client package is imported.
 *
 * @example
 * import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
 * const bedrock = observeModelCalls(new BedrockRuntimeClient({}), {
 *   prices: { 'anthropic.claude-3-haiku-20240307-v1:0': { inputPer1kTokens: 0.00025, outputPer1kTokens: 0.00125 } },
 * });
 */
export const observeModelCalls: Api['observeModelCalls'] = api.observeModelCalls;

/**
 * Opt in to spans for `fetch()` (and undici) calls to other model servers,
 * read from Node's diagnostics channels: for each request to one of
 * `origins` made inside an observed invocation, a CLIENT span
 * (`POST 127.0.0.1:8080`, method, server, path, status) under the current
 * span, the downstream `X-Amzn-Trace-Id` parented on it, and
 * `ModelCallLatency`, `ModelCallErrors` (status ≥ 400 or a network error) and
 * `ModelCallThrottles` (429) in the invocation's record. Requests and
 * responses pass unchanged. Returns a function that stops observing.
 *
 * @example
 * const stop = observeHttpModelCalls({ origins: ['http://127.0.0.1:8080'] });
 */
export const observeHttpModelCalls: Api['observeHttpModelCalls'] = api.observeHttpModelCalls;

/**
 * Record that the current invocation's input failed your validation, for a
 * handler that answers it itself (a 400): `InvalidInputs` counts it, the log
 * line's `invalid_input` and the span name the field. Call it once per
 * rejected input (a batch may reject several); it changes nothing else, so a
 * handler that scores the valid items of a batch still counts those
 * predictions. Returns false outside an observed invocation.
 *
 * @example
 * const v = validate(body);
 * if (!v.ok) {
 *   rejectInput({ field: v.field, reason: v.message });
 *   return { statusCode: 400, body: JSON.stringify({ message: v.message }) };
 * }
 */
export const rejectInput: Api['rejectInput'] = api.rejectInput;

/**
 * Record a delayed ground-truth outcome: `Outcomes` (1), `PredictionCorrect`
 * (1/0: its Average is the accuracy) or `OutcomesUnmatched` when the
 * prediction is unknown, with the same model dimensions as the inference
 * metrics, plus a log line. Usable in any Lambda (e.g. one consuming chargeback
 * events): inside an observed invocation it joins that invocation's record;
 * elsewhere it writes a record of its own, configured by the environment.
 * Returns whether the prediction was correct (undefined when unmatched).
 *
 * @example
 * export const handler = async (event) => {
 *   for (const c of event.Records) recordOutcome({ predictionId: c.body.prediction_id, actual: 'fraud', predicted: c.body.label });
 * };
 */
export const recordOutcome: Api['recordOutcome'] = api.recordOutcome;

/**
 * Add a custom metric value to the current invocation's EMF record (same
 * dimensions as the built-in metrics). Returns false, and records nothing,
 * outside an observed invocation (said once on stderr) or for an invalid
 * name, value or unit.
 *
 * @example
 * addMetric('FeatureCacheHits', 3, 'Count');
 */
export const addMetric: Api['addMetric'] = api.addMetric;

/**
 * Add an indexed X-Ray annotation (filterable: `annotation.<key> = value`) to
 * the current invocation's span; it is also a field of the log line. Keys are
 * letters, digits and `_`. Returns false outside an invocation or for an invalid key.
 *
 * @example
 * annotate('tenant', 'acme');
 */
export const annotate: Api['annotate'] = api.annotate;

/**
 * Add a non-indexed attribute to the current invocation: X-Ray metadata and a
 * field of the log line. Returns false outside an invocation.
 *
 * @example
 * addMetadata('feature_vector_size', 42);
 */
export const addMetadata: Api['addMetadata'] = api.addMetadata;

/**
 * Send everything buffered (PutMetricData, PutTraceSegments) and wait for it:
 * for non-Lambda use (scripts, containers, tests) before the process exits.
 * In Lambda there is nothing to flush: each invocation's telemetry is written
 * before its response, or after it under {@link writeAfterResponse}. A process that ends without it is flushed on
 * `beforeExit`; `process.exit()` skips that, so call this first. Never rejects.
 *
 * @example
 * await flush();
 */
export const flush: Api['flush'] = api.flush;

/**
 * Write each invocation's telemetry after its response instead of before the
 * handler returns, so the caller no longer waits for it. Call it once at
 * init, with top-level `await`, before `observe()`'s handler is exported; the
 * zero-code layer does it when `OBSERVED_WRITE` is `after-response`. It
 * registers an internal Lambda extension that keeps each invocation open
 * until its records are written, so nothing is lost at a freeze; that time is
 * still billed (`PostRuntimeExtensionsDuration`). The function's handler must
 * be the observed one. Resolves `true` once registered; `false`, with one
 * warning, outside Lambda, under concurrent invocations or when Lambda
 * refuses, and telemetry is then written before the return as usual.
 *
 * @example
 * import { observe, writeAfterResponse } from 'observed-inference';
 * await writeAfterResponse();
 * export const handler = observe(async (event: { amount: number }) => ({ fraud: event.amount > 900 }));
 */
export const writeAfterResponse: Api['writeAfterResponse'] = api.writeAfterResponse;

/**
 * The invocation-scoped logger: `log.debug/info/warn/error(message, fields?)`.
 * Inside an observed invocation each line carries its request id, trace id,
 * model name and version, `prediction_id` and correlation id, and goes where
 * the invocation's line goes (the JSON line, OTLP, or the Powertools Logger
 * passed to `observe()`). DEBUG lines below the level are held per
 * invocation (at most 100 lines, 64 KiB) and written only when it fails,
 * times out, answers 5xx or predicts below the confidence threshold
 * (`debug_flushed` on its line); `AWS_LAMBDA_LOG_LEVEL` above DEBUG drops
 * them. Outside an invocation a line has no such context. Never throws.
 *
 * @example
 * import { log, observe } from 'observed-inference';
 * export const handler = observe(async (event: { amount: number }) => {
 *   log.debug('scoring', { amount: event.amount }); // written only if this invocation goes wrong
 *   return { label: event.amount > 500 ? 'fraud' : 'legit', confidence: 0.9 };
 * });
 */
export const log: Api['log'] = api.log;

/**
 * An input that failed the handler's own validation. Thrown from a handler
 * wrapped with `observe()`, it is recorded as the caller's error, not a fault:
 * `InvalidInputs` 1 and `Errors` 0, the X-Ray `error` flag (not `fault`), and
 * the field and reason in the log line's `invalid_input`. It still reaches
 * Lambda unchanged, like every error of the handler.
 *
 * @example
 * import { InvalidInputError } from 'observed-inference';
 * if (!(tx.amount > 0)) throw new InvalidInputError('amount', 'must be a positive number');
 */
export const InvalidInputError: Api['InvalidInputError'] = api.InvalidInputError;
export type InvalidInputError = own.InvalidInputError;

/** An invalid option or environment variable; the feature falls back to its default. */
export const ConfigError: Api['ConfigError'] = api.ConfigError;
export type ConfigError = own.ConfigError;

/** The user's handler could not be found or loaded (zero-code layer mode). */
export const HandlerLoadError: Api['HandlerLoadError'] = api.HandlerLoadError;
export type HandlerLoadError = own.HandlerLoadError;

/**
 * The handler was still running `timeoutMarginMs` before the Lambda deadline:
 * the `error` of the `inference timed out` log line and the exception of the
 * invocation's span. It is never thrown into the handler.
 */
export const InvocationTimeoutError: Api['InvocationTimeoutError'] = api.InvocationTimeoutError;
export type InvocationTimeoutError = own.InvocationTimeoutError;

export type { InputRejection } from './invalidInput.js';
export type { InvocationLogger, LogFields } from './invocationLogger.js';
export type { HttpModelCallOptions } from './modelCalls/httpCalls.js';
export type { ClientWithMiddleware } from './modelCalls/observeModelCalls.js';
export type { ModelCallOptions, ModelPrice } from './modelCalls/targets.js';
export type { ObservedHandler } from './observe.js';
export type { Outcome } from './outcomes.js';
export type {
  PowertoolsLogger,
  PowertoolsMetrics,
  PowertoolsOptions,
} from './powertools/types.js';
export {
  DATA_QUALITY_METRIC,
  DEFAULT_NAMESPACE,
  DIMENSION,
  DIMENSION_SET,
  DRIFT_STATUS,
  dataQualityMetricName,
  driftMetricName,
  ENV,
  GEN_AI_ATTR,
  GEN_AI_OPERATION,
  GEN_AI_PROVIDER_BEDROCK,
  METRIC,
  METRIC_UNIT,
  type MetricName,
  MODEL_CALL_DIMENSION,
  MODEL_CALL_DIMENSION_SET,
  MODEL_CALL_METRICS,
  MODEL_CALL_METRICS_BY_MODEL,
  MODEL_CALLS_LOG_KEY,
  OTEL_ENV,
  OTHER_LABEL,
  OUTCOME_METRIC,
  PREDICTED_LABEL_PREFIX,
  predictedLabelMetricName,
  SPAN,
  stageMetricName,
  TRACES_MODE,
  TRACES_PROVIDER,
  type TracesMode,
  type TracesProvider,
  WRITE_MODE,
  type WriteMode,
} from './telemetry.js';
export type {
  AsyncHandler,
  ModelSpec,
  ObserveOptions,
  Prediction,
  WarmupOptions,
} from './types.js';
