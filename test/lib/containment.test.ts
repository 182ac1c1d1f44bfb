import { describe, expect, it } from 'vitest';
import { Containment } from '../../lib/containment.js';

describe('Containment', () => {
  it('counts every failure and writes the first of each area once', () => {
    const lines: string[] = [];
    const containment = new Containment((line) => lines.push(line));
    containment.report('trace export', new Error('EMSGSIZE'));
    containment.report('trace export', new Error('again'));
    expect(containment.take()).toBe(2);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'WARN',
      message: expect.stringContaining('trace export failed'),
      error: { name: 'Error', message: 'EMSGSIZE' },
    });
  });

  it('still reports a failure whose value traps every operation (a hostile Proxy)', () => {
    const lines: string[] = [];
    const containment = new Containment((line) => lines.push(line));
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        getPrototypeOf: () => {
          throw new Error('trap');
        },
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    containment.report('predictions', hostile);
    expect(containment.take()).toBe(1);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).error.name).toBe('NonError');
  });
});
