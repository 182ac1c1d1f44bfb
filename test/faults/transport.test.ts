/**
 * The fault matrix, transport part: what reaches the daemon, stdout and
 * stderr when they fail or the input is at an edge. Real components
 * throughout: real UDP sockets, a real child process with a closed pipe or
 * `/dev/full` as its stdout/stderr, the real observe(). Each case asserts the
 * handler's result or error is unchanged, the process lives, and the
 * invocation's records are there or their loss is counted and reported once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { repoRoot } from '../support/paths.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

let udp: UdpCollector;
beforeAll(async () => {
  udp = await collectUdp();
});
afterAll(async () => {
  await udp.close();
});

/** What a child process running observe() with a lost stream reports on fd 3. */
interface ChildRun {
  readonly code: number | null;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly summary: { results: unknown[]; errors: unknown[]; telemetryErrors: number };
}

const CHILD_INVOCATIONS = 5;

/** A function that returns for even events and throws for odd ones, invoked in its own process. */
function childScript(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faults-transport-'));
  const script = join(dir, 'lostStream.mts');
  writeFileSync(
    script,
    `import { writeSync } from 'node:fs';
import { lambdaContexts, traceHeader, useLambdaEnvironment } from ${JSON.stringify(join(repoRoot, 'local-lambda/lambdaContext.ts'))};
useLambdaEnvironment({ functionName: 'lost-stream-fn', daemonAddress: process.argv[2] });
const { observe } = await import(${JSON.stringify(join(repoRoot, 'lib/index.ts'))});
const { containment } = await import(${JSON.stringify(join(repoRoot, 'lib/containment.ts'))});
const context = lambdaContexts('lost-stream-fn');
const handler = observe(async (event: { n: number }) => {
  if (event.n % 2 === 1) throw new RangeError('odd ' + event.n);
  return { label: 'fraud', confidence: 0.9, n: event.n };
});
const results: unknown[] = [];
const errors: unknown[] = [];
for (let n = 0; n < ${CHILD_INVOCATIONS}; n++) {
  process.env._X_AMZN_TRACE_ID = traceHeader().header;
  try {
    results.push(await handler({ n }, context()));
  } catch (error) {
    errors.push(error instanceof RangeError ? error.message : String(error));
  }
}
// Failed writes on a pipe are reported a tick later.
await new Promise((resolve) => setTimeout(resolve, 100));
writeSync(3, JSON.stringify({ results, errors, telemetryErrors: containment.total }));
`,
  );
  return script;
}

/** Run the child with stdout or stderr as given: a real pipe, one closed before it writes, or /dev/full. */
function runChild(
  script: string,
  streams: { stdout: 'pipe' | 'closed' | 'full'; stderr: 'pipe' | 'closed' | 'full' },
): Promise<ChildRun> {
  const summaryFile = join(script, '..', `summary-${streams.stdout}-${streams.stderr}.json`);
  const fd = (how: 'pipe' | 'closed' | 'full') =>
    how === 'full' ? openSync('/dev/full', 'w') : 'pipe';
  const env: NodeJS.ProcessEnv = { ...process.env, POWERTOOLS_LOG_LEVEL: 'INFO' };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_LAMBDA_')) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', script, udp.address], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', fd(streams.stdout), fd(streams.stderr), openSync(summaryFile, 'w')],
  });
  if (streams.stdout === 'closed') child.stdout?.destroy();
  if (streams.stderr === 'closed') child.stderr?.destroy();
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    out.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out.stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');
      const text = readFileSync(summaryFile, 'utf8');
      if (text === '') return reject(new Error(`the child died (${code}): ${out.stderr}`));
      resolve({
        code,
        stdout: lines(out.stdout),
        stderr: lines(out.stderr),
        summary: JSON.parse(text) as ChildRun['summary'],
      });
    });
  });
}

describe('a lost stdout or stderr', () => {
  let script: string;
  beforeAll(() => {
    script = childScript();
  });

  const expectHandlerUnchanged = (run: ChildRun) => {
    expect(run.code).toBe(0);
    expect(run.summary.results).toEqual(
      [0, 2, 4].map((n) => ({ label: 'fraud', confidence: 0.9, n })),
    );
    expect(run.summary.errors).toEqual(['odd 1', 'odd 3']);
  };
  const warningsAbout = (run: ChildRun, area: string) =>
    run.stderr.filter((line) => line.includes('"WARN"') && line.includes(`${area} failed`));

  it.each(['closed', 'full'] as const)(
    'counts every lost stdout write and reports it once on stderr (stdout %s)',
    async (stdout) => {
      const run = await runChild(script, { stdout, stderr: 'pipe' });
      expectHandlerUnchanged(run);
      // One line per invocation (its EMF record and log line leave in one write) is lost.
      expect(run.summary.telemetryErrors).toBeGreaterThanOrEqual(CHILD_INVOCATIONS);
      expect(warningsAbout(run, 'stdout')).toHaveLength(1);
    },
  );

  it.each(['closed', 'full'] as const)(
    'counts lost stderr writes in TelemetryErrors and keeps stdout whole (stderr %s)',
    async (stderr) => {
      const run = await runChild(script, { stdout: 'pipe', stderr });
      expectHandlerUnchanged(run);
      // The returning invocations log at INFO on stdout; the throwing ones at ERROR, on the lost stderr.
      expect(logRecords(run.stdout).map((l) => l.level)).toEqual(['INFO', 'INFO', 'INFO']);
      const emf = emfRecords(run.stdout);
      expect(emf.length).toBeGreaterThanOrEqual(CHILD_INVOCATIONS);
      // The handler's errors are logged at ERROR, to stderr: those writes are lost and counted.
      expect(run.summary.telemetryErrors).toBeGreaterThanOrEqual(2);
      const counted = emf.reduce((sum, r) => sum + Number(r.TelemetryErrors ?? 0), 0);
      expect(counted).toBeGreaterThanOrEqual(1);
    },
  );
});
