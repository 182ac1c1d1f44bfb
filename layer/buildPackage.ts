/**
 * Builds what the npm package's exports point at, for both module systems:
 *
 * - `dist/esm/{lib,cdk}`: ES modules and declarations, by `tsc`
 *   (`tsconfig.build.json`): what `import` and bundlers resolve.
 * - `dist/cjs/{lib,cdk}`: the same files as CommonJS, one output per source
 *   file by esbuild, under a `package.json` of `"type": "commonjs"`, with the
 *   same declarations copied beside them so TypeScript reads them as
 *   CommonJS types (`require` in a `cdk init` app resolves here).
 *
 * Two builds can mean two copies in one process; `lib/index.ts` makes them
 * share one runtime state.
 *
 * Usage: npm run build
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ESM_DIR = join(root, 'dist', 'esm');
const CJS_DIR = join(root, 'dist', 'cjs');
const SOURCE_DIRS = ['lib', 'cdk'];
/** The CLI is the package's `bin`, an ES module with top-level await: no CommonJS copy. */
const ESM_ONLY = /^lib\/cli(\/|$)/;
/** CommonJS has no `import.meta`; the few modules that locate files from it get `__filename`'s URL. */
const IMPORT_META_URL = '__observedImportMetaUrl';

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

function compileEsm(): void {
  rmSync(ESM_DIR, { recursive: true, force: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
}

async function compileCommonJs(): Promise<void> {
  rmSync(CJS_DIR, { recursive: true, force: true });
  const files = SOURCE_DIRS.flatMap(sources).filter((f) => !ESM_ONLY.test(f));
  const usesImportMeta = files.filter((f) =>
    readFileSync(join(root, f), 'utf8').includes('import.meta'),
  );
  const common = {
    absWorkingDir: root,
    outdir: CJS_DIR,
    outbase: root,
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  } as const;
  await build({ ...common, entryPoints: files.filter((f) => !usesImportMeta.includes(f)) });
  if (usesImportMeta.length > 0) {
    await build({
      ...common,
      entryPoints: usesImportMeta,
      define: { 'import.meta.url': IMPORT_META_URL },
      banner: {
        js: `'use strict';const ${IMPORT_META_URL} = require('node:url').pathToFileURL(__filename).href;`,
      },
    });
  }
  writeFileSync(join(CJS_DIR, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  // The declarations are the same text; beside CommonJS files they describe CommonJS modules.
  cpSync(ESM_DIR, CJS_DIR, {
    recursive: true,
    filter: (src) => !src.endsWith('.js') && !ESM_ONLY.test(relative(ESM_DIR, src)),
  });
}

/** Build dist/esm and dist/cjs. */
export async function buildPackage(): Promise<void> {
  mkdirSync(join(root, 'dist'), { recursive: true });
  compileEsm();
  await compileCommonJs();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildPackage();
  console.log('dist/esm and dist/cjs: lib and cdk for import and require');
}
