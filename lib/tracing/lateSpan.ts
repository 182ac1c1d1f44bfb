import type {
  Attributes,
  AttributeValue,
  Exception,
  Link,
  Span,
  SpanContext,
  SpanStatus,
  TimeInput,
} from '@opentelemetry/api';

/**
 * A span made only when something asks for it, for records written after
 * the response (`afterResponse.ts`): an invocation's span and its stages'
 * are then made once the response has left, with the start times they would
 * have had, unless the handler needs one sooner (its own spans, a model
 * call, a log line, `trace.getActiveSpan()`), which makes it at once. Until
 * then it knows only whether it will record, so `stage()` can choose its
 * path without making it. A subclass says how the span is made, from fields
 * of its own: no closure is made for it in the response.
 *
 * @example
 * class LateStage extends LateSpan {
 *   constructor(readonly startPerf: number) { super(true); }
 *   protected make(): Span { return tracer.startSpan('predict', { startTime: this.startPerf }, parent); }
 * }
 * const span = new LateStage(performance.now());
 * span.made; // false
 * span.spanContext(); // makes it
 */
export abstract class LateSpan implements Span {
  readonly #recording: boolean;
  #real: Span | undefined;

  /** `recording`: whether the span {@link make} makes will record (its parent is sampled). */
  constructor(recording: boolean) {
    this.#recording = recording;
  }

  /** Makes the span itself, the first time anything asks for it. */
  protected abstract make(): Span;

  /** The span itself, made now if nothing made it yet. */
  get real(): Span {
    if (this.#real === undefined) this.#real = this.make();
    return this.#real;
  }

  get made(): boolean {
    return this.#real !== undefined;
  }

  isRecording(): boolean {
    return this.#real === undefined ? this.#recording : this.#real.isRecording();
  }

  spanContext(): SpanContext {
    return this.real.spanContext();
  }

  setAttribute(key: string, value: AttributeValue): this {
    this.real.setAttribute(key, value);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    this.real.setAttributes(attributes);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    this.real.addEvent(name, attributesOrTime, time);
    return this;
  }

  addLink(link: Link): this {
    this.real.addLink(link);
    return this;
  }

  addLinks(links: Link[]): this {
    this.real.addLinks(links);
    return this;
  }

  setStatus(status: SpanStatus): this {
    this.real.setStatus(status);
    return this;
  }

  updateName(name: string): this {
    this.real.updateName(name);
    return this;
  }

  end(endTime?: TimeInput): void {
    this.real.end(endTime);
  }

  recordException(exception: Exception, time?: TimeInput): void {
    this.real.recordException(exception, time);
  }
}
