import { environmentSinks } from './environment.js';
import { currentInvocation } from './invocation.js';
import type { MetricValues } from './metrics/record.js';
import { RecentPredictions } from './recentPredictions.js';
import { DIMENSION, OUTCOME_METRIC, UNIT } from './telemetry.js';
import type { ModelSpec } from './types.js';

type Label = string | number | boolean;

/** Recent predictions remembered per environment, so an outcome can be matched without the caller knowing the prediction. */
const MAX_REMEMBERED = 10_000;
const recent = new RecentPredictions(MAX_REMEMBERED);

/** Keep an invocation's predictions for recordOutcome(): by id, and by input hash for a single one. */
export function rememberPredictions(
  predictionId: string,
  inputHash: string | undefined,
  predictions: readonly { label?: Label; confidence?: number }[],
): void {
  recent.remember(predictionId, inputHash, predictions);
}

/**
 * A ground-truth outcome that arrived later (a chargeback, a label from review).
 *
 * @example
 * const o: Outcome = { predictionId: 'c0ffee#2', actual: 'fraud' };
 */
export interface Outcome {
  /** The `prediction_id` of the log line / span (`<request id>` or `<request id>#<index>` in a batch). */
  readonly predictionId?: string;
  /** Or the `input_hash`, for single-prediction invocations. */
  readonly inputHash?: string;
  readonly actual: Label;
  /** What the model predicted; looked up among this environment's recent predictions when absent. */
  readonly predicted?: Label;
  readonly confidence?: number;
  /**
   * Default: the model of the observed invocation it is recorded in, else the
   * environment's (`OBSERVED_MODEL_NAME`/`OBSERVED_MODEL_VERSION`, else the function name).
   */
  readonly model?: ModelSpec;
}

/** Public; documented where `index.ts` exports it. */
export function recordOutcome(outcome: Outcome): boolean | undefined {
  const remembered =
    (outcome.predictionId ? recent.byId(outcome.predictionId) : undefined) ??
    (outcome.inputHash ? recent.byInputHash(outcome.inputHash) : undefined);
  const predicted = outcome.predicted ?? remembered?.label;
  const correct =
    predicted === undefined ? undefined : String(predicted) === String(outcome.actual);
  // Inside an observed invocation, its sinks; elsewhere, a record of its own from the environment's.
  const invocation = currentInvocation();
  const sinks = invocation?.sinks ?? environmentSinks();
  const { config } = sinks;
  const model = outcome.model ?? config.model;
  const values = new Map<string, MetricValues>([
    [OUTCOME_METRIC.Outcomes, { unit: UNIT.Count, values: [1] }],
  ]);
  if (correct === undefined)
    values.set(OUTCOME_METRIC.OutcomesUnmatched, { unit: UNIT.Count, values: [1] });
  else
    values.set(OUTCOME_METRIC.PredictionCorrect, { unit: UNIT.Count, values: [correct ? 1 : 0] });
  if (invocation && !outcome.model) {
    for (const [name, v] of values) invocation.addMetric(name, v.unit, v.values[0]!);
  } else {
    sinks.metrics?.publish({
      dimensions: {
        [DIMENSION.Service]: config.serviceName,
        [DIMENSION.ModelName]: model.name,
        [DIMENSION.ModelVersion]: model.version ?? '$LATEST',
      },
      metrics: values,
      metadata: {},
      timestamp: Date.now(),
    });
  }
  sinks.log.write('info', 'outcome', {
    model_name: model.name,
    model_version: model.version,
    prediction_id: outcome.predictionId,
    input_hash: outcome.inputHash,
    actual: outcome.actual,
    predicted,
    confidence: outcome.confidence ?? remembered?.confidence,
    correct,
  });
  return correct;
}
