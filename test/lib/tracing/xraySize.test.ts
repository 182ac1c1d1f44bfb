import { type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { MAX_UDP_PAYLOAD_BYTES } from '../../../lib/contract/limits.js';
import { ATTR, XRAY_METADATA_NAMESPACE } from '../../../lib/telemetry.js';
import { TRUNCATION_MARKER, XRAY_ANNOTATIONS_ATTR } from '../../../lib/tracing/xrayDocument.js';
import {
  DEFAULT_MAX_SEGMENT_BYTES,
  toSegmentDocuments,
  XRAY_DAEMON_HEADER,
} from '../../../lib/tracing/xraySegments.js';
import { DOCUMENT_SIZE_EDGES, MAX_DOCUMENT } from '../../support/udpCollector.js';
import { createTracing, flatten, LAMBDA_SEGMENT_ID, lambdaContext, parseValid } from './spans.js';

function expectWithin(docs: readonly string[], maxBytes: number): void {
  for (const doc of docs) expect(Buffer.byteLength(doc)).toBeLessThanOrEqual(maxBytes);
}

/** A tree of `depth` levels with `fanOut` children each; `decorate` sets each span's attributes. */
function tree(depth: number, fanOut: number, decorate: (span: Span) => void) {
  const { tracer, processor } = createTracing({ maxSpans: 10_000 });
  const parents = new Map<string, string>();
  const grow = (parentContext: ReturnType<typeof lambdaContext>, level: number, name: string) => {
    const span = tracer.startSpan(name, {}, parentContext);
    decorate(span);
    parents.set(span.spanContext().spanId, trace.getSpanContext(parentContext)?.spanId ?? '');
    if (level < depth) {
      for (let i = 0; i < fanOut; i++)
        grow(trace.setSpan(parentContext, span), level + 1, `${name}.${i}`);
    }
    span.end();
  };
  grow(lambdaContext(), 1, 'inference fraud');
  return { spans: processor.takeAll(), parents };
}

/** Every span is in exactly one document, hanging under its real parent. */
function expectEverySpanOnce(docs: readonly string[], parents: Map<string, string>): void {
  const all = flatten(parseValid(docs));
  expect(all.size).toBe(parents.size);
  for (const [id, { parent }] of all) expect(parent).toBe(parents.get(id));
}

describe('document size', () => {
  it('drops metadata deepest first before it splits a trace', () => {
    const big = 'm'.repeat(30_000);
    const { spans, parents } = tree(3, 1, (span) => span.setAttribute('payload', big));
    const docs = toSegmentDocuments(spans);
    expect(docs).toHaveLength(1);
    expectWithin(docs, DEFAULT_MAX_SEGMENT_BYTES);
    expectEverySpanOnce(docs, parents);
    const [root] = parseValid(docs);
    const child = root?.subsegments?.[0];
    // 3 × 30 kB is over 64 KiB; dropping the deepest span's metadata is enough.
    expect(root?.metadata?.[XRAY_METADATA_NAMESPACE]?.payload).toBe(big);
    expect(child?.metadata?.[XRAY_METADATA_NAMESPACE]?.payload).toBe(big);
    expect(child?.subsegments?.[0]).not.toHaveProperty('metadata');
  });

  it('splits a trace too big for one datagram into independent subsegments, keeping every span', () => {
    const { spans, parents } = tree(2, 300, (span) => {
      // Annotations survive the metadata step, so only a split can make this fit.
      span.setAttributes({
        note: 'n'.repeat(500),
        [XRAY_ANNOTATIONS_ATTR]: ['note'],
        filler: 'f'.repeat(2000),
      });
    });
    const docs = toSegmentDocuments(spans);
    expect(docs.length).toBeGreaterThan(1);
    expectWithin(docs, DEFAULT_MAX_SEGMENT_BYTES);
    expectEverySpanOnce(docs, parents);
    const parsed = parseValid(docs);
    expect(parsed[0]?.parent_id).toBe(LAMBDA_SEGMENT_ID);
    for (const doc of parsed.slice(1)) {
      expect(doc).toMatchObject({ type: 'subsegment', trace_id: parsed[0]?.trace_id });
    }
  });

  it('splits nested trees under a small limit, each document under its real parent', () => {
    const { spans, parents } = tree(4, 4, (span) => {
      span.setAttributes({ [ATTR.ModelName]: 'fraud', [ATTR.InputHash]: 'h'.repeat(1000) });
    });
    const docs = toSegmentDocuments(spans, { maxBytes: 4096 });
    expectWithin(docs, 4096);
    expectEverySpanOnce(docs, parents);
    const all = flatten(parseValid(docs));
    // Annotations were never the problem: they all stayed.
    for (const { doc } of all.values()) expect(doc.annotations).toEqual({ model_name: 'fraud' });
  });

  it('trims cause stacks before it splits a trace', () => {
    const { tracer, processor } = createTracing();
    const span = tracer.startSpan('predict', {}, lambdaContext());
    const frames = Array.from(
      { length: 50 },
      (_, i) => `    at frame${i} (/var/task/model/${'deep/'.repeat(20)}f${i}.js:${i + 1}:7)`,
    );
    span.addEvent('exception', {
      'exception.type': 'RangeError',
      'exception.message': 'out of memory',
      'exception.stacktrace': ['RangeError: out of memory', ...frames].join('\n'),
    });
    span.setStatus({ code: SpanStatusCode.ERROR });
    tracer.startSpan('child', {}, trace.setSpan(lambdaContext(), span)).end();
    span.end();
    const spansTaken = processor.takeAll();
    const full = Buffer.byteLength(toSegmentDocuments(spansTaken)[0] ?? '');
    const docs = toSegmentDocuments(spansTaken, { maxBytes: full - 1000 });
    expect(docs).toHaveLength(1);
    const [exception] = parseValid(docs)[0]?.cause?.exceptions ?? [];
    expect(exception?.stack?.map((f) => f.label)).toEqual([
      'frame0',
      'frame1',
      'frame2',
      'frame3',
      'frame4',
    ]);
    expect(exception?.truncated).toBe(45);
  });

  it('truncates the strings of a span that cannot fit otherwise, with a marker', () => {
    const { tracer, processor } = createTracing();
    const span = tracer.startSpan('predict', {}, lambdaContext());
    span.recordException({ name: 'Error', message: 'x'.repeat(200_000) });
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    const docs = toSegmentDocuments(processor.takeAll());
    expect(docs).toHaveLength(1);
    expectWithin(docs, DEFAULT_MAX_SEGMENT_BYTES);
    const message = parseValid(docs)[0]?.cause?.exceptions[0]?.message ?? '';
    expect(message.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(message.length).toBeLessThanOrEqual(1024);
  });

  it('still sends a span when the limit is below its bare identity', () => {
    const { tracer, processor } = createTracing();
    const span = tracer.startSpan(
      'predict',
      { attributes: { [ATTR.ModelName]: 'fraud' } },
      lambdaContext(),
    );
    span.end();
    const [doc, ...rest] = parseValid(toSegmentDocuments(processor.takeAll(), { maxBytes: 50 }));
    expect(rest).toEqual([]);
    expect(doc).toMatchObject({ id: span.spanContext().spanId, name: 'predict' });
  });
});

describe('datagram size', () => {
  /** The daemon header and a document share one UDP payload: 65,507 bytes over IPv4. */
  /** Fixed times, so the same spans always serialize to the same number of bytes. */
  const START_MS = 1_700_000_000_000;

  /** An invocation span with `count` stage children, its own annotation `note`. */
  function stages(count: number, note = '') {
    const { tracer, processor } = createTracing({ maxSpans: 10_000 });
    const root = tracer.startSpan(
      'inference fraud',
      {
        startTime: START_MS,
        attributes: { note, [XRAY_ANNOTATIONS_ATTR]: ['note'] },
      },
      lambdaContext('5759e988bd862e3fe1be46a994272793'),
    );
    const inside = trace.setSpan(lambdaContext(), root);
    const parents = new Map([[root.spanContext().spanId, LAMBDA_SEGMENT_ID]]);
    for (let i = 0; i < count; i++) {
      const span = tracer.startSpan(
        `stage ${String(i).padStart(4, '0')}`,
        {
          startTime: START_MS,
          attributes: { step: 's'.repeat(150), [XRAY_ANNOTATIONS_ATTR]: ['step'] },
        },
        inside,
      );
      parents.set(span.spanContext().spanId, root.spanContext().spanId);
      span.end(START_MS + 1);
    }
    root.end(START_MS + 2);
    return { spans: processor.takeAll(), parents };
  }
  const bytes = (doc: string | undefined) => Buffer.byteLength(doc ?? '');
  const whole = (spans: ReturnType<typeof stages>['spans']) =>
    bytes(toSegmentDocuments(spans, { maxBytes: Number.POSITIVE_INFINITY })[0]);

  it('keeps every document of a 1,000-stage trace within one datagram with the daemon header', () => {
    // Padded so that filled up to 64 KiB minus the header, the document holding
    // the invocation span comes out at 65,490 bytes: more than UDP carries.
    const first = bytes(toSegmentDocuments(stages(1000).spans, { maxBytes: 65_503 })[0]);
    const { spans, parents } = stages(1000, 'r'.repeat(65_490 - first));
    expect(bytes(toSegmentDocuments(spans, { maxBytes: 65_503 })[0])).toBe(65_490);
    const docs = toSegmentDocuments(spans);
    for (const doc of docs)
      expect(bytes(XRAY_DAEMON_HEADER + doc)).toBeLessThanOrEqual(MAX_UDP_PAYLOAD_BYTES);
    expectEverySpanOnce(docs, parents);
  });

  it.each(DOCUMENT_SIZE_EDGES)(
    'fits a trace whose whole document would be %i bytes, in multi-byte UTF-8 too',
    (size) => {
      const perStage = whole(stages(2).spans) - whole(stages(1).spans);
      const count = Math.floor((size - 700 - whole(stages(0).spans)) / perStage);
      const missing = size - whole(stages(count).spans);
      for (const char of ['r', 'é', '€', '😀']) {
        const wide = Buffer.byteLength(char);
        // Annotation values keep 1,000 UTF-16 units: at most ~900 bytes are missing.
        const note = char.repeat(Math.floor(missing / wide)) + 'r'.repeat(missing % wide);
        const { spans, parents } = stages(count, note);
        expect(whole(spans)).toBe(size);
        const docs = toSegmentDocuments(spans);
        expect(docs.length === 1).toBe(size <= MAX_DOCUMENT);
        for (const doc of docs) expect(bytes(doc)).toBeLessThanOrEqual(MAX_DOCUMENT);
        expectEverySpanOnce(docs, parents);
      }
    },
  );
});

describe('unusual input', () => {
  it('never throws on huge or odd attribute values', () => {
    const { tracer, processor } = createTracing();
    const span = tracer.startSpan('predict', {}, lambdaContext());
    span.setAttributes({
      huge: 'h'.repeat(1_000_000),
      many: Array.from({ length: 100_000 }, (_, i) => `item ${i}`),
      holes: [null, 'a', undefined] as string[],
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      [ATTR.Prediction]: 'p'.repeat(5000),
      [ATTR.Confidence]: Number.NaN,
    });
    span.end();
    const docs = toSegmentDocuments(processor.takeAll());
    expectWithin(docs, DEFAULT_MAX_SEGMENT_BYTES);
    const [doc] = parseValid(docs);
    expect(doc?.annotations?.prediction).toHaveLength(1000);
    expect(String(doc?.annotations?.prediction).endsWith(TRUNCATION_MARKER)).toBe(true);
  });

  it('serializes values the SDK would never produce instead of throwing', () => {
    const { tracer, processor } = createTracing();
    tracer.startSpan('predict', {}, lambdaContext()).end();
    const [real] = processor.takeAll();
    const odd = Object.create(null) as object;
    const attributes = {
      big: 10n,
      odd,
      list: [1n, odd, Number.NaN],
      [ATTR.ModelName]: ['not', 'a', 'scalar'],
    };
    const span = {
      ...real,
      spanContext: () => real?.spanContext(),
      attributes,
    } as unknown as ReadableSpan;
    const [doc] = parseValid(toSegmentDocuments([span]));
    expect(doc?.metadata?.[XRAY_METADATA_NAMESPACE]).toEqual({
      big: '10',
      odd: '[object Object]',
      list: ['1', '[object Object]', 'NaN'],
      [ATTR.ModelName]: ['not', 'a', 'scalar'],
    });
  });

  it('sends spans on a parent cycle rather than losing them', () => {
    const { tracer, processor } = createTracing();
    tracer.startSpan('a', {}, lambdaContext()).end();
    tracer.startSpan('b', {}, lambdaContext()).end();
    const [a, b] = processor.takeAll() as [ReadableSpan, ReadableSpan];
    const pointing = (span: ReadableSpan, parent: ReadableSpan) =>
      ({
        ...span,
        spanContext: () => span.spanContext(),
        parentSpanContext: parent.spanContext(),
      }) as ReadableSpan;
    const docs = parseValid(toSegmentDocuments([pointing(a, b), pointing(b, a)]));
    expect([...flatten(docs).keys()].sort()).toEqual(
      [a.spanContext().spanId, b.spanContext().spanId].sort(),
    );
  });
});
