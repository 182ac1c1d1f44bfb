/**
 * The package as users meet it: `npm pack`, then the tarball installed into
 * apps shaped like theirs, each following the README verbatim.
 *
 * - a CommonJS CDK app as `cdk init app --language typescript` makes it, and
 *   an ESM one: the README's install line and quick-start stack, type-checked
 *   by `tsc` and synthesized by running the compiled app (NodejsFunction
 *   bundles the README's handler with the app's own esbuild);
 * - a TypeScript library user with nothing but the README's install line
 *   (and TypeScript): `skipLibCheck: false`, as ESM and as CommonJS, and the
 *   Lambda `context` typed, not `any`;
 * - `require` and `import` of both entry points from the installed package,
 *   serving one runtime.
 *
 * npm installs from the registry (or its cache) like a user's install.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../../layer/buildPackage.js';
import { repoRoot } from '../support/paths.js';
import { snippet } from '../support/snippets.js';

const INSTALL_TIMEOUT_MS = 240_000;
const rootManifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};
const devVersion = (name: string) => `${name}@${rootManifest.devDependencies[name]}`;

let work: string;
let tarball: string;

function run(
  cwd: string,
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
): string {
  const r = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      ...env,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_prefer_offline: 'true',
      npm_config_update_notifier: 'false',
      CDK_VALIDATION: 'true',
    },
  });
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')} in ${cwd} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Run each command line of a README `sh` snippet, with the package name pointing at the tarball. */
function runInstallSnippet(cwd: string, name: string): void {
  for (const line of snippet('README.md', name).split('\n')) {
    const command = line.replace(/#.*/, '').trim();
    if (!command) continue;
    const [bin, ...args] = command.split(/\s+/);
    expect(bin).toBe('npm');
    run(
      cwd,
      'npm',
      args.map((a) => (a === 'observed-inference' ? tarball : a)),
    );
  }
}

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

const tsc = (dir: string, project = 'tsconfig.json') =>
  run(dir, process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', project]);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oi-consumers-'));
  // The layer zip comes from the global setup; the package build is what prepack adds.
  await buildPackage();
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: repoRoot,
      encoding: 'utf8',
    }),
  ) as Array<{ filename: string }>;
  tarball = join(work, packed[0]!.filename);
}, INSTALL_TIMEOUT_MS);

describe('the packed package', () => {
  it('holds both builds, their types and the layer, and no development scripts', () => {
    const list = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    for (const file of [
      'package/dist/esm/lib/index.js',
      'package/dist/esm/lib/index.d.ts',
      'package/dist/cjs/lib/index.js',
      'package/dist/cjs/lib/index.d.ts',
      'package/dist/cjs/package.json',
      'package/dist/esm/lib/middy.js',
      'package/dist/cjs/lib/middy.js',
      'package/dist/cjs/lib/middy.d.ts',
      'package/dist/esm/cdk/index.js',
      'package/dist/cjs/cdk/index.js',
      'package/dist/layer.zip',
      'package/dist/esm/lib/cli/main.js',
    ])
      expect(list).toContain(file);
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
    ) as { scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(manifest.scripts.prepare).toBeUndefined();
    expect(manifest.dependencies).toHaveProperty('@types/aws-lambda');
  });
});

/** tsconfig.json of `cdk init app --language typescript` (aws-cdk-cli's template), less jest. */
const CDK_INIT_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['es2022'],
    declaration: true,
    strict: true,
    noImplicitAny: true,
    strictNullChecks: true,
    noImplicitThis: true,
    alwaysStrict: true,
    noImplicitReturns: true,
    inlineSourceMap: true,
    inlineSources: true,
    experimentalDecorators: true,
    strictPropertyInitialization: false,
    skipLibCheck: true,
    typeRoots: ['./node_modules/@types'],
    noEmitOnError: true,
    types: ['node'],
  },
  exclude: ['node_modules', 'cdk.out'],
};

