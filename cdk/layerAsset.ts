import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidPropError } from './errors.js';

const PACKAGE_NAME = 'observed-inference';

/**
 * The root of the observed-inference package above `fromDir`: the repository
 * (running from `cdk/` sources) or the installed package (from `dist/cdk/`).
 *
 * @example
 * packageRoot(dirname(fileURLToPath(import.meta.url)));
 */
export function packageRoot(fromDir: string): string | undefined {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (name === PACKAGE_NAME) return dir;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Where `npm run build:layer` writes the layer: `dist/layer.zip` of the package.
 *
 * @example
 * defaultLayerZipPath(); // '/…/node_modules/observed-inference/dist/layer.zip'
 */
export function defaultLayerZipPath(fromDir: string = here): string {
  const root = packageRoot(fromDir) ?? resolve(fromDir, '..', '..');
  return join(root, 'dist', 'layer.zip');
}

/**
 * The package version, for the layer's description (so a new version makes a new layer version).
 *
 * @example
 * packageVersion(); // '0.1.0'
 */
export function packageVersion(fromDir: string = here): string {
  const root = packageRoot(fromDir);
  if (!root) return 'unknown';
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  return typeof version === 'string' ? version : 'unknown';
}

/**
 * Check that the layer zip exists, with an error that says how to build it.
 *
 * @example
 * checkLayerZip('zipPath', defaultLayerZipPath());
 */
export function checkLayerZip(prop: string, path: string): string {
  const absolute = resolve(path);
  if (!existsSync(absolute) || !statSync(absolute).isFile())
    throw new InvalidPropError(
      prop,
      `the layer zip ${absolute} does not exist: run \`npm run build:layer\` in observed-inference ` +
        `(it writes dist/layer.zip), or point ${prop} at a built layer zip`,
    );
  if (!absolute.endsWith('.zip'))
    throw new InvalidPropError(prop, `${absolute} is not a .zip file`);
  return absolute;
}
