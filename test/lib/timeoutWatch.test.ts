import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TimeoutWatch } from '../../lib/timeoutWatch.js';

/** Real timers: the watch's one timer is what is under test. */
function fired(): {
  readonly at: Map<string, number>;
  readonly on: (name: string) => () => void;
  /** Resolves once `count` callbacks have run: no fixed sleep to race on a loaded machine. */
  readonly until: (count: number) => Promise<void>;
} {
  const at = new Map<string, number>();
  const waiters: Array<() => void> = [];
  return {
    at,
    on: (name) => () => {
      at.set(name, performance.now());
      for (const wake of waiters.splice(0)) wake();
    },
    until: async (count) => {
      while (at.size < count) await new Promise<void>((wake) => waiters.push(wake));
    },
  };
}

describe('TimeoutWatch', () => {
  it('calls back at the deadline, not before, and not after unwatch', async () => {
    const watch = new TimeoutWatch<string>();
    const { at, on, until } = fired();
    const start = performance.now();
    watch.watch('a', start + 30, on('a'), undefined);
    watch.watch('b', start + 30, on('b'), undefined);
    watch.unwatch('b');
    await sleep(10);
    expect(at.size).toBe(0);
    await until(1);
    await sleep(30);
    expect([...at.keys()]).toEqual(['a']);
    // Node fires by its loop's ms clock: at most 1 ms early.
    expect(at.get('a')! - start).toBeGreaterThanOrEqual(29);
  });

  it('calls one shared callback with each item and its own detail', async () => {
    const watch = new TimeoutWatch<{ name: string }, number>();
    const calls: Array<[string, number]> = [];
    const onTimeout = (item: { name: string }, marginMs: number) => {
      calls.push([item.name, marginMs]);
    };
    const start = performance.now();
    watch.watch({ name: 'a' }, start + 20, onTimeout, 500);
    watch.watch({ name: 'b' }, start + 20, onTimeout, 250);
    await expect.poll(() => calls.length, { timeout: 2000 }).toBe(2);
    expect(calls).toEqual([
      ['a', 500],
      ['b', 250],
    ]);
  });

  it('serves deadlines in order with one timer, re-armed for the next one due', async () => {
    const watch = new TimeoutWatch<string>();
    const { at, on, until } = fired();
    const start = performance.now();
    watch.watch('late', start + 60, on('late'), undefined);
    // An earlier deadline than the armed one re-arms the timer for it.
    watch.watch('early', start + 20, on('early'), undefined);
    watch.watch('middle', start + 40, on('middle'), undefined);
    await until(3);
    expect([...at.keys()]).toEqual(['early', 'middle', 'late']);
    expect(at.get('early')! - start).toBeGreaterThanOrEqual(19);
    expect(at.get('middle')! - start).toBeGreaterThanOrEqual(39);
    expect(at.get('late')! - start).toBeGreaterThanOrEqual(59);
  });

  it('keeps watching an item whose deadline is later than the timer it finds armed', async () => {
    const watch = new TimeoutWatch<string>();
    const { at, on, until } = fired();
    const start = performance.now();
    // The first invocation ends early; the second's deadline comes after the armed timer's.
    watch.watch('first', start + 20, on('first'), undefined);
    watch.unwatch('first');
    watch.watch('second', start + 50, on('second'), undefined);
    await until(1);
    expect([...at.keys()]).toEqual(['second']);
    expect(at.get('second')! - start).toBeGreaterThanOrEqual(49);
  });

  it('never holds the process open', () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const watch = new TimeoutWatch<string>();
    watch.watch('a', performance.now() + 60_000, () => {}, undefined);
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    watch.unwatch('a');
    expect(after).toBe(before);
  });
});
