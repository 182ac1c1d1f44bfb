import {
  type Attributes,
  type AttributeValue,
  type Context,
  context as contextApi,
  diag,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  type SpanStatus,
  SpanStatusCode,
  type TimeInput,
  TraceFlags,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { epochMs } from '../clock.js';

/**
 * Our tracer provider: the part of the OpenTelemetry trace SDK this package
 * uses, without the rest of it. Spans are made through the OpenTelemetry API
 * (ours, and users' own through `trace.getTracer()`, once this provider is
 * the global one), decided by a parent-based sampler over a fixed root
 * decision, and handed, once ended and sampled, to one span processor. Each
 * span is the SDK's `ReadableSpan`, so the X-Ray and OTLP exporters read it
 * as they read the SDK's.
 *
 * Why not `BasicTracerProvider`: compiling and evaluating the trace SDK and
 * the parts of `@opentelemetry/core` it loads cost 4.5 to 6 ms of every cold
 * start and ~0.9 MB of RSS with Lambda's node flags (issue 13, measured in
 * bench/README.md), and its span does work per call we do not need (a
 * `Date.now()` and a performance read per span, sampler and processor
 * indirections, a multi-processor). What it does that users can see is kept:
 * attribute validation and the `OTEL_*` span limits, status rules, events,
 * links, `recordException`, time inputs, `startActiveSpan`, suppressed
 * tracing, X-Ray ids.
 */

/** The limits of one provider's spans, from the `OTEL_*` variables the SDK reads. */
export interface SpanLimits {
  readonly attributeCountLimit: number;
  readonly attributeValueLengthLimit: number;
  readonly eventCountLimit: number;
  readonly linkCountLimit: number;
  readonly attributePerEventCountLimit: number;
  readonly attributePerLinkCountLimit: number;
}

const DEFAULT_COUNT_LIMIT = 128;

function envLimit(env: NodeJS.ProcessEnv, names: readonly string[], fallback: number): number {
  for (const name of names) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const value = Number(raw);
    if (Number.isFinite(value) && value >= 0) return Math.floor(value);
  }
  return fallback;
}

/**
 * The span limits `OTEL_SPAN_*` (else `OTEL_ATTRIBUTE_*`) set, as the SDK
 * reads them: 128 of each by default, values uncut.
 *
 * @example
 * spanLimitsFrom({ OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '32' }).attributeCountLimit; // 32
 */
export function spanLimitsFrom(env: NodeJS.ProcessEnv): SpanLimits {
  const attributeCountLimit = envLimit(
    env,
    ['OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT'],
    DEFAULT_COUNT_LIMIT,
  );
  return {
    attributeCountLimit,
    attributeValueLengthLimit: envLimit(
      env,
      ['OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'],
      Number.POSITIVE_INFINITY,
    ),
    eventCountLimit: envLimit(env, ['OTEL_SPAN_EVENT_COUNT_LIMIT'], DEFAULT_COUNT_LIMIT),
    linkCountLimit: envLimit(env, ['OTEL_SPAN_LINK_COUNT_LIMIT'], DEFAULT_COUNT_LIMIT),
    attributePerEventCountLimit: envLimit(
      env,
      ['OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT'],
      attributeCountLimit,
    ),
    attributePerLinkCountLimit: envLimit(
      env,
      ['OTEL_LINK_ATTRIBUTE_COUNT_LIMIT'],
      attributeCountLimit,
    ),
  };
}

/** `@opentelemetry/core`'s suppressTracing() key (the API makes context keys with `Symbol.for`). */
const SUPPRESS_TRACING = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');
const INVALID_SPAN = trace.wrapSpanContext({
  traceId: '00000000000000000000000000000000',
  spanId: '0000000000000000',
  traceFlags: TraceFlags.NONE,
});
const EXCEPTION_EVENT = 'exception';

/**
 * The bytes ids are drawn into. Their hex comes out as one flat string in
 * one native call: digits made per 32 bits and joined were a rope of four
 * strings per span id (`JSON.stringify` flattens each again) and cost twice
 * the time.
 */
const idBytes = Buffer.alloc(16);

/** Random bytes into `idBytes[from, to)`, 32 bits a draw of `Math.random` (as the SDK's generator draws them). */
function drawIdBytes(from: number, to: number): void {
  for (let at = from; at < to; at += 4)
    idBytes.writeUInt32BE((Math.random() * 0x100000000) >>> 0, at);
}

/**
 * X-Ray ids, as `@opentelemetry/id-generator-aws-xray` makes them: a trace id
 * whose first 8 hex digits are the epoch second, random span ids (never all
 * zero).
 *
 * @example
 * xrayTraceId().slice(0, 8) === Math.floor(Date.now() / 1000).toString(16); // true
 */
