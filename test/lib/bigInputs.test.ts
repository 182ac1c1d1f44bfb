import crypto, { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultFeatureRows } from '../../lib/drift/monitor.js';
import { defaultInput } from '../../lib/events.js';
import { canonicalJson, inputHash } from '../../lib/payload.js';

/** A JSON batch body of about `bytes` characters. */
function batchBody(bytes: number): string {
  const rows: unknown[] = [];
  let size = 20;
  while (size < bytes) {
    const row = { id: rows.length, amount: rows.length * 1.5, country: 'FR' };
    rows.push(row);
    size += JSON.stringify(row).length + 1;
  }
  return JSON.stringify({ instances: rows });
}

/** Characters handed to node:crypto hashes while `fn` runs (inputHash loads it on demand). */
function hashedChars(fn: () => void): number {
  let total = 0;
  const real = crypto.createHash;
  const spy = vi.spyOn(crypto, 'createHash').mockImplementation((algorithm, options) => {
    const hash = real(algorithm, options);
    const update = hash.update.bind(hash);
    hash.update = ((data: string | Uint8Array) => {
      total += data.length;
      return update(data as string);
    }) as typeof hash.update;
    return hash;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return total;
}

afterEach(() => vi.restoreAllMocks());

describe('big inputs', () => {
  const body = batchBody(6_000_000);
  const proxy = { headers: { 'content-type': 'application/json' }, requestContext: {}, body };

  it('does not parse a 6 MB proxy body: the input is its text', () => {
    const parse = vi.spyOn(JSON, 'parse');
    expect(defaultInput(proxy)).toBe(body);
    expect(parse).not.toHaveBeenCalled();
  });

  it('hands a 6 MB base64 body over as its decoded bytes, unparsed', () => {
    const encoded = { ...proxy, body: Buffer.from(body).toString('base64'), isBase64Encoded: true };
    const input = defaultInput(encoded);
    expect(Buffer.isBuffer(input)).toBe(true);
    expect((input as Buffer).equals(Buffer.from(body))).toBe(true);
  });

  it('hashes a big text input as its UTF-8 bytes, once', () => {
    let hash = '';
    const chars = hashedChars(() => {
      hash = inputHash(body);
    });
    expect(chars).toBe(body.length);
    expect(hash).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('canonicalises at most 64 KiB of a 6 MB object input', () => {
    const rows = JSON.parse(body).instances as unknown[];
    let reads = 0;
    const counted = new Proxy(rows, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const chars = hashedChars(() => inputHash({ instances: counted }));
    expect(chars).toBeLessThanOrEqual(64 * 1024 + 16);
    expect(reads).toBeLessThan(rows.length / 10);
  });

  it('keeps the hash of a huge object independent of key order within the hashed prefix', () => {
    const rows = JSON.parse(body).instances as Record<string, unknown>[];
    const reordered = rows.map(({ country, amount, id }) => ({ country, amount, id }));
    expect(inputHash({ instances: rows })).toBe(inputHash({ instances: reordered }));
    expect(inputHash({ instances: rows })).not.toBe(inputHash({ instances: rows.slice(1) }));
  });

  it('cuts a 6 MB string inside an object before escaping it', () => {
    const chars = hashedChars(() => inputHash({ blob: 'x'.repeat(6_000_000) }));
    expect(chars).toBeLessThanOrEqual(64 * 1024 + 16);
  });

  it('keeps small inputs hashed exactly as before', () => {
    const small = { country: 'FR', amount: 12.5, tags: ['a', 'b'] };
    expect(inputHash(small)).toBe(createHash('sha256').update(canonicalJson(small)).digest('hex'));
    expect(inputHash('not json')).toBe(createHash('sha256').update('"not json"').digest('hex'));
  });

  it('still finds drift feature rows in a big unparsed JSON body', () => {
    const mid = batchBody(200_000);
    expect(defaultFeatureRows(mid)).toHaveLength((JSON.parse(mid).instances as unknown[]).length);
    expect(defaultFeatureRows(Buffer.from(mid))).toHaveLength(
      (JSON.parse(mid).instances as unknown[]).length,
    );
  });
});