/** What `cdk init` made before its NodeNext template: CommonJS with node10 resolution, which ignores `exports`. */
const OLDER_CDK_INIT_TSCONFIG = {
  compilerOptions: {
    ...CDK_INIT_TSCONFIG.compilerOptions,
    module: 'commonjs',
    moduleResolution: undefined,
  },
  exclude: CDK_INIT_TSCONFIG.exclude,
};

const APPS = [
  {
    kind: 'CommonJS (cdk init)',
    manifest: { name: 'fraud-app', version: '0.1.0', bin: { 'fraud-app': 'bin/fraud-app.js' } },
    tsconfig: CDK_INIT_TSCONFIG,
    stackImport: '../lib/fraud-stack',
  },
  {
    kind: 'CommonJS (older cdk init, node10 resolution)',
    manifest: { name: 'fraud-app', version: '0.1.0', bin: { 'fraud-app': 'bin/fraud-app.js' } },
    tsconfig: OLDER_CDK_INIT_TSCONFIG,
    stackImport: '../lib/fraud-stack',
  },
  {
    kind: 'ESM',
    manifest: { name: 'fraud-app', version: '0.1.0', type: 'module' },
    tsconfig: CDK_INIT_TSCONFIG,
    stackImport: '../lib/fraud-stack.js',
  },
] as const;

