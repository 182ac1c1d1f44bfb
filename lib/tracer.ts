import {
  type Attributes,
  context as contextApi,
  createContextKey,
  type Link,
  type Context as OtelContext,
  propagation,
  ROOT_CONTEXT,
  type SpanKind,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from './config.js';
import type { Containment } from './containment.js';
import { AlsContextManager } from './tracing/contextManager.js';
import { XRaySpanProcessor } from './tracing/xrayProcessor.js';

/** The tracer of this process and the buffer its ended spans wait in for an exporter. */
export interface ProcessTracer {
  readonly tracer: Tracer;
  readonly spans: XRaySpanProcessor;
}

/** Marks the contexts of invocations whose observe() exports traces. */
const EXPORTED = createContextKey('observed-inference exported');

/**
 * The context an exporting observe() starts its invocations from (the
 * propagators derive each invocation's parent from it, so the mark costs
 * nothing per invocation).
 */
export const EXPORTED_ROOT: OtelContext = ROOT_CONTEXT.setValue(EXPORTED, true);

const NOT_RECORDED: SamplingResult = { decision: SamplingDecision.NOT_RECORD };

/**
 * Records a span only inside an invocation whose observe() exports traces,
 * then as its parent says (`Sampled=0` records nothing): a span nobody will
 * export (an observe() with traces `off`, code outside any invocation) is never
 * buffered.
 */
class InvocationSampler implements Sampler {
  readonly #parentBased = new ParentBasedSampler({ root: new AlwaysOnSampler() });

  shouldSample(
    context: OtelContext,
    traceId: string,
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (context.getValue(EXPORTED) !== true) return NOT_RECORDED;
    return this.#parentBased.shouldSample(context, traceId, name, kind, attributes, links);
  }

  toString(): string {
    return 'InvocationSampler';
  }
}

let processTracer: ProcessTracer | undefined;

/**
 * The process's tracer provider, made by the first observe(): X-Ray ids, the
 * invocation sampler, one span buffer that every observe()'s exporter takes
 * its traces from, and registered globally so users' own OpenTelemetry spans
 * nest under ours.
 *
 * @example
 * const { tracer } = getProcessTracer(config, containment);
 */
export function getProcessTracer(config: ResolvedConfig, containment: Containment): ProcessTracer {
  if (processTracer) return processTracer;
  const spans = new XRaySpanProcessor({
    onError: (e: unknown) => containment.report('span buffer', e),
  });
  const provider = new BasicTracerProvider({
    idGenerator: new AWSXRayIdGenerator(),
    sampler: new InvocationSampler(),
    spanProcessors: [spans],
    resource: resourceFromAttributes({
      'service.name': config.serviceName,
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_lambda',
      ...(config.region ? { 'cloud.region': config.region } : {}),
      'faas.name': config.functionName,
      'faas.version': config.functionVersion,
    }),
  });
  // What NodeTracerProvider.register() does, without its CommonJS weight: the
  // global provider, an async-local-storage context manager and the X-Ray
  // propagator. Each is a no-op if the user registered one first: theirs stays.
  trace.setGlobalTracerProvider(provider);
  contextApi.setGlobalContextManager(new AlsContextManager().enable());
  propagation.setGlobalPropagator(new AWSXRayPropagator());
  processTracer = { tracer: provider.getTracer('observed-inference'), spans };
  return processTracer;
}

/** Run `fn` inside `ctx` (the OpenTelemetry context manager is ours or the user's). */
export function runInContext<T>(ctx: OtelContext, fn: () => T): T {
  return contextApi.with(ctx, fn);
}
