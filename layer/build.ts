/**
 * Builds the Lambda layer: one minified bundle of the runtime under
 * nodejs/node_modules/observed-inference (so `require` and `import` of
 * 'observed-inference' resolve to it in Lambda), the zero-code entry, and the
 * exec wrapper at the zip root (/opt/observed-inference-wrapper). Fails past
 * the size budget.
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
import { createRequire, isBuiltin } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { type Zippable, zipSync } from 'fflate';
import { API_KEY_NAME } from '../lib/apiKey.js';
import { WRAPPER_PATH } from '../lib/telemetry.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const LAYER_DIR = join(root, 'dist', 'layer');
export const LAYER_ZIP = join(root, 'dist', 'layer.zip');
const PACKAGE_DIR = join(LAYER_DIR, 'nodejs', 'node_modules', 'observed-inference');
/** The wrapper's file name at the zip root: where the contract says zero-code mode finds it. */
export const WRAPPER_NAME = basename(WRAPPER_PATH);
/** Zipped size budget (issue 6): a tenth of the peers' smallest layer. */
export const ZIP_BUDGET_BYTES = 150 * 1024;

/** The bundle options both module systems share. */
const COMMON: BuildOptions = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  // ESM builds of dependencies tree-shake (semantic-conventions especially),
  // whatever the output format.
  mainFields: ['module', 'main'],
  // The Lambda Node runtime ships AWS SDK v3; it is imported lazily, only in api modes.
  external: ['@aws-sdk/*'],
  logLevel: 'warning',
};

/** The OTLP exporters' bundle, beside the core, which loads it only in the OTLP modes. */
const OTLP_BUNDLE = './otlp.cjs';

/**
 * The core leaves the OTLP exporters' module to its own file: compiled in the
 * core it cost every function about 3 ms of cold start (measured with
 * `vm.Script` on the built bundle), though only the OTLP modes run it.
 */
const otlpAsExternal: Plugin = {
  name: 'observed-inference-otlp',
  setup(b) {
    b.onResolve({ filter: /\/otlpExporters\.js$/ }, () => ({ path: OTLP_BUNDLE, external: true }));
  },
};

/** The model-call and drift code, beside the core, which loads it at the first use of either. */
const EXTRAS_BUNDLE = './extras.cjs';
/** Where the core publishes, for `extras.cjs`, the modules whose state the two share. */
const HOST_KEY = 'observed-inference.layer.host.v1';
/**
 * The modules of the core that the extras must share, not copy: the
 * invocation context key, the context manager and tracer, the process
 * containment, the error classes (`instanceof`), the clock's load time, the
 * segment helpers. Everything else they import is constants or pure code,
 * bundled into them again.
 */
const HOST_MODULES = {
  containment: 'lib/containment.ts',
  invocation: 'lib/invocation.ts',
  tracer: 'lib/tracer.ts',
  errors: 'lib/errors.ts',
  clock: 'lib/clock.ts',
  xrayDocument: 'lib/tracing/xrayDocument.ts',
} as const;
/** What the core imports from the extras, by the module it imports it from. */
const EXTRAS_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  'lib/modelCalls/observeModelCalls.ts': ['observeModelCalls'],
  'lib/modelCalls/httpCalls.ts': ['observeHttpModelCalls'],
  'lib/drift/hook.ts': ['createDriftHook'],
};

/** The source file an import of `path` from `resolveDir` names (the sources import `.js`). */
function sourceOf(resolveDir: string, path: string): string {
  return relative(root, resolve(resolveDir, path)).replace(/\.js$/, '.ts');
}

/**
 * The core without the model-call and drift code (~25 KB of its source, about
 * 1.3 ms of compile at every cold start and 0.15 MB of RSS with Lambda's node
 * flags, bench/README.md): each of its imports of that code is a stub that
 * requires `extras.cjs` on its first call, after publishing the shared
 * modules for it. Functions that never call a model and have no drift
 * baseline never load it (observe() calls `createDriftHook` only with one).
 */
