import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, toSample } from '../../lib/cli/baseline.js';
import { parseBaseline } from '../../lib/drift/parse.js';
import { repoRoot } from '../support/paths.js';

describe('observed-inference baseline', () => {
  it('reads nested and flat JSONL lines', () => {
    expect(toSample('{"features":{"a":1},"label":"x","confidence":0.5}', 1)).toEqual({
      features: { a: 1 },
      label: 'x',
      confidence: 0.5,
    });
    expect(toSample('{"a":2,"label":true}', 2)).toMatchObject({ label: true, features: { a: 2 } });
    expect(() => toSample('{oops', 7)).toThrow(/^line 7: not JSON/);
  });

  it('rejects a call without data or features with the usage', () => {
    expect(() => parseArgs(['data.jsonl'])).toThrow(/usage: observed-inference baseline/);
    expect(
      parseArgs(['d.jsonl', '--features', 'a, b', '--bins', '5', '--model', 'fraud@3']),
    ).toEqual({
      file: 'd.jsonl',
      features: ['a', 'b'],
      bins: 5,
      model: { name: 'fraud', version: '3' },
    });
  });

  it('builds a baseline file from the command line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oi-cli-'));
    const data = join(dir, 'data.jsonl');
    const lines = Array.from({ length: 500 }, (_, i) =>
      JSON.stringify({
        features: { amount: i, hour: i % 24 },
        label: i % 3 ? 'legit' : 'fraud',
        confidence: 0.5 + (i % 50) / 100,
      }),
    );
    writeFileSync(data, `${lines.join('\n')}\n`);
    const out = join(dir, 'baseline.json');
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'lib/cli/main.ts'),
        'baseline',
        data,
        '--features',
        'amount,hour',
        '--out',
        out,
      ],
      {
        encoding: 'utf8',
        cwd: repoRoot,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const baseline = parseBaseline(JSON.parse(readFileSync(out, 'utf8')));
    expect(baseline.sampleSize).toBe(500);
    expect(Object.keys(baseline.features)).toEqual(['amount', 'hour']);
    const bad = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'lib/cli/main.ts'), 'baseline', data],
      { encoding: 'utf8', cwd: repoRoot },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/usage/);
  });
});
