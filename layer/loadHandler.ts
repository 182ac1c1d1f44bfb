import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HandlerLoadError } from '../lib/index.js';

/** A handler as the Lambda Node runtime accepts it (async, or the older callback style). */
export type UserHandler = (...args: unknown[]) => unknown;

const EXTENSIONS = ['', '.js', '.mjs', '.cjs'];

/** `src/app.handler` → module path `src/app`, export path `handler` (nested names allowed: `app.handlers.predict`). */
export function parseHandler(spec: string): { modulePath: string; exportPath: string[] } {
  const slash = spec.lastIndexOf('/');
  const base = spec.slice(slash + 1);
  const dot = base.indexOf('.');
  if (spec.trim() === '' || dot <= 0 || dot === base.length - 1) {
    throw new HandlerLoadError(
      spec,
      "expected 'file.export' (e.g. 'index.handler' or 'src/app.handler')",
    );
  }
  if (spec.includes('..')) {
    throw new HandlerLoadError(spec, "relative paths with '..' are not allowed, as in Lambda");
  }
  return {
    modulePath: spec.slice(0, slash + 1) + base.slice(0, dot),
    exportPath: base.slice(dot + 1).split('.'),
  };
}

function findFile(taskRoot: string, modulePath: string): string | undefined {
  const base = isAbsolute(modulePath) ? modulePath : resolve(taskRoot, modulePath);
  for (const ext of EXTENSIONS) {
    const file = `${base}${ext}`;
    if (ext === '' && !/\.(m|c)?js$/.test(file)) continue;
    if (existsSync(file)) return file;
  }
  return undefined;
}

function pick(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if ((typeof node !== 'object' && typeof node !== 'function') || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * Load the user's handler the way the Lambda Node runtime does: `file.export`
 * relative to `LAMBDA_TASK_ROOT`, `.js`/`.mjs`/`.cjs`, CommonJS or ESM, nested
 * export names. Every failure is a {@link HandlerLoadError} naming the handler
 * and the cause, which Lambda reports as the init error.
 *
 * @example
 * const handler = await loadUserHandler('src/app.handler', '/var/task');
 */
export async function loadUserHandler(spec: string, taskRoot: string): Promise<UserHandler> {
  const { modulePath, exportPath } = parseHandler(spec);
  const file = findFile(taskRoot, modulePath);
  if (!file) {
    throw new HandlerLoadError(spec, `no ${modulePath}.js, .mjs or .cjs under ${taskRoot}`);
  }
  let module: unknown;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (cause) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    throw new HandlerLoadError(spec, `importing ${file} failed: ${reason}`, { cause });
  }
  const handler = pick(module, exportPath) ?? pick(pick(module, ['default']), exportPath);
  if (handler === undefined)
    throw new HandlerLoadError(spec, `${file} does not export '${exportPath.join('.')}'`);
  if (typeof handler !== 'function') {
    throw new HandlerLoadError(
      spec,
      `'${exportPath.join('.')}' in ${file} is a ${typeof handler}, not a function`,
    );
  }
  return handler as UserHandler;
}
