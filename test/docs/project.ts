/**
 * The documentation's code blocks as files of small consumer projects: a
 * temporary directory whose `node_modules` links this repository's packages
 * and `observed-inference` itself (resolved to its TypeScript sources under
 * the `observed-inference:source` condition), so each block compiles and runs
 * the way it would in a user's app.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../support/paths.js';
import { type CodeBlock, codeBlocks, snippet } from '../support/snippets.js';

/** The Markdown files whose code blocks are tested, relative to the repository root. */
export function documentationFiles(): string[] {
  const docs = readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs, 'bench/README.md', 'local-lambda/README.md'];
}

/** Every code block of the documentation. */
export function documentationBlocks(): CodeBlock[] {
  return documentationFiles().flatMap((file) => codeBlocks(file));
}

const TS_LANGS = new Set(['ts', 'typescript']);
const JS_LANGS = new Set(['js', 'javascript', 'mjs', 'cjs']);

/** Blocks of TypeScript or JavaScript, which must compile. */
export function isCode(block: CodeBlock): boolean {
  return TS_LANGS.has(block.lang) || JS_LANGS.has(block.lang);
}

/** Where a block says it lives (a first line `// src/fraud.ts`), else a name of its own. */
export function blockPath(block: CodeBlock): string {
  const named = /^\/\/ ([\w./-]+\.(?:ts|js|mjs|cjs))\s*$/.exec(block.code.split('\n')[0] ?? '');
  if (named) return named[1]!;
  return TS_LANGS.has(block.lang) ? 'snippet.ts' : `snippet.${block.lang === 'cjs' ? 'cjs' : 'js'}`;
}

/** A block is a CommonJS file when it uses `require()` (JavaScript) or is compiled as one. */
export type ModuleFlavour = 'esm' | 'cjs';

export function flavourOf(block: CodeBlock): ModuleFlavour {
  return JS_LANGS.has(block.lang) && /\brequire\(/.test(block.code) ? 'cjs' : 'esm';
}

/** Handlers the CDK examples bundle (`entry: 'src/…'`). */
function supportFiles(): Record<string, string> {
  return {
    'src/fraud.ts': snippet('README.md', 'library-handler'),
    'src/chat.ts': snippet('docs/library.md', 'model-calls-handler'),
    'src/churn.ts':
      '// A handler that knows nothing of observed-inference (zero-code mode wraps it).\n' +
      "export const handler = async (event: { customer?: string }) => ({ customer: event.customer, label: 'stays', confidence: 0.8 });\n",
  };
}

let root: string | undefined;

/** The temporary root with `node_modules` (created once per test file). */
export function projectRoot(): string {
  if (root) return root;
  root = mkdtempSync(join(tmpdir(), 'oi-docs-'));
  const modules = join(root, 'node_modules');
  mkdirSync(modules);
  const repoModules = join(repoRoot, 'node_modules');
  for (const name of readdirSync(repoModules)) {
    if (name === 'observed-inference') continue;
    symlinkSync(join(repoModules, name), join(modules, name));
  }
  symlinkSync(repoRoot, join(modules, 'observed-inference'));
  return root;
}

/** Remove the temporary root. */
export function removeProjects(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
}

/** A file of a block, written into a project of its own. */
export interface BlockFile {
  readonly block: CodeBlock;
  readonly flavour: ModuleFlavour;
  /** The project directory (its package.json says the module flavour). */
  readonly dir: string;
  /** The block's file, absolute. */
  readonly path: string;
}

/**
 * Write a block as a file of its own project: a package.json (`"type":
 * "module"` for ESM; none, as `cdk init` writes it, for CommonJS), a lock file
 * (`NodejsFunction` looks for one to find the project root) and the handlers
 * CDK examples point `entry` at.
 */
export function writeBlock(block: CodeBlock, flavour: ModuleFlavour = flavourOf(block)): BlockFile {
  const slug = `${block.file.replace(/[^\w]+/g, '_')}_${block.line}`;
  const dir = join(projectRoot(), flavour, slug);
  const pkg = flavour === 'esm' ? { name: slug, type: 'module' } : { name: slug };
  const files: Record<string, string> = {
    ...supportFiles(),
    'package.json': `${JSON.stringify(pkg)}\n`,
    'package-lock.json': `${JSON.stringify({ name: slug, lockfileVersion: 3, packages: {} })}\n`,
    [blockPath(block)]: block.code,
  };
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    if (!existsSync(dirname(path))) mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return { block, flavour, dir, path: join(dir, blockPath(block)) };
}

/** Where a line of a block's file is in its Markdown file. */
export function markdownLine(block: CodeBlock, fileLine: number): string {
  return `${block.file}:${block.line + fileLine}${block.name ? ` (${block.name})` : ''}`;
}
