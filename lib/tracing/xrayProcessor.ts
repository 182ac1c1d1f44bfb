import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Options of {@link XRaySpanProcessor}. */
export interface XRaySpanProcessorOptions {
  /**
   * Most spans held across all traces. Past it the oldest buffered span is
   * dropped (and reported): a trace nobody takes must not grow memory forever,
   * and the newest spans belong to the invocation about to be exported.
   * @default 1000
   */
  readonly maxSpans?: number;
  /** Called once per dropped span; never throws into the tracer. */
  readonly onError?: (error: Error) => void;
}

const DEFAULT_MAX_SPANS = 1000;

/**
 * Holds ended, sampled spans per trace until the invocation wrapper takes
 * them. It never exports by itself: inside Lambda, sending after the handler
 * returns risks the environment being frozen mid-send, so the wrapper takes
 * the invocation's trace, converts it with `toSegmentDocuments` and awaits the
 * sender before it returns the response. A span that ends after its trace was
 * taken stays here until the next take.
 *
 * @example
 * const processor = new XRaySpanProcessor({ onError: console.error });
 * const provider = new NodeTracerProvider({ spanProcessors: [processor] });
 * // … at the end of an invocation:
 * await sender.send(toSegmentDocuments(processor.takeTrace(traceId)));
 */
export class XRaySpanProcessor implements SpanProcessor {
  readonly #maxSpans: number;
  readonly #onError: ((error: Error) => void) | undefined;
  /** By trace id, in first-seen order, so the oldest trace is first to go. */
  readonly #traces = new Map<string, ReadableSpan[]>();
  #count = 0;

  constructor(options: XRaySpanProcessorOptions = {}) {
    this.#maxSpans = Math.max(1, Math.floor(options.maxSpans ?? DEFAULT_MAX_SPANS));
    this.#onError = options.onError;
  }

  /** Spans buffered across all traces. */
  get size(): number {
    return this.#count;
  }

  onStart(): void {
    // Nothing to do until a span ends.
  }

  onEnd(span: ReadableSpan): void {
    const { traceId, traceFlags } = span.spanContext();
    // A recording but unsampled span (RECORD_ONLY) is not for X-Ray.
    if ((traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.#count >= this.#maxSpans) this.#dropOldest();
    const spans = this.#traces.get(traceId);
    if (spans) spans.push(span);
    else this.#traces.set(traceId, [span]);
    this.#count++;
  }

  /**
   * Remove and return the buffered spans of `traceId` (32-hex OTel form), in
   * the order they ended; empty when there are none.
   */
  takeTrace(traceId: string): ReadableSpan[] {
    const spans = this.#traces.get(traceId);
    if (spans === undefined) return [];
    this.#traces.delete(traceId);
    this.#count -= spans.length;
    return spans;
  }

  /** Remove and return every buffered span, e.g. before the process exits. */
  takeAll(): ReadableSpan[] {
    const spans = [...this.#traces.values()].flat();
    this.#traces.clear();
    this.#count = 0;
    return spans;
  }

  /** Nothing to flush: spans leave only through `takeTrace`/`takeAll`. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Buffered spans stay takeable: the wrapper's final flush may still want them. */
  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  #dropOldest(): void {
    const first = this.#traces.entries().next();
    if (first.done) return;
    const [traceId, spans] = first.value;
    const dropped = spans.shift();
    if (spans.length === 0) this.#traces.delete(traceId);
    this.#count--;
    try {
      this.#onError?.(
        new Error(
          `X-Ray span buffer full (${this.#maxSpans} spans): dropped span ${dropped?.name ?? ''} of trace ${traceId}`,
        ),
      );
    } catch {
      // The error hook is the caller's code; the tracer must not see its failure.
    }
  }
}
