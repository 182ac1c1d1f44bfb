import type { Context } from 'aws-lambda';
import type { Invocation } from './invocation.js';
import type { PredictionSummary } from './predictions.js';

/** Per-invocation facts gathered at begin, used at the end. */
export interface Facts {
  readonly event: unknown;
  readonly lambda: Context;
  readonly input: unknown;
  readonly inputHash: string | undefined;
  /** The invocation's predictions are `<id>` (single) or `<id>#<index>` (batch). */
  readonly predictionId: string;
  readonly clientId: string | undefined;
  readonly correlationId: string | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** How the handler ended: a result, an error, or the Lambda deadline. */
export type Outcome = {
  readonly result?: unknown;
  readonly error?: unknown;
  readonly timedOut?: boolean;
};

/** Everything known when an invocation ends, computed once for span, metrics and log. */
export interface Ending {
  readonly inv: Invocation;
  readonly outcome: Outcome;
  readonly f: Facts;
  readonly summary: PredictionSummary | undefined;
  /** Undefined for warmup pings. */
  readonly batch: number | undefined;
  readonly latencyMs: number;
  /** A 4xx-style result (the caller's fault): X-Ray `error`, no predictions counted. */
  readonly clientError: boolean;
}
