import {
  type Attributes,
  defaultTextMapGetter,
  type Context as OtelContext,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Context } from 'aws-lambda';
import { roundMs } from './clock.js';
import type { ResolvedConfig } from './config.js';
import { describeError } from './errors.js';
import { header } from './events.js';
import { faasTrigger } from './faasTrigger.js';
import type { Invocation } from './invocation.js';
import type { StartInfo } from './lifecycle.js';
import type { PredictionSummary } from './predictions.js';
import { STATUS } from './status.js';
import type { StreamRecord } from './streaming.js';
import { ATTR, ECOSYSTEM_ENV, SPAN, TRACES_MODE } from './telemetry.js';
import { activeContext } from './tracer.js';
import { ROOT } from './tracing/contextManager.js';
import { chooseParentOf, type ParentOf } from './tracing/foreignParents.js';
import { LateSpan } from './tracing/lateSpan.js';
import { lambdaHeaderSampled, xrayParentContext } from './tracing/traceHeader.js';
import { XRAY_ANNOTATIONS_ATTR } from './tracing/xrayDocument.js';

/**
 * The span of each invocation of one observe(): `inference <model>` (or
 * `warmup`), started by the wrapper and ended with what the invocation's
 * record says. What is the same for every invocation is built once.
 *
 * @example
 * const spans = new InvocationSpan(config, sinks.rootTracer);
 * const parent = spans.parentOf(event, lambdaContext);
 * const span = spans.start(parent, event, lambdaContext, start, false);
 * // … at the end, once the record is complete:
 * spans.end(invocation);
 */
export class InvocationSpan {
  readonly #tracer: Tracer;
  readonly #name: string;
  readonly #attributes: Attributes;
  /** OTLP exporters: the FaaS attributes X-Ray has no place for, set per invocation. */
  readonly #otlp: boolean;
  readonly #config: ResolvedConfig;
  /** Where spans hang when nothing foreign is loaded: on the trace header. */
  readonly #fromHeader: ParentOf;
  /** Our own provider records these spans: they may be made late ({@link startLate}). */
  readonly #own: boolean;
  /** The last invoked ARN and its account: the same for every invocation of an environment but aliases. */
  #arn = '';
  #account = '';
  /**
   * Where each invocation's span hangs (see {@link createParentContext}):
   * with a global provider not ours, under the span active at the start; with
   * Powertools Tracer loaded, under its current subsegment. Chosen at the
   * first invocation (Tracer may load after observe()), then fixed.
   */
  parentOf: ParentOf;

