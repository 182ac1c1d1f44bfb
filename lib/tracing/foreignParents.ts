import {
  type Context,
  isSpanContextValid,
  type SpanContext,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import type { Context as LambdaContext } from 'aws-lambda';
import type { ResolvedConfig } from '../config.js';
import { containment } from '../containment.js';
import { TRACES_MODE } from '../telemetry.js';
import { ROOT } from './contextManager.js';

/** Where an invocation's span hangs, from its event and Lambda context. */
export type ParentOf = (event: unknown, lambdaContext: LambdaContext) => Context;

/** What we read of a cls-hooked namespace (aws-xray-sdk-core's context). */
interface ClsNamespace {
  get(key: string): unknown;
}

/** What we read of an aws-xray-sdk-core Segment or Subsegment. */
interface XRaySdkEntity {
  readonly id?: unknown;
  readonly facade?: unknown;
  readonly notTraced?: unknown;
  readonly trace_id?: unknown;
  /** A subsegment's segment (in Lambda, the facade of the function segment). */
  readonly segment?: { readonly trace_id?: unknown };
}

/**
 * aws-xray-sdk-core (Powertools Tracer's engine) keeps its current segment in
 * the cls-hooked namespace `AWSXRay`, which cls-hooked registers on
 * `process.namespaces`: read there, the SDK is never imported by us. Undefined
 * when the SDK is not loaded (most functions).
 *
 * @example
 * const sdk = xraySdkContext(); // after `new Tracer()` (Powertools)
 */
export function xraySdkContext(): ClsNamespace | undefined {
  const namespaces = (process as { namespaces?: Record<string, unknown> }).namespaces;
  const namespace = namespaces?.AWSXRay as Partial<ClsNamespace> | null | undefined;
  return typeof namespace?.get === 'function' ? (namespace as ClsNamespace) : undefined;
}

/**
 * The SDK's current subsegment (Tracer's `## handler`, a `captureMethod`) as
 * the remote parent of a span in `traceId` (32 hex): undefined for the Lambda
 * facade segment (the function segment our header parent already names), no
 * segment, or one of another trace (a stale context).
 */
function currentSubsegment(sdk: ClsNamespace, traceId: string): SpanContext | undefined {
  const entity = sdk.get('segment') as XRaySdkEntity | undefined;
  if (!entity || typeof entity !== 'object' || entity.facade === true) return undefined;
  const xrayTraceId = entity.segment?.trace_id ?? entity.trace_id;
  if (typeof xrayTraceId !== 'string' || typeof entity.id !== 'string') return undefined;
  // `1-<8 hex>-<24 hex>` → 32 hex.
  if (xrayTraceId.slice(2, 10) + xrayTraceId.slice(11) !== traceId) return undefined;
  const spanContext = {
    traceId,
    spanId: entity.id,
    traceFlags: entity.notTraced === true ? TraceFlags.NONE : TraceFlags.SAMPLED,
    isRemote: true,
  };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/**
 * Parents under Powertools Tracer's current subsegment when there is one in
 * the invocation's trace (Tracer's `captureLambdaHandler` outside observe()),
 * else where `fromHeader` says. Its subsegments go to the daemon on their own;
 * ours name its id as their parent, so X-Ray draws one tree.
 *
 * @example
 * const parentOf = underXRaySdk(createParentContext(config), sdk);
 */
export function underXRaySdk(fromHeader: ParentOf, sdk: ClsNamespace): ParentOf {
  return (event, lambdaContext) => {
    const parent = fromHeader(event, lambdaContext);
    const headerSpan = trace.getSpanContext(parent);
    if (!headerSpan) return parent;
    const subsegment = currentSubsegment(sdk, headerSpan.traceId);
    return subsegment ? trace.setSpanContext(ROOT, subsegment) : parent;
  };
}

/**
 * Parents under the span active when the invocation starts (an ADOT or
 * OpenTelemetry Lambda wrapper's invocation span, a user's own), else where
 * `fromHeader` says: for a global tracer provider that is not ours.
 *
 * @example
 * const parentOf = underActiveSpan(createParentContext(config), activeContext);
 */
export function underActiveSpan(fromHeader: ParentOf, active: () => Context): ParentOf {
  return (event, lambdaContext) => {
    const context = active();
    const span = trace.getSpan(context);
    return span && isSpanContextValid(span.spanContext())
      ? context
      : fromHeader(event, lambdaContext);
  };
}

/**
 * Where Powertools Tracer's subsegments (always the X-Ray daemon) and our
 * spans part ways: undefined while ours go to X-Ray too (`xray-*`,
 * `otlp-udp`, X-Ray's OTLP endpoint), else where ours go.
 */
function splitFromXRay(config: ResolvedConfig, global: boolean): string | undefined {
  if (global) return 'the registered OpenTelemetry provider’s exporter';
  if (config.traces !== TRACES_MODE.OtlpHttp || config.otlp?.sigv4Region !== undefined) return;
  return config.otlp?.url;
}

/**
 * How this observe() parents its invocations, decided at its first
 * invocation (Powertools Tracer may be loaded after observe() ran): under a
 * foreign global provider's active span, under Tracer's current subsegment,
 * or on the trace header. Tracer beside traces that do not go to X-Ray makes
 * one trace id in two backends: said once.
 *
 * @example
 * this.parentOf = chooseParentOf(config, fromHeader, global, activeContext);
 */
export function chooseParentOf(
  config: ResolvedConfig,
  fromHeader: ParentOf,
  global: boolean,
  active: () => Context,
): ParentOf {
  const sdk = config.traces === TRACES_MODE.Off ? undefined : xraySdkContext();
  const elsewhere = sdk ? splitFromXRay(config, global) : undefined;
  if (elsewhere) {
    containment.warnOnce(
      'xray-sdk-split',
      `observed-inference: Powertools Tracer (aws-xray-sdk-core) sends its subsegments to the X-Ray daemon and observed-inference its spans to ${elsewhere}: one trace id, two backends unless that one forwards to X-Ray (OBSERVED_TRACES=xray-udp or otlp-udp keeps one trace)`,
    );
  }
  if (global) return underActiveSpan(fromHeader, active);
  return sdk ? underXRaySdk(fromHeader, sdk) : fromHeader;
}
