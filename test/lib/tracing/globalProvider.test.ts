import { context, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { Containment } from '../../../lib/containment.js';
import { AlsContextManager } from '../../../lib/tracing/contextManager.js';
import {
  globalProviderExporter,
  globalTracer,
  markOwn,
  registerUnlessForeign,
} from '../../../lib/tracing/globalProvider.js';

/** A provider as a user registers it: batching, so only a flush sends before the batch delay (30 s here). */
function usersProvider() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 30_000 })],
  });
  return { exporter, provider };
}

afterEach(() => {
  trace.disable();
  context.disable();
});

describe('registerUnlessForeign', () => {
  it('registers ours when none is, and then finds no foreign one', () => {
    expect(registerUnlessForeign(new BasicTracerProvider())).toBe(false);
    expect(registerUnlessForeign(new BasicTracerProvider())).toBe(false);
  });

  it("takes another copy's marked provider for ours (ESM beside CommonJS), a user's for foreign", () => {
    trace.setGlobalTracerProvider(markOwn(new BasicTracerProvider()));
    expect(registerUnlessForeign(new BasicTracerProvider())).toBe(false);
    trace.disable();
    trace.setGlobalTracerProvider(usersProvider().provider);
    expect(registerUnlessForeign(new BasicTracerProvider())).toBe(true);
  });
});

describe('globalTracer', () => {
  it('starts spans with whatever provider is registered when each starts, even one registered later', async () => {
    const tracer = globalTracer('observed-inference');
    expect(tracer.startSpan('before').isRecording()).toBe(false);
    const { exporter, provider } = usersProvider();
    trace.setGlobalTracerProvider(provider);
    tracer.startSpan('after').end();
    tracer.startActiveSpan('active', (span) => span.end());
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.name, s.instrumentationScope.name])).toEqual([
      ['after', 'observed-inference'],
      ['active', 'observed-inference'],
    ]);
  });
});

describe('globalProviderExporter', () => {
  it("flushes the user's provider at the invocation's end, unless a span is open around it", async () => {
    const manager = new AlsContextManager().enable();
    context.setGlobalContextManager(manager);
    const { exporter, provider } = usersProvider();
    trace.setGlobalTracerProvider(provider);
    const containment = new Containment(() => undefined);
    const traces = globalProviderExporter(containment, () => context.active());
    const tracer = trace.getTracer('test');

    // A wrapper's invocation span is open: the wrapper flushes after us.
    const wrapper = tracer.startSpan('wrapper');
    await context.with(trace.setSpan(context.active(), wrapper), async () => {
      tracer.startSpan('inside').end();
      await traces.exportTrace('0'.repeat(32));
    });
    expect(exporter.getFinishedSpans()).toEqual([]);

    // Nothing around the invocation: ours is the last chance before a freeze.
    await traces.exportTrace('0'.repeat(32));
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['inside']);
    expect(containment.total).toBe(0);
  });
});