export function xrayTraceId(): string {
  idBytes.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, 0);
  drawIdBytes(4, 16);
  return idBytes.toString('hex', 0, 16);
}

/** A random, valid (non-zero) 16-hex span id. */
export function randomSpanId(): string {
  for (;;) {
    drawIdBytes(0, 8);
    const id = idBytes.toString('hex', 0, 8);
    if (id !== '0000000000000000') return id;
  }
}

function isPrimitiveType(type: string): boolean {
  return type === 'string' || type === 'number' || type === 'boolean';
}

/** An attribute value the SDK accepts: a primitive, or an array of one primitive type (nulls allowed). */
function isAttributeValue(value: unknown): value is AttributeValue {
  if (!Array.isArray(value)) return isPrimitiveType(typeof value);
  let type: string | undefined;
  for (const item of value) {
    if (item == null) continue;
    const itemType = typeof item;
    if (type === undefined) {
      if (!isPrimitiveType(itemType)) return false;
      type = itemType;
    } else if (itemType !== type) return false;
  }
  return true;
}

/** Epoch milliseconds as `[seconds, nanoseconds]`. */
function hrFromMs(ms: number): HrTime {
  let seconds = Math.trunc(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e6);
  if (nanos >= 1e9) {
    seconds++;
    nanos -= 1e9;
  } else if (nanos < 0) {
    seconds--;
    nanos += 1e9;
  }
  return [seconds, nanos];
}

function hrDuration(start: HrTime, end: HrTime): HrTime {
  let seconds = end[0] - start[0];
  let nanos = end[1] - start[1];
  if (nanos < 0) {
    seconds--;
    nanos += 1e9;
  }
  return [seconds, nanos];
}

function isHrTime(value: unknown): value is HrTime {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'number' &&
    typeof value[1] === 'number'
  );
}

/** The SDK's reading of a time input: a performance timestamp, epoch ms, a Date or an HrTime; undefined when none of these. */
function hrOf(input: TimeInput | undefined): HrTime | undefined {
  if (typeof input === 'number') {
    // As the SDK: a number not past performance.now() is a performance timestamp.
    return hrFromMs(input <= performance.now() ? input + performance.timeOrigin : input);
  }
  if (input instanceof Date) return hrFromMs(input.getTime());
  return isHrTime(input) ? input : undefined;
}

function isTimeInput(value: unknown): value is TimeInput {
  return typeof value === 'number' || value instanceof Date || isHrTime(value);
}

/** Where one provider's spans go and how they are made. */
interface SpanSettings {
  readonly processor: SpanProcessor;
  readonly resource: Resource;
  readonly limits: SpanLimits;
}

/**
 * A recording span: the SDK span's behaviour and `ReadableSpan` fields.
 * Constructed by {@link OwnTracer} only.
 */
class RecordingSpan implements Span, ReadableSpan {
  name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly attributes: Attributes = {};
  readonly links: Link[] = [];
  readonly events: TimedEvent[] = [];
  readonly startTime: HrTime;
  endTime: HrTime = [0, 0];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  readonly resource: Resource;
  readonly instrumentationScope: ReadableSpan['instrumentationScope'];
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  duration: HrTime = [-1, -1];
  ended = false;
  readonly #context: SpanContext;
  readonly #settings: SpanSettings;
  /** performance.now() at the start, when the start time was not given: the end is measured from it. */
  readonly #perfStart: number | undefined;
  #attributeCount = 0;

  constructor(
    name: string,
    context: SpanContext,
    parent: SpanContext | undefined,
    options: SpanOptions,
    scope: ReadableSpan['instrumentationScope'],
    settings: SpanSettings,
  ) {
    this.name = name;
    this.#context = context;
    this.parentSpanContext = parent;
    this.kind = options.kind ?? SpanKind.INTERNAL;
    this.resource = settings.resource;
    this.instrumentationScope = scope;
    this.#settings = settings;
    const given = options.startTime === undefined ? undefined : hrOf(options.startTime);
    if (given) {
      this.startTime = given;
      this.#perfStart = undefined;
    } else {
      const perf = performance.now();
      this.startTime = hrFromMs(performance.timeOrigin + perf);
      this.#perfStart = perf;
    }
    if (options.links) for (const link of options.links) this.addLink(link);
    if (options.attributes) this.setAttributes(options.attributes);
  }

  spanContext(): SpanContext {
    return this.#context;
  }

