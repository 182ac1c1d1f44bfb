/**
 * The heavy tools of the local Lambda, kept out of the package's own
 * dependencies so `npm ci` (and a user's `npm install observed-inference`)
 * neither builds native code nor downloads Node.js runtimes:
 *
 * - `local-lambda/ric`: the real Lambda Runtime Interface Client (`aws-lambda-ric`),
 *   which compiles its native client at install (cmake, make, g++); the tests
 *   and the demo need it.
 * - `local-lambda/runtimes`: the Node.js binaries of the `nodejs22.x` and `nodejs24.x`
 *   runtimes (about 375 MB), for the tests' runtime matrix.
 *
 * Each is installed on first use with `npm ci` from its own lock file and kept
 * until that lock file changes (a stamp beside `node_modules` records the
 * lock's hash), so later runs start at once.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A directory beside this file with its own package.json and package-lock.json. */
interface ToolDir {
  readonly dir: string;
  /** What it is for and what installing it costs, for the one line printed before. */
  readonly what: string;
  readonly npmArgs: readonly string[];
}

const RIC: ToolDir = {
  dir: fileURLToPath(new URL('ric', import.meta.url)),
  what: 'aws-lambda-ric (the real Lambda runtime client; builds native code with cmake and g++, a few minutes the first time)',
  // It declares node >=22 and runs on this machine's Node 20 too (N-API).
  npmArgs: ['--engine-strict=false'],
};

const RUNTIMES: ToolDir = {
  dir: fileURLToPath(new URL('runtimes', import.meta.url)),
  what: 'the Node.js 22 and 24 binaries of the Lambda runtimes (about 375 MB, downloaded once)',
  // Without bin links, they never shadow the project's node.
  npmArgs: ['--no-bin-links'],
};

const STAMP = '.installed-lock-sha256';

function lockHash(dir: string): string {
  return createHash('sha256')
    .update(readFileSync(join(dir, 'package-lock.json')))
    .digest('hex');
}

function isCurrent(tool: ToolDir): boolean {
  const stamp = join(tool.dir, 'node_modules', STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash(tool.dir);
}

function install(tool: ToolDir, log: (line: string) => void): void {
  if (isCurrent(tool)) return;
  log(`installing ${tool.what} into ${tool.dir}`);
  const npm = spawnSync(
    'npm',
    ['ci', '--no-audit', '--no-fund', '--loglevel=error', ...tool.npmArgs],
    { cwd: tool.dir, stdio: ['ignore', 'inherit', 'inherit'], env: process.env },
  );
  if (npm.status !== 0)
    throw new Error(
      `npm ci in ${tool.dir} failed (exit ${npm.status ?? npm.signal}); ` +
        'aws-lambda-ric needs cmake, make and g++ (Debian: apt-get install -y cmake g++ make)',
    );
  writeFileSync(join(tool.dir, 'node_modules', STAMP), lockHash(tool.dir));
}

const stderrLine = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Install `aws-lambda-ric` under local-lambda/ric unless its lock is already installed.
 *
 * @example
 * ensureRic(); // then ricEntry() resolves
 */
export function ensureRic(log: (line: string) => void = stderrLine): void {
  install(RIC, log);
}

/**
 * Install the Lambda runtimes' Node.js binaries under local-lambda/runtimes unless
 * already installed.
 *
 * @example
 * ensureRuntimes();
 */
export function ensureRuntimes(log: (line: string) => void = stderrLine): void {
  install(RUNTIMES, log);
}

/** The directory `aws-lambda-ric` is installed in. */
export const RIC_DIR = RIC.dir;
/** The directory the runtimes' Node.js binaries are installed in. */
export const RUNTIMES_DIR = RUNTIMES.dir;
