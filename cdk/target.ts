import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { DEFAULT_LOW_CONFIDENCE, DEFAULT_NAMESPACE } from '../lib/telemetry.js';
import { InvalidPropError } from './errors.js';
import { checkModelCalls, type ModelCalls } from './modelCalls.js';
import {
  checkDimensionValue,
  checkNamespace,
  checkPositive,
  checkUnitInterval,
} from './validate.js';

/**
 * A model's identity: the `ModelName` and `ModelVersion` dimension values of its metrics.
 *
 * @example
 * const model: InferenceModel = { name: 'fraud', version: '2026-11-01' };
 */
export interface InferenceModel {
  /** `ModelName` (`OBSERVED_MODEL_NAME`). */
  readonly name: string;
  /** `ModelVersion` (`OBSERVED_MODEL_VERSION`). */
  readonly version: string;
}

/**
 * Where one model's telemetry lives: what alarms and dashboards need to find
 * its metrics (the full dimension set) and, optionally, its function and logs.
 * `ObservedInferenceFunction.target` and `InferenceObservabilityLayer.instrument()`
 * return one.
 *
 * @example
 * const target: InferenceTarget = {
 *   model: { name: 'fraud', version: '2026-11-01' },
 *   serviceName: 'fraud-api',
 *   function: fn,
 * };
 */
export interface InferenceTarget {
  readonly model: InferenceModel;
  /** The `service` dimension value: the function's `POWERTOOLS_SERVICE_NAME`. */
  readonly serviceName: string;
  /**
   * The function's `POWERTOOLS_METRICS_NAMESPACE`.
   * @default 'ObservedInference'
   */
  readonly namespace?: string;
  /**
   * The function serving the model: adds Lambda's own `Duration` and `Throttles`.
   * @default - no Lambda metrics, no throttles alarm
   */
  readonly function?: lambda.IFunction;
  /**
   * The log group the Logs Insights widgets query.
   * @default - the function's log group, when `function` is a `lambda.Function`
   */
  readonly logGroup?: logs.ILogGroup;
  /**
   * The function calls models through `observeModelCalls()`: dashboards add
   * the model-call rows (tokens, time to first token, call latency by model,
   * throttles, errors, estimated cost) and alarms the model-call throttle and
   * time to first token alarms.
   * @default - no model calls
   */
  readonly modelCalls?: ModelCalls;
}

/**
 * The service-level objective the alarms hold the model to.
 *
 * @example
 * const objective: InferenceObjective = { latencyP99: Duration.millis(400), errorRate: 0.005 };
 */
export interface InferenceObjective {
  /**
   * p99 of `InferenceLatency` (wrapper start to result).
   * @default Duration.millis(250)
   */
  readonly latencyP99?: Duration;
  /**
   * Share of invocations that may fail, in [0, 1].
   * @default 0.01
   */
  readonly errorRate?: number;
}

/**
 * Drift detection settings.
 *
 * @example
 * const drift: DriftSettings = { threshold: 0.2, baseline: 's3://models/fraud/baseline.json' };
 */
export interface DriftSettings {
  /**
   * `DriftScore` (population stability index) above which the drift alarm fires.
   * 0.1–0.25 is a moderate shift, above 0.25 a significant one.
   * @default 0.25
   */
  readonly threshold?: number;
  /**
   * The training baseline (`OBSERVED_BASELINE`): a path in the bundle, the layer or
   * `/tmp`, or an `s3://bucket/key` URI (the function is granted `s3:GetObject` on it).
   * @default - none: the runtime computes no drift score
   */
  readonly baseline?: string;
  /**
   * Predictions per drift window (`OBSERVED_DRIFT_WINDOW`), 10 to 1,000,000.
   * @default - the runtime's default window
   */
  readonly window?: number;
  /**
   * Drift signals (`confidence`, `label`, or input feature names) whose own
   * score (`DriftScore.<signal>`) to graph beside `DriftScore`.
   * @default - only `DriftScore`, the largest of them
   */
  readonly signals?: readonly string[];
}

/** Defaults shared by the constructs' props (their TSDoc `@default`s say the same). */
export const DEFAULTS = {
  latencyP99: Duration.millis(250),
  errorRate: 0.01,
  driftThreshold: 0.25,
  lowConfidence: DEFAULT_LOW_CONFIDENCE,
  confidenceStdDevs: 2,
  loadsPerColdStart: 1,
  /** A streamed answer's first token: a chat user waits for it. */
  timeToFirstTokenP99: Duration.seconds(3),
} as const;

/** An objective with its defaults filled in and checked. */
export interface ResolvedObjective {
  readonly latencyP99: Duration;
  readonly errorRate: number;
}

/**
 * Fill in and check an objective; `prop` is the prop path for error messages.
 *
 * @example
 * resolveObjective('objective', { latencyP99: Duration.millis(300) }).errorRate; // 0.01
 */
export function resolveObjective(
  prop: string,
  objective: InferenceObjective | undefined,
): ResolvedObjective {
  const latencyP99 = objective?.latencyP99 ?? DEFAULTS.latencyP99;
  checkPositive(`${prop}.latencyP99`, latencyP99.toMilliseconds(), ' ms');
  const errorRate = objective?.errorRate ?? DEFAULTS.errorRate;
  checkUnitInterval(`${prop}.errorRate`, errorRate);
  return { latencyP99, errorRate };
}

/**
 * Check a target's dimension values and namespace; `prop` is its prop path ('' at the top level).
 *
 * @example
 * checkTarget('models[0]', { model: { name: 'fraud', version: '1' }, serviceName: 'fraud' });
 */
export function checkTarget(prop: string, target: InferenceTarget): void {
  const at = (name: string) => (prop ? `${prop}.${name}` : name);
  if (!target.model) throw new InvalidPropError(at('model'), 'is required');
  checkDimensionValue(at('model.name'), target.model.name);
  checkDimensionValue(at('model.version'), target.model.version);
  checkDimensionValue(at('serviceName'), target.serviceName);
  checkNamespace(at('namespace'), target.namespace ?? DEFAULT_NAMESPACE);
  checkModelCalls(at('modelCalls'), target.modelCalls);
}

/**
 * A key that tells targets apart: two targets with the same key are the same metrics.
 *
 * @example
 * targetKey({ model: { name: 'fraud', version: '1' }, serviceName: 'api' }); // 'ObservedInference|api|fraud|1'
 */
export function targetKey(target: InferenceTarget): string {
  const { model, serviceName, namespace = DEFAULT_NAMESPACE } = target;
  return [namespace, serviceName, model.name, model.version].join('|');
}

/**
 * How a target reads in alarm names and dashboard titles.
 *
 * @example
 * targetLabel({ model: { name: 'fraud', version: '1' }, serviceName: 'api' }); // 'api/fraud@1'
 */
export function targetLabel(target: InferenceTarget): string {
  return `${target.serviceName}/${target.model.name}@${target.model.version}`;
}
