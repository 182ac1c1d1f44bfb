import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { build } from 'esbuild';
import { buildLayer, LAYER_ZIP } from '../../layer/build.js';
import { unzipLayer } from '../../local-lambda/layer.js';
import { ensureRic } from '../../local-lambda/localTools.js';
import type { Contender, Layer } from './contenders.js';
import { benchDir } from './paths.js';
import type { Resolution } from './spawnRun.js';

/** Where each contender's function and layer live for this benchmark run. */
export interface Staged {
  readonly root: string;
  readonly runsDir: string;
  /** `/opt` per layer; undefined for none. */
  readonly optDirs: Readonly<Record<Layer, string | undefined>>;
  /**
   * The function's `/var/task`. With `node_modules`, it holds a `node_modules`
   * link to its layer's packages, so imports resolve without the NODE_PATH hook.
   */
  taskRoot(contender: Contender, resolution?: Resolution): string;
  /** Copy of the layer zip this run measured (dist/ may be rebuilt meanwhile by tests). */
  readonly ourZip: string;
  /** The bundled OpenTelemetry wrapper (its size is part of that layer). */
  readonly otelBundle: string;
  readonly adotInstalled: boolean;
}

/** Install a bench npm project from its lockfile when node_modules is missing or older. */
export function ensureInstalled(projectDir: string): void {
  const marker = join(projectDir, 'node_modules', '.package-lock.json');
  const lock = join(projectDir, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log(`installing ${projectDir} (npm ci)…`);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', projectDir], {
    stdio: 'inherit',
  });
}

function copyInto(files: readonly string[], from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const file of files) {
    copyFileSync(join(from, file), join(to, file));
    chmodSync(join(to, file), statSync(join(from, file)).mode);
  }
}

/** `<opt>/nodejs/node_modules` (what NODE_PATH names) and `<opt>/node_modules` (for the layer's own files). */
function linkModules(opt: string, modules: string): void {
  mkdirSync(join(opt, 'nodejs'), { recursive: true });
  symlinkSync(modules, join(opt, 'nodejs', 'node_modules'), 'dir');
  symlinkSync(modules, join(opt, 'node_modules'), 'dir');
}

/** Each package of `modules` linked into `into`, beside what is there (our layer's package). */
function linkEach(into: string, modules: string): void {
  for (const name of readdirSync(modules)) {
    if (name.startsWith('.') || existsSync(join(into, name))) continue;
    symlinkSync(join(modules, name), join(into, name), 'dir');
  }
}

async function bundleOtelWrapper(outfile: string): Promise<void> {
  // Like the layer's webpack build: one minified CommonJS file, import-in-the-middle external.
  await build({
    entryPoints: [join(benchDir, 'layers', 'otel', 'wrapper.mjs')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    external: ['import-in-the-middle', '@aws-sdk/*'],
    logLevel: 'warning',
  });
}

export interface StageOptions {
  /** Rebuild dist/layer.zip from lib/ first. @default true */
  readonly buildLayer: boolean;
  readonly withAdot: boolean;
}

/**
 * Build our layer, install the peers, and lay out a `/opt` per layer and a
 * `/var/task` per contender in a fresh temporary directory, so runs never read
 * from dist/ or lib/ while other work rebuilds them.
 */
export async function stage(
  contenders: readonly Contender[],
  options: StageOptions,
): Promise<Staged> {
  ensureInstalled(benchDir);
  // Every function runs under the real runtime client, as in Lambda: install it on first use.
  ensureRic();
  const adotDir = join(benchDir, 'adot');
  if (options.withAdot) ensureInstalled(adotDir);
  const adotInstalled = existsSync(join(adotDir, 'node_modules', '.package-lock.json'));
  if (options.buildLayer) await buildLayer();

  const root = mkdtempSync(join(tmpdir(), 'oi-bench-'));
  const runsDir = join(root, 'runs');
  mkdirSync(runsDir);
  const ourZip = join(root, 'layer.zip');
  copyFileSync(LAYER_ZIP, ourZip);

  const opt = (name: string) => join(root, `opt-${name}`);
  const optDirs: Record<Layer, string | undefined> = {
    none: undefined,
    ours: opt('ours'),
    'ours-packages': opt('ours-packages'),
    packages: opt('packages'),
    otel: opt('otel'),
    adot: adotInstalled ? opt('adot') : undefined,
  };
  unzipLayer(ourZip, opt('ours'));
  unzipLayer(ourZip, opt('ours-packages'));
  linkEach(join(opt('ours-packages'), 'nodejs', 'node_modules'), join(benchDir, 'node_modules'));
  linkModules(opt('packages'), join(benchDir, 'node_modules'));

  const otelSource = join(benchDir, 'layers', 'otel');
  copyInto(['otel-handler', 'init.mjs', 'loader.mjs'], otelSource, opt('otel'));
  const otelBundle = join(opt('otel'), 'wrapper.cjs');
  await bundleOtelWrapper(otelBundle);
  linkModules(opt('otel'), join(benchDir, 'node_modules'));

  if (adotInstalled) {
    copyInto(['otel-instrument', 'wrapper.mjs'], join(benchDir, 'layers', 'adot'), opt('adot'));
    linkModules(opt('adot'), join(adotDir, 'node_modules'));
  }

  const taskRoot = (contender: Contender, resolution: Resolution = 'hook') =>
    join(root, resolution === 'hook' ? 'task' : 'task-node-modules', contender.id);
  for (const contender of contenders) {
    for (const resolution of ['hook', 'node_modules'] as const) {
      const dir = taskRoot(contender, resolution);
      mkdirSync(dir, { recursive: true });
      copyFileSync(
        join(benchDir, 'handlers', contender.handler),
        join(dir, `index${extname(contender.handler)}`),
      );
      copyFileSync(join(benchDir, 'handlers', 'model.mjs'), join(dir, 'model.mjs'));
      const opt = optDirs[contender.layer];
      if (resolution === 'node_modules' && opt) {
        symlinkSync(join(opt, 'nodejs', 'node_modules'), join(dir, 'node_modules'), 'dir');
      }
    }
  }
  return { root, runsDir, optDirs, taskRoot, ourZip, otelBundle, adotInstalled };
}
