import * as own from './api.js';
import { API_KEY_NAME } from './apiKey.js';

const API_KEY = Symbol.for(API_KEY_NAME);

/** The stateful API (`api.ts`), as one copy of the package serves it. */
export type Api = typeof own;

/**
 * The API every entry point serves (`.` and `./middy`): the first copy's of
 * this API version loaded in the process, so that every copy shares one
 * runtime state (see `index.ts`).
 *
 * @example
 * const { observe } = sharedApi();
 */
export function sharedApi(): Api {
  const registry = globalThis as { [API_KEY]?: Api };
  registry[API_KEY] ??= own;
  return registry[API_KEY];
}
