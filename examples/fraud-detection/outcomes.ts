/**
 * The fraud team's ground truth, days after the prediction: a Lambda function
 * consuming an SQS queue of case resolutions (a chargeback proves fraud, a
 * closed investigation proves a legitimate purchase) and reporting each with
 * `recordOutcome()`, so that `PredictionCorrect` (its Average is the accuracy)
 * lands beside the inference metrics with the same dimensions.
 *
 * Each message body:
 *   { "prediction_id": "…", "model_version": "1.0.0", "predicted": "fraud", "actual": "legit" }
 * `prediction_id` and `model_version` are what the inference function logged
 * and answered; `predicted` may be left out when the resolution reaches the
 * environment that made the prediction (rarely: it is usually another one).
 *
 * A malformed message is reported back as a batch item failure, so SQS
 * retries it and, after the queue's maxReceiveCount, moves it to the DLQ.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { recordOutcome } from 'observed-inference';
import { type Label, MODEL_NAME } from './model.js';

/** The labels the model answers with (`decide()`). */
const LABELS: readonly Label[] = ['fraud', 'legit'];

/** One resolved case, validated. */
export interface Resolution {
  readonly predictionId: string;
  readonly modelVersion: string;
  readonly predicted: Label | undefined;
  readonly actual: Label;
}

const isLabel = (value: unknown): value is Label => LABELS.includes(value as Label);

/**
 * Parse a message body; a string says what is wrong with it.
 *
 * @example
 * parseResolution('{"prediction_id":"r1","model_version":"1.0.0","actual":"fraud"}');
 * // { predictionId: 'r1', modelVersion: '1.0.0', predicted: undefined, actual: 'fraud' }
 */
export function parseResolution(body: string): Resolution | string {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (error) {
    return `body is not valid JSON: ${(error as Error).message}`;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return 'body must be a JSON object';
  const { prediction_id, model_version, predicted, actual } = doc as Record<string, unknown>;
  if (typeof prediction_id !== 'string' || prediction_id === '')
    return "'prediction_id' must be a non-empty string";
  if (typeof model_version !== 'string' || model_version === '')
    return "'model_version' must be a non-empty string";
  if (!isLabel(actual)) return `'actual' must be one of ${LABELS.join(', ')}`;
  if (predicted !== undefined && !isLabel(predicted))
    return `'predicted' must be one of ${LABELS.join(', ')} when given`;
  return { predictionId: prediction_id, modelVersion: model_version, predicted, actual };
}

/**
 * The Lambda handler (`outcomes.handler`) of an SQS event source mapping with
 * `ReportBatchItemFailures`.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const resolution = parseResolution(record.body);
    if (typeof resolution === 'string') {
      process.stderr.write(
        `${JSON.stringify({ level: 'ERROR', message: 'unreadable case resolution', reason: resolution, message_id: record.messageId })}\n`,
      );
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    recordOutcome({
      predictionId: resolution.predictionId,
      actual: resolution.actual,
      predicted: resolution.predicted,
      model: { name: MODEL_NAME, version: resolution.modelVersion },
    });
  }
  return { batchItemFailures };
}
