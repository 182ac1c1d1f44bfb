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

describe('canonicalJson, the two ways it is written', () => {
  // An input already in canonical key order is written by one JSON.stringify
  // call; any other by the sorting writer. Both must give the same text.
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const KEYS = ['a', 'b', 'B', '_', '10', '9', 'é', 'amount', 'features', 'x y', '"q"'];
  function value(depth: number): unknown {
    const kind = depth > 3 ? random() * 5 : random() * 8;
    if (kind < 1) return pick([null, true, false, undefined]);
    if (kind < 2) return pick([0, -0, 1.5, -1e-7, 1e21, 123456.789, Number.NaN]);
    if (kind < 3) return pick(['', 'fraud', 'é"\n\\', '\u0000', '🙂']);
    if (kind < 4) return Math.round(random() * 2000 - 1000) / 1000;
    if (kind < 5) return Array.from({ length: Math.floor(random() * 40) }, () => random());
    if (kind < 6.5) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
    const record: Record<string, unknown> = {};
    for (let i = Math.floor(random() * 5); i > 0; i--) record[pick(KEYS)] = value(depth + 1);
    return record;
  }
  /** The same value with its object keys inserted in sorted, or reversed, order. */
  function reorder(v: unknown, sorted: boolean): unknown {
    if (Array.isArray(v)) return v.map((item) => reorder(item, sorted));
    if (typeof v !== 'object' || v === null) return v;
    const keys = Object.keys(v).sort();
    if (!sorted) keys.reverse();
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = reorder((v as Record<string, unknown>)[key], sorted);
    return out;
  }

  it('writes the same text whatever the key order, and sorts like Array.prototype.sort', () => {
    for (let i = 0; i < 2000; i++) {
      const v = value(0);
      const canonical = canonicalJson(reorder(v, true));
      expect(canonicalJson(reorder(v, false))).toBe(canonical);
      expect(canonicalJson(v)).toBe(canonical);
      const parsed: unknown = canonical === undefined ? undefined : JSON.parse(canonical);
      expect(canonicalJson(parsed)).toBe(canonical);
    }
  });

  it('leaves to the writer what JSON.stringify would write differently', () => {
    expect(canonicalJson({ a: 1n })).toBe('{"a":"1"}');
    expect(canonicalJson({ a: Buffer.from('hi') })).toBe('{"a":"aGk="}');
    expect(canonicalJson({ a: { toJSON: () => ({ z: 1, y: 2 }) } })).toBe('{"a":{"y":2,"z":1}}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson({ 9: 'a', 10: 'b' })).toBe('{"10":"b","9":"a"}');
    let flip = 0;
    const fickle = {
      get a() {
        flip++;
        return flip === 1 ? 1 : 2n;
      },
    };
    expect(canonicalJson(fickle)).toBe('{"a":"2"}');
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
