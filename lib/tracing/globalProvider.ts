import {
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { Containment } from '../containment.js';
import type { TraceExporter } from '../traceExporter.js';

/** Marks our own providers, so another copy of this package (ESM beside CommonJS) is not taken for a user's. */
const OWN = Symbol.for('observed-inference.tracerProvider');

/** What a registered provider may also have: the SDK's flush, the API proxy's delegate. */
interface ProviderLike extends TracerProvider {
  getDelegate?(): TracerProvider;
  forceFlush?(): Promise<void>;
  [OWN]?: true;
}

/**
 * Mark `provider` as ours.
 *
 * @example
 * markOwn(new OwnTracerProvider({ processor, resource, sampling: 'parentOrOn' }));
 */
export function markOwn<T extends object>(provider: T): T {
  (provider as { [OWN]?: true })[OWN] = true;
  return provider;
}

/** The provider registered globally (the API hands out a proxy in front of it), or the no-op one. */
function registeredProvider(): ProviderLike {
  const proxy = trace.getTracerProvider() as ProviderLike;
  return typeof proxy.getDelegate === 'function' ? (proxy.getDelegate() as ProviderLike) : proxy;
}

/**
 * Register `own` as the global tracer provider unless one is registered
 * already; true when the one registered is not ours (a user's
 * `NodeTracerProvider.register()`, an ADOT or OpenTelemetry Lambda wrapper's
 * SDK set-up): the global provider, not ours, should then record our spans.
 *
 * @example
 * const foreign = registerUnlessForeign(provider);
 */
export function registerUnlessForeign(own: TracerProvider): boolean {
  if (trace.setGlobalTracerProvider(markOwn(own))) return false;
  return registeredProvider()[OWN] !== true;
}

/**
 * The tracer of whatever provider is registered globally when a span starts:
 * one registered after observe() (`OBSERVED_TRACES_PROVIDER=global`) is used
 * from then on; until then spans are the API's no-op ones.
 *
 * @example
 * const tracer = globalTracer('observed-inference');
 */
export function globalTracer(name: string): Tracer {
  const current = () => trace.getTracerProvider().getTracer(name);
  return {
    startSpan: (spanName: string, options?: SpanOptions, context?: Context): Span =>
      current().startSpan(spanName, options, context),
    startActiveSpan: ((...args: Parameters<Tracer['startActiveSpan']>) =>
      (current().startActiveSpan as (...a: unknown[]) => unknown)(
        ...args,
      )) as Tracer['startActiveSpan'],
  };
}

/**
 * The trace "exporter" when the global provider records our spans: theirs
 * exports them. Each invocation's end flushes it (as instrumentation-aws-lambda
 * does before a response: nothing is held across a freeze), unless a span
 * still open around the invocation (a wrapper's) says its owner will flush
 * after us. Never rejects.
 *
 * @example
 * const traces = globalProviderExporter(containment, activeContext);
 */
export function globalProviderExporter(
  containment: Containment,
  active: () => Context,
): TraceExporter {
  const flush = async () => {
    try {
      await registeredProvider().forceFlush?.();
    } catch (error) {
      containment.report('trace export', error);
    }
  };
  return {
    exportTrace: () => (trace.getSpan(active()) ? Promise.resolve() : flush()),
    flush,
    pending: 0,
  };
}
