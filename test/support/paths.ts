import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/support/paths.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The EMF and X-Ray schemas the tests validate every document against: copies
 * of the project's shared ones (`../shared/emf`, `../shared/xray`) kept in the
 * repository, because CI runs on a clean clone with nothing beside it.
 */
export function schemaPath(...parts: string[]): string {
  const path = resolve(repoRoot, 'test', 'support', 'schemas', ...parts);
  if (!existsSync(path)) throw new Error(`expected the schema ${path}`);
  return path;
}