const extrasAsLazy: Plugin = {
  name: 'observed-inference-extras',
  setup(b) {
    b.onResolve(
      { filter: /\/(modelCalls\/observeModelCalls|modelCalls\/httpCalls|drift\/hook)\.js$/ },
      (args) => {
        const source = sourceOf(args.resolveDir, args.path);
        const importer = relative(root, args.importer);
        if (!(source in EXTRAS_EXPORTS) || /^lib\/(modelCalls|drift)\//.test(importer))
          return undefined;
        return { path: source, namespace: 'observed-inference-stub' };
      },
    );
    b.onResolve({ filter: /^\.\/extras\.cjs$/ }, () => ({ path: EXTRAS_BUNDLE, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'observed-inference-stub' }, (args) => {
      const hostImports = Object.entries(HOST_MODULES).map(
        ([name, file]) => `import * as ${name} from ${JSON.stringify(join(root, file))};`,
      );
      const forwards = (EXTRAS_EXPORTS[args.path] ?? []).map(
        (name) => `export function ${name}(...args) { return extras().${name}(...args); }`,
      );
      return {
        contents: [
          ...hostImports,
          `const KEY = Symbol.for(${JSON.stringify(HOST_KEY)});`,
          'function extras() {',
          `  globalThis[KEY] ??= { ${Object.keys(HOST_MODULES).join(', ')} };`,
          `  return require(${JSON.stringify(EXTRAS_BUNDLE)});`,
          '}',
          ...forwards,
        ].join('\n'),
        loader: 'js',
        resolveDir: join(root, 'lib'),
      };
    });
  },
};

/** `extras.cjs` takes the shared modules from the core that loaded it (see {@link extrasAsLazy}). */
const hostModules: Plugin = {
  name: 'observed-inference-host',
  setup(b) {
    const byFile = new Map<string, string>(
      Object.entries(HOST_MODULES).map(([name, file]) => [file, name]),
    );
    b.onResolve({ filter: /\.js$/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const name = byFile.get(sourceOf(args.resolveDir, args.path));
      return name ? { path: name, namespace: 'observed-inference-host' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'observed-inference-host' }, (args) => ({
      contents: `module.exports = globalThis[Symbol.for(${JSON.stringify(HOST_KEY)})].${args.path};`,
      loader: 'js',
    }));
  },
};

/** `layer/zeroCode.ts` reaches the runtime only through the layer's door to its CommonJS core. */
const coreAsExternal: Plugin = {
  name: 'observed-inference-core',
  setup(b) {
    b.onResolve({ filter: /\/lib\/index\.js$/ }, () => ({ path: './index.mjs', external: true }));
  },
};

/**
 * The esbuild options of the layer's two bundles, written into `packageDir`.
 * One runtime, two doors. The runtime is one CommonJS bundle (`index.cjs`):
 * Lambda starts nodejs20.x/22.x with `--no-experimental-require-module`, so a
 * CommonJS handler's `require('observed-inference')` can only load CommonJS.
 * `index.mjs` (written after, see {@link esmFacade}) re-exports it for
 * `import`, and the zero-code entry (an ES module: it awaits the user's
 * handler at init) goes through that door too, so a process holds one copy
 * whichever way the handler reaches it. bench/profile.ts builds the same
 * bundles unminified.
 *
 * @example
 * for (const options of layerBundles(dir)) await build({ ...options, minify: false });
 */
export function layerBundles(packageDir: string): BuildOptions[] {
  return [
    {
      ...COMMON,
      entryPoints: ['lib/index.ts'],
      outfile: join(packageDir, 'index.cjs'),
      format: 'cjs',
      plugins: [otlpAsExternal, extrasAsLazy],
    },
    {
      ...COMMON,
      stdin: {
        // What the core's stubs forward to, and nothing else.
        contents: Object.entries(EXTRAS_EXPORTS)
          .map(([file, names]) => {
            const from = `./${relative('lib', file).replace(/\.ts$/, '.js')}`;
            return `export { ${names.join(', ')} } from ${JSON.stringify(from)};`;
          })
          .join('\n'),
        resolveDir: join(root, 'lib'),
        sourcefile: 'extras.ts',
        loader: 'ts',
      },
      outfile: join(packageDir, EXTRAS_BUNDLE),
      format: 'cjs',
      plugins: [hostModules],
    },
    {
      ...COMMON,
      entryPoints: ['lib/tracing/otlpExporters.ts'],
      outfile: join(packageDir, OTLP_BUNDLE),
      format: 'cjs',
    },
    {
      ...COMMON,
      entryPoints: ['layer/zeroCode.ts'],
      outfile: join(packageDir, 'zero-code.mjs'),
      format: 'esm',
      plugins: [coreAsExternal],
    },
  ];
}

async function bundle(): Promise<void> {
  for (const options of layerBundles(PACKAGE_DIR)) await build(options);
  writeFileSync(join(PACKAGE_DIR, 'index.mjs'), esmFacade(join(PACKAGE_DIR, 'index.cjs')));
  writeFileSync(join(PACKAGE_DIR, 'middy.cjs'), MIDDY_ENTRY);
  writeFileSync(join(PACKAGE_DIR, 'middy.mjs'), MIDDY_ESM_ENTRY);
  checkDependencies();
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const pkg = {
    name: 'observed-inference',
    version,
    exports: {
      '.': { import: './index.mjs', require: './index.cjs' },
      './middy': { import: './middy.mjs', require: './middy.cjs' },
    },
    main: './index.cjs',
  };
  writeFileSync(join(PACKAGE_DIR, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  copyFileSync(join(root, 'layer', WRAPPER_NAME), join(LAYER_DIR, WRAPPER_NAME));
  chmodSync(join(LAYER_DIR, WRAPPER_NAME), 0o755);
}

/**
 * `observed-inference/middy` in the layer: the middleware of the one runtime
 * `index.cjs` holds (published on `globalThis` when it loads), not a second
 * bundle of it.
 */
const MIDDY_ENTRY = [
  "'use strict';",
  "require('./index.cjs');",
  `exports.observedInference = globalThis[Symbol.for(${JSON.stringify(API_KEY_NAME)})].observedInference;`,
  '',
].join('\n');
const MIDDY_ESM_ENTRY = [
  "import { createRequire } from 'node:module';",
  "export const { observedInference } = createRequire(import.meta.url)('./middy.cjs');",
  '',
].join('\n');

/**
 * `index.mjs`: the core's exports by name (read from the built core). It
 * loads the core with `require`, not `import`: an ES module importing
 * CommonJS goes through Node's CommonJS translator, which scans the source
 * for its export names and cost about 20 ms of cold start here (Node 22 and
 * 24), more than the whole ESM bundle did; `require` costs less than that
 * bundle. Same file, same module cache entry as the user's `require`.
 */
function esmFacade(corePath: string): string {
  const names = Object.keys(createRequire(import.meta.url)(corePath) as object).sort();
  return [
    "import { createRequire } from 'node:module';",
    "const core = createRequire(import.meta.url)('./index.cjs');",
    `export const { ${names.join(', ')} } = core;`,
    '',
  ].join('\n');
}

/**
 * The bundle holds every dependency: no CommonJS package left to `require()`
 * at run time (esbuild's stand-in for one it could not bundle throws), only
 * Node's built-ins and the runtime's AWS SDK.
 */
function checkDependencies(): void {
  for (const name of readdirSync(PACKAGE_DIR)) {
    const code = readFileSync(join(PACKAGE_DIR, name), 'utf8');
    if (code.includes('Dynamic require of'))
      throw new Error(`${name} needs require(): a CommonJS dependency entered the layer bundle`);
    for (const [, spec] of code.matchAll(/require\("([^"]+)"\)/g)) {
      const ours = spec === OTLP_BUNDLE || spec === EXTRAS_BUNDLE;
      if (spec && !isBuiltin(spec) && !spec.startsWith('@aws-sdk/') && !ours)
        throw new Error(`${name} requires ${spec} at run time: bundle it`);
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
