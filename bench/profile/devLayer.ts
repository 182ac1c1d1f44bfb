/**
 * Our layer built with the options of layer/build.ts but unminified, and its
 * bundler helpers instrumented: each bundled module's evaluation reports to
 * bench/child/importTimer.mjs, and a map from bundle lines back to modules
 * lets CPU samples be attributed to the module that owns them.
 */
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { layerBundles, WRAPPER_NAME } from '../../layer/build.js';
import type { Staged } from '../harness/stage.js';

/** esbuild's helpers, instrumented to report each lazily initialised module. */
const HELPERS: Array<[RegExp, string]> = [
  [
    /var __esm = \(fn, res, err\) => function __init\(\) \{\n/,
    'var __esm = (fn, res, err) => function __init() {\n  if (fn && !err) { const __n = __getOwnPropNames(fn)[0]; globalThis.__oiEnter?.(__n); try { return (res = (0, fn[__n])(fn = 0)), res; } catch (e) { throw err = [e], e; } finally { globalThis.__oiLeave?.(__n); } }\n',
  ],
  [
    /var __commonJS = \(cb, mod\) => function (__require\d*)\(\) \{\n/,
    'var __commonJS = (cb, mod) => function $1() {\n  if (!mod) { const __n = __getOwnPropNames(cb)[0]; globalThis.__oiEnter?.(__n); try { (0, cb[__n])((mod = { exports: {} }).exports, mod); } catch (e) { throw mod = 0, e; } finally { globalThis.__oiLeave?.(__n); } }\n',
  ],
];
const MODULE_COMMENT = /^\/\/ (\S+\.(?:[cm]?[jt]s|json))$/;
const PACKAGE_PATH = ['nodejs', 'node_modules', 'observed-inference'];
/** What layer/build.ts writes beside the bundles; the same unminified, so copied as shipped. */
const NOT_BUNDLED = new Set(['index.mjs', 'package.json']);

/** Per bundle file: start line (0-based) → module path, sorted. */
export interface ModuleMap {
  readonly files: Map<string, Array<[number, string]>>;
}

/** Instrument one bundle in place; true when it holds esbuild's helpers. */
function instrument(file: string, map: ModuleMap): boolean {
  let text = readFileSync(file, 'utf8');
  let patched = false;
  for (const [pattern, replacement] of HELPERS) {
    if (pattern.test(text)) {
      text = text.replace(pattern, replacement);
      patched = true;
    }
  }
  // Code hoisted to the top level (not wrapped) is timed between module comments.
  const starts: Array<[number, string]> = [];
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = MODULE_COMMENT.exec(line);
    if (m) {
      out.push(`globalThis.__oiMark?.(${JSON.stringify(m[1])});`);
      starts.push([out.length, m[1]!]);
    }
    out.push(line);
  }
  // Closes the file's last module: what runs after is the next file, or the handler's own top level.
  out.push(`globalThis.__oiMark?.(${JSON.stringify(`after ${basename(file)}`)});`);
  writeFileSync(file, out.join('\n'));
  map.files.set(file, starts);
  return patched;
}

/** Our layer, unminified and instrumented, in `<root>/opt-ours-dev` (same layout as the zip). */
export async function devLayer(staged: Staged): Promise<{ dir: string; map: ModuleMap }> {
  const shipped = staged.optDirs.ours!;
  const dir = join(staged.root, 'opt-ours-dev');
  const pkgDir = join(dir, ...PACKAGE_PATH);
  mkdirSync(pkgDir, { recursive: true });
  for (const options of layerBundles(pkgDir)) await build({ ...options, minify: false });
  for (const name of NOT_BUNDLED)
    copyFileSync(join(shipped, ...PACKAGE_PATH, name), join(pkgDir, name));
  copyFileSync(join(shipped, WRAPPER_NAME), join(dir, WRAPPER_NAME));
  chmodSync(join(dir, WRAPPER_NAME), 0o755);
  const map: ModuleMap = { files: new Map() };
  let patched = false;
  for (const name of readdirSync(pkgDir).filter((n) => !NOT_BUNDLED.has(n))) {
    patched = instrument(join(pkgDir, name), map) || patched;
  }
  if (!patched) throw new Error('esbuild helpers not found: the import timer needs updating');
  return { dir, map };
}

/** The module a line of an instrumented bundle belongs to; undefined for other files. */
export function moduleAt(map: ModuleMap, file: string, line: number): string | undefined {
  const starts = map.files.get(file);
  if (!starts) return undefined;
  let found: string | undefined;
  for (const [start, name] of starts) {
    if (start > line) break;
    found = name;
  }
  return found ?? `${basename(file)} (bundle runtime)`;
}

/**
 * The bundled module a profile frame (its url and line) belongs to; undefined
 * for a frame outside our layer.
 *
 * @example
 * const module = moduleOfFrame(map, callFrame.url, callFrame.lineNumber);
 */
export function moduleOfFrame(map: ModuleMap, url: string, line: number): string | undefined {
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  return map.files.has(file) ? moduleAt(map, file, line) : undefined;
}

/** Who a frame outside our layer stands for in the profiles' tables: the harness, the handler, or Node. */
export function outsideOwner(url: string, functionName: string): string {
  if (url.endsWith('runner.mjs')) return 'harness (bench/child/runner.mjs)';
  if (url.includes('/task/')) return 'the handler (index.mjs, model.mjs)';
  return url ? `not under our code: ${url.replace(/^node:internal\//, 'node:')}` : functionName;
}
