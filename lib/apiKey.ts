/**
 * The `Symbol.for` name the first copy of the package publishes its API
 * under (see `index.ts`); the layer's `middy` entry reads it too. Bumped when
 * a function or class of `api.ts` changes in a way another copy could not serve.
 *
 * @example
 * const api = (globalThis as Record<symbol, unknown>)[Symbol.for(API_KEY_NAME)];
 */
export const API_KEY_NAME = 'observed-inference.api.v5';
