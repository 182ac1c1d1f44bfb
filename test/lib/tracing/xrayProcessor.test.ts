import { SpanStatusCode } from '@opentelemetry/api';
import { type Sampler, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createTracing, lambdaContext } from './spans.js';

/** Records spans without sampling them (RECORD_ONLY): they must not reach X-Ray. */
const recordOnly: Sampler = {
  shouldSample: () => ({ decision: SamplingDecision.RECORD }),
  toString: () => 'RecordOnly',
};

describe('XRaySpanProcessor', () => {
  it('buffers ended spans per trace until the trace is taken', () => {
    const { tracer, processor } = createTracing();
    const first = lambdaContext();
    const second = lambdaContext();
    tracer.startSpan('a', {}, first).end();
    tracer.startSpan('b', {}, second).end();
    tracer.startSpan('c', {}, first).end();
    const running = tracer.startSpan('running', {}, first);
    const firstId = running.spanContext().traceId;
    expect(processor.size).toBe(3);
    expect(processor.takeTrace(firstId).map((s) => s.name)).toEqual(['a', 'c']);
    expect(processor.takeTrace(firstId)).toEqual([]);
    expect(processor.size).toBe(1);
    running.end();
  });

  it('keeps a span that ends after its trace was taken for the next take', () => {
    const { tracer, processor } = createTracing();
    const parent = lambdaContext();
    const late = tracer.startSpan('background upload', {}, parent);
    tracer.startSpan('inference fraud', {}, parent).end();
    const traceId = late.spanContext().traceId;
    expect(processor.takeTrace(traceId).map((s) => s.name)).toEqual(['inference fraud']);
    late.setStatus({ code: SpanStatusCode.OK });
    late.end();
    expect(processor.takeTrace(traceId).map((s) => s.name)).toEqual(['background upload']);
  });

  it('takes every trace with takeAll', () => {
    const { tracer, processor } = createTracing();
    tracer.startSpan('a', {}, lambdaContext()).end();
    tracer.startSpan('b', {}, lambdaContext()).end();
    expect(
      processor
        .takeAll()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(processor.size).toBe(0);
    expect(processor.takeAll()).toEqual([]);
  });

  it('ignores spans that are recorded but not sampled', () => {
    const { tracer, processor } = createTracing({ sampler: recordOnly });
    const span = tracer.startSpan('unsampled');
    expect(span.isRecording()).toBe(true);
    span.end();
    expect(processor.size).toBe(0);
  });

  it('drops the oldest span when full and reports each drop', () => {
    const errors: Error[] = [];
    const { tracer, processor } = createTracing({ maxSpans: 3, onError: (e) => errors.push(e) });
    const orphaned = lambdaContext();
    tracer.startSpan('old 1', {}, orphaned).end();
    tracer.startSpan('old 2', {}, orphaned).end();
    const current = lambdaContext();
    for (const name of ['new 1', 'new 2']) tracer.startSpan(name, {}, current).end();
    expect(processor.size).toBe(3);
    expect(processor.takeAll().map((s) => s.name)).toEqual(['old 2', 'new 1', 'new 2']);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/span buffer full \(3 spans\): dropped span old 1/);
  });

  it('resolves forceFlush and shutdown, keeping buffered spans takeable', async () => {
    const { tracer, processor, provider } = createTracing();
    tracer.startSpan('a', {}, lambdaContext()).end();
    await expect(provider.forceFlush()).resolves.toBeUndefined();
    await expect(provider.shutdown()).resolves.toBeUndefined();
    expect(processor.takeAll()).toHaveLength(1);
  });
});
