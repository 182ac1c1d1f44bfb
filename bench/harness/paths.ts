import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/ (this file is bench/harness/paths.ts). */
export const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(benchDir, '..');
export const resultsDir = join(benchDir, 'results');
/** The measured processes' entry (plain ESM, no loader). */
export const runnerPath = join(benchDir, 'child', 'runner.mjs');
/** The Extensions API stand-in, a process of its own beside the runner (contenders with `extensionsApi`). */
export const extensionsApiPath = join(benchDir, 'child', 'extensionsApi.mjs');
