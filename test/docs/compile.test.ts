/**
 * Every TypeScript and JavaScript block of README.md, docs/*.md and
 * bench/README.md compiles, strictly, against this repository's sources, as
 * a file of a consumer project. The blocks a new user copies first (the
 * library handler and the CDK stack) compile both as ESM and as CommonJS, the
 * shape `cdk init app --language typescript` gives an app.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';
import type { CodeBlock } from '../support/snippets.js';
import {
  type BlockFile,
  documentationBlocks,
  isCode,
  markdownLine,
  removeProjects,
  writeBlock,
} from './project.js';

/** Blocks that are also compiled as CommonJS TypeScript. */
const ALSO_COMMONJS = new Set(['library-handler', 'cdk-quick-start']);

/**
 * Blocks that cannot be compiled, each with the reason. Keep it empty: a
 * fragment is better rewritten as a complete file.
 */
const NOT_COMPILED: ReadonlyMap<string, string> = new Map();

function repoCompilerOptions(): ts.CompilerOptions {
  const configPath = join(repoRoot, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, repoRoot).options;
}

function options(flavour: 'esm' | 'cjs'): ts.CompilerOptions {
  const {
    rootDir: _rootDir,
    outDir: _outDir,
    declaration: _declaration,
    sourceMap: _sourceMap,
    ...repo
  } = repoCompilerOptions();
  return {
    ...repo,
    noEmit: true,
    allowJs: true,
    checkJs: true,
    // The package's own name resolves to its sources, as in vitest.config.ts.
    customConditions: ['observed-inference:source'],
    // `cdk init` apps do not set it, and it rejects `import` in CommonJS files.
    verbatimModuleSyntax: flavour === 'esm' ? repo.verbatimModuleSyntax : false,
  };
}

/** One program per flavour, sharing parsed files (aws-cdk-lib's declarations are most of the work). */
const sourceFiles = new Map<string, ts.SourceFile>();

function compile(files: readonly BlockFile[], flavour: 'esm' | 'cjs'): string[] {
  const compilerOptions = options(flavour);
  const host = ts.createCompilerHost(compilerOptions);
  const getSourceFile = host.getSourceFile.bind(host);
  const ours = new Set(files.map((f) => f.path));
  host.getSourceFile = (fileName, languageVersion, onError) => {
    const key = `${fileName}\u0000${JSON.stringify(languageVersion)}`;
    if (ours.has(fileName) || fileName.includes('/oi-docs-'))
      return getSourceFile(fileName, languageVersion, onError);
    let file = sourceFiles.get(key);
    if (!file) {
      file = getSourceFile(fileName, languageVersion, onError);
      if (file) sourceFiles.set(key, file);
    }
    return file;
  };
  const program = ts.createProgram({ rootNames: [...ours], options: compilerOptions, host });
  const byPath = new Map(files.map((f) => [f.path, f.block]));
  const problems: string[] = program
    .getOptionsDiagnostics()
    .map((d) => `compiler options: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  // Only the blocks' own files are checked (the rest is `npm run typecheck`'s job), which
  // also keeps this fast: the checker reads what a block uses, not all of aws-cdk-lib.
  const diagnostics = program.getRootFileNames().flatMap((name) => {
    const file = program.getSourceFile(name);
    if (!file) return [];
    return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  });
  for (const diagnostic of diagnostics) {
    const block = diagnostic.file && byPath.get(diagnostic.file.fileName);
    if (!block || diagnostic.start === undefined) continue;
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
    problems.push(`${markdownLine(block, line + 1)} [${flavour}]: TS${diagnostic.code} ${message}`);
  }
  return problems;
}

const blocks = documentationBlocks().filter(isCode);
const key = (block: CodeBlock) => block.name ?? `${block.file}:${block.line}`;

afterAll(removeProjects);

/** Whole TypeScript programs over every block: ~20 s alone, more on a busy 2-core machine. */
const COMPILE_TIMEOUT_MS = 180_000;

describe('the code blocks of the documentation', () => {
  it('are there to compile, each listed block with its reason', () => {
    expect(blocks.length).toBeGreaterThan(5);
    const keys = new Set(blocks.map(key));
    for (const name of NOT_COMPILED.keys()) expect(keys, `${name} is gone`).toContain(name);
  });

  it(
    'compile, as ESM or, where they call require(), as CommonJS',
    () => {
      const files = blocks.filter((b) => !NOT_COMPILED.has(key(b))).map((b) => writeBlock(b));
      const esm = files.filter((f) => f.flavour === 'esm');
      const cjs = files.filter((f) => f.flavour === 'cjs');
      expect([...compile(esm, 'esm'), ...compile(cjs, 'cjs')]).toEqual([]);
    },
    COMPILE_TIMEOUT_MS,
  );

  it(
    'the library handler and the CDK quick start also compile as CommonJS TypeScript',
    () => {
      const files = blocks.filter((b) => b.name && ALSO_COMMONJS.has(b.name));
      expect(files.map((b) => b.name).sort()).toEqual([...ALSO_COMMONJS].sort());
      expect(
        compile(
          files.map((b) => writeBlock(b, 'cjs')),
          'cjs',
        ),
      ).toEqual([]);
    },
    COMPILE_TIMEOUT_MS,
  );
});

describe('docs/generate.ts', () => {
  it(
    'type-checks (tsconfig.json does not include docs/)',
    () => {
      const path = join(repoRoot, 'docs', 'generate.ts');
      const program = ts.createProgram({ rootNames: [path], options: options('esm') });
      const file = program.getSourceFile(path)!;
      const problems = [
        ...program.getSyntacticDiagnostics(file),
        ...program.getSemanticDiagnostics(file),
      ].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(problems).toEqual([]);
    },
    COMPILE_TIMEOUT_MS,
  );
});
