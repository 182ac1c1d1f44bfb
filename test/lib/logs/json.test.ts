/**
 * The hand-built JSON pieces against JSON.stringify itself: the fast paths
 * (plain strings, flat records, the timestamp made once a second) must write
 * exactly what the general path writes.
 */
import { describe, expect, it } from 'vitest';
import { isoTimestamp } from '../../../lib/clock.js';
import { jsonValue, scalarJson, stringJson } from '../../../lib/logs/json.js';

describe('stringJson', () => {
  it('writes what JSON.stringify writes, for plain and escaped strings alike', () => {
    const samples = [
      '',
      'fraud',
      'arn:aws:lambda:us-east-1:123456789012:function:fraud',
      'quote " and backslash \\',
      'tab\tnew\nline\r',
      '\u0000\u001f\u007f',
      'é ü 漢字 🙂',
      '\ud800 lone surrogate',
      '</script>',
    ];
    for (let c = 0; c < 0x3000; c++) samples.push(`a${String.fromCharCode(c)}b`);
    for (const s of samples) expect(stringJson(s)).toBe(JSON.stringify(s));
  });

  it('is the string case of scalarJson', () => {
    expect(scalarJson('x"y')).toBe('"x\\"y"');
  });
});

describe('jsonValue', () => {
  it('writes flat records and arrays as JSON.stringify does', () => {
    const values: unknown[] = [
      { preprocess: 0.007, predict: 1.25 },
      { a: 'x', b: true, c: null, d: undefined, e: Number.NaN, f: -0 },
      ['a', 1, null, undefined, Number.POSITIVE_INFINITY],
      {},
      [],
    ];
    for (const v of values) expect(jsonValue(v)).toBe(JSON.stringify(v));
  });

  it('still formats what only the replacer knows: bigints, errors, cycles, toJSON', () => {
    expect(jsonValue({ n: 1n })).toBe('{"n":"1"}');
    expect(jsonValue([2n])).toBe('["2"]');
    const error = JSON.parse(jsonValue(new Error('boom'))!) as Record<string, unknown>;
    expect(error).toMatchObject({ name: 'Error', message: 'boom' });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(jsonValue(cyclic)).toBe('{"a":1}');
    expect(jsonValue({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });
});

describe('isoTimestamp', () => {
  it('is toISOString, across seconds, milliseconds and the limits of its format', () => {
    const times = [
      0,
      1,
      999,
      1000,
      Date.UTC(2026, 11, 7, 3, 51, 15, 7),
      Date.UTC(2026, 11, 7, 3, 51, 15, 70),
      Date.UTC(2026, 11, 7, 3, 51, 15, 700),
      Date.UTC(2026, 11, 7, 3, 51, 16, 0),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10000, 0, 1),
      -1,
      1234.9,
    ];
    // Leap days, century years (2000 is a leap year, 2100 not), the ends of years and months.
    for (const year of [1970, 1999, 2000, 2024, 2100, 2400, 9999]) {
      times.push(Date.UTC(year, 1, 28, 23, 59, 59, 999), Date.UTC(year, 2, 1));
      times.push(Date.UTC(year, 0, 1), Date.UTC(year, 11, 31, 23, 59, 59, 999));
    }
    for (let i = 0; i < 20_000; i++) times.push(Math.floor(Math.random() * 253_402_300_800_000));
    for (const t of times) expect(isoTimestamp(t)).toBe(new Date(t).toISOString());
  });
});
