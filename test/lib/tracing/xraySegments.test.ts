import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { ANNOTATION_OF_ATTR, ATTR, SPAN, XRAY_METADATA_NAMESPACE } from '../../../lib/telemetry.js';
import { XRAY_ANNOTATIONS_ATTR } from '../../../lib/tracing/xrayDocument.js';
import { toSegmentDocuments, toXRayTraceId } from '../../../lib/tracing/xraySegments.js';
import { createTracing, flatten, LAMBDA_SEGMENT_ID, lambdaContext, parseValid } from './spans.js';

const MODEL = 'fraud';

/** One invocation the way the wrapper makes it: inference span under the Lambda segment, stages inside. */
async function invocation() {
  const { tracer, processor } = createTracing();
  const parent = lambdaContext();
  const traceId = trace.getSpanContext(parent)?.traceId ?? '';
  await tracer.startActiveSpan(SPAN.inference(MODEL), {}, parent, async (span) => {
    await tracer.startActiveSpan('preprocess', async (stage) => stage.end());
    await tracer.startActiveSpan('predict', async (stage) => {
      tracer.startSpan('model call', { kind: SpanKind.CLIENT }).end();
      stage.end();
    });
    span.end();
  });
  return { traceId, spans: processor.takeTrace(traceId) };
}

