/**
 * The dependency audit of what we ship (the package's runtime dependencies,
 * which the layer bundles too), in two parts:
 *
 * 1. **Advisories**: `npm audit --omit=dev`, failing on a high or critical
 *    advisory. It needs the registry's audit endpoint; a registry without one
 *    (a mirror: this build machine's answers 405) cannot say, and the run
 *    says so in one line instead of passing silently.
 * 2. **The registry's word on each locked package**, which any registry can
 *    give: the version still exists, its `dist.integrity` is the one in
 *    package-lock.json (nothing republished or swapped under us), its licence
 *    is one we may ship, and it runs no install script.
 *
 * Exit code 1 when any check fails; 0 otherwise (including "advisories
 * unavailable", which is printed).
 *
 * @example
 * // npm run audit:deps
 * // advisories: unavailable from https://registry.npmjs.org/ (audit endpoint answered 405) …
 * // registry: 36 runtime packages checked (integrity, licence, install scripts): ok
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Licences of code we may bundle into the layer and ship to users' functions. */
export const ALLOWED_LICENSES: ReadonlySet<string> = new Set([
  'Apache-2.0',
  'MIT',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
]);
/** The lifecycle scripts npm runs at install. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;
/** Registry requests in flight at once. */
const CONCURRENCY = 8;

/** One package of package-lock.json that ships (not `dev`, not only a peer). */
export interface LockedPackage {
  readonly name: string;
  readonly version: string;
  readonly integrity: string | undefined;
}

interface LockEntry {
  readonly version?: string;
  readonly integrity?: string;
  readonly dev?: boolean;
  readonly devOptional?: boolean;
  readonly peer?: boolean;
  readonly link?: boolean;
  readonly name?: string;
}

/**
 * The packages of a lock file that users install with ours: neither dev-only
 * nor peer-only (peers are the user's own aws-cdk-lib, constructs, …).
 *
 * @example
 * shippedPackages(JSON.parse(readFileSync('package-lock.json', 'utf8'))).length; // 36
 */
export function shippedPackages(lock: { packages?: Record<string, LockEntry> }): LockedPackage[] {
  const out: LockedPackage[] = [];
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path === '' || entry.dev || entry.devOptional || entry.peer || entry.link) continue;
    if (!entry.version) continue;
    const name =
      entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    out.push({ name, version: entry.version, integrity: entry.integrity });
  }
  return out;
}

/** What the registry says of one version (the fields we check). */
export interface RegistryManifest {
  readonly dist?: { readonly integrity?: string };
  readonly license?: unknown;
  readonly scripts?: Record<string, unknown>;
}

/**
 * The problems with one locked package, judged from its registry manifest
 * (undefined: the version is not on the registry).
 *
 * @example
 * packageProblems({ name: 'a', version: '1.0.0', integrity: 'sha512-x' }, { dist: { integrity: 'sha512-y' }, license: 'MIT' });
 * // ['a@1.0.0: integrity sha512-y on the registry, sha512-x in package-lock.json']
 */
export function packageProblems(
  pkg: LockedPackage,
  manifest: RegistryManifest | undefined,
): string[] {
  const id = `${pkg.name}@${pkg.version}`;
  if (!manifest) return [`${id}: not on the registry (unpublished?)`];
  const problems: string[] = [];
  const integrity = manifest.dist?.integrity;
  if (pkg.integrity && integrity !== pkg.integrity) {
    problems.push(
      `${id}: integrity ${integrity} on the registry, ${pkg.integrity} in package-lock.json`,
    );
  }
  const license = typeof manifest.license === 'string' ? manifest.license : undefined;
  if (!license || !ALLOWED_LICENSES.has(license)) {
    problems.push(`${id}: licence ${JSON.stringify(manifest.license)} is not one we ship`);
  }
  for (const script of INSTALL_SCRIPTS) {
    if (manifest.scripts?.[script] !== undefined) problems.push(`${id}: runs a ${script} script`);
  }
  return problems;
}

/** How `npm audit --json` answered. */
export type AdvisoryVerdict =
  | { readonly kind: 'unavailable'; readonly reason: string }
  | { readonly kind: 'report'; readonly high: string[]; readonly total: number };

/**
 * Read `npm audit --json` output: the high and critical advisories, or why
 * the registry could not answer.
 *
 * @example
 * readAuditOutput('{"error":{"code":"E405","summary":"…"}}'); // { kind: 'unavailable', … }
 */
export function readAuditOutput(stdout: string): AdvisoryVerdict {
  let report: {
    message?: string;
    error?: { code?: string; summary?: string };
    vulnerabilities?: Record<string, { severity?: string }>;
  };
  try {
    report = JSON.parse(stdout);
  } catch {
    return { kind: 'unavailable', reason: 'npm audit printed no JSON report' };
  }
  if (report.error || !report.vulnerabilities) {
    const { code, summary } = report.error ?? {};
    const reason = [code, summary || report.message].filter(Boolean).join(': ');
    return { kind: 'unavailable', reason: reason || 'no report' };
  }
  const entries = Object.entries(report.vulnerabilities);
  const high = entries
    .filter(([, v]) => v.severity === 'high' || v.severity === 'critical')
    .map(([name, v]) => `${name} (${v.severity})`);
  return { kind: 'report', high, total: entries.length };
}

async function fetchManifest(
  registry: string,
  pkg: LockedPackage,
): Promise<RegistryManifest | undefined> {
  const url = new URL(`${pkg.name.replace('/', '%2f')}/${pkg.version}`, registry);
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as RegistryManifest;
}

/**
 * Check every package against `registry`; the problems found, in lock order.
 *
 * @example
 * await registryProblems('https://registry.npmjs.org/', shippedPackages(lock)); // []
 */
export async function registryProblems(
  registry: string,
  packages: readonly LockedPackage[],
): Promise<string[]> {
  const results: string[][] = new Array(packages.length);
  let next = 0;
  const worker = async () => {
    while (next < packages.length) {
      const i = next++;
      const pkg = packages[i]!;
      results[i] = packageProblems(pkg, await fetchManifest(registry, pkg));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results.flat();
}

function npm(args: string[], cwd: string) {
  return spawnSync('npm', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

async function main(): Promise<number> {
  const root = join(import.meta.dirname, '..');
  const registry =
    npm(['config', 'get', 'registry'], root).stdout.trim() || 'https://registry.npmjs.org/';
  let failed = false;

  const advisories = readAuditOutput(npm(['audit', '--omit=dev', '--json'], root).stdout);
  if (advisories.kind === 'unavailable') {
    console.log(
      `advisories: unavailable from ${registry} (${advisories.reason}); not checked here — run \`npm audit --omit=dev\` against a registry with an audit endpoint`,
    );
  } else if (advisories.high.length > 0) {
    failed = true;
    console.log(
      `advisories: ${advisories.high.length} high or critical: ${advisories.high.join(', ')}`,
    );
  } else {
    console.log(`advisories: ${advisories.total} found, none high or critical`);
  }

  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const packages = shippedPackages(lock);
  const problems = await registryProblems(registry, packages);
  for (const problem of problems) console.log(`registry: ${problem}`);
  if (problems.length > 0) failed = true;
  console.log(
    `registry: ${packages.length} runtime packages checked (exists, integrity, licence, install scripts): ${problems.length === 0 ? 'ok' : `${problems.length} problems`}`,
  );
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  process.exitCode = await main();
}
