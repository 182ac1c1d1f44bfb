import { describe, expect, it } from 'vitest';
import { LOADED_AT_MS } from '../../lib/clock.js';
import { resolveConfig } from '../../lib/config.js';
import { Lifecycle, PROACTIVE_INIT_GAP_MS } from '../../lib/lifecycle.js';

const onDemand = resolveConfig({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' }).config;

describe('Lifecycle', () => {
  it('makes only the first invocation of an on-demand environment a cold start', () => {
    const life = new Lifecycle();
    const first = life.begin(onDemand, LOADED_AT_MS + 120);
    expect(first).toEqual({ type: 'on-demand', coldStart: true, first: true, initDurationMs: 120 });
    expect(life.begin(onDemand, LOADED_AT_MS + 500)).toMatchObject({
      type: 'warm',
      coldStart: false,
      first: false,
    });
  });

  it('treats a long gap between init and the first invocation as proactive initialization', () => {
    const first = new Lifecycle().begin(onDemand, LOADED_AT_MS + PROACTIVE_INIT_GAP_MS + 1);
    expect(first).toMatchObject({
      type: 'proactive-initialization',
      coldStart: false,
      first: true,
    });
  });

  it('counts loads per model name, so a new version is a reload', () => {
    const life = new Lifecycle();
    expect(life.countLoad({ name: 'a', version: '1' })).toBe(1);
    expect(life.countLoad({ name: 'a', version: '2' })).toBe(2);
    expect(life.countLoad({ name: 'b', version: '1' })).toBe(1);
  });

  it('keeps pending loads bounded', () => {
    const life = new Lifecycle();
    const load = { model: { name: 'a', version: '1' }, startMs: 0, endMs: 1, loadNumber: 1 };
    for (let i = 0; i < 1000; i++) life.addLoad(load);
    expect(life.takePendingLoads()).toHaveLength(100);
    expect(life.takePendingLoads()).toHaveLength(0);
  });
});
