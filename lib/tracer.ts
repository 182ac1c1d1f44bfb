import {
  context as contextApi,
  type Context as OtelContext,
  propagation,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ResolvedConfig } from './config.js';
import type { Containment } from './containment.js';
import { TRACES_PROVIDER } from './telemetry.js';
import { AlsContextManager } from './tracing/contextManager.js';
import { globalTracer, registerUnlessForeign } from './tracing/globalProvider.js';
import { OwnTracerProvider, type Sampling, spanLimitsFrom } from './tracing/ownTracer.js';
import { XRaySpanProcessor } from './tracing/xrayProcessor.js';

/** The instrumentation scope of our spans, and of the OTLP metrics and log records. */
export const TRACER_NAME = 'observed-inference';

/** The tracers of this process and the buffer their ended spans wait in for an exporter. */
export interface ProcessTracer {
  /**
   * Every span under an invocation span (model loads, stages, users' own):
   * recorded when its parent is, never as a root, so a span outside any
   * observed invocation (nobody would export it) is not even buffered.
   */
  readonly tracer: Tracer;
  /**
   * Starts the invocation spans of an observe() that exports traces, and any
   * span hung beside them on the same parent (`cold start`): recorded unless
   * the parent says `Sampled=0`.
   */
  readonly tracedRoot: Tracer;
  /** Starts the invocation spans of an observe() with traces `off`: never recorded, nor anything under them. */
  readonly untracedRoot: Tracer;
  /** The OpenTelemetry resource, built once: the OTLP metrics and log records carry it too. */
  readonly resource: Resource;
  readonly spans: XRaySpanProcessor;
  /**
   * The globally registered provider records our spans, not ours
   * (`OBSERVED_TRACES_PROVIDER`): they hang under the span active at the
   * invocation's start, its exporter sends them, and `spans` stays empty.
   */
  readonly global: boolean;
}

let processTracer: ProcessTracer | undefined;
/**
 * Our context manager once it is the global one: the hot path calls it
 * directly (the API's `context.with` copies its arguments through a
 * down-levelled spread, and `active()` looks the global up, each time).
 */
let ownManager: AlsContextManager | undefined;

/**
 * The process's tracers, made by the first observe() (our own provider,
 * `tracing/ownTracer.ts`, not the SDK's: see there why): X-Ray ids, one span
 * buffer that every observe()'s exporter takes its traces from, and the
 * tracer of the spans inside invocations registered globally, so users' own
 * OpenTelemetry spans nest under ours. Whether an invocation is recorded is
 * decided once, by the tracer its observe() starts its span with; every span
 * under it follows.
 *
 * @example
 * const { tracer, tracedRoot } = getProcessTracer(config, containment);
 */
export function getProcessTracer(config: ResolvedConfig, containment: Containment): ProcessTracer {
  if (processTracer) return processTracer;
  const spans = new XRaySpanProcessor({
    onError: (e, dropped) => containment.report('span buffer', e, dropped),
  });
  // Built once from the config (no detectors): every exporter's spans share this one object.
  const resource = resourceFromAttributes(config.resource);
  const limits = spanLimitsFrom(process.env);
  const provider = (sampling: Sampling) =>
    new OwnTracerProvider({ processor: spans, resource, sampling, limits });
  const inside = provider('parentOrOff');
  // What NodeTracerProvider.register() does, without its CommonJS weight: the
  // global provider, an async-local-storage context manager and the X-Ray
  // propagator. Each is a no-op if the user registered one first: theirs stays,
  // and with `auto` it records our spans too.
  const mode = config.tracesProvider;
  const global =
    mode === TRACES_PROVIDER.Global ||
    (registerUnlessForeign(inside) && mode === TRACES_PROVIDER.Auto);
  // `global` looks the provider up per span (it may be registered later); `auto` found it already.
  let theirs: Tracer | undefined;
  if (mode === TRACES_PROVIDER.Global) theirs = globalTracer(TRACER_NAME);
  else if (global) theirs = trace.getTracer(TRACER_NAME);
  const manager = new AlsContextManager().enable();
  if (contextApi.setGlobalContextManager(manager)) ownManager = manager;
  propagation.setGlobalPropagator(new AWSXRayPropagator());
  processTracer = {
    tracer: theirs ?? inside.getTracer(TRACER_NAME),
    tracedRoot: theirs ?? provider('parentOrOn').getTracer(TRACER_NAME),
    untracedRoot: provider('off').getTracer(TRACER_NAME),
    spans,
    resource,
    global,
  };
  return processTracer;
}

/**
 * Run `fn` inside `ctx` (the OpenTelemetry context manager is ours or the
 * user's), with `arg`: a caller in the response passes what `fn` needs
 * rather than making a closure per call.
 */
export function runInContext<T, A = undefined>(ctx: OtelContext, fn: (arg: A) => T, arg?: A): T {
  if (ownManager) return ownManager.run(ctx, fn, arg);
  return arg === undefined
    ? contextApi.with(ctx, fn as () => T)
    : contextApi.with(ctx, fn, undefined, arg);
}

/** The active OpenTelemetry context (the context manager is ours or the user's). */
export function activeContext(): OtelContext {
  return ownManager ? ownManager.active() : contextApi.active();
}

/**
 * Make `ctx` the active context from here on, in this execution and what it
 * starts (a Middy `before` cannot wrap the handler in `runInContext`). Only
 * our own context manager can: false when the user registered theirs.
 *
 * @example
 * if (!enterContext(invocation.context)) containment.warnOnce('middy', '…');
 */
export function enterContext(ctx: OtelContext): boolean {
  if (!ownManager) return false;
  ownManager.enterWith(ctx);
  return true;
}
