import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RUNTIMES_DIR } from './localTools.js';

/** A Node.js binary to run the local Lambda with, named after the Lambda runtime it stands for. */
export interface NodeRuntime {
  readonly name: string;
  readonly nodeBinary: string;
}

/**
 * This machine's Node plus the Lambda runtimes' own Node versions, installed
 * by the tests' global setup under local-lambda/runtimes (see localTools.ts).
 * Under CI=true a missing runtime is an error, not a skip.
 */
export function lambdaNodeRuntimes(): NodeRuntime[] {
  const runtimes: NodeRuntime[] = [
    { name: `node ${process.versions.node} (this machine)`, nodeBinary: process.execPath },
  ];
  for (const major of ['22', '24']) {
    const nodeBinary = join(RUNTIMES_DIR, 'node_modules', `node${major}`, 'bin', 'node');
    if (existsSync(nodeBinary)) runtimes.push({ name: `nodejs${major}.x`, nodeBinary });
    else if (process.env.CI === 'true')
      throw new Error(
        `${nodeBinary} missing: the tests' global setup installs local-lambda/runtimes (ensureRuntimes)`,
      );
  }
  return runtimes;
}
