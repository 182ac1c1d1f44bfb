import { SpanStatusCode, trace } from '@opentelemetry/api';
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

  it('keeps every span of 650 overlapping traces: no trace loses spans to its neighbours', () => {
    const errors: Error[] = [];
    const { tracer, processor } = createTracing({ onError: (e) => errors.push(e) });
    const running = Array.from({ length: 650 }, () => {
      const parent = lambdaContext();
      const invocation = tracer.startSpan('inference fraud', {}, parent);
      const inside = trace.setSpan(parent, invocation);
      for (const name of ['preprocess', 'predict']) tracer.startSpan(name, {}, inside).end();
      return invocation;
    });
    for (const invocation of running) {
      invocation.end();
      const taken = processor.takeTrace(invocation.spanContext().traceId);
      expect(taken.map((s) => s.name)).toEqual(['preprocess', 'predict', 'inference fraud']);
    }
    expect(errors).toEqual([]);
    expect(processor.size).toBe(0);
  });

  it('bounds a runaway trace, keeps its invocation span and reports the drops once, counted', () => {
    const reports: Array<{ message: string; count: number }> = [];
    const { tracer, processor } = createTracing({
      maxTraceSpans: 100,
      onError: (e, count = 1) => reports.push({ message: e.message, count }),
    });
    const parent = lambdaContext();
    const invocation = tracer.startSpan('inference fraud', {}, parent);
    const inside = trace.setSpan(parent, invocation);
    for (let i = 0; i < 100_000; i++) tracer.startSpan(`step ${i}`, {}, inside).end();
    expect(processor.size).toBe(100);
    invocation.end();
    const taken = processor.takeTrace(invocation.spanContext().traceId);
    expect(taken).toHaveLength(101);
    expect(taken.at(-1)?.name).toBe('inference fraud');
    expect(taken[0]?.name).toBe('step 0');
    expect(reports).toHaveLength(1);
    expect(reports[0]?.count).toBe(100_000 - 100);
    expect(reports[0]?.message).toMatch(/dropped 99900 spans/);
  });

  it('bounds the spans of every trace together, dropping from the largest', () => {
    const reports: number[] = [];
    const { tracer, processor } = createTracing({
      maxSpans: 10,
      onError: (_e, count = 1) => reports.push(count),
    });
    const big = lambdaContext();
    for (let i = 0; i < 8; i++) tracer.startSpan(`big ${i}`, {}, big).end();
    const small = lambdaContext();
    const smallId = trace.getSpanContext(small)?.traceId ?? '';
    for (let i = 0; i < 4; i++) tracer.startSpan(`small ${i}`, {}, small).end();
    expect(processor.size).toBe(10);
    expect(processor.takeTrace(smallId).map((s) => s.name)).toEqual([
      'small 0',
      'small 1',
      'small 2',
      'small 3',
    ]);
    expect(reports).toEqual([2]);
  });

  it('sends a span that ends after its trace was taken with the next trace taken', () => {
    const { tracer, processor } = createTracing();
    const first = lambdaContext();
    const late = tracer.startSpan('background upload', {}, first);
    tracer.startSpan('inference fraud', {}, first).end();
    const firstId = late.spanContext().traceId;
    expect(processor.takeTrace(firstId).map((s) => s.name)).toEqual(['inference fraud']);
    late.end();
    const second = lambdaContext();
    tracer.startSpan('inference next', {}, second).end();
    const secondId = trace.getSpanContext(second)?.traceId ?? '';
    const taken = processor.takeTrace(secondId);
    expect(taken.map((s) => [s.name, s.spanContext().traceId])).toEqual([
      ['inference next', secondId],
      ['background upload', firstId],
    ]);
    expect(processor.size).toBe(0);
  });

  it('resolves forceFlush and shutdown, keeping buffered spans takeable', async () => {
    const { tracer, processor, provider } = createTracing();
    tracer.startSpan('a', {}, lambdaContext()).end();
    await expect(provider.forceFlush()).resolves.toBeUndefined();
    await expect(provider.shutdown()).resolves.toBeUndefined();
    expect(processor.takeAll()).toHaveLength(1);
  });
});
