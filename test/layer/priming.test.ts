import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { unzipLayer } from '../../local-lambda/layer.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

const run = promisify(execFile);
const MARK = '--- first invocation ---';

/**
 * A Lambda-like process on the layer as shipped: at init it observes a
 * handler, then reports (on stderr) how many of the bundle's functions have
 * run so far, by V8's precise coverage; then it prints MARK on stdout and
 * invokes the handler once, sampled, as the environment's first invocation.
 */
const SCRIPT = `
const { Session } = require('node:inspector');
const session = new Session();
session.connect();
const post = (method, params) =>
  new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
// Functions of the bundle that ran since the last call (taking coverage resets the counts).
const ran = async () => {
  const { result } = await post('Profiler.takePreciseCoverage');
  const bundle = result.find((s) => s.url.endsWith('observed-inference/index.cjs'));
  return bundle.functions.filter((f) => f.ranges[0].count > 0).length;
};
(async () => {
  await post('Profiler.enable');
  await post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
  const oi = require('observed-inference');
  const handler = oi.observe(
    async () => ({ statusCode: 200, body: '{"label":"fraud","confidence":0.9}' }),
    { model: 'fraud' },
  );
  await new Promise((resolve) => setImmediate(resolve));
  const atInit = await ran();
  process.stdout.write(${JSON.stringify(`${MARK}\n`)});
  process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
  await handler(
    { httpMethod: 'POST', path: '/score', headers: {}, body: '{"features":[1,2]}' },
    { awsRequestId: 'req-1', functionName: 'fraud-fn', functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fraud-fn',
      memoryLimitInMB: '1024', getRemainingTimeInMillis: () => 30000 },
  );
  const inFirst = await ran();
  process.stderr.write(JSON.stringify({ atInit, inFirst }));
})();
`;

interface Outcome {
  /** Functions of the bundle that ran at init, and in the first invocation. */
  readonly atInit: number;
  readonly inFirst: number;
  /** stdout before the mark, and the lines after it. */
  readonly beforeFirst: string;
  readonly lines: Array<Record<string, unknown>>;
  readonly documents: Array<Record<string, unknown>>;
}

let udp: UdpCollector | undefined;
afterEach(async () => {
  await udp?.close();
  udp = undefined;
});

async function lambdaProcess(env: Record<string, string>): Promise<Outcome> {
  udp = await collectUdp();
  const optDir = unzipLayer();
  const { stdout, stderr } = await run(
    process.execPath,
    ['--no-experimental-require-module', '-e', SCRIPT],
    {
      cwd: optDir,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_PATH: join(optDir, 'nodejs', 'node_modules'),
        AWS_LAMBDA_FUNCTION_NAME: 'fraud-fn',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
        AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        AWS_REGION: 'eu-west-1',
        AWS_XRAY_DAEMON_ADDRESS: udp.address,
        ...env,
      },
    },
  );
  // The datagrams are on loopback: wait until both documents of the sampled first invocation are in.
  await expect.poll(() => udp?.documents.length, { timeout: 2000 }).toBeGreaterThanOrEqual(2);
  const [beforeFirst = '', after = ''] = stdout.split(`${MARK}\n`);
  const lines = after
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const counts = JSON.parse(stderr) as { atInit: number; inFirst: number };
  return { ...counts, beforeFirst, lines, documents: [...udp.documents] };
}

/** What the telemetry says, without what differs between any two runs (ids, times, measurements). */
function shape(outcome: Outcome) {
  const log = outcome.lines.find((line) => line.message === 'inference');
  const emf = outcome.lines.find((line) => '_aws' in line);
  return {
    lines: outcome.lines.length,
    log: {
      cold_start: log?.cold_start,
      start_type: log?.start_type,
      prediction: log?.prediction,
      function_request_id: log?.function_request_id,
    },
    emf: { ColdStart: emf?.ColdStart, Predictions: emf?.Predictions, Errors: emf?.Errors },
    segments: outcome.documents.map((doc) => doc.name).sort(),
  };
}

describe('priming (the layer as shipped, in a Lambda-like process)', () => {
  it('runs the invocation path at init, writing nothing, and leaves the first invocation its own', async () => {
    const primed = await lambdaProcess({});
    const unprimed = await lambdaProcess({ OBSERVED_PRIMING: 'off' });

    // Nothing at init: no line, no datagram beyond the first invocation's two documents.
    expect(primed.beforeFirst).toBe('');
    expect(primed.documents).toHaveLength(2);
    expect(JSON.stringify(primed)).not.toContain('priming');
    // The first invocation is the environment's first and a cold start, exactly as unprimed.
    expect(shape(primed)).toEqual(shape(unprimed));
    expect(shape(primed)).toMatchObject({
      lines: 2,
      log: { cold_start: true, start_type: 'on-demand', function_request_id: 'req-1' },
      emf: { ColdStart: 1, Predictions: 1, Errors: 0 },
      segments: ['cold start', 'inference fraud'],
    });
    // What priming is for: the functions an invocation runs have run (so compiled) at init.
    expect(primed.atInit - unprimed.atInit).toBeGreaterThan(50);
  });
});
