import type { Context } from 'aws-lambda';
import type { Baseline } from './drift/baseline.js';
import type { WindowOptions } from './drift/window.js';
import type { PowertoolsOptions } from './powertools/types.js';
import type { ComputePriceOverride } from './resourceUsage.js';
import type { LogsMode, MetricsMode, TracesMode } from './telemetry.js';

/**
 * A model's identity: the `ModelName`/`ModelVersion` dimensions and span names.
 *
 * @example
 * const model: ModelSpec = { name: 'fraud-detector', version: '2026-11-01' };
 */
export interface ModelSpec {
  readonly name: string;
  readonly version?: string;
}

/**
 * One prediction as observe() reads it from a result.
 *
 * @example
 * const p: Prediction = { label: 'fraud', confidence: 0.93 };
 */
export interface Prediction {
  readonly label?: string | number | boolean;
  /** In [0, 1]; values outside are ignored for `Confidence`. */
  readonly confidence?: number;
  /** The model abstained, or a fallback answered instead: counted in `Abstentions`. */
  readonly abstained?: boolean;
}

/** A Lambda handler in the async style (the only style Node 24 keeps). */
export type AsyncHandler<TEvent = unknown, TResult = unknown> = (
  event: TEvent,
  context: Context,
) => Promise<TResult> | TResult;

/**
 * How warmup pings are recognised and answered.
 *
 * @example
 * observe(handler, { warmup: { detect: (e) => e?.source === 'keep-warm', respond: () => 'warm' } });
 */
export interface WarmupOptions<TEvent> {
  /** Default: `{ warmup: <truthy> }`, serverless-plugin-warmup, EventBridge scheduled events whose detail says warmup. */
  readonly detect?: (event: TEvent) => boolean;
  /** When given, a ping is answered with this value and the handler is not called. Default: the handler runs. */
  readonly respond?: (event: TEvent) => unknown;
}

/**
 * Options of {@link observe}. Every option has a default that understands the
 * common shapes; the options marked with an environment variable can also be
 * set without code (options > environment > default).
 *
 * @example
 * export const handler = observe(predict, {
 *   model: { name: 'fraud', version: '3' },
 *   predictions: (result) => result.scores.map((s) => ({ label: s.cls, confidence: s.p })),
 * });
 */
export interface ObserveOptions<TEvent = unknown, TResult = unknown> {
  /** `OBSERVED_MODEL_NAME`/`OBSERVED_MODEL_VERSION`; default: function name and `$LATEST`. */
  readonly model?: ModelSpec | string;
  /** Read the prediction(s) from the result. Default: `{label, confidence}` shapes, `predictions` arrays, proxy `body`. */
  readonly predictions?: (
    result: TResult,
    event: TEvent,
  ) => Prediction | readonly Prediction[] | undefined | null;
  /** Default: the number of predictions, else 1. */
  readonly batchSize?: (event: TEvent, result: TResult | undefined) => number;
  /** The model input, hashed into `input_hash`. Default: parsed JSON `body` of a proxy event (its text or bytes past 64 KiB), else the event. */
  readonly input?: (event: TEvent) => unknown;
  /** Default: `x-client-id` / `x-api-key-id` headers, API key id, JWT `client_id`/`azp` claims. */
  readonly clientId?: (event: TEvent, context: Context) => string | undefined;
  /** Default: `x-correlation-id` / `x-request-id` headers, else the API Gateway request id. */
  readonly correlationId?: (event: TEvent, context: Context) => string | undefined;
  /** `false` turns warmup detection off. */
  readonly warmup?: false | WarmupOptions<TEvent>;
  /** Whether a (non-throwing) result is a client error (recorded as X-Ray `error`, not `fault`). Default: proxy `statusCode` 4xx. */
  readonly clientError?: (result: TResult) => boolean;
  /**
   * How many of the result's predictions abstained or fell back (`true` is 1).
   * Default: predictions (or the result) with `abstain`, `abstained` or
   * `fallback` set to `true`, and those your `predictions` reader marks `abstained`.
   */
  readonly abstentions?: (result: TResult, event: TEvent) => number | boolean | undefined;
  /**
   * `OBSERVED_LABELS` (comma-separated): the labels that get a label-mix metric
   * of their own (`PredictedLabel.<label>`); others count as
   * `PredictedLabel.other`. Default: the baseline's labels, else the first 10
   * distinct labels of each execution environment.
   */
  readonly labels?: readonly string[];
  /** `OBSERVED_LOW_CONFIDENCE`; default 0.5. */
  readonly lowConfidence?: number;
  /** `OBSERVED_LOG_PAYLOADS`: `'off'` or a sampling rate in [0, 1]; default off. */
  readonly logPayloads?: 'off' | number;
  /** `OBSERVED_REDACT`: keys redacted wherever payloads are logged, matched by words, added to a built-in list (`!name` removes one of it). */
  readonly redact?: readonly string[];
  /** `OBSERVED_TRACES`; default `xray-udp` in Lambda, `xray-api` elsewhere. */
  readonly traces?: TracesMode;
  /** `OBSERVED_METRICS`; default `emf` in Lambda, `api` elsewhere. */
  readonly metrics?: MetricsMode;
  /** `OBSERVED_LOGS`: the log line on `stdout` (the default), as OTLP (`otlp-http`), or `both`. */
  readonly logs?: LogsMode;
  /** `POWERTOOLS_SERVICE_NAME`; default: the function name. */
  readonly serviceName?: string;
  /** `POWERTOOLS_METRICS_NAMESPACE`; default `ObservedInference`. */
  readonly namespace?: string;
  /** How long before the Lambda deadline a timeout is recorded; default 100 ms. */
  readonly timeoutMarginMs?: number;
  /** `OBSERVED_BASELINE`: the drift baseline (a path, an `s3://` URI, or the object); default none (no drift). */
  readonly baseline?: string | Baseline;
  /** Drift windows and where the input features are. */
  readonly drift?: DriftOptions<TEvent>;
  /**
   * Your Powertools `Logger` and `Metrics`: our log line goes through the
   * logger (its keys, correlation id, level, buffer) and our metrics into
   * the metrics (one EMF flush, its namespace and default dimensions),
   * instead of our own writers. Powertools is never imported otherwise.
   */
  readonly powertools?: PowertoolsOptions;
  /**
   * `OBSERVED_PRICE_PER_GB_SECOND` / `OBSERVED_PRICE_PER_REQUEST`: what
   * `ComputeCost` is estimated with; default Lambda's us-east-1 on-demand
   * prices in USD for this architecture (`COMPUTE_PRICES`).
   */
  readonly computePrice?: ComputePriceOverride;
  /**
   * `OBSERVED_PRIMING` (`on`/`off`): in Lambda, run the invocation path once
   * at init with nothing written, so the first invocation does not compile
   * it; default on. Off saves about 2 ms of a cold start's total and leaves
   * them in its first invocation instead.
   */
  readonly priming?: boolean;
}

/**
 * Online drift settings.
 *
 * @example
 * observe(handler, { baseline: 'model/baseline.json', drift: { window: { size: 500 } } });
 */
export interface DriftOptions<TEvent> {
  /**
   * Window closing rules; default 1000 predictions or 5 minutes, at least 100 to judge.
   * `missingRateRise` (default 0.2): how far a feature's missing and wrong-type share may
   * exceed its baseline missing rate before the window is `data_quality_broken`.
   */
  readonly window?: Partial<WindowOptions>;
  /** Feature rows of the input, one per prediction. Default: the input, its array, or the array under `instances`/`transactions`/… */
  readonly features?: (input: unknown, event: TEvent) => readonly unknown[];
}
