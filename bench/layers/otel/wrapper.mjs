// The SDK set-up of the opentelemetry-lambda Node.js layer (src/wrapper.ts),
// reduced to traces: a tracer provider with the X-Ray id generator, a
// BatchSpanProcessor with the OTLP/HTTP exporter (to OTEL_EXPORTER_OTLP_ENDPOINT;
// in Lambda the collector extension on localhost:4318), the propagators from
// OTEL_PROPAGATORS (the exec wrapper sets tracecontext,baggage,xray), and
// instrumentation-aws-lambda, which wraps the handler and force-flushes the
// provider before each invocation returns. Bundled into wrapper.cjs like the
// layer's webpack build. Left out (so these figures are a lower bound of the
// real layer): its resource detectors, the default instrumentations (http, dns,
// net, express, ...), aws-sdk instrumentation, and the metrics and logs providers.
import { DiagConsoleLogger, diag } from '@opentelemetry/api';
import {
  CompositePropagator,
  diagLogLevelFromString,
  getStringFromEnv,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AwsLambdaInstrumentation } from '@opentelemetry/instrumentation-aws-lambda';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { detectResources, envDetector, processDetector } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const propagatorMap = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
  xray: () => new AWSXRayPropagator(),
};

function getPropagator() {
  const names = (process.env.OTEL_PROPAGATORS ?? 'tracecontext,baggage')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  return new CompositePropagator({
    propagators: names.flatMap((name) => (propagatorMap[name] ? [propagatorMap[name]()] : [])),
  });
}

let instrumentations;

export async function init() {
  instrumentations = [new AwsLambdaInstrumentation()];
  // Registered before the provider exists, so the handler is patched whatever loads first.
  registerInstrumentations({ instrumentations });
}

export async function wrap() {
  const resource = detectResources({ detectors: [envDetector, processDetector] });
  const tracerProvider = new NodeTracerProvider({
    resource,
    idGenerator: new AWSXRayIdGenerator(),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  tracerProvider.register({ propagator: getPropagator() });
  registerInstrumentations({ instrumentations, tracerProvider });
}

diag.setLogger(new DiagConsoleLogger(), diagLogLevelFromString(getStringFromEnv('OTEL_LOG_LEVEL')));