describe.each(APPS)(
  'a $kind CDK app following the README',
  ({ manifest, tsconfig, stackImport }) => {
    let app: string;
    let template: {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };

    beforeAll(() => {
      app = mkdtempSync(join(work, 'cdk-app-'));
      write(app, {
        'package.json': `${JSON.stringify(manifest, null, 2)}\n`,
        'tsconfig.json': JSON.stringify(tsconfig, null, 2),
        'bin/fraud-app.ts': [
          "import * as cdk from 'aws-cdk-lib';",
          `import { FraudStack } from '${stackImport}';`,
          '',
          'const app = new cdk.App();',
          "new FraudStack(app, 'FraudStack');",
          '',
        ].join('\n'),
        'lib/fraud-stack.ts': snippet('README.md', 'cdk-quick-start'),
        'src/fraud.ts': snippet('README.md', 'library-handler'),
      });
      // What cdk init installs, then the README's lines.
      run(app, 'npm', [
        'install',
        '--save-dev',
        devVersion('aws-cdk-lib'),
        devVersion('constructs'),
        devVersion('typescript'),
        devVersion('@types/node'),
      ]);
      runInstallSnippet(app, 'cdk-install');
      tsc(app);
      // What `npx cdk synth` does with the app cdk.json names: run it with CDK_OUTDIR set.
      const out = join(app, 'cdk.out');
      run(app, process.execPath, ['bin/fraud-app.js'], { CDK_OUTDIR: out });
      template = JSON.parse(readFileSync(join(out, 'FraudStack.template.json'), 'utf8'));
    }, INSTALL_TIMEOUT_MS);

    it('type-checks and synthesizes the function with the layer, alarms and dashboard', () => {
      const types = Object.values(template.Resources).map((r) => r.Type);
      expect(types).toContain('AWS::Lambda::Function');
      expect(types).toContain('AWS::Lambda::LayerVersion');
      expect(types).toContain('AWS::CloudWatch::Dashboard');
      expect(types.filter((t) => t === 'AWS::CloudWatch::Alarm').length).toBeGreaterThan(3);
      const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function')!;
      expect(fn.Properties).toMatchObject({ TracingConfig: { Mode: 'Active' } });
    });

    it("bundled the README's handler locally with the app's esbuild, the package left to the layer", () => {
      const assets = readdirSync(join(app, 'cdk.out')).filter((d) => d.startsWith('asset.'));
      const bundles = assets
        .map((d) => join(app, 'cdk.out', d, 'index.mjs'))
        .filter((f) => existsSync(f));
      expect(bundles).toHaveLength(1);
      const code = readFileSync(bundles[0]!, 'utf8');
      expect(code).toMatch(/from\s*["']observed-inference["']/);
      expect(code).toMatch(/stage\(\s*["']predict["']/);
    });
  },
);

describe('a TypeScript library user with only the README install line', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(work, 'ts-user-'));
    write(dir, { 'package.json': '{ "name": "fraud-fn", "private": true }\n' });
    runInstallSnippet(dir, 'install');
  }, INSTALL_TIMEOUT_MS);

  /** Checks that observe() hands the handler a typed Lambda context. */
  const CONTEXT_CHECK = [
    "import { observe } from 'observed-inference';",
    'export const typed = observe(async (_event: unknown, context) => {',
    '  const name: string = context.functionName;',
    '  // @ts-expect-error a Lambda context has no such member: it is not `any`',
    '  context.noSuchMember;',
    '  return { label: name, confidence: 1 };',
    '});',
    '',
  ].join('\n');

  /** The middy entry and the Powertools option, typed without either package installed. */
  const MIDDY_CHECK = [
    "import { log, observe, type PowertoolsLogger } from 'observed-inference';",
    "import { observedInference } from 'observed-inference/middy';",
    "export const middleware = observedInference({ model: 'fraud' });",
    'const logger: PowertoolsLogger = { debug() {}, info() {}, warn() {}, error() {} };',
    "export const withLogger = observe(async () => ({ label: 'x', confidence: 1 }), { powertools: { logger } });",
    "log.info('typed');",
    '',
  ].join('\n');

  it.each([
    ['ESM', 'module'],
    ['CommonJS', 'commonjs'],
  ])('type-checks as %s with skipLibCheck false', (_name, type) => {
    const project = join(dir, type);
    write(project, {
      'package.json': JSON.stringify({ type }),
      'src/fraud.ts': snippet('README.md', 'library-handler'),
      'src/context.ts': CONTEXT_CHECK,
      // Neither Middy nor Powertools is installed: the middy entry's types must not need them.
      'src/middy.ts': MIDDY_CHECK,
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          lib: ['es2022'],
          skipLibCheck: false,
          noEmit: true,
          // TypeScript 6+ loads no @types by default; Node code lists Node's.
          types: ['node'],
        },
        include: ['src'],
      }),
    });
    expect(() => tsc(dir, join(project, 'tsconfig.json'))).not.toThrow();
  });

  it('loads both entries by require and import, as one runtime', () => {
    const script = [
      "const cjs = require('observed-inference');",
      "const cdkCjs = require('observed-inference/cdk');",
      "const middyCjs = require('observed-inference/middy');",
      "Promise.all([import('observed-inference'), import('observed-inference/cdk'), import('observed-inference/middy')]).then(([esm, cdkEsm, middyEsm]) => {",
      '  console.log(JSON.stringify({',
      '    observe: typeof cjs.observe,',
      '    sameRuntime: esm.observe === cjs.observe && esm.stage === cjs.stage,',
      '    sameErrors: new cjs.InvalidInputError("x", "y") instanceof esm.InvalidInputError,',
      '    middy: typeof middyCjs.observedInference + "," + (middyEsm.observedInference === middyCjs.observedInference),',
      '    constructs: typeof cdkCjs.ObservedInferenceFunction + "," + typeof cdkEsm.ObservedInferenceFunction,',
      '  }));',
      '});',
    ].join('\n');
    // aws-cdk-lib is an optional peer: only the cdk entry needs it.
    run(dir, 'npm', ['install', '--save-dev', devVersion('aws-cdk-lib'), devVersion('constructs')]);
    const out = JSON.parse(run(dir, process.execPath, ['-e', script])) as Record<string, unknown>;
    expect(out).toEqual({
      observe: 'function',
      sameRuntime: true,
      sameErrors: true,
      middy: 'function,true',
      constructs: 'function,function',
    });
  });
});
