import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, inputHash, MAX_LOGGED_PAYLOAD_CHARS, redact } from '../../lib/payload.js';
import { normaliseKey } from '../../lib/redactKeys.js';

describe('canonicalJson and inputHash', () => {
  it('sorts keys at every level so key order does not change the hash', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
    expect(inputHash({ x: 1, y: { b: 2, a: 1 } })).toBe(inputHash({ y: { a: 1, b: 2 }, x: 1 }));
  });

  it('is the SHA-256 hex of the canonical JSON', () => {
    const expected = createHash('sha256').update('{"amount":12.5,"country":"FR"}').digest('hex');
    expect(inputHash({ country: 'FR', amount: 12.5 })).toBe(expected);
  });

  it('matches JSON.stringify for plain data', () => {
    const value = {
      s: 'é"\n',
      n: -1.5e-7,
      t: true,
      f: false,
      z: null,
      arr: [1, 'two', null],
      nested: { k: [] },
    };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
    expect(canonicalJson([undefined, () => 1])).toBe(JSON.stringify([undefined, () => 1]));
    expect(canonicalJson({ u: undefined, d: new Date(0) })).toBe(
      '{"d":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it('survives circular, deep, bigint and binary inputs', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    expect(canonicalJson(circular)).toBe('{"a":1,"self":"[Circular]"}');
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => inputHash(deep)).not.toThrow();
    expect(canonicalJson({ big: 10n })).toBe('{"big":"10"}');
    expect(inputHash(Buffer.from('abc'))).toBe(createHash('sha256').update('abc').digest('hex'));
  });
});

describe('redact', () => {
  const keys = new Set(['password', 'cardnumber', 'apikey'].map(normaliseKey));

  it('replaces redacted keys at any depth, whatever their spelling', () => {
    const out = redact(
      { user: 'ann', Password: 'x', nested: [{ card_number: '4111', apiKey: 1 }], 'API-Key': 'k' },
      keys,
    );
    expect(JSON.stringify(out)).not.toMatch(/4111|"x"|"k"/);
    expect(out).toMatchObject({ user: 'ann', Password: '[REDACTED]', 'API-Key': '[REDACTED]' });
  });

  it('does not modify the input and cuts cycles', () => {
    const input: Record<string, unknown> = { password: 'secret' };
    input.me = input;
    const out = redact(input, keys) as Record<string, unknown>;
    expect(input.password).toBe('secret');
    expect(out.me).toBe('[Circular]');
  });

  it('bounds huge payloads', () => {
    const out = redact({ blob: 'x'.repeat(1_000_000) }, keys) as {
      truncated: boolean;
      preview: string;
    };
    expect(out.truncated).toBe(true);
    expect(out.preview.length).toBe(MAX_LOGGED_PAYLOAD_CHARS);
  });
});