  #isEnded(operation: string): boolean {
    if (this.ended) diag.warn(`Cannot ${operation} on ended Span ${this.#context.spanId}`);
    return this.ended;
  }

  #cut<T extends AttributeValue>(value: T): T {
    const limit = this.#settings.limits.attributeValueLengthLimit;
    if (limit === Number.POSITIVE_INFINITY) return value;
    if (typeof value === 'string')
      return (value.length > limit ? value.slice(0, limit) : value) as T;
    if (Array.isArray(value)) {
      return value.map((item) =>
        typeof item === 'string' && item.length > limit ? item.slice(0, limit) : item,
      ) as T;
    }
    return value;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (value == null || this.#isEnded('setAttribute')) return this;
    if (key.length === 0) {
      diag.warn(`Invalid attribute key: ${key}`);
      return this;
    }
    if (!isAttributeValue(value)) {
      diag.warn(`Invalid attribute value set for key: ${key}`);
      return this;
    }
    const isNew = !Object.hasOwn(this.attributes, key);
    if (isNew && this.#attributeCount >= this.#settings.limits.attributeCountLimit) {
      this.droppedAttributesCount++;
      return this;
    }
    this.attributes[key] = this.#cut(value);
    if (isNew) this.#attributeCount++;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) {
      if (Object.hasOwn(attributes, key)) this.setAttribute(key, attributes[key] as AttributeValue);
    }
    return this;
  }

  /** Attributes of an event or link: valid ones only, at most `limit`, values cut. */
  #bounded(attributes: unknown, limit: number): { attributes: Attributes; dropped: number } {
    const out: Attributes = {};
    let dropped = 0;
    let count = 0;
    if (typeof attributes !== 'object' || attributes === null) return { attributes: out, dropped };
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key) || key === '') continue;
      const value = (attributes as Record<string, unknown>)[key];
      if (value == null || !isAttributeValue(value)) continue;
      if (count >= limit) {
        dropped++;
        continue;
      }
      out[key] = this.#cut(Array.isArray(value) ? (value.slice() as AttributeValue) : value);
      count++;
    }
    return { attributes: out, dropped };
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.#isEnded('addEvent')) return this;
    const { eventCountLimit, attributePerEventCountLimit } = this.#settings.limits;
    if (eventCountLimit === 0) {
      this.droppedEventsCount++;
      return this;
    }
    if (this.events.length >= eventCountLimit) {
      this.events.shift();
      this.droppedEventsCount++;
    }
    let attributes: unknown = attributesOrTime;
    if (isTimeInput(attributesOrTime)) {
      if (!isTimeInput(time)) time = attributesOrTime;
      attributes = undefined;
    }
    const bounded = this.#bounded(attributes, attributePerEventCountLimit);
    this.events.push({
      name,
      attributes: bounded.attributes,
      time: this.#timeOf(time),
      droppedAttributesCount: bounded.dropped,
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.#isEnded('addLink')) return this;
    const { linkCountLimit, attributePerLinkCountLimit } = this.#settings.limits;
    if (linkCountLimit === 0) {
      this.droppedLinksCount++;
      return this;
    }
    if (this.links.length >= linkCountLimit) {
      this.links.shift();
      this.droppedLinksCount++;
    }
    const bounded = this.#bounded(link.attributes, attributePerLinkCountLimit);
    const kept: Link = { context: link.context };
    if (Object.keys(bounded.attributes).length > 0) kept.attributes = bounded.attributes;
    if (bounded.dropped > 0) kept.droppedAttributesCount = bounded.dropped;
    this.links.push(kept);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.#isEnded('setStatus')) return this;
    // As the SDK: UNSET changes nothing, and OK is final.
    if (status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    const next: SpanStatus = { code: status.code };
    if (status.code === SpanStatusCode.ERROR && typeof status.message === 'string')
      next.message = status.message;
    this.status = next;
    return this;
  }

  updateName(name: string): this {
    if (!this.#isEnded('updateName')) this.name = name;
    return this;
  }

  /** The time of an event or of the end: given, else now on the span's own clock. */
  #timeOf(input: TimeInput | undefined): HrTime {
    const given = input === undefined ? undefined : hrOf(input);
    if (given) return given;
    if (this.#perfStart === undefined) return hrFromMs(epochMs());
    const [seconds, nanos] = this.startTime;
    return hrFromMs(seconds * 1000 + nanos / 1e6 + (performance.now() - this.#perfStart));
  }

  end(endTime?: TimeInput): void {
    if (this.ended) {
      diag.error(`${this.name} ${this.#context.spanId} - You can only call end() on a span once.`);
      return;
    }
    this.endTime = this.#timeOf(endTime);
    this.duration = hrDuration(this.startTime, this.endTime);
    if (this.duration[0] < 0) {
      this.endTime = [this.startTime[0], this.startTime[1]];
      this.duration = [0, 0];
    }
    this.ended = true;
    this.#settings.processor.onEnd(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      if (exception.code) attributes['exception.type'] = String(exception.code);
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message'])
      this.addEvent(EXCEPTION_EVENT, attributes, time);
    else diag.warn(`Failed to record an exception ${String(exception)}`);
  }
}

/** One instrumentation scope's tracer of an {@link OwnTracerProvider}. */
class OwnTracer implements Tracer {
  readonly #provider: OwnTracerProvider;
  readonly #scope: ReadableSpan['instrumentationScope'];

  constructor(provider: OwnTracerProvider, scope: ReadableSpan['instrumentationScope']) {
    this.#provider = provider;
    this.#scope = scope;
  }

  startSpan(name: string, options: SpanOptions = {}, context: Context = contextApi.active()): Span {
    if (context.getValue(SUPPRESS_TRACING) === true) return INVALID_SPAN;
    const parentSpan = options.root ? undefined : trace.getSpan(context);
    const parent = parentSpan?.spanContext();
    const valid = parent !== undefined && trace.isSpanContextValid(parent);
    const provider = this.#provider;
    const sampled = provider.samples(valid ? parent : undefined);
    const spanContext: SpanContext = {
      traceId: valid ? parent.traceId : xrayTraceId(),
      spanId: randomSpanId(),
      traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    };
    if (valid && parent.traceState) spanContext.traceState = parent.traceState;
    if (!sampled) return trace.wrapSpanContext(spanContext);
    return new RecordingSpan(
      name,
      spanContext,
      valid ? parent : undefined,
      options,
      this.#scope,
      provider.settings,
    );
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    context: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> | undefined {
    const fn = rest[rest.length - 1] as F | undefined;
    if (typeof fn !== 'function') return undefined;
    const options = rest.length >= 2 ? (rest[0] as SpanOptions) : undefined;
    const parent = rest.length === 3 ? (rest[1] as Context) : contextApi.active();
    const span = this.startSpan(name, options, parent);
    return contextApi.with(trace.setSpan(parent, span), () => fn(span)) as ReturnType<F>;
  }
}

/**
 * Which spans a provider records: the parent's decision, else `AlwaysOn`
 * (`parentOrOn`) or `AlwaysOff` (`parentOrOff`) for a span without a valid
 * parent, as the SDK's `ParentBasedSampler`; or none (`off`, `AlwaysOffSampler`).
 */
export type Sampling = 'parentOrOn' | 'parentOrOff' | 'off';

/** Options of {@link OwnTracerProvider}. */
export interface OwnTracerProviderOptions {
  /** Receives each sampled span as it ends. */
  readonly processor: SpanProcessor;
  readonly resource: Resource;
  readonly sampling: Sampling;
  /** @default spanLimitsFrom(process.env) */
  readonly limits?: SpanLimits;
}

/**
 * A tracer provider of {@link RecordingSpan}s with X-Ray ids, sampling as
 * {@link Sampling} says; registered globally like any other (through
 * `trace.setGlobalTracerProvider`).
 *
 * @example
 * const provider = new OwnTracerProvider({ processor, resource, sampling: 'parentOrOn' });
 * provider.getTracer('observed-inference').startSpan('inference fraud').end();
 */
export class OwnTracerProvider implements TracerProvider {
  readonly settings: SpanSettings;
  readonly #sampling: Sampling;
  readonly #tracers = new Map<string, OwnTracer>();

  constructor(options: OwnTracerProviderOptions) {
    this.#sampling = options.sampling;
    this.settings = {
      processor: options.processor,
      resource: options.resource,
      limits: options.limits ?? spanLimitsFrom(process.env),
    };
  }

  /** Whether a span under `parent` (a valid span context, or undefined for none) is recorded and sampled. */
  samples(parent: SpanContext | undefined): boolean {
    const sampling = this.#sampling;
    if (sampling === 'off') return false;
    if (parent) return (parent.traceFlags & TraceFlags.SAMPLED) !== 0;
    return sampling === 'parentOrOn';
  }

  getTracer(name: string, version?: string, options?: { schemaUrl?: string }): Tracer {
    const key = `${name}@${version ?? ''}:${options?.schemaUrl ?? ''}`;
    let tracer = this.#tracers.get(key);
    if (tracer === undefined) {
      tracer = new OwnTracer(this, {
        name,
        ...(version !== undefined ? { version } : {}),
        ...(options?.schemaUrl !== undefined ? { schemaUrl: options.schemaUrl } : {}),
      });
      this.#tracers.set(key, tracer);
    }
    return tracer;
  }

  /** Spans leave through the processor's owner (the invocation's export), never on their own. */
  forceFlush(): Promise<void> {
    return this.settings.processor.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.settings.processor.shutdown();
  }
}
