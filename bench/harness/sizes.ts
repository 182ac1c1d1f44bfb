import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import type { Contender } from './contenders.js';
import { benchDir } from './paths.js';
import type { Staged } from './stage.js';

/** A layer's size: zipped (what Lambda's 50 MB / 250 MB limits and downloads see) and unzipped. */
export interface LayerSize {
  readonly zipBytes: number;
  readonly unzippedBytes: number;
  readonly files: number;
  /** How it was obtained. */
  readonly method: string;
}

interface FileEntry {
  readonly path: string;
  readonly name: string;
}

/** Zip local header + central directory entry per file, plus the end record. */
const ZIP_FILE_OVERHEAD = 30 + 46;
const ZIP_END = 22;

/**
 * The size of a zip of `files` at deflate level 9 (as our layer build zips),
 * computed from each file's compressed size plus the zip headers, without
 * writing the archive.
 */
function zipSize(files: readonly FileEntry[]): LayerSize {
  let zipBytes = ZIP_END;
  let unzippedBytes = 0;
  for (const file of files) {
    const data = readFileSync(file.path);
    unzippedBytes += data.length;
    const deflated = deflateRawSync(data, { level: 9 }).length;
    zipBytes +=
      Math.min(deflated, data.length) + ZIP_FILE_OVERHEAD + 2 * Buffer.byteLength(file.name);
  }
  return { zipBytes, unzippedBytes, files: files.length, method: '' };
}

function walk(dir: string, skipNodeModules: boolean, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) continue;
    if (stat.isDirectory()) {
      if (skipNodeModules && name === 'node_modules') continue;
      walk(path, skipNodeModules, out);
    } else if (stat.isFile()) out.push(path);
  }
  return out;
}

/** Where Node would find `name` from a package in `fromDir`, up to `root`. */
function findPackage(name: string, fromDir: string, root: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === dirname(dir)) return undefined;
    dir = dirname(dir);
  }
}

/**
 * The installed package closure of `roots` (dependencies, optional and peer
 * dependencies that are installed), as npm laid it out under `root/node_modules`.
 */
function closure(roots: readonly string[], root: string): string[] {
  const seen = new Set<string>();
  const queue: Array<[string, string]> = roots.map((name) => [name, root]);
  while (queue.length > 0) {
    const [name, from] = queue.shift()!;
    const dir = findPackage(name, from, root);
    if (!dir || seen.has(dir)) continue;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const dep of Object.keys(pkg[field] ?? {})) queue.push([dep, dir]);
    }
  }
  return [...seen];
}

function packagesLayer(roots: readonly string[], root: string, extra: FileEntry[] = []) {
  const files: FileEntry[] = [...extra];
  for (const dir of closure(roots, root)) {
    for (const path of walk(dir, true)) {
      files.push({ path, name: join('nodejs', relative(root, path)) });
    }
  }
  return zipSize(files);
}

function layerFiles(dir: string, names: readonly string[]): FileEntry[] {
  return names.map((name) => ({ path: join(dir, name), name }));
}

/** Our zip as built (dist/layer.zip, copied when the run started). */
function ourLayer(zip: string): LayerSize {
  const entries = unzipSync(readFileSync(zip));
  const files = Object.entries(entries).filter(([name]) => !name.endsWith('/'));
  return {
    zipBytes: statSync(zip).size,
    unzippedBytes: files.reduce((sum, [, data]) => sum + data.length, 0),
    files: files.length,
    method: 'dist/layer.zip as built',
  };
}

/** Each contender's layer size; undefined for bare. */
export function layerSizes(
  contenders: readonly Contender[],
  staged: Staged,
): Map<string, LayerSize> {
  const sizes = new Map<string, LayerSize>();
  const otelDir = staged.optDirs.otel;
  const adotDir = staged.optDirs.adot;
  for (const c of contenders) {
    switch (c.id) {
      case 'oi-library':
      case 'oi-library-cjs':
      case 'oi-after-response':
      case 'oi-zero-code':
      case 'oi-otlp-udp':
      case 'oi-otlp-http':
      case 'oi-otlp-all':
        sizes.set(c.id, ourLayer(staged.ourZip));
        break;
      case 'oi-powertools':
        sizes.set(c.id, {
          ...ourLayer(staged.ourZip),
          method:
            'dist/layer.zip as built; the Powertools logger + metrics beside it are not counted',
        });
        break;
      case 'powertools':
        sizes.set(c.id, {
          ...packagesLayer(
            [
              '@aws-lambda-powertools/logger',
              '@aws-lambda-powertools/metrics',
              '@aws-lambda-powertools/tracer',
            ],
            benchDir,
          ),
          method: 'installed node_modules closure of logger + metrics + tracer, zipped at level 9',
        });
        break;
      case 'emf':
        sizes.set(c.id, {
          ...packagesLayer(['aws-embedded-metrics'], benchDir),
          method: 'installed node_modules closure, zipped at level 9',
        });
        break;
      case 'otel':
        if (!otelDir) break;
        sizes.set(c.id, {
          ...packagesLayer(
            ['import-in-the-middle', '@opentelemetry/api'],
            benchDir,
            layerFiles(otelDir, ['otel-handler', 'init.mjs', 'loader.mjs', 'wrapper.cjs']),
          ),
          method:
            'the layer as assembled here: bundled wrapper + scripts + import-in-the-middle and @opentelemetry/api closures, zipped at level 9',
        });
        break;
      case 'adot':
        if (!adotDir) break;
        sizes.set(c.id, {
          ...packagesLayer(
            ['@aws/aws-distro-opentelemetry-node-autoinstrumentation'],
            join(benchDir, 'adot'),
            layerFiles(adotDir, ['otel-instrument', 'wrapper.mjs']),
          ),
          method: 'installed node_modules closure + scripts, zipped at level 9',
        });
        break;
      default:
        break;
    }
  }
  return sizes;
}
