import {
  context as contextApi,
  defaultTextMapGetter,
  type Context as OtelContext,
  propagation,
  ROOT_CONTEXT,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  ParentBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { Context } from 'aws-lambda';
import type { ResolvedConfig } from './config.js';
import type { Containment } from './containment.js';
import { header } from './events.js';
import { TRACES_MODE } from './telemetry.js';
import { ApiSegmentSender } from './tracing/apiSender.js';
import { AlsContextManager } from './tracing/contextManager.js';
import { UdpSegmentSender } from './tracing/udpSender.js';
import { XRaySpanProcessor } from './tracing/xrayProcessor.js';
import { toSegmentDocuments } from './tracing/xraySegments.js';

/** What the wrapper needs from tracing. */
export interface Tracing {
  readonly tracer: Tracer;
  /** The parent of an invocation span: the Lambda function segment, or an incoming header. */
  parentContext(event: unknown, lambdaContext: Context): OtelContext;
  /** Send the finished spans of `traceId` (one document per trace where it fits); never rejects. */
  exportTrace(traceId: string): Promise<void>;
  flush(): Promise<void>;
  /** Ended spans not yet taken plus documents the sender has not sent: what an exit now would lose. */
  pending(): number;
}

interface Sender {
  send(docs: string[]): Promise<void>;
  flush?(): Promise<void>;
  /** Documents held for a later call (the API sender batches; UDP sends at once). */
  readonly pending?: number;
}

const xrayPropagator = new AWSXRayPropagator();
const w3cPropagator = new W3CTraceContextPropagator();
const XRAY_HEADER = 'x-amzn-trace-id';

function createSender(config: ResolvedConfig, containment: Containment): Sender | undefined {
  const onError = (error: unknown) => containment.report('trace export', error);
  if (config.traces === TRACES_MODE.XrayUdp) {
    return new UdpSegmentSender({ ...config.daemon, onError });
  }
  if (config.traces === TRACES_MODE.XrayApi) {
    return new ApiSegmentSender({ region: config.region, onError });
  }
  return undefined;
}

function createParentContext(config: ResolvedConfig) {
  return (event: unknown, lambdaContext: Context): OtelContext => {
    // Lambda gives each invocation its trace header; with overlapping invocations
    // only the context's copy is the invocation's own.
    const lambdaHeader =
      (lambdaContext as { xRayTraceId?: string }).xRayTraceId ??
      (config.inLambda ? process.env._X_AMZN_TRACE_ID : undefined);
    if (lambdaHeader) {
      return xrayPropagator.extract(
        ROOT_CONTEXT,
        { [XRAY_HEADER]: lambdaHeader },
        defaultTextMapGetter,
      );
    }
    const traceparent = header(event, 'traceparent');
    if (traceparent) {
      return w3cPropagator.extract(
        ROOT_CONTEXT,
        { traceparent, tracestate: header(event, 'tracestate') },
        defaultTextMapGetter,
      );
    }
    const xray = header(event, XRAY_HEADER);
    if (xray)
      return xrayPropagator.extract(ROOT_CONTEXT, { [XRAY_HEADER]: xray }, defaultTextMapGetter);
    return ROOT_CONTEXT;
  };
}

let tracing: Tracing | undefined;

/**
 * The process's tracer provider, created by the first observe(): X-Ray ids,
 * parent-based sampling (`Sampled=0` exports nothing), our span processor, and
 * registered globally so users' own OpenTelemetry spans nest under ours.
 */
export function getTracing(config: ResolvedConfig, containment: Containment): Tracing {
  if (tracing) return tracing;
  const processor = new XRaySpanProcessor({
    onError: (e: unknown) => containment.report('span buffer', e),
  });
  const sender = createSender(config, containment);
  const provider = new BasicTracerProvider({
    idGenerator: new AWSXRayIdGenerator(),
    sampler: sender
      ? new ParentBasedSampler({ root: new AlwaysOnSampler() })
      : new AlwaysOffSampler(),
    spanProcessors: [processor],
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
  propagation.setGlobalPropagator(xrayPropagator);
  const tracer = provider.getTracer('observed-inference');
  tracing = {
    tracer,
    parentContext: createParentContext(config),
    async exportTrace(traceId) {
      if (!sender) return;
      try {
        const spans = processor.takeTrace(traceId);
        if (spans.length > 0) await sender.send(toSegmentDocuments(spans));
      } catch (error) {
        containment.report('trace export', error);
      }
    },
    async flush() {
      if (!sender) return;
      try {
        const spans = processor.takeAll();
        if (spans.length > 0) await sender.send(toSegmentDocuments(spans));
        await sender.flush?.();
      } catch (error) {
        containment.report('trace export', error);
      }
    },
    pending: () => (sender ? processor.size + (sender.pending ?? 0) : 0),
  };
  return tracing;
}

/** Run `fn` inside `ctx` (the OpenTelemetry context manager is ours or the user's). */
export function runInContext<T>(ctx: OtelContext, fn: () => T): T {
  return contextApi.with(ctx, fn);
}
