/**
 * Lambda's JSON log format and log level (`LoggingConfig: JSON`, which
 * ObservedInferenceFunction sets: `AWS_LAMBDA_LOG_FORMAT=JSON` and
 * `AWS_LAMBDA_LOG_LEVEL`) in every mode of issue 17, through the real
 * runtime client and the layer: the docs' handlers with our own writers and
 * `log`, with a Powertools Logger and Metrics, and under Middy. Every line
 * the function writes is a JSON object Lambda can filter, and none is below
 * the level Lambda was given.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipLayer } from '../../local-lambda/layer.js';
import { startLocalLambda } from '../../local-lambda/localLambda.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { lambdaNodeRuntimes } from '../../local-lambda/runtimes.js';
import { startXRayDaemon, type XRayDaemon } from '../../local-lambda/xrayDaemon.js';
import { repoRoot } from '../support/paths.js';
import { snippet } from '../support/snippets.js';

const HANDLERS = {
  library: 'invocation-logger',
  powertools: 'powertools-handler',
  middy: 'middy-handler',
} as const;

function taskRoot(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'oi-logformat-'));
  const code = transformSync(snippet('docs/library.md', name), { loader: 'ts', format: 'esm' });
  writeFileSync(join(dir, 'fraud.mjs'), code.code);
  mkdirSync(join(dir, 'node_modules'));
  for (const pkg of ['@middy', '@aws-lambda-powertools'])
    symlinkSync(join(repoRoot, 'node_modules', pkg), join(dir, 'node_modules', pkg), 'dir');
  return dir;
}

let daemon: XRayDaemon;
let optDir: string;
const runtime = lambdaNodeRuntimes().at(-1)!;

beforeAll(async () => {
  daemon = await startXRayDaemon();
  optDir = unzipLayer();
});

afterAll(async () => {
  await daemon?.close();
});

describe.each(Object.entries(HANDLERS))(
  'the %s handler under LoggingConfig JSON',
  (_kind, name) => {
    let lines: string[];

    beforeAll(async () => {
      const fn = await startLocalLambda({
        taskRoot: taskRoot(name),
        handler: 'fraud.handler',
        optDir,
        nodeBinary: runtime.nodeBinary,
        functionName: 'fraud-logs',
        env: { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'WARN' },
        xrayDaemonAddress: daemon.address,
      });
      try {
        expect(fn.initError).toBeUndefined();
        const mark = fn.mark();
        await fn.invoke({ amount: 900, country: '' });
        // A null event makes each handler throw (`event.amount`): an ERROR line.
        await fn.invoke(null);
        lines = fn.linesSince(mark);
      } finally {
        await fn.stop();
      }
    }, 30_000);

    it('writes every line as a JSON object', () => {
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    });

    it('writes no log line below AWS_LAMBDA_LOG_LEVEL, and the failure at ERROR', () => {
      const logs = logRecords(lines);
      for (const log of logs) expect(['WARN', 'ERROR'], JSON.stringify(log)).toContain(log.level);
      expect(logs.some((l) => l.level === 'ERROR' && l.message === 'inference failed')).toBe(true);
    });

    it('still writes the metrics (EMF has no level to filter)', () => {
      expect(emfRecords(lines).map((r) => r.ModelName)).toEqual(['fraud', 'fraud']);
    });
  },
);
