import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { LAYER_ZIP, WRAPPER_NAME, ZIP_BUDGET_BYTES } from '../../layer/build.js';
import { unzipLayer, wrapperPath } from '../../local-lambda/layer.js';

const PKG = 'nodejs/node_modules/observed-inference';

/** Run `script` where require('observed-inference') finds the layer in `optDir`, under Lambda's node flags. */
function requireUnderLambdaFlags(optDir: string, script: string) {
  return spawnSync(process.execPath, ['--no-experimental-require-module', '-e', script], {
    cwd: optDir,
    env: { ...process.env, NODE_PATH: join(optDir, 'nodejs', 'node_modules') },
    encoding: 'utf8',
  });
}

describe('the layer zip (built by the global setup)', () => {
  const zip = readFileSync(LAYER_ZIP);
  const files = unzipSync(zip);

  it('holds the bundle, its package.json and the wrapper, within the size budget', () => {
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        WRAPPER_NAME,
        `${PKG}/package.json`,
        `${PKG}/index.cjs`,
        `${PKG}/extras.cjs`,
        `${PKG}/index.mjs`,
        `${PKG}/zero-code.mjs`,
        `${PKG}/middy.cjs`,
        `${PKG}/middy.mjs`,
      ]),
    );
    // Powertools and Middy are the user's: the bundle never holds or loads them.
    for (const [name, data] of Object.entries(files))
      expect(Buffer.from(data).toString(), name).not.toMatch(/@aws-lambda-powertools|@middy\//);
    expect(Object.keys(files).every((f) => f === WRAPPER_NAME || f.startsWith(`${PKG}/`))).toBe(
      true,
    );
    expect(Object.keys(files).some((f) => f.includes('@aws-sdk'))).toBe(false);
    expect(zip.length).toBeLessThanOrEqual(ZIP_BUDGET_BYTES);
    const pkg = JSON.parse(Buffer.from(files[`${PKG}/package.json`]!).toString()) as Record<
      string,
      unknown
    >;
    expect(pkg).toMatchObject({
      name: 'observed-inference',
      exports: {
        '.': { import: './index.mjs', require: './index.cjs' },
        './middy': { import: './middy.mjs', require: './middy.cjs' },
      },
    });
    expect(pkg.type).toBeUndefined();
  });

  const API = ['observe', 'stage', 'loadModel', 'flush', 'annotate', 'addMetric', 'METRIC'];

  it('imports with no node_modules around it and exports the public API', () => {
    const optDir = unzipLayer();
    const script = `import(${JSON.stringify(join(optDir, PKG, 'index.mjs'))}).then((m) => console.log(Object.keys(m).sort().join(',')))`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: optDir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split(',')).toEqual(expect.arrayContaining(API));
  });

  it('serves require() under Lambda flags, and import() of it is the same runtime', () => {
    const optDir = unzipLayer();
    const script = [
      "const cjs = require('observed-inference');",
      `import(${JSON.stringify(join(optDir, PKG, 'index.mjs'))}).then((esm) =>`,
      `  import(${JSON.stringify(join(optDir, PKG, 'middy.mjs'))}).then((middyEsm) =>`,
      "  console.log(JSON.stringify({ keys: Object.keys(cjs), same: esm.observe === cjs.observe && esm.InvalidInputError === cjs.InvalidInputError, middy: typeof require('observed-inference/middy').observedInference + ',' + (middyEsm.observedInference === require('observed-inference/middy').observedInference) }))));",
    ].join('\n');
    const run = requireUnderLambdaFlags(optDir, script);
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout) as { keys: string[]; same: boolean; middy: string };
    expect(out.keys).toEqual(expect.arrayContaining(API));
    expect(out.same).toBe(true);
    expect(out.middy).toBe('function,true');
  });
});

describe('the model-call and drift code beside the core', () => {
  it('is loaded at the first model call or drift baseline, never by a function with neither', () => {
    const optDir = unzipLayer();
    const script = [
      "const oi = require('observed-inference');",
      "const loaded = () => Object.keys(require.cache).some((f) => f.endsWith('extras.cjs'));",
      "oi.observe(async () => ({ label: 'a' }), { model: 'plain' });",
      'const before = loaded();',
      'const client = { middlewareStack: { add() {}, addRelativeTo() {}, use() {} }, send: async () => ({}) };',
      'oi.observeModelCalls(client);',
      'console.log(JSON.stringify({ before, after: loaded() }));',
    ].join('\n');
    const run = requireUnderLambdaFlags(optDir, script);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ before: false, after: true });
  });
});

describe('the exec wrapper', () => {
  const optDir = unzipLayer();
  const entry = join(optDir, PKG, 'zero-code.handler');
  const run = (env: Record<string, string>, ...args: string[]) => {
    const r = spawnSync(wrapperPath(optDir), args, {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });
    return Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
  };

  it('keeps the handler in OBSERVED_HANDLER, points _HANDLER at the entry and execs the command', () => {
    const env = run({ _HANDLER: 'src/app.handler', KEEP: 'me' }, 'env');
    expect(env).toMatchObject({ OBSERVED_HANDLER: 'src/app.handler', _HANDLER: entry, KEEP: 'me' });
  });

  it('is idempotent', () => {
    const env = run({ _HANDLER: 'app.handler' }, wrapperPath(optDir), 'env');
    expect(env).toMatchObject({ OBSERVED_HANDLER: 'app.handler', _HANDLER: entry });
  });

  it('respects an OBSERVED_HANDLER set explicitly', () => {
    const env = run({ _HANDLER: 'ignored.handler', OBSERVED_HANDLER: 'real.handler' }, 'env');
    expect(env).toMatchObject({ OBSERVED_HANDLER: 'real.handler', _HANDLER: entry });
  });
});
