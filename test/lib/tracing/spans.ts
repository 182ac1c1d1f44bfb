import { type Context, context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type Sampler } from '@opentelemetry/sdk-trace-base';
import { expect } from 'vitest';
import { AlsContextManager } from '../../../lib/tracing/contextManager.js';
import { OwnTracerProvider } from '../../../lib/tracing/ownTracer.js';
import {
  XRaySpanProcessor,
  type XRaySpanProcessorOptions,
} from '../../../lib/tracing/xrayProcessor.js';
import type { SegmentDocument } from '../../../lib/tracing/xraySegments.js';
import { validateSegmentDocument } from '../../support/xraySchema.js';

/** The id Lambda gives the function segment: the parent of an invocation's spans. */
export const LAMBDA_SEGMENT_ID = '53995c3f42cd8ad8';

let contextManager: AlsContextManager | undefined;

/**
 * Our provider as the layer makes it (parent-based, roots sampled, X-Ray ids),
 * our processor and async-local-storage context (for nesting); with
 * `sampler`, the SDK's provider with that sampler instead.
 */
export function createTracing(options: XRaySpanProcessorOptions & { sampler?: Sampler } = {}) {
  if (contextManager === undefined) {
    contextManager = new AlsContextManager().enable();
    context.setGlobalContextManager(contextManager);
  }
  const { sampler, ...processorOptions } = options;
  const processor = new XRaySpanProcessor(processorOptions);
  const provider = sampler
    ? new BasicTracerProvider({
        idGenerator: new AWSXRayIdGenerator(),
        spanProcessors: [processor],
        sampler,
      })
    : new OwnTracerProvider({
        processor,
        resource: resourceFromAttributes({}),
        sampling: 'parentOrOn',
      });
  return { processor, provider, tracer: provider.getTracer('observed-inference-test') };
}

/** The context Lambda's `_X_AMZN_TRACE_ID` gives: a remote parent, the function segment. */
export function lambdaContext(traceId = new AWSXRayIdGenerator().generateTraceId()): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId: LAMBDA_SEGMENT_ID,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}

/** Parse every document, asserting it is valid against the official schema. */
export function parseValid(docs: readonly string[]): SegmentDocument[] {
  return docs.map((json) => {
    expect(validateSegmentDocument(json), json.slice(0, 300)).toEqual([]);
    return JSON.parse(json) as SegmentDocument;
  });
}

/** Every (sub)segment in the documents, with the id of the document or subsegment it hangs under. */
export function flatten(
  docs: readonly SegmentDocument[],
): Map<string, { doc: SegmentDocument; parent: string | undefined }> {
  const all = new Map<string, { doc: SegmentDocument; parent: string | undefined }>();
  const visit = (doc: SegmentDocument, parent: string | undefined) => {
    expect(all.has(doc.id), `span ${doc.id} appears twice`).toBe(false);
    all.set(doc.id, { doc, parent });
    for (const child of doc.subsegments ?? []) visit(child, doc.id);
  };
  for (const doc of docs) visit(doc, doc.parent_id);
  return all;
}
