import type { Context } from 'aws-lambda';
import { type Containment, contain } from './containment.js';
import { MAX_TEXT_FIELD_CHARS } from './contract/limits.js';
import {
  defaultClientId,
  defaultCorrelationId,
  defaultInput,
  defaultIsClientError,
  defaultIsWarmup,
  type LaterInput,
  laterInput,
} from './events.js';
import { boundText } from './fieldBounds.js';
import { inputHash } from './payload.js';
import {
  defaultPredictions,
  type PredictionSummary,
  readPredictions,
  summarise,
} from './predictions.js';
import type { ObserveOptions } from './types.js';

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

  /**
   * `read(event)`, or `read(event, lambda)` when given, contained like
   * {@link #call} but without a closure: the readers of an invocation's
   * start run in the response.
   */
  #apply<R>(
    area: string,
    fallback: R,
    read: (event: TEvent, lambda: Context) => R,
    event: TEvent,
    lambda?: Context,
  ): R {
    try {
      return lambda === undefined ? (read as (event: TEvent) => R)(event) : read(event, lambda);
    } catch (error) {
      this.#containment.report(area, error);
      return fallback;
    }
  }

  isWarmup(event: TEvent): boolean {
    const warmup = this.#options.warmup;
    if (warmup === false) return false;
    const detect = warmup?.detect ?? defaultIsWarmup;
    return this.#flag('warmup detection', this.#apply('warmup detection', false, detect, event));
  }

  /** The warmup answer when the user asked to short-circuit pings (its errors are the handler's). */
  warmupResponse(event: TEvent): { value: unknown } | undefined {
    const respond = this.#options.warmup ? this.#options.warmup.respond : undefined;
    return respond ? { value: respond(event) } : undefined;
  }

  input(event: TEvent): unknown {
    return this.#call('input', undefined, () => (this.#options.input ?? defaultInput)(event));
  }

  /** The input to read when the record is written, where reading it then cannot differ (`laterInput`). */
  laterInput(event: TEvent): LaterInput | undefined {
    if (this.#options.input) return undefined;
    return this.#apply('input', undefined, laterInput, event);
  }

  inputHash(input: unknown): string | undefined {
    return this.#call('input hash', undefined, () => inputHash(input));
  }

  clientId(event: TEvent, lambda: Context): string | undefined {
    const read = this.#options.clientId ?? defaultClientId;
    return this.#id('clientId', this.#apply('clientId', undefined, read, event, lambda));
  }

  correlationId(event: TEvent, lambda: Context): string | undefined {
    const read = this.#options.correlationId ?? defaultCorrelationId;
    return this.#id('correlationId', this.#apply('correlationId', undefined, read, event, lambda));
  }

  /** An id as written: a bounded string; anything else but undefined/null is reported. */
  #id(area: string, value: unknown): string | undefined {
    if (typeof value === 'string')
      return value === '' ? undefined : boundText(value, MAX_TEXT_FIELD_CHARS);
    if (value !== undefined && value !== null) this.#malformed(area, value);
    return undefined;
  }

  /** A reader's value of the wrong type: counted and reported once like a throw, then ignored. */
  #malformed(area: string, value: unknown): void {
    this.#containment.report(
      area,
      new TypeError(`the ${area} reader returned ${typeof value}, which is not a valid ${area}`),
    );
  }

  /** Whether a returned result is the caller's mistake (the `clientError` option, else a 4xx). */
  readonly isClientError = (result: unknown): boolean => {
    const custom = this.#options.clientError as ((r: unknown) => boolean) | undefined;
    return this.#flag(
      'clientError',
      this.#call('clientError', false, () => (custom ?? defaultIsClientError)(result)),
    );
  };

  /** A yes/no reader's answer: a non-boolean is reported once, then read as truthy or not, as before. */
  #flag(area: string, value: unknown): boolean {
    if (typeof value === 'boolean') return value;
    this.#malformed(area, value);
    return Boolean(value);
  }

  /**
   * The result's predictions, read once into clean bounded objects and
   * summarised, with the abstentions the option counts; undefined when none.
   * A reader's values that are no prediction are counted and reported, and the
   * rest still read.
   */
  predictions(result: unknown, event: unknown): PredictionSummary | undefined {
    const read = this.#options.predictions as Reader<unknown> | undefined;
    const found = this.#call('predictions', undefined, () =>
      read ? read(result, event) : defaultPredictions(result),
    );
    if (found === undefined || found === null) return undefined;
    const clean = this.#call('predictions', undefined, () => readPredictions(found));
    if (!clean) return undefined;
    if (clean.malformed > 0)
      this.#containment.report(
        'predictions',
        new TypeError(
          `the predictions reader returned ${clean.malformed} value(s) that are not predictions`,
        ),
      );
    if (clean.count === 0) return undefined;
    const summary = summarise(clean.list, this.#lowConfidence, clean.count);
    const count = this.#options.abstentions as Reader<unknown> | undefined;
    if (!count) return summary;
    const n = this.#call('abstentions', undefined, () => count(result, event));
    if (n === true || n === false || n === undefined || n === null)
      return { ...summary, abstentions: n === true ? 1 : 0 };
    if (typeof n === 'number' && n >= 0) return { ...summary, abstentions: Math.floor(n) };
    this.#malformed('abstentions', n);
    return { ...summary, abstentions: 0 };
  }

  /** The `batchSize` option, else the number of predictions, else 1. */
  batchSize(event: unknown, result: unknown, summary: PredictionSummary | undefined): number {
    const fallback = summary?.count ?? 1;
    const custom = this.#options.batchSize as Reader<unknown> | undefined;
    if (!custom) return fallback;
    const n = this.#call('batchSize', undefined, () => custom(event, result));
    if (typeof n === 'number' && Number.isFinite(n) && n >= 0) return n;
    if (n !== undefined) this.#malformed('batchSize', n);
    return fallback;
  }
}
