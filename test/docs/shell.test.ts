/**
 * The commands and names the documentation gives work here: the npm scripts
 * its shell blocks run exist, the baseline command runs as shown, JSON blocks
 * parse, and every `OBSERVED_*` variable, layer path and packaged file it
 * mentions is one the code has.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lib/telemetry.js';
import { repoRoot } from '../support/paths.js';
import type { CodeBlock } from '../support/snippets.js';
import { documentationBlocks, documentationFiles, markdownLine } from './project.js';

const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  files: string[];
};
const blocks = documentationBlocks();
const shellBlocks = blocks.filter((block) => block.lang === 'sh' || block.lang === 'bash');
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** The commands of a shell block: continuation lines joined, comments dropped, `&&` split. */
function commands(block: CodeBlock): string[] {
  return block.code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .flatMap((line) => line.split(/\s*(?:&&|;)\s*/))
    .map((command) => command.replace(/\s+/g, ' '))
    .filter(Boolean);
}

/** npm's own commands the docs use; anything else must be a script. */
const NPM_COMMANDS = new Set(['ci', 'install', 'i', 'pkg']);

function npmProblems(block: CodeBlock): string[] {
  const problems: string[] = [];
  for (const command of commands(block)) {
    const [tool, sub, name] = command.split(/\s+/);
    if (tool !== 'npm' || sub === undefined) continue;
    const script = sub === 'run' ? name : sub === 'test' ? 'test' : undefined;
    if (script !== undefined && !(script in packageJson.scripts))
      problems.push(`${markdownLine(block, 0)}: \`${command}\` runs no script of package.json`);
    if (script === undefined && !NPM_COMMANDS.has(sub))
      problems.push(`${markdownLine(block, 0)}: \`${command}\` is not a command the docs expect`);
  }
  return problems;
}

const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
const cli = join(repoRoot, 'lib', 'cli', 'main.ts');
const sample = join(repoRoot, 'examples', 'fraud-detection', 'model', 'baseline-sample.jsonl');

/** Run the package's command from its sources, as `npx observed-inference` would run it built. */
function observedInference(args: readonly string[], cwd: string) {
  return spawnSync(tsx, [cli, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
}

/** Split a command line into words, keeping quoted ones whole (enough for the docs' commands). */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

describe('the shell blocks of the documentation', () => {
  it('run only npm scripts that exist', () => {
    expect(shellBlocks.length).toBeGreaterThan(3);
    expect(shellBlocks.flatMap(npmProblems)).toEqual([]);
  });

  const baselineRuns = shellBlocks.flatMap((block) =>
    commands(block)
      .filter((c) => /^(npx observed-inference|npm run baseline --) /.test(c))
      .map((command) => [markdownLine(block, 0), command] as const),
  );

  it('include the baseline command', () => {
    expect(baselineRuns.length).toBeGreaterThan(0);
  });

  it.each(baselineRuns)('%s: `%s` runs', (_where, command) => {
    const args = words(command).slice(command.startsWith('npx') ? 2 : 4); // after `--`
    // `npx observed-inference baseline sample.jsonl …` is run in a folder with a sample.jsonl;
    // `npm run baseline -- …` from the repository root, as npm runs it.
    const cwd = command.startsWith('npx') ? mkdtempSync(join(tmpdir(), 'oi-docs-cli-')) : repoRoot;
    if (command.startsWith('npx')) {
      scratch.push(cwd);
      expect(args[0]).toBe('baseline');
      copyFileSync(sample, join(cwd, args[1]!));
    } else args.unshift('baseline');
    const run = observedInference(args, cwd);
    expect(run.status, run.stderr).toBe(0);
    const out = args.indexOf('--out');
    const written =
      out >= 0 ? readFileSync(join(cwd, args[out + 1]!), 'utf8') : (run.stdout as string);
    expect(JSON.parse(written)).toMatchObject({ features: expect.any(Object) });
  });
});

describe('the JSON blocks of the documentation', () => {
  it.each(
    blocks
      .filter((b) => b.lang === 'json' || b.lang === 'jsonl')
      .map((b) => [markdownLine(b, 0), b]),
  )('%s parses', (_where, block) => {
    const { lang, code } = block as CodeBlock;
    const docs = lang === 'jsonl' ? code.split('\n').filter(Boolean) : [code];
    for (const doc of docs) expect(() => JSON.parse(doc)).not.toThrow();
  });
});

describe('the names the documentation mentions', () => {
  const texts = documentationFiles().map(
    (file) => [file, readFileSync(join(repoRoot, file), 'utf8')] as const,
  );

  it('every OBSERVED_* variable is one the runtime reads', () => {
    const known = new Set<string>(Object.values(ENV));
    const unknown = texts.flatMap(([file, text]) =>
      [...text.matchAll(/\bOBSERVED_[A-Z_]+\b/g)]
        .map((m) => m[0])
        .filter((name) => !known.has(name))
        .map((name) => `${file}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('every /opt/observed-inference-* path is a file the layer puts there', () => {
    const missing = texts.flatMap(([file, text]) =>
      [...text.matchAll(/\/opt\/(observed-inference[\w-]*)/g)]
        .filter((m) => !existsSync(join(repoRoot, 'layer', m[1]!)))
        .map((m) => `${file}: ${m[0]}`),
    );
    expect(missing).toEqual([]);
  });

  it('every node_modules/observed-inference/<file> is in the published package', () => {
    // `<opt>/nodejs/node_modules/observed-inference/` is the layer's copy, not the npm package.
    const unpublished = texts.flatMap(([file, text]) =>
      [...text.matchAll(/(?<!nodejs\/)node_modules\/observed-inference\/([\w./-]+)/g)]
        .map((m) => m[1]!)
        .filter((path) => !packageJson.files.some((f) => path === f || path.startsWith(`${f}/`)))
        .map((path) => `${file}: ${path}`),
    );
    expect(unpublished).toEqual([]);
  });
});
