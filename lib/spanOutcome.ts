import { type Span, SpanStatusCode } from '@opentelemetry/api';
import type { Outcome } from './ending.js';
import { asException, describeError } from './errors.js';
import { isServerErrorResponse } from './events.js';
import type { Invocation } from './invocation.js';
import type { PredictionSummary } from './predictions.js';
import { ATTR } from './telemetry.js';
import { XRAY_ANNOTATIONS_ATTR } from './tracing/xrayDocument.js';

/** The prediction, confidence and low-confidence flag (annotations in X-Ray). */
export function setPredictionAttributes(span: Span, summary: PredictionSummary): void {
  if (summary.topLabel !== undefined) span.setAttribute(ATTR.Prediction, summary.topLabel);
  if (summary.count === 1 && summary.confidences.length === 1) {
    span.setAttribute(ATTR.Confidence, summary.confidences[0]!);
  }
  if (summary.confidences.length > 0)
    span.setAttribute(ATTR.LowConfidence, summary.lowConfidence > 0);
  if (summary.abstentions > 0) span.setAttribute(ATTR.Abstentions, summary.abstentions);
}

/** The user's annotate()/addMetadata() values; annotations are listed for the X-Ray exporter. */
export function setUserAttributes(span: Span, inv: Invocation): void {
  const keys = Object.keys(inv.annotations);
  for (const key of keys) span.setAttribute(key, inv.annotations[key]!);
  if (keys.length > 0) span.setAttribute(XRAY_ANNOTATIONS_ATTR, keys);
  for (const [key, value] of Object.entries(inv.metadata)) {
    const plain =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    span.setAttribute(key, plain ? value : (JSON.stringify(value) ?? String(value)));
  }
}

/**
 * Status from the outcome: timeout and thrown errors are faults; a 4xx
 * response or a thrown `InvalidInputError` a client error (X-Ray `error`).
 */
export function setOutcomeStatus(span: Span, outcome: Outcome, clientError: boolean): void {
  if (clientError) span.setAttribute(ATTR.ClientError, true);
  if (outcome.timedOut) {
    span.setAttribute(ATTR.Timeout, true);
    span.recordException({
      name: 'InvocationTimeoutError',
      message: 'invocation reached the Lambda timeout',
    });
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'Lambda timeout' });
  } else if (outcome.error !== undefined) {
    span.recordException(asException(outcome.error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(outcome.error).message });
  } else if (!clientError && isServerErrorResponse(outcome.result)) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'server error response' });
  }
}
