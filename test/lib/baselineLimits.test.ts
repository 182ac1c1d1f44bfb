import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_BASELINE_BINS, MAX_BASELINE_BYTES } from '../../lib/contract/limits.js';
import { loadBaselineFile } from '../../lib/drift/monitor.js';
import { parseBaseline } from '../../lib/drift/parse.js';
import { ConfigError } from '../../lib/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'baseline-limits-'));

describe('baseline bounds', () => {
  it('refuses a baseline file over the size cap before reading it, naming file, size and limit', () => {
    const file = join(dir, 'huge.json');
    writeFileSync(file, '');
    // Sparse: 20 MB (the issue saw 18.9 MB block init for 1.8 s) that costs no disk.
    truncateSync(file, 20 * 1024 ** 2);
    let error: unknown;
    try {
      loadBaselineFile(file, undefined);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain(String(20 * 1024 ** 2));
    expect(message).toContain(String(MAX_BASELINE_BYTES));
  });

  it('refuses distributions with more bins or categories than a baseline can have', () => {
    const edges = Array.from({ length: MAX_BASELINE_BINS + 1 }, (_, i) => i);
    const proportions = [...edges, 0].map(() => 1 / (edges.length + 1));
    expect(() =>
      parseBaseline({ version: 1, features: { a: { type: 'numeric', edges, proportions } } }),
    ).toThrow(/features\.a: .*at most 1000/);
    const categories = edges.map(String);
    expect(() =>
      parseBaseline({
        version: 1,
        features: { c: { type: 'categorical', categories, proportions: edges, other: 0 } },
      }),
    ).toThrow(/features\.c: .*at most 1000/);
  });

  it('refuses proportions that are not shares', () => {
    expect(() =>
      parseBaseline({
        version: 1,
        features: { a: { type: 'numeric', edges: [1], proportions: [-1, 2] } },
      }),
    ).toThrow(/features\.a: proportions must be in \[0, 1\]/);
    expect(() =>
      parseBaseline({
        version: 1,
        features: { a: { type: 'numeric', edges: [Number.NaN], proportions: [0.5, 0.5] } },
      }),
    ).toThrow(/features\.a/);
  });

  it('reads a deeply nested hostile file as a clear error, not a stack overflow', () => {
    const file = join(dir, 'deep.json');
    writeFileSync(file, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(() => loadBaselineFile(file, undefined)).toThrow(/deep\.json.*not a JSON object/);
    const nested = join(dir, 'nested.json');
    writeFileSync(
      nested,
      `{"version":1,"features":{"a":${'{"x":'.repeat(50_000)}1${'}'.repeat(50_000)}}}`,
    );
    expect(() => loadBaselineFile(nested, undefined)).toThrow(/nested\.json.*features\.a/);
  });
});
