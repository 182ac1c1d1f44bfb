import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/support/paths.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `../shared` beside the repository: the EMF and X-Ray schemas live there. */
export function sharedPath(...parts: string[]): string {
  const path = resolve(repoRoot, '..', 'shared', ...parts);
  if (!existsSync(path))
    throw new Error(`expected ${path} (the shared/ folder beside the repository)`);
  return path;
}
