// Module resolve hook (runs on Node's hooks thread): when an ES module import of
// a bare specifier is not found the normal way, retry it from each NODE_PATH
// entry that is a node_modules directory, in NODE_PATH order, as Lambda does for
// layer packages. Other entries (/var/runtime, /var/task) hold files, not
// packages, and ESM cannot resolve bare names to files, so they are skipped.
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** @type {string[]} parent URLs whose package lookup starts in each NODE_PATH entry */
let parents = [];

/** @param {{ nodePath?: string } | undefined} data */
export function initialize(data) {
  parents = (data?.nodePath ?? '')
    .split(':')
    .filter((dir) => dir.endsWith('/node_modules'))
    // A module in the directory above `node_modules` looks there first. Lookup
    // then walks further up, which only adds directories Node would also try.
    .map((dir) => pathToFileURL(join(dirname(dir), '__lambda_node_path__.mjs')).href);
}

/** Relative, absolute, URL and `#imports` specifiers are not package names. */
const isBare = (/** @type {string} */ specifier) =>
  !/^(?:\.{0,2}\/|#|[a-zA-Z][a-zA-Z\d+.-]*:)/.test(specifier);

/** @param {unknown} error */
const notFound = (error) =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  error.code === 'ERR_MODULE_NOT_FOUND';

/**
 * @param {string} specifier
 * @param {{ parentURL?: string, conditions: string[], importAttributes?: object }} context
 * @param {(specifier: string, context?: object) => Promise<unknown>} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (!notFound(error) || !isBare(specifier)) throw error;
    for (const parentURL of parents) {
      try {
        return await nextResolve(specifier, { ...context, parentURL });
      } catch (retryError) {
        if (!notFound(retryError)) throw retryError;
      }
    }
    throw error;
  }
}
