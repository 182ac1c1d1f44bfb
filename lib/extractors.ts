import type { Context } from 'aws-lambda';
import { type Containment, contain } from './containment.js';
import {
  defaultClientId,
  defaultCorrelationId,
  defaultInput,
  defaultIsClientError,
  defaultIsWarmup,
} from './events.js';
import { inputHash } from './payload.js';
import { defaultPredictions, type PredictionSummary, summarise } from './predictions.js';
import type { ObserveOptions, Prediction } from './types.js';

type Reader<R> = (a: unknown, b: unknown) => R;

/**
 * What observe() reads from an event and a result: the user's option where
 * given, else the default for the common shapes. Each read is contained: a
 * reader that throws is counted and reported once, and the invocation goes
 * on without that field.
 *
 * @example
 * const read = new Extractors(options, containment, 0.5);
 * const summary = read.predictions(result, event);
 */
export class Extractors<TEvent, TResult> {
  readonly #options: ObserveOptions<TEvent, TResult>;
  readonly #containment: Containment;
  readonly #lowConfidence: number;

  constructor(
    options: ObserveOptions<TEvent, TResult>,
    containment: Containment,
    lowConfidence: number,
  ) {
    this.#options = options;
    this.#containment = containment;
    this.#lowConfidence = lowConfidence;
  }

  #call<T>(area: string, fallback: T, fn: () => T): T {
    return contain(this.#containment, area, fallback, fn);
  }

  isWarmup(event: TEvent): boolean {
    const warmup = this.#options.warmup;
    if (warmup === false) return false;
    const detect = warmup?.detect ?? defaultIsWarmup;
    return this.#call('warmup detection', false, () => detect(event));
  }

  /** The warmup answer when the user asked to short-circuit pings (its errors are the handler's). */
  warmupResponse(event: TEvent): { value: unknown } | undefined {
    const respond = this.#options.warmup ? this.#options.warmup.respond : undefined;
    return respond ? { value: respond(event) } : undefined;
  }

  input(event: TEvent): unknown {
    return this.#call('input', undefined, () => (this.#options.input ?? defaultInput)(event));
  }

  inputHash(input: unknown): string | undefined {
    return this.#call('input hash', undefined, () => inputHash(input));
  }

  clientId(event: TEvent, lambda: Context): string | undefined {
    const read = this.#options.clientId ?? defaultClientId;
    return this.#call('clientId', undefined, () => read(event, lambda));
  }

  correlationId(event: TEvent, lambda: Context): string | undefined {
    const read = this.#options.correlationId ?? defaultCorrelationId;
    return this.#call('correlationId', undefined, () => read(event, lambda));
  }

  /** Whether a returned result is the caller's mistake (the `clientError` option, else a 4xx). */
  readonly isClientError = (result: unknown): boolean => {
    const custom = this.#options.clientError as ((r: unknown) => boolean) | undefined;
    return this.#call('clientError', false, () => (custom ?? defaultIsClientError)(result));
  };

  /** The result's predictions, summarised, with the abstentions the option counts; undefined when none. */
  predictions(result: unknown, event: unknown): PredictionSummary | undefined {
    const read = this.#options.predictions as
      | Reader<Prediction | readonly Prediction[]>
      | undefined;
    const found = this.#call('predictions', undefined, () =>
      read ? read(result, event) : defaultPredictions(result),
    );
    if (!found) return undefined;
    const list: readonly Prediction[] = Array.isArray(found) ? found : [found as Prediction];
    if (list.length === 0) return undefined;
    const summary = summarise(list, this.#lowConfidence);
    const count = this.#options.abstentions as Reader<number | boolean | undefined> | undefined;
    if (!count) return summary;
    const n = this.#call('abstentions', undefined, () => count(result, event));
    const abstentions = n === true ? 1 : typeof n === 'number' && n >= 0 ? Math.floor(n) : 0;
    return { ...summary, abstentions };
  }

  /** The `batchSize` option, else the number of predictions, else 1. */
  batchSize(event: unknown, result: unknown, summary: PredictionSummary | undefined): number {
    const custom = this.#options.batchSize as Reader<number> | undefined;
    const n = custom ? this.#call('batchSize', undefined, () => custom(event, result)) : undefined;
    return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : (summary?.count ?? 1);
  }
}
