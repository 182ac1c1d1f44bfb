/**
 * The invocation logger under the level variables, each case in a process
 * of its own (the level is read once per process, as in Lambda): DEBUG on
 * writes DEBUG lines at once; `AWS_LAMBDA_LOG_LEVEL` above DEBUG, which
 * Lambda enforces on JSON lines itself, means none is held or written, even
 * for a failed invocation.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logRecords } from '../../local-lambda/outputRecords.js';
import { repoRoot } from '../support/paths.js';

/** One process: a failing and a good invocation of an observed handler that logs a DEBUG line. */
const SCRIPT = `
import { lambdaContexts, traceHeader, useLambdaEnvironment } from './local-lambda/lambdaContext.ts';
useLambdaEnvironment({ functionName: 'fraud-fn' }, { OBSERVED_TRACES: 'off', OBSERVED_METRICS: 'off' });
const { log, observe } = await import('./lib/index.ts');
const context = lambdaContexts('fraud-fn');
const handler = observe(async (event) => {
  log.debug('features', { n: 3 });
  if (event.fail) throw new Error('model crashed');
  return { label: 'legit', confidence: 0.9 };
}, { model: 'fraud' });
for (const event of [{ fail: true }, {}]) {
  process.env._X_AMZN_TRACE_ID = traceHeader().header;
  await handler(event, context()).catch(() => undefined);
}
`;

function run(env: Record<string, string>): Array<Record<string, unknown>> {
  const r = spawnSync(
    process.execPath,
    [join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), '--input-type=module', '-e', SCRIPT],
    { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ...env } },
  );
  expect(r.status, r.stderr).toBe(0);
  return logRecords(`${r.stdout}\n${r.stderr}`.split('\n'));
}

describe('log.debug under the level variables', () => {
  it('writes DEBUG lines at once when DEBUG is on, whatever the outcome', () => {
    const logs = run({ POWERTOOLS_LOG_LEVEL: 'DEBUG' });
    const messages = logs.map((l) => l.message);
    expect(messages.filter((m) => m === 'features')).toHaveLength(2);
    expect(logs.some((l) => 'debug_flushed' in l)).toBe(false);
  });

  it('neither holds nor writes them when AWS_LAMBDA_LOG_LEVEL is above DEBUG', () => {
    const logs = run({ AWS_LAMBDA_LOG_LEVEL: 'INFO', POWERTOOLS_LOG_LEVEL: 'DEBUG' });
    const messages = logs.map((l) => l.message);
    expect(messages).not.toContain('features');
    expect(messages).toContain('inference failed');
    expect(logs.some((l) => 'debug_flushed' in l)).toBe(false);
  });
});
