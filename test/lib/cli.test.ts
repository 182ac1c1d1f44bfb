import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseArgs, toSample } from '../../lib/cli/baseline.js';
import { parseBaseline } from '../../lib/drift/parse.js';
import { repoRoot } from '../support/paths.js';

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `observed-inference …` as a user runs it: a process of its own, from the source entry. */
async function cli(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'lib/cli/main.ts'), ...args],
      { encoding: 'utf8', cwd: repoRoot },
    );
    return { status: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { status: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('observed-inference baseline', () => {
  let dir: string;
  let data: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oi-cli-'));
    data = join(dir, 'data.jsonl');
    const lines = Array.from({ length: 500 }, (_, i) =>
      JSON.stringify({
        features: { amount: i, hour: i % 24 },
        label: i % 3 ? 'legit' : 'fraud',
        confidence: 0.5 + (i % 50) / 100,
      }),
    );
    writeFileSync(data, `${lines.join('\n')}\n`);
  });

  it('reads nested and flat JSONL lines', () => {
    expect(toSample('{"features":{"a":1},"label":"x","confidence":0.5}', 1)).toEqual({
      features: { a: 1 },
      label: 'x',
      confidence: 0.5,
    });
    expect(toSample('{"a":2,"label":true}', 2)).toMatchObject({ label: true, features: { a: 2 } });
    expect(() => toSample('{oops', 7)).toThrow(/^line 7: not JSON/);
  });

  it('parses --name value and --name=value options', () => {
    expect(
      parseArgs(['d.jsonl', '--features', 'a, b', '--bins', '5', '--model', 'fraud@3']),
    ).toEqual({
      file: 'd.jsonl',
      features: ['a', 'b'],
      bins: 5,
      model: { name: 'fraud', version: '3' },
    });
    expect(parseArgs(['--features=a', '--out=x/b.json', '--', '-d.jsonl'])).toEqual({
      file: '-d.jsonl',
      features: ['a'],
      out: 'x/b.json',
    });
  });

  it('builds a baseline file, creating the output folder', async () => {
    const out = join(dir, 'model', 'v1', 'baseline.json');
    const run = await cli('baseline', data, '--features', 'amount,hour', '--out', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe(`wrote ${out}: 500 samples, 2 features\n`);
    const baseline = parseBaseline(JSON.parse(readFileSync(out, 'utf8')));
    expect(baseline.sampleSize).toBe(500);
    expect(Object.keys(baseline.features)).toEqual(['amount', 'hour']);
    // What drift windows check data quality against.
    expect(baseline.features.amount).toMatchObject({ missing: 0, min: 0, max: 499 });
    expect(baseline.features.hour).toMatchObject({ missing: 0, min: 0, max: 23 });
  });

  it('refuses to write a baseline the runtime would refuse for its size', async () => {
    const long = join(dir, 'long-categories.jsonl');
    const lines = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({ features: { note: `${i}-${'x'.repeat(60_000)}` }, label: 'legit' }),
    );
    writeFileSync(long, `${lines.join('\n')}\n`);
    const out = join(dir, 'too-big', 'baseline.json');
    const run = await cli('baseline', long, '--features', 'note', '--out', out);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/baseline would be \d+ bytes, over the runtime's limit of 1048576/);
    expect(existsSync(out)).toBe(false);
  });

  it('writes the baseline to stdout without --out', async () => {
    const run = await cli('baseline', data, '--features=amount', '--model=fraud@3');
    expect(run.status, run.stderr).toBe(0);
    expect(parseBaseline(JSON.parse(run.stdout)).model).toEqual({ name: 'fraud', version: '3' });
  });

  it('prints the usage to stdout and exits 0 for --help, -h and baseline --help', async () => {
    const runs = await Promise.all([
      cli('--help'),
      cli('-h'),
      cli('baseline', '--help'),
      cli('baseline', data, '-h'),
    ]);
    for (const run of runs) {
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^usage: observed-inference /);
    }
    expect(runs[0]!.stdout).toContain('baseline <data.jsonl> --features');
    expect(runs[2]!.stdout).toContain('--out file');
  });

  it('reports each mistake in one line naming the argument or file and the fix', async () => {
    const badJson = join(dir, 'bad.jsonl');
    writeFileSync(badJson, '{"amount": 1}\n\n{"amount": 2,}\n');
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, '');
    mkdirSync(join(dir, 'folder.jsonl'));
    const missing = join(dir, 'missing.jsonl');
    const cases: Array<[args: string[], status: number, stderr: RegExp]> = [
      [[], 2, /missing command: try observed-inference baseline --help/],
      [['train'], 2, /unknown command train: the command is baseline/],
      [['baseline'], 2, /missing the data file: give it first, e\.g\. observed-inference baseline/],
      [['baseline', data], 2, /--features is required: .* e\.g\. --features amount,hour/],
      [
        ['baseline', data, '--feature', 'amount'],
        2,
        /unknown option --feature: did you mean --features\?/,
      ],
      [
        ['baseline', data, '--features'],
        2,
        /--features needs a value, e\.g\. --features amount,hour/,
      ],
      [['baseline', data, '--features', '--bins', '5'], 2, /--features needs a value/],
      [
        ['baseline', data, '--features', 'amount,', 'hour'],
        2,
        /unexpected argument "hour": .*--features a,b,c/,
      ],
      [
        ['baseline', data, '--features', 'amount', '--bins', 'ten'],
        2,
        /--bins must be an integer from 2 to 100, got "ten"/,
      ],
      [
        ['baseline', data, '--features', 'amout'],
        2,
        /--features: amout not found in any line of .*data\.jsonl; its first line has amount, hour/,
      ],
      [
        ['baseline', missing, '--features', 'amount'],
        1,
        /cannot read .*missing\.jsonl: no such file or folder; check the path/,
      ],
      [
        ['baseline', join(dir, 'folder.jsonl'), '--features', 'amount'],
        1,
        /cannot read .*folder\.jsonl: it is a folder, not a file/,
      ],
      [
        ['baseline', badJson, '--features', 'amount'],
        1,
        /bad\.jsonl line 3: not JSON \(.*\); each line must be one JSON object/,
      ],
      [
        ['baseline', data, '--features', 'amount', '--out', join(blocker, 'b.json')],
        1,
        /cannot write .*blocker\/b\.json: .*; choose another --out/,
      ],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli(...args)));
    runs.forEach((run, i) => {
      const [args, status, stderr] = cases[i]!;
      const lines = run.stderr.trimEnd().split('\n');
      expect({ args, status: run.status, lines }).toEqual({
        args,
        status,
        lines: [expect.stringMatching(stderr)],
      });
      expect(lines[0]).toMatch(/^observed-inference( baseline)?: /);
      expect(run.stdout).toBe('');
    });
  });
});
