import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_HASHED_INPUT_CHARS } from '../../lib/contract/limits.js';
import { inputHash } from '../../lib/payload.js';
import { sha256Hex, sha256HexOfString } from '../../lib/sha256.js';

const native = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('sha256Hex', () => {
  it('matches node:crypto at every length around the block and padding boundaries', () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff);
      expect(sha256Hex(bytes)).toBe(native(bytes));
    }
  });

  it('hashes a string as its UTF-8 bytes, lone surrogates as U+FFFD as Buffer does', () => {
    for (const text of [
      '',
      'abc',
      'é"\n',
      '日本語テキスト'.repeat(40),
      '\ud800x',
      '🙂'.repeat(33),
    ]) {
      expect(sha256HexOfString(text)).toBe(native(text));
    }
  });

  it('hashes ASCII strings of every length around the boundaries, and text turning non-ASCII late', () => {
    for (let n = 0; n <= 200; n++) {
      const text = Array.from({ length: n }, (_, i) =>
        String.fromCharCode(32 + ((i * 7 + n) % 95)),
      ).join('');
      expect(sha256HexOfString(text)).toBe(native(text));
    }
    const late = `${'a'.repeat(150)}é${'b'.repeat(10)}`;
    expect(sha256HexOfString(late)).toBe(native(late));
    expect(sha256HexOfString('short')).toBe(native('short'));
  });

  it('gives inputHash the same result for large inputs (native path) and bytes', () => {
    const big = { rows: Array.from({ length: 2000 }, (_, i) => ({ i, v: `value-${i}` })) };
    const json = JSON.stringify(big);
    expect(json.length).toBeGreaterThan(32 * 1024);
    expect(json.length).toBeLessThan(MAX_HASHED_INPUT_CHARS);
    expect(inputHash(big)).toBe(native(json));
    // Past the bound only the first MAX_HASHED_INPUT_CHARS of the canonical JSON count.
    const bigger = { rows: Array.from({ length: 5000 }, (_, i) => ({ i, v: `value-${i}` })) };
    expect(inputHash(bigger)).toBe(native(JSON.stringify(bigger).slice(0, MAX_HASHED_INPUT_CHARS)));
    const bytes = new Uint8Array(70_000).map((_, i) => i & 0xff);
    expect(inputHash(bytes)).toBe(native(bytes));
    expect(inputHash(bytes.subarray(0, 1000))).toBe(native(bytes.subarray(0, 1000)));
  });
});
