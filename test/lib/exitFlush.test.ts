import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Containment } from '../../lib/containment.js';
import { flushOnExit, type Unsent } from '../../lib/exitFlush.js';

/** A process stand-in: emit('beforeExit') as Node does when the event loop empties. */
function setup(initial: Unsent, flush: (left: { value: Unsent }) => Promise<void>) {
  const events = new EventEmitter();
  const lines: string[] = [];
  const containment = new Containment((line) => lines.push(line));
  const left = { value: initial };
  let flushes = 0;
  flushOnExit(
    {
      containment,
      unsent: () => left.value,
      flush: () => {
        flushes++;
        return flush(left);
      },
    },
    events,
  );
  /** Emit beforeExit and let the flush it started finish, as the event loop would. */
  const beforeExit = async () => {
    events.emit('beforeExit');
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { events, lines, left, containment, beforeExit, flushes: () => flushes };
}

const none = { metrics: 0, logs: 0, traces: 0 };

describe('flushOnExit', () => {
  it('flushes once what is unsent, and not again when beforeExit fires with nothing left', async () => {
    const p = setup({ metrics: 3, logs: 0, traces: 1 }, async (left) => {
      left.value = none;
    });
    await p.beforeExit();
    await p.beforeExit();
    await p.beforeExit();
    expect(p.flushes()).toBe(1);
    p.events.emit('exit');
    expect(p.lines).toEqual([]);
  });

  it('does nothing when nothing was buffered', async () => {
    const p = setup(none, async () => undefined);
    await p.beforeExit();
    p.events.emit('exit');
    expect(p.flushes()).toBe(0);
    expect(p.lines).toEqual([]);
  });

  it('flushes again only when more was buffered after a flush', async () => {
    const p = setup({ metrics: 2, logs: 0, traces: 0 }, async (left) => {
      left.value = none;
    });
    await p.beforeExit();
    p.left.value = { metrics: 1, logs: 0, traces: 1 };
    await p.beforeExit();
    expect(p.flushes()).toBe(2);
  });

  it('does not retry a flush that sent nothing, and warns at exit with what was lost', async () => {
    const p = setup({ metrics: 5, logs: 0, traces: 1 }, async () => undefined);
    await p.beforeExit();
    await p.beforeExit();
    expect(p.flushes()).toBe(1);
    p.events.emit('exit');
    expect(p.lines.map((l) => JSON.parse(l))).toEqual([
      {
        level: 'WARN',
        message:
          'observed-inference: the process exited with 5 metric datums and 1 trace record unsent, now lost; call `await flush()` before process.exit()',
        timestamp: expect.any(String),
      },
    ]);
  });

  it('names each signal it lost at exit, logs included', async () => {
    const p = setup({ metrics: 1, logs: 2, traces: 3 }, async () => undefined);
    p.events.emit('exit');
    expect(JSON.parse(p.lines[0] ?? '{}').message).toBe(
      'observed-inference: the process exited with 1 metric datum, 2 log records and 3 trace records unsent, now lost; call `await flush()` before process.exit()',
    );
  });

  it('reports a failing flush or count through containment and never throws', async () => {
    const p = setup({ metrics: 1, logs: 0, traces: 0 }, async () => {
      throw new Error('network down');
    });
    await p.beforeExit();
    expect(p.containment.total).toBe(1);
    expect(p.lines[0]).toContain('flush at exit failed');

    const events = new EventEmitter();
    const containment = new Containment(() => undefined);
    flushOnExit(
      {
        containment,
        unsent: () => {
          throw new Error('broken counter');
        },
        flush: async () => undefined,
      },
      events,
    );
    expect(() => events.emit('beforeExit')).not.toThrow();
    expect(() => events.emit('exit')).not.toThrow();
    expect(containment.total).toBe(2);
  });
});