describe('toSegmentDocuments', () => {
  it('nests child spans into one document per trace', async () => {
    const { traceId, spans } = await invocation();
    const docs = parseValid(toSegmentDocuments(spans));
    expect(docs).toHaveLength(1);
    const [doc] = docs;
    expect(doc).toMatchObject({
      type: 'subsegment',
      name: SPAN.inference(MODEL),
      trace_id: toXRayTraceId(traceId),
      parent_id: LAMBDA_SEGMENT_ID,
    });
    expect(doc?.subsegments?.map((s) => s.name).sort()).toEqual(['predict', 'preprocess']);
    const predict = doc?.subsegments?.find((s) => s.name === 'predict');
    expect(predict?.subsegments?.map((s) => s.name)).toEqual(['model call']);
    // Nested subsegments take the trace from their document.
    expect(predict).not.toHaveProperty('trace_id');
    expect(predict).not.toHaveProperty('type');
  });

  it('makes an independent subsegment of a span whose parent is not in the set', async () => {
    const { spans } = await invocation();
    const inference = spans.find((s) => s.name === SPAN.inference(MODEL));
    const predict = spans.find((s) => s.name === 'predict');
    const docs = parseValid(toSegmentDocuments(spans.filter((s) => s !== inference)));
    const predictDoc = docs.find((d) => d.name === 'predict');
    expect(predictDoc).toMatchObject({
      type: 'subsegment',
      parent_id: inference?.spanContext().spanId,
      trace_id: toXRayTraceId(predict?.spanContext().traceId ?? ''),
    });
    expect(predictDoc?.subsegments?.[0]?.name).toBe('model call');
    expect(docs.map((d) => d.name).sort()).toEqual(['predict', 'preprocess']);
  });

  it('makes a top-level segment of a span without a parent', () => {
    const { tracer, processor } = createTracing();
    const root = tracer.startSpan('local run', { kind: SpanKind.CLIENT }, ROOT_CONTEXT);
    tracer.startSpan('predict', {}, trace.setSpan(ROOT_CONTEXT, root)).end();
    root.end();
    const [doc, ...rest] = parseValid(toSegmentDocuments(processor.takeAll()));
    expect(rest).toEqual([]);
    expect(doc).toMatchObject({
      name: 'local run',
      trace_id: toXRayTraceId(root.spanContext().traceId),
    });
    expect(doc).not.toHaveProperty('type');
    expect(doc).not.toHaveProperty('parent_id');
    // A segment is a service, not a call to one.
    expect(doc).not.toHaveProperty('namespace');
    expect(doc?.subsegments?.[0]?.name).toBe('predict');
  });

  it('keeps the spans of different traces in separate documents', async () => {
    const first = await invocation();
    const second = await invocation();
    const docs = parseValid(toSegmentDocuments([...first.spans, ...second.spans]));
    expect(docs.map((d) => d.trace_id).sort()).toEqual(
      [toXRayTraceId(first.traceId), toXRayTraceId(second.traceId)].sort(),
    );
  });

  it('converts the OpenTelemetry trace id to X-Ray form', async () => {
    expect(toXRayTraceId('5759e988bd862e3fe1be46a994272793')).toBe(
      '1-5759e988-bd862e3fe1be46a994272793',
    );
    const { spans } = await invocation();
    const [doc] = parseValid(toSegmentDocuments(spans));
    const [, epochHex] = doc?.trace_id?.match(/^1-([0-9a-f]{8})-[0-9a-f]{24}$/) ?? [];
    // X-Ray rejects trace ids whose time part is far from now.
    expect(Math.abs(Number.parseInt(epochHex ?? '0', 16) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('writes start and end as epoch seconds with sub-millisecond precision', () => {
    const { tracer, processor } = createTracing();
    const span = tracer.startSpan(
      'predict',
      { startTime: [1_700_000_000, 123_456_789] },
      lambdaContext(),
    );
    span.end([1_700_000_000, 124_457_000]);
    const [doc] = parseValid(toSegmentDocuments(processor.takeAll()));
    expect(doc?.start_time).toBeCloseTo(1_700_000_000.123457, 6);
    expect(doc?.end_time).toBeCloseTo(1_700_000_000.124457, 6);
  });

  it('sets namespace remote on client spans only', async () => {
    const { spans } = await invocation();
    const all = flatten(parseValid(toSegmentDocuments(spans)));
    const namespaces = [...all.values()].map(({ doc }) => [doc.name, doc.namespace]);
    expect(namespaces.sort()).toEqual([
      [SPAN.inference(MODEL), undefined],
      ['model call', 'remote'],
      ['predict', undefined],
      ['preprocess', undefined],
    ]);
  });
});

describe('annotations and metadata', () => {
  function convert(attributes: Record<string, unknown>) {
    const { tracer, processor } = createTracing();
    const span = tracer.startSpan('inference fraud', {}, lambdaContext());
    for (const [key, value] of Object.entries(attributes)) span.setAttribute(key, value as string);
    span.end();
    const [doc] = parseValid(toSegmentDocuments(processor.takeAll()));
    return doc;
  }

  it('indexes contract attributes as annotations and puts the rest in metadata', () => {
    const doc = convert({
      [ATTR.ModelName]: MODEL,
      [ATTR.ModelVersion]: '3',
      'faas.coldstart': true,
      [ATTR.Prediction]: 'fraud',
      [ATTR.LowConfidence]: false,
      [ATTR.Confidence]: 0.93,
      [ATTR.InputHash]: 'ab12',
      'faas.invocation_id': 'req-1',
    });
    expect(doc?.annotations).toEqual({
      [ANNOTATION_OF_ATTR[ATTR.ModelName] as string]: MODEL,
      [ANNOTATION_OF_ATTR[ATTR.ModelVersion] as string]: '3',
      [ANNOTATION_OF_ATTR['faas.coldstart'] as string]: true,
      [ANNOTATION_OF_ATTR[ATTR.Prediction] as string]: 'fraud',
      [ANNOTATION_OF_ATTR[ATTR.LowConfidence] as string]: false,
    });
    expect(doc?.metadata).toEqual({
      [XRAY_METADATA_NAMESPACE]: {
        [ATTR.Confidence]: 0.93,
        [ATTR.InputHash]: 'ab12',
        'faas.invocation_id': 'req-1',
      },
    });
  });

  it('indexes the attributes listed in aws.xray.annotations under sanitized keys', () => {
    const doc = convert({
      'tenant.id': 'acme',
      'retry count!': 2,
      'not.listed': 'x',
      tags: ['a', 'b'],
      [XRAY_ANNOTATIONS_ATTR]: ['tenant.id', 'retry count!', 'tags', 'absent'],
    });
    expect(doc?.annotations).toEqual({ tenant_id: 'acme', retry_count_: 2 });
    // An array cannot be an annotation value, so it stays in metadata; the list itself is not copied.
    expect(doc?.metadata?.[XRAY_METADATA_NAMESPACE]).toEqual({
      'not.listed': 'x',
      tags: ['a', 'b'],
    });
  });

  it('puts span events other than exceptions in bounded metadata', () => {
    const { tracer, processor } = createTracing();
    const span = tracer.startSpan('predict', {}, lambdaContext());
    for (let i = 0; i < 25; i++) span.addEvent(`batch ${i}`, { size: i });
    span.end();
    const [doc] = parseValid(toSegmentDocuments(processor.takeAll()));
    const metadata = doc?.metadata?.[XRAY_METADATA_NAMESPACE];
    expect(metadata?.events).toHaveLength(20);
    expect(metadata?.events_dropped).toBe(5);
    expect(metadata?.events).toContainEqual({
      name: 'batch 0',
      time: expect.any(Number),
      attributes: { size: 0 },
    });
  });
});

describe('errors', () => {
  it('marks an ERROR span as a fault and a client error as an error', () => {
    const { tracer, processor } = createTracing();
    const parent = lambdaContext();
    const failed = tracer.startSpan('server failure', {}, parent);
    failed.setStatus({ code: SpanStatusCode.ERROR });
    failed.end();
    const rejected = tracer.startSpan('bad request', {}, parent);
    rejected.setAttributes({ [ATTR.ClientError]: true });
    rejected.setStatus({ code: SpanStatusCode.ERROR });
    rejected.end();
    // OTel leaves 4xx server spans UNSET: the attribute alone still says "error".
    const unset = tracer.startSpan(
      'bad input',
      { attributes: { [ATTR.ClientError]: true } },
      parent,
    );
    unset.end();
    tracer.startSpan('fine', {}, parent).end();
    const docs = parseValid(toSegmentDocuments(processor.takeAll()));
    const flags = Object.fromEntries(docs.map((d) => [d.name, { fault: d.fault, error: d.error }]));
    expect(flags).toEqual({
      'server failure': { fault: true, error: undefined },
      'bad request': { fault: undefined, error: true },
      'bad input': { fault: undefined, error: true },
      fine: { fault: undefined, error: undefined },
    });
  });

  it('turns a recorded exception into a cause with parsed stack frames', () => {
    const { tracer, processor } = createTracing();
    const span = tracer.startSpan('predict', {}, lambdaContext());
    function runModel(): never {
      throw new TypeError('tensor shape mismatch');
    }
    try {
      runModel();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'tensor shape mismatch' });
    }
    span.end();
    const [doc] = parseValid(toSegmentDocuments(processor.takeAll()));
    expect(doc?.fault).toBe(true);
    expect(doc?.cause?.working_directory).toBe(process.cwd());
    const [exception] = doc?.cause?.exceptions ?? [];
    expect(exception).toMatchObject({ type: 'TypeError', message: 'tensor shape mismatch' });
    expect(exception?.id).toMatch(/^[0-9a-f]{16}$/);
    expect(exception?.stack?.[0]).toEqual({
      path: expect.stringContaining('xraySegments.test.ts'),
      line: expect.any(Number),
      label: 'runModel',
    });
  });

  it('uses the status message as the cause when no exception was recorded', () => {
    const { tracer, processor } = createTracing();
    const span = tracer.startSpan('inference fraud', {}, lambdaContext());
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'server error response' });
    span.end();
    const [doc] = parseValid(toSegmentDocuments(processor.takeAll()));
    expect(doc?.cause?.exceptions).toEqual([
      { id: expect.any(String), message: 'server error response' },
    ]);
  });
});

describe('names', () => {
  function nameOf(name: string): string | undefined {
    const { tracer, processor } = createTracing();
    tracer.startSpan(name, {}, lambdaContext()).end();
    return parseValid(toSegmentDocuments(processor.takeAll()))[0]?.name;
  }

  it('sanitizes names to the characters X-Ray accepts', () => {
    expect(nameOf('model load fraud@v2 #1 = 50% + a/b:c & d.e-f_g')).toBe(
      'model load fraud@v2 #1 = 50% + a/b:c & d.e-f_g',
    );
    expect(nameOf('predict (batch) <fast>\t"x"!')).toBe('predict _batch_ _fast___x__');
    // The docs allow a backslash; the official schema does not, and X-Ray validates against it.
    expect(nameOf('C:\\model')).toBe('C:_model');
    expect(nameOf('modèle 模型 ٣')).toBe('modèle 模型 ٣');
    expect(nameOf('')).toBe('span');
  });

  it('cuts names to 200 characters without splitting a character', () => {
    expect(nameOf('x'.repeat(500))).toBe('x'.repeat(200));
    const name = nameOf(`${'x'.repeat(199)}😀`);
    expect(name).toBe(`${'x'.repeat(199)}_`);
  });
});
