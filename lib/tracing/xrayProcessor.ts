import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  MAX_BUFFERED_SPANS,
  MAX_EXPORTED_TRACE_IDS,
  MAX_LATE_SPANS,
  MAX_TRACE_SPANS,
} from '../contract/limits.js';

/** Options of {@link XRaySpanProcessor}. */
export interface XRaySpanProcessorOptions {
  /**
   * Most spans held across all traces. Past it a span is dropped from the
   * trace holding the most: a trace nobody takes must not grow memory
   * forever, and a small trace must not lose spans to big neighbours.
   * @default MAX_BUFFERED_SPANS (10,000)
   */
  readonly maxSpans?: number;
  /**
   * Most spans held for one trace; past it its newest spans are dropped,
   * except spans without a local parent (the invocation span).
   * @default MAX_TRACE_SPANS (2,000)
   */
  readonly maxTraceSpans?: number;
  /**
   * Called once per take that follows drops, with how many spans were
   * dropped since the last call; never throws into the tracer.
   */
  readonly onError?: (error: Error, dropped: number) => void;
}

/** One trace's ended spans, in the order they ended. */
type Spans = ReadableSpan[];

/** Whether the span heads its trace in this process (the invocation span, cold start): never dropped for a cap. */
function isLocalRoot(span: ReadableSpan): boolean {
  const parent = span.parentSpanContext;
  return parent === undefined || parent.isRemote === true;
}

/**
 * Holds ended, sampled spans per trace until the invocation wrapper takes
 * them. It never exports by itself: inside Lambda, sending after the handler
 * returns risks the environment being frozen mid-send, so the wrapper takes
 * the invocation's trace, converts it with `toSegmentDocuments` and awaits the
 * sender before it returns the response. Each trace has its own bound, and
 * the bound on all of them takes from the largest, so overlapping
 * invocations cannot evict each other's spans. A span that ends after its
 * trace was taken leaves with the next trace taken. What is dropped is
 * counted and reported at the next take.
 *
 * @example
 * const processor = new XRaySpanProcessor({ onError: console.error });
 * const provider = new NodeTracerProvider({ spanProcessors: [processor] });
 * // … at the end of an invocation:
 * await sender.send(toSegmentDocuments(processor.takeTrace(traceId)));
 */
export class XRaySpanProcessor implements SpanProcessor {
  readonly #maxSpans: number;
  readonly #maxTraceSpans: number;
  readonly #onError: ((error: Error, dropped: number) => void) | undefined;
  /** By trace id. */
  readonly #traces = new Map<string, Spans>();
  /** Spans whose trace was already taken, for the next take. */
  #late: Spans = [];
  /** Recently taken trace ids, oldest first. */
  readonly #taken = new Set<string>();
  #count = 0;
  #dropped = 0;
  /** Why the first of the `#dropped` spans was dropped. */
  #dropReason = '';

  constructor(options: XRaySpanProcessorOptions = {}) {
    this.#maxSpans = Math.max(1, Math.floor(options.maxSpans ?? MAX_BUFFERED_SPANS));
    this.#maxTraceSpans = Math.max(1, Math.floor(options.maxTraceSpans ?? MAX_TRACE_SPANS));
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
    const late = this.#taken.has(traceId);
    let spans = late ? this.#late : this.#traces.get(traceId);
    const cap = late ? MAX_LATE_SPANS : this.#maxTraceSpans;
    if (spans !== undefined && spans.length >= cap && !isLocalRoot(span)) {
      this.#drop(1, late ? `${cap} late spans` : `${cap} spans in one trace`);
      return;
    }
    if (this.#count >= this.#maxSpans && !this.#makeRoom(spans, span)) return;
    if (spans === undefined) {
      spans = [];
      this.#traces.set(traceId, spans);
    }
    spans.push(span);
    this.#count++;
  }

  /**
   * Remove and return the buffered spans of `traceId` (32-hex OTel form), in
   * the order they ended, followed by any span that ended after its own trace
   * was taken; empty when there are none.
   */
  takeTrace(traceId: string): ReadableSpan[] {
    const spans = this.#traces.get(traceId) ?? [];
    this.#traces.delete(traceId);
    this.#remember(traceId);
    const taken = this.#late.length > 0 ? spans.concat(this.#late) : spans;
    this.#late = [];
    this.#count -= taken.length;
    this.#reportDrops();
    return taken;
  }

  /** Remove and return every buffered span, e.g. before the process exits. */
  takeAll(): ReadableSpan[] {
    const spans = [...this.#traces.values(), this.#late].flat();
    for (const traceId of this.#traces.keys()) this.#remember(traceId);
    this.#traces.clear();
    this.#late = [];
    this.#count = 0;
    this.#reportDrops();
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

  #remember(traceId: string): void {
    this.#taken.delete(traceId);
    this.#taken.add(traceId);
    if (this.#taken.size > MAX_EXPORTED_TRACE_IDS) {
      const oldest = this.#taken.values().next();
      if (!oldest.done) this.#taken.delete(oldest.value);
    }
  }

  /**
   * The buffer is full: drop a span from the largest trace (or the late
   * spans), which may be the incoming span's own. False when the incoming
   * span is the one dropped. Scans the traces, but only once full.
   */
  #makeRoom(own: Spans | undefined, span: ReadableSpan): boolean {
    let largest: Spans = this.#late;
    for (const spans of this.#traces.values()) if (spans.length > largest.length) largest = spans;
    const reason = `${this.#maxSpans} spans in all traces`;
    if (own !== undefined && own.length + 1 >= largest.length) {
      // The incoming span's own trace is the largest: it gives up a span, its newest unless that is its root.
      if (!isLocalRoot(span) || own.length === 0) {
        this.#drop(1, reason);
        return false;
      }
      largest = own;
    }
    // The newest span that is not a local root: roots end last, so this looks back a step or two.
    let index = largest.length - 1;
    while (index > 0 && isLocalRoot(largest[index] as ReadableSpan)) index--;
    largest.splice(index, 1);
    this.#count--;
    this.#drop(1, reason);
    return true;
  }

  #drop(count: number, reason: string): void {
    if (this.#dropped === 0) this.#dropReason = reason;
    this.#dropped += count;
  }

  #reportDrops(): void {
    const dropped = this.#dropped;
    if (dropped === 0) return;
    this.#dropped = 0;
    try {
      this.#onError?.(
        new Error(
          `X-Ray span buffer full (${this.#dropReason}): dropped ${dropped} spans since the last export`,
        ),
        dropped,
      );
    } catch {
      // The error hook is the caller's code; the tracer must not see its failure.
    }
  }
}
