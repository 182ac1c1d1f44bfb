import { describe, expect, it } from 'vitest';
import { describeError } from '../../lib/errors.js';
import { boundText, boundValue } from '../../lib/fieldBounds.js';

describe('boundText', () => {
  it('leaves a text within the limit as it is', () => {
    expect(boundText('short', 10)).toBe('short');
  });

  it('cuts a longer text to the limit, saying how long it was', () => {
    const cut = boundText('x'.repeat(5000), 100);
    expect(cut).toHaveLength(100);
    expect(cut).toMatch(/^x+\.\.\.\[truncated from 5000 chars\]$/);
  });

  it('never leaves half a surrogate pair', () => {
    const cut = boundText('😀'.repeat(100), 40);
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('boundValue', () => {
  it('makes a bigint a decimal string and copies an object as plain JSON', () => {
    const loop: Record<string, unknown> = { a: 1n };
    loop.self = loop;
    expect(boundValue(10n, 100)).toBe('10');
    expect(boundValue(loop, 100)).toEqual({ a: '1' });
  });

  it('turns an object longer than the limit into a preview with its length', () => {
    const value = boundValue({ rows: 'r'.repeat(1000) }, 100) as Record<string, unknown>;
    expect(value).toMatchObject({ truncated: true, length: 1011 });
    expect((value.preview as string).length).toBe(100);
  });

  it('marks a value that cannot be serialized instead of throwing', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(boundValue(proxy, 100)).toBe('[unserializable: TypeError]');
    const throwing = {
      toJSON() {
        throw new Error('toJSON');
      },
    };
    expect(boundValue(throwing, 100)).toBe('[unserializable: Error]');
  });

  it('leaves out what JSON leaves out', () => {
    expect(boundValue(Symbol('s'), 100)).toBeUndefined();
    expect(boundValue(() => 1, 100)).toBeUndefined();
  });
});

describe('describeError', () => {
  it.each([
    [undefined, 'undefined'],
    [null, 'null'],
    ['', "''"],
    ['boom', 'boom'],
    [0, '0'],
    [12n, '12n'],
    [Symbol('s'), 'Symbol(s)'],
    [{ code: 1 }, '{"code":1}'],
    [Object.assign(Object.create(null), { code: 1 }), '{"code":1}'],
  ])('names the non-Error %s readably', (thrown, message) => {
    expect(describeError(thrown)).toEqual({ name: 'NonError', message });
  });

  it('describes an object every operation of which throws', () => {
    const fail = () => {
      throw new Error('trap');
    };
    const proxy = new Proxy({}, { get: fail, getPrototypeOf: fail, ownKeys: fail });
    expect(describeError(proxy)).toEqual({ name: 'NonError', message: expect.any(String) });
  });

  it('describes an Error whose getters throw by what it can read', () => {
    const error = new Error('kept');
    Object.defineProperty(error, 'name', {
      get() {
        throw new Error('name');
      },
    });
    expect(describeError(error)).toMatchObject({ name: 'Error', message: 'kept' });
  });

  it('bounds the message and the stack', () => {
    const error = new Error('m'.repeat(1_000_000));
    const { message, stack } = describeError(error);
    expect(message.length).toBeLessThan(10_000);
    expect(stack!.length).toBeLessThan(20_000);
  });
});
