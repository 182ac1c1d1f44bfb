/**
 * Builds the Lambda layer: one minified ESM bundle of the runtime under
 * nodejs/node_modules/observed-inference (so `import 'observed-inference'`
 * resolves to it in Lambda), the zero-code entry, and the exec wrapper at the
 * zip root (/opt/observed-inference-wrapper). Fails past the size budget.
 *
 * Usage: npm run build:layer
 */
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Zippable, zipSync } from 'fflate';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const LAYER_DIR = join(root, 'dist', 'layer');
export const LAYER_ZIP = join(root, 'dist', 'layer.zip');
const PACKAGE_DIR = join(LAYER_DIR, 'nodejs', 'node_modules', 'observed-inference');
export const WRAPPER_NAME = 'observed-inference-wrapper';
/** Zipped size budget (issue 6): a tenth of the peers' smallest layer. */
export const ZIP_BUDGET_BYTES = 150 * 1024;

async function bundle(): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: { index: 'lib/index.ts', 'zero-code': 'layer/zeroCode.ts' },
    outdir: PACKAGE_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    // ESM builds of dependencies tree-shake (semantic-conventions especially).
    mainFields: ['module', 'main'],
    // The Lambda Node runtime ships AWS SDK v3; it is imported lazily, only in api modes.
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  });
  checkNoRequire();
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const pkg = {
    name: 'observed-inference',
    version,
    type: 'module',
    exports: { '.': './index.mjs' },
    main: './index.mjs',
  };
  writeFileSync(join(PACKAGE_DIR, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  copyFileSync(join(root, 'layer', WRAPPER_NAME), join(LAYER_DIR, WRAPPER_NAME));
  chmodSync(join(LAYER_DIR, WRAPPER_NAME), 0o755);
}

/**
 * The bundle is pure ESM: no CommonJS dependency (those are not tree-shaken
 * and cost import time) and so no require() shim. esbuild's stand-in for a
 * require() it could not bundle throws at run time; fail the build instead.
 */
function checkNoRequire(): void {
  for (const name of readdirSync(PACKAGE_DIR)) {
    if (!name.endsWith('.mjs')) continue;
    if (readFileSync(join(PACKAGE_DIR, name), 'utf8').includes('Dynamic require of')) {
      throw new Error(
        `${name} needs require(): a CommonJS dependency entered the layer bundle; use its ESM build`,
      );
    }
  }
}

function collect(dir: string, into: Zippable): number {
  let bytes = 0;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) {
      bytes += collect(path, into);
      continue;
    }
    const data = readFileSync(path);
    bytes += data.length;
    // Unix permissions in the external attributes, so the wrapper stays executable.
    const mode = stat.mode & 0o111 ? 0o100755 : 0o100644;
    into[relative(LAYER_DIR, path)] = [
      data,
      { level: 9, os: 3, attrs: mode << 16, mtime: new Date('2026-01-01') },
    ];
  }
  return bytes;
}

/** Build dist/layer and dist/layer.zip; returns the sizes. */
export async function buildLayer(): Promise<{ zipBytes: number; unzippedBytes: number }> {
  rmSync(LAYER_DIR, { recursive: true, force: true });
  mkdirSync(PACKAGE_DIR, { recursive: true });
  await bundle();
  const files: Zippable = {};
  const unzippedBytes = collect(LAYER_DIR, files);
  const zip = zipSync(files);
  writeFileSync(LAYER_ZIP, zip);
  return { zipBytes: zip.length, unzippedBytes };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { zipBytes, unzippedBytes } = await buildLayer();
  console.log(
    `dist/layer.zip: ${kb(zipBytes)} zipped, ${kb(unzippedBytes)} unzipped (budget ${kb(ZIP_BUDGET_BYTES)} zipped)`,
  );
  if (zipBytes > ZIP_BUDGET_BYTES) {
    console.error(`layer over budget by ${kb(zipBytes - ZIP_BUDGET_BYTES)}`);
    process.exit(1);
  }
}
