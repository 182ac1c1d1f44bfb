import {
  type Context,
  context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  ParentBasedSampler,
  type ReadableSpan,
  type SpanLimits as SdkSpanLimits,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import {
  OwnTracerProvider,
  randomSpanId,
  type Sampling,
  spanLimitsFrom,
  xrayTraceId,
} from '../../../lib/tracing/ownTracer.js';
import { XRaySpanProcessor } from '../../../lib/tracing/xrayProcessor.js';
import { toSegmentDocuments } from '../../../lib/tracing/xraySegments.js';
import { createTracing, lambdaContext } from './spans.js';

// The oracle is the OpenTelemetry trace SDK itself: each scenario runs the
// same calls through BasicTracerProvider and through ours, and what the two
// hand their processors must read the same (ids and clock readings aside).

const resource = resourceFromAttributes({ 'service.name': 'oracle' });
const SDK_SAMPLER: Record<Sampling, () => ParentBasedSampler | AlwaysOffSampler> = {
  parentOrOn: () => new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  parentOrOff: () => new ParentBasedSampler({ root: new AlwaysOffSampler() }),
  off: () => new AlwaysOffSampler(),
};

interface Pair {
  sdk: Tracer;
  own: Tracer;
  ended: () => { sdk: ReadableSpan[]; own: ReadableSpan[] };
}

function pair(sampling: Sampling = 'parentOrOn', env: NodeJS.ProcessEnv = {}): Pair {
  const exporter = new InMemorySpanExporter();
  const limits = spanLimitsFrom(env);
  const sdkLimits: SdkSpanLimits = { ...limits };
  const sdk = new BasicTracerProvider({
    resource,
    sampler: SDK_SAMPLER[sampling](),
    spanLimits: sdkLimits,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const own: ReadableSpan[] = [];
  const processor = {
    onStart: () => {},
    onEnd: (span: ReadableSpan) => own.push(span),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const ours = new OwnTracerProvider({ processor, resource, sampling, limits });
  return {
    sdk: sdk.getTracer('oracle', '1.2.3'),
    own: ours.getTracer('oracle', '1.2.3'),
    ended: () => ({ sdk: exporter.getFinishedSpans(), own }),
  };
}

/** What a processor reads of a span, with generated ids and clock readings left out. */
function view(span: ReadableSpan, parentIds: Map<string, string>) {
  const parent = span.parentSpanContext;
  return {
    name: span.name,
    kind: span.kind,
    traceFlags: span.spanContext().traceFlags,
    parent: parent ? (parentIds.get(parent.spanId) ?? parent.spanId) : undefined,
    attributes: span.attributes,
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map((e) => ({
      name: e.name,
      attributes: e.attributes,
      droppedAttributesCount: e.droppedAttributesCount ?? 0,
    })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links,
    droppedLinksCount: span.droppedLinksCount,
    status: span.status,
    ended: span.ended,
    scope: span.instrumentationScope,
    resource: span.resource.attributes,
  };
}

/** Run `script` through both tracers and expect the same ended spans. */
function expectSame(
  script: (tracer: Tracer) => void,
  sampling: Sampling = 'parentOrOn',
  env: NodeJS.ProcessEnv = {},
) {
  const both = pair(sampling, env);
  script(both.sdk);
  script(both.own);
  const { sdk, own } = both.ended();
  // Local parents get fresh ids in each run: name them by span name instead.
  const names = (spans: ReadableSpan[]) =>
    new Map(spans.map((s) => [s.spanContext().spanId, `local:${s.name}`]));
  const ownViews = own.map((s) => view(s, names(own)));
  expect(ownViews).toEqual(sdk.map((s) => view(s, names(sdk))));
  return own;
}

const remote = (sampled: boolean): Context =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: xrayTraceId(),
    spanId: '53995c3f42cd8ad8',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });

// Registers the async-local-storage context manager, so startActiveSpan nests.
createTracing();

describe('our tracer provider against the OpenTelemetry SDK', () => {
  it('records attributes as the SDK does: invalid keys and values refused, arrays homogeneous, undefined and null ignored', () => {
    expectSame((tracer) => {
      const span = tracer.startSpan('attrs', {
        kind: SpanKind.SERVER,
        attributes: { a: 1, b: 'x', c: [1, 2, null], bad: [1, 'x'] as never },
      });
      span.setAttribute('d', true);
      span.setAttribute('', 'empty key');
      span.setAttribute('obj', { no: 1 } as never);
      span.setAttribute('u', undefined as never);
      span.setAttribute('n', null as never);
      span.setAttributes({ e: ['p', 'q'], f: [] as string[] });
      span.setAttribute('a', 2);
      span.end();
    });
  });

  it('applies the OTEL_* span limits the same way', () => {
    const env = {
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '3',
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '4',
      OTEL_SPAN_EVENT_COUNT_LIMIT: '2',
      OTEL_SPAN_LINK_COUNT_LIMIT: '1',
      OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: '1',
    };
    expectSame(
      (tracer) => {
        const link = (n: number): Link => ({
          context: {
            traceId: '5759e988bd862e3fe1be46a994272793',
            spanId: `000000000000000${n}`,
            traceFlags: 1,
          },
          attributes: { n, m: 'long value' },
        });
        const span = tracer.startSpan('limits', { links: [link(1), link(2)] });
        for (const key of ['a', 'b', 'c', 'd', 'e']) span.setAttribute(key, `${key}-value-long`);
        span.setAttribute('a', ['abcdefgh', 'xy']);
        span.addEvent('one', { k: 'vvvvvvv', l: 2 });
        span.addEvent('two');
        span.addEvent('three', { z: 1 });
        span.addLink(link(3));
        span.end();
      },
      'parentOrOn',
      env,
    );
  });

  it('follows the SDK status rules: UNSET ignored, OK final, a message only with ERROR', () => {
    expectSame((tracer) => {
      const a = tracer.startSpan('a');
      a.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
      a.setStatus({ code: SpanStatusCode.UNSET });
      a.end();
      const b = tracer.startSpan('b');
      b.setStatus({ code: SpanStatusCode.OK, message: 'dropped' });
      b.setStatus({ code: SpanStatusCode.ERROR, message: 'too late' });
      b.end();
      const c = tracer.startSpan('c');
      c.setStatus({ code: SpanStatusCode.ERROR, message: 42 as never });
      c.end();
    });
  });

  it('records exceptions, names and events as the SDK does, and nothing after the end', () => {
    const error = new TypeError('bad input');
    expectSame((tracer) => {
      const span = tracer.startSpan('ex');
      span.recordException(error);
      span.recordException('a string');
      span.recordException({ code: 'ECONNRESET', message: 'reset' });
      span.recordException({} as never);
      span.updateName('renamed');
      span.addEvent('at', 1_700_000_000_000);
      span.end();
      span.setAttribute('late', 1);
      span.addEvent('late');
      span.updateName('late');
      span.end();
    });
  });

  it('samples as the parent-based and always-off samplers do, under remote and local parents', () => {
    for (const sampling of ['parentOrOn', 'parentOrOff', 'off'] as const) {
      const spans = expectSame((tracer) => {
        tracer.startSpan('root').end();
        tracer.startSpan('under sampled', {}, remote(true)).end();
        tracer.startSpan('under unsampled', {}, remote(false)).end();
        tracer.startSpan('root option', { root: true }, remote(true)).end();
        tracer.startActiveSpan('outer', (outer: Span) => {
          tracer.startSpan('inner').end();
          outer.end();
        });
      }, sampling);
      expect(spans.length, sampling).toBe({ parentOrOn: 5, parentOrOff: 1, off: 0 }[sampling]);
    }
  });

  it('keeps the trace, trace state and parent of a valid parent, and makes X-Ray ids', () => {
    const parent = remote(true);
    const parentContext = trace.getSpanContext(parent)!;
    const { own } = pair();
    const span = own.startSpan('child', {}, parent);
    const ctx = span.spanContext();
    expect(ctx.traceId).toBe(parentContext.traceId);
    expect(ctx.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(ctx.spanId).not.toBe(parentContext.spanId);
    expect((span as unknown as ReadableSpan).parentSpanContext).toEqual(parentContext);
    const root = own.startSpan('root').spanContext();
    expect(root.traceId.slice(0, 8)).toBe(Math.floor(Date.now() / 1000).toString(16));
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(Array.from({ length: 1000 }, randomSpanId)).size).toBe(1000);
  });

  it('does not record under suppressed tracing (what exporters wrap their own calls in)', () => {
    const suppressed = ROOT_CONTEXT.setValue(
      Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING'),
      true,
    );
    const { own, ended } = pair();
    const span = own.startSpan('quiet', {}, suppressed);
    span.end();
    expect(span.isRecording()).toBe(false);
    expect(ended().own).toHaveLength(0);
  });

  it('reads time inputs as the SDK does: epoch ms, Date, HrTime and performance timestamps', () => {
    const { own, sdk, ended } = pair();
    const start = 1_700_000_000_123.456;
    for (const tracer of [sdk, own]) {
      tracer.startSpan('epoch', { startTime: start }).end(start + 250);
      tracer.startSpan('date', { startTime: new Date(start) }).end(new Date(start + 5));
      tracer.startSpan('hr', { startTime: [1_700_000_000, 5] }).end([1_700_000_001, 0]);
      tracer.startSpan('backwards', { startTime: start }).end(start - 1000);
    }
    const times = (spans: ReadableSpan[]) =>
      spans.map((s) => [s.name, s.startTime, s.endTime, s.duration]);
    const { sdk: sdkSpans, own: ownSpans } = ended();
    expect(times(ownSpans)).toEqual(times(sdkSpans));
    // A span timed by its own clock: start and end within the call, duration consistent.
    const before = Date.now();
    const live = own.startSpan('live') as unknown as ReadableSpan & Span;
    const perfStamp = performance.now();
    live.addEvent('perf', perfStamp);
    live.end();
    const toMs = ([s, ns]: readonly [number, number]) => s * 1000 + ns / 1e6;
    expect(toMs(live.startTime)).toBeGreaterThanOrEqual(before - 1);
    expect(toMs(live.endTime)).toBeLessThanOrEqual(Date.now() + 1);
    expect(toMs(live.duration)).toBeCloseTo(toMs(live.endTime) - toMs(live.startTime), 3);
    expect(toMs(live.events[0]!.time)).toBeCloseTo(performance.timeOrigin + perfStamp, 0);
  });

  it('turns an invocation with stages into one X-Ray document, as the SDK spans did', () => {
    const { tracer, processor } = createTracing();
    const parent = lambdaContext();
    const invocation = tracer.startSpan('inference fraud', { kind: SpanKind.SERVER }, parent);
    context.with(trace.setSpan(parent, invocation), () => {
      tracer.startSpan('preprocess').end();
      tracer.startSpan('predict').end();
    });
    invocation.end();
    const traceId = invocation.spanContext().traceId;
    const docs = toSegmentDocuments(processor.takeTrace(traceId)).map(
      (d) => JSON.parse(d) as { subsegments?: Array<{ name: string }> },
    );
    expect(docs).toHaveLength(1);
    expect(docs[0]!.subsegments?.map((s) => s.name)).toEqual(['preprocess', 'predict']);
    expect(processor).toBeInstanceOf(XRaySpanProcessor);
  });
});