  /**
   * `tracer`: the observe()'s root tracer, which records its invocations only
   * if it exports traces; `global`: it is a global provider's, not ours.
   */
  constructor(config: ResolvedConfig, tracer: Tracer, global = false, recorded = false) {
    this.#tracer = tracer;
    this.#config = config;
    const fromHeader = createParentContext(config);
    this.#fromHeader = fromHeader;
    this.#own = recorded && !global;
    this.parentOf = (event, lambdaContext) => {
      this.parentOf = chooseParentOf(config, fromHeader, global, activeContext);
      return this.parentOf(event, lambdaContext);
    };
    this.#name = SPAN.inference(config.model.name);
    this.#attributes = {
      [ATTR.ModelName]: config.model.name,
      [ATTR.ModelVersion]: config.model.version,
      'faas.name': config.functionName,
      'faas.version': config.functionVersion,
      ...(config.region ? { 'cloud.region': config.region } : {}),
      ...(config.memoryMb ? { 'faas.max_memory': config.memoryMb * 1024 * 1024 } : {}),
    };
    this.#otlp = config.traces === TRACES_MODE.OtlpUdp || config.traces === TRACES_MODE.OtlpHttp;
  }

  /**
   * `startTime`: a `performance.now()` value, where the span is made later
   * than it started ({@link startLate}).
   */
  start(
    parent: OtelContext,
    event: unknown,
    lambda: Context,
    start: StartInfo,
    warmup: boolean,
    startTime?: number,
  ): Span {
    // A trace header that says Sampled=0: nothing under it is recorded, so the
    // parent's own (non-recording) span stands for the invocation's, and
    // calls made from the handler pass the same header on.
    const remote = trace.getSpan(parent);
    // (A recording parent is a local span of someone else's, never ours to end.)
    if (remote && !(remote.spanContext().traceFlags & TraceFlags.SAMPLED) && !remote.isRecording())
      return remote;
    const span = this.#tracer.startSpan(
      warmup ? SPAN.warmup : this.#name,
      startTime === undefined
        ? { kind: SpanKind.SERVER, attributes: this.#attributes }
        : { kind: SpanKind.SERVER, attributes: this.#attributes, startTime },
      parent,
    );
    span.setAttribute('faas.invocation_id', lambda.awsRequestId);
    span.setAttribute('faas.coldstart', start.coldStart);
    if (start.first) span.setAttribute(ATTR.StartType, start.type);
    if (warmup) span.setAttribute(ATTR.Warmup, true);
    if (this.#otlp && span.isRecording()) this.#setOtlpAttributes(span, event, lambda);
    return span;
  }

  /**
   * For a record written after the response: the invocation's span as a
   * {@link LateSpan} under the Lambda trace header, made once the response
   * has left (or sooner, if the handler asks for it) with the start it has
   * now. The header is read now: what the parse and the span cost leaves the
   * response. Undefined where the span is made at once: traces off or not
   * ours, a parent other than the header (a foreign provider, Powertools
   * Tracer), or no header in Lambda's own layout.
   */
  startLate(
    event: unknown,
    lambda: Context,
    start: StartInfo,
    warmup: boolean,
    startPerf: number,
  ): LateSpan | undefined {
    if (!this.#own || this.parentOf !== this.#fromHeader) return undefined;
    const header: unknown = lambdaHeaderOf(this.#config, lambda);
    // Lambda's is a string; anything else a caller put on the context is read at once, as before the return.
    if (typeof header !== 'string') return undefined;
    const sampled = lambdaHeaderSampled(header);
    if (sampled === undefined) return undefined;
    return new LateInvocationSpan(this, header, event, lambda, start, warmup, startPerf, sampled);
  }

  /**
   * What OTLP backends (Application Signals, Grafana, Datadog) read from a
   * Lambda server span besides the resource: the trigger, the invoked ARN and
   * the account it belongs to (the resource is built at init, before any ARN
   * is known). Only for the OTLP exporters: X-Ray's converter has no field for
   * them, and the default path pays nothing for them.
   */
  #setOtlpAttributes(span: Span, event: unknown, lambda: Context): void {
    span.setAttribute('faas.trigger', faasTrigger(event));
    const arn = lambda.invokedFunctionArn;
    if (typeof arn !== 'string' || arn === '') return;
    if (arn !== this.#arn) {
      this.#arn = arn;
      // arn:aws:lambda:<region>:<account>:function:<name>[:<alias>]
      this.#account = arn.split(':')[4] ?? '';
    }
    span.setAttribute('aws.lambda.invoked_arn', arn);
    if (this.#account) span.setAttribute('cloud.account.id', this.#account);
  }

  /**
   * The record's ids, predictions, user fields and status on the span, and
   * end it. The span ends whatever a value does: a segment is never lost to
   * one odd field.
   */
  end(inv: Invocation): void {
    const { span } = inv;
    try {
      if (span.isRecording()) setAttributes(span, inv);
    } finally {
      span.end(inv.endTime);
    }
  }
}

/** An invocation's span made from its Lambda trace header once asked for ({@link InvocationSpan.startLate}). */
class LateInvocationSpan extends LateSpan {
  constructor(
    readonly spans: InvocationSpan,
    readonly header: string,
    readonly event: unknown,
    readonly lambda: Context,
    readonly start: StartInfo,
    readonly warmup: boolean,
    readonly startPerf: number,
    sampled: boolean,
  ) {
    super(sampled);
  }

  protected make(): Span {
    const { spans, event, lambda, start, warmup, startPerf } = this;
    return spans.start(xrayParentContext(this.header), event, lambda, start, warmup, startPerf);
  }
}

function setAttributes(span: Span, inv: Invocation): void {
  const { summary } = inv;
  if (inv.inputHash) span.setAttribute(ATTR.InputHash, inv.inputHash);
  if (summary) span.setAttribute(ATTR.PredictionId, inv.predictionId);
  if (inv.clientId) span.setAttribute(ATTR.ClientId, inv.clientId);
  if (inv.correlationId) span.setAttribute(ATTR.CorrelationId, inv.correlationId);
  if (inv.batch !== undefined) span.setAttribute(ATTR.BatchSize, inv.batch);
  if (summary) setPredictionAttributes(span, summary);
  if (inv.invalidInput) {
    span.setAttribute(ATTR.InvalidInputField, inv.invalidInput.field);
    span.setAttribute(ATTR.InvalidInputReason, inv.invalidInput.reason);
  }
  if (inv.stream) setStreamAttributes(span, inv.stream);
  setUserAttributes(span, inv);
  setStatus(span, inv);
}

/** A streamed response: to the first byte (the span's duration is to the end), bytes, aborted. */
function setStreamAttributes(span: Span, stream: StreamRecord): void {
  if (stream.firstByteMs !== undefined) {
    span.setAttribute(ATTR.StreamFirstByteMs, roundMs(stream.firstByteMs));
  }
  span.setAttribute(ATTR.StreamBytes, stream.bytes);
  span.setAttribute(ATTR.StreamAborted, stream.aborted);
}

const w3cPropagator = new W3CTraceContextPropagator();
const XRAY_HEADER = 'x-amzn-trace-id';

/**
 * The invocation's Lambda trace header. Lambda gives each invocation its
 * own; with overlapping invocations only the context's copy is the
 * invocation's own.
 */
function lambdaHeaderOf(config: ResolvedConfig, lambdaContext: Context): string | undefined {
  return (
    (lambdaContext as { xRayTraceId?: string }).xRayTraceId ??
    (config.inLambda ? process.env[ECOSYSTEM_ENV.TraceHeader] : undefined)
  );
}

/**
 * Where an invocation's span hangs: the Lambda function segment of its trace
 * header, else an incoming `traceparent` or `X-Amzn-Trace-Id` header, else a
 * new trace.
 */
function createParentContext(
  config: ResolvedConfig,
): (event: unknown, lambdaContext: Context) => OtelContext {
  return (event, lambdaContext) => {
    const lambdaHeader = lambdaHeaderOf(config, lambdaContext);
    if (lambdaHeader) return xrayParentContext(lambdaHeader);
    const traceparent = header(event, 'traceparent');
    if (traceparent) {
      return w3cPropagator.extract(
        ROOT,
        { traceparent, tracestate: header(event, 'tracestate') },
        defaultTextMapGetter,
      );
    }
    const xray = header(event, XRAY_HEADER);
    if (xray) return xrayParentContext(xray);
    return ROOT;
  };
}

/** The prediction, confidence and low-confidence flag (annotations in X-Ray). */
function setPredictionAttributes(span: Span, summary: PredictionSummary): void {
  if (summary.topLabel !== undefined) span.setAttribute(ATTR.Prediction, summary.topLabel);
  if (summary.count === 1 && summary.confidences.length === 1) {
    span.setAttribute(ATTR.Confidence, summary.confidences[0]!);
  }
  if (summary.confidences.length > 0)
    span.setAttribute(ATTR.LowConfidence, summary.lowConfidence > 0);
  if (summary.abstentions > 0) span.setAttribute(ATTR.Abstentions, summary.abstentions);
}

/**
 * The user's annotate()/addMetadata() values, as `boundUserFields` left them
 * (bounded, plain JSON): annotations are listed for the X-Ray exporter,
 * object metadata goes as its JSON text.
 */
function setUserAttributes(span: Span, inv: Invocation): void {
  const keys = Object.keys(inv.annotations);
  for (const key of keys) span.setAttribute(key, inv.annotations[key]!);
  if (keys.length > 0) span.setAttribute(XRAY_ANNOTATIONS_ATTR, keys);
  for (const [key, value] of Object.entries(inv.metadata)) {
    if (value === undefined) continue;
    const plain =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    span.setAttribute(key, plain ? value : JSON.stringify(value));
  }
}

/** The same name, message and stack the log line writes (bounded; anything thrown). */
function recordFailure(span: Span, error: unknown): void {
  const description = describeError(error);
  span.recordException(description);
  span.setStatus({ code: SpanStatusCode.ERROR, message: description.message });
}

/**
 * The record's status in OpenTelemetry terms: ERROR for a fault, a timeout
 * and a 5xx response; a client error is flagged with `inference.client_error`
 * (which the X-Ray exporter turns into `error`, not `fault`).
 */
function setStatus(span: Span, inv: Invocation): void {
  switch (inv.status) {
    case STATUS.ClientError:
      span.setAttribute(ATTR.ClientError, true);
      if (inv.threw) recordFailure(span, inv.error);
      return;
    case STATUS.Fault:
      recordFailure(span, inv.error);
      return;
    case STATUS.Timeout: {
      span.setAttribute(ATTR.Timeout, true);
      // The timeout's name and message, without the stack of our own timer.
      const { name, message } = describeError(inv.error);
      span.recordException({ name, message });
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      return;
    }
    case STATUS.ServerErrorResponse:
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'server error response' });
      return;
  }
}
