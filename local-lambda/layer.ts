import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { LAYER_ZIP, WRAPPER_NAME } from '../layer/build.js';

/**
 * Unzip a layer (dist/layer.zip by default) into an `/opt`-like directory, a
 * fresh one unless given, as Lambda extracts a layer (keeping the wrapper
 * executable). Returns the directory.
 *
 * @example
 * const optDir = unzipLayer();
 */
export function unzipLayer(
  zipPath = LAYER_ZIP,
  optDir = mkdtempSync(join(tmpdir(), 'oi-opt-')),
): string {
  const files = unzipSync(readFileSync(zipPath));
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith('/')) continue;
    const target = join(optDir, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  chmodSync(join(optDir, WRAPPER_NAME), 0o755);
  return optDir;
}

/** The exec wrapper's path inside an unzipped layer (`/opt/observed-inference-wrapper`). */
export function wrapperPath(optDir: string): string {
  return join(optDir, WRAPPER_NAME);
}

/** Copy a fixture directory to a temp task root outside the repository (no node_modules above it). */
export function taskRootFrom(fixtureDir: string): string {
  const taskRoot = mkdtempSync(join(tmpdir(), 'oi-task-'));
  cpSync(fixtureDir, taskRoot, { recursive: true });
  return taskRoot;
}
