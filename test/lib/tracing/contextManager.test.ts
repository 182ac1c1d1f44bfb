import {
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { describe, expect, it } from 'vitest';
import { AlsContextManager, ROOT } from '../../../lib/tracing/contextManager.js';

// Our root context stands in for the API's ROOT_CONTEXT wherever our code
// starts a context (its methods live on the prototype: see contextManager.ts
// for why). Whatever the API or a propagator does with one, it must do the
// same with the other.

const key = createContextKey('test key');
const other = createContextKey('other key');
const spanContext = {
  traceId: '5759e988bd862e3fe1be46a994272793',
  spanId: '53995c3f42cd8ad8',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
};

describe('our root context', () => {
  it('reads, sets and deletes values as ROOT_CONTEXT does, never changing a context in place', () => {
    for (const root of [ROOT_CONTEXT, ROOT]) {
      expect(root.getValue(key)).toBeUndefined();
      const one = root.setValue(key, 1);
      const two = one.setValue(other, 2).setValue(key, 3);
      const gone = two.deleteValue(key);
      expect([one.getValue(key), one.getValue(other)]).toEqual([1, undefined]);
      expect([two.getValue(key), two.getValue(other)]).toEqual([3, 2]);
      expect([gone.getValue(key), gone.getValue(other)]).toEqual([undefined, 2]);
      expect(root.getValue(key)).toBeUndefined();
    }
  });

  it('keeps every value, the latest of each key, however many are set and deleted in a row', () => {
    const keys = Array.from({ length: 40 }, (_, i) => createContextKey(`k${i}`));
    let ctx = ROOT;
    const snapshots: Array<[typeof ctx, number]> = [];
    for (let i = 0; i < 200; i++) {
      ctx = ctx.setValue(keys[i % 40]!, i);
      if (i % 50 === 0) snapshots.push([ctx, i]);
    }
    // Earlier contexts are untouched by what came after them.
    for (const [snapshot, i] of snapshots) expect(snapshot.getValue(keys[i % 40]!)).toBe(i);
    const replay = (root: typeof ROOT) => {
      let ctx = root;
      for (let i = 0; i < 200; i++) {
        ctx = ctx.setValue(keys[i % 40]!, i);
        if (i % 7 === 0) ctx = ctx.deleteValue(keys[(i + 3) % 40]!);
      }
      return keys.map((k) => ctx.getValue(k));
    };
    expect(replay(ROOT)).toEqual(replay(ROOT_CONTEXT));
  });

  it('carries spans and trace headers through the API and a propagator as ROOT_CONTEXT does', () => {
    const propagator = new AWSXRayPropagator();
    const headers = (root: typeof ROOT) => {
      const carrier: Record<string, string> = {};
      propagator.inject(trace.setSpanContext(root, spanContext), carrier, defaultTextMapSetter);
      return carrier;
    };
    expect(headers(ROOT)).toEqual(headers(ROOT_CONTEXT));
    const extracted = propagator.extract(ROOT, headers(ROOT), defaultTextMapGetter);
    expect(trace.getSpanContext(extracted)).toEqual(spanContext);
    expect(trace.getSpan(ROOT)).toBeUndefined();
  });

  it('is what our context manager gives outside any context', () => {
    const manager = new AlsContextManager().enable();
    expect(manager.active()).toBe(ROOT);
    const inside = ROOT.setValue(key, 'in');
    expect(manager.with(inside, () => manager.active().getValue(key))).toBe('in');
    manager.disable();
  });
});
