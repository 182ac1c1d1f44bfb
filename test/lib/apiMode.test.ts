/**
 * Outside Lambda (local runs, containers): traces go to PutTraceSegments and
 * metrics to PutMetricData, batched, sent by flush(). moto_server is the AWS.
 */

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
  type Metric,
} from '@aws-sdk/client-cloudwatch';
import { BatchGetTracesCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasMotoServer, type Moto, motoEnv, startMoto } from '../../local-lambda/moto.js';
import { logRecords } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';
import { repoRoot } from '../support/paths.js';
import { validateSegmentDocument } from '../support/xraySchema.js';

/** The Sum of a metric's values over the last hour, as GetMetricData returns them. */
async function sumOverLastHour(cw: CloudWatchClient, metric: Metric): Promise<number | undefined> {
  const now = Date.now();
  const data = await cw.send(
    new GetMetricDataCommand({
      StartTime: new Date(now - 3600_000),
      EndTime: new Date(now + 60_000),
      MetricDataQueries: [{ Id: 'sum', MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } }],
    }),
  );
  return data.MetricDataResults?.[0]?.Values?.reduce((a, b) => a + b, 0);
}

const available = hasMotoServer() || process.env.CI === 'true';

describe.runIf(available)('observe() outside Lambda (api exporters)', () => {
  let moto: Moto;
  let out: ReturnType<typeof captureOutput>;

  beforeAll(async () => {
    moto = await startMoto();
    Object.assign(process.env, motoEnv(moto.endpoint), { POWERTOOLS_SERVICE_NAME: 'local-svc' });
    out = captureOutput();
  });

  afterAll(async () => {
    out.restore();
    await moto?.stop();
  });

  it('sends traces and metrics through the AWS APIs on flush()', async () => {
    const lib = await import('../../lib/index.js');
    const handler = lib.observe(
      async (event: { amount: number }) => {
        await lib.stage('predict', () => undefined);
        return { label: event.amount > 100 ? 'fraud' : 'legit', confidence: 0.75 };
      },
      { model: { name: 'fraud', version: '1' } },
    );
    const incoming = '1-6751f2a0-0123456789abcdef01234567';
    const event = {
      amount: 500,
      headers: { 'X-Amzn-Trace-Id': `Root=${incoming};Parent=1111222233334444;Sampled=1` },
    };
    const result = await handler(event, { awsRequestId: 'local-1' } as never);
    expect(result).toEqual({ label: 'fraud', confidence: 0.75 });
    expect(out.lines.filter((l) => l.includes('"_aws"'))).toEqual([]);
    expect(logRecords(out.lines).find((l) => l.message === 'inference')).toMatchObject({
      service: 'local-svc',
      prediction: 'fraud',
    });

    await lib.flush();

    const xray = new XRayClient({});
    const traces = await xray.send(new BatchGetTracesCommand({ TraceIds: [incoming] }));
    const segments = traces.Traces?.[0]?.Segments ?? [];
    // The process's first invocation is a cold start: `cold start` beside the inference span.
    const docs = segments.map((s) => JSON.parse(s.Document!) as Record<string, unknown>);
    expect(docs.map((d) => d.name).sort()).toEqual(['cold start', 'inference fraud']);
    for (const doc of docs) {
      expect(validateSegmentDocument(doc)).toEqual([]);
      expect(doc).toMatchObject({ trace_id: incoming, parent_id: '1111222233334444' });
    }

    const cw = new CloudWatchClient({});
    const listed = await cw.send(
      new ListMetricsCommand({ Namespace: 'ObservedInference', MetricName: 'InferenceLatency' }),
    );
    expect(listed.Metrics?.[0]?.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'service', Value: 'local-svc' },
        { Name: 'ModelName', Value: 'fraud' },
        { Name: 'ModelVersion', Value: '1' },
      ]),
    );
    expect(
      await sumOverLastHour(cw, {
        Namespace: 'ObservedInference',
        MetricName: 'Predictions',
        Dimensions: listed.Metrics![0]!.Dimensions,
      }),
    ).toBe(1);
  });

  /**
   * A script that observes one invocation and never calls flush(): it ends
   * naturally, or with process.exit() when `exit` is its argument.
   */
  async function runScript(traceId: string, model: string, how: 'natural' | 'exit') {
    const dir = mkdtempSync(join(tmpdir(), 'oi-exit-'));
    const script = join(dir, 'script.mjs');
    writeFileSync(
      script,
      `import { observe } from ${JSON.stringify(pathToFileURL(join(repoRoot, 'lib/index.ts')).href)};
const handler = observe(async () => ({ label: 'fraud', confidence: 0.75 }), {
  model: { name: ${JSON.stringify(model)}, version: '1' },
});
await handler(
  { headers: { 'X-Amzn-Trace-Id': 'Root=${traceId};Parent=1111222233334444;Sampled=1' } },
  { awsRequestId: 'script-1' },
);
if (process.argv[2] === 'exit') process.exit(0);
`,
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...motoEnv(moto.endpoint),
      POWERTOOLS_SERVICE_NAME: 'exit-svc',
      POWERTOOLS_METRICS_NAMESPACE: 'ObservedInferenceExit',
      OBSERVED_METRICS: 'api',
      OBSERVED_TRACES: 'xray-api',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    for (const name of Object.keys(env)) if (name.startsWith('AWS_LAMBDA_')) delete env[name];
    return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', script, how],
        { cwd: repoRoot, env, encoding: 'utf8', timeout: 25_000 },
        (error, _stdout, stderr) => {
          if (error && typeof error.code !== 'number') reject(error);
          else resolve({ code: child.exitCode, stderr });
        },
      );
    });
  }

  async function tracesOf(traceId: string) {
    const traces = await new XRayClient({}).send(
      new BatchGetTracesCommand({ TraceIds: [traceId] }),
    );
    return traces.Traces?.[0]?.Segments ?? [];
  }

  it('flushes on beforeExit when a script ends without flush()', async () => {
    const traceId = '1-6751f2a0-00000000000000000000e417';
    const run = await runScript(traceId, 'exit-natural', 'natural');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');

    const docs = (await tracesOf(traceId)).map((s) => JSON.parse(s.Document!));
    expect(docs.map((d) => d.name).sort()).toEqual(['cold start', 'inference exit-natural']);
    for (const doc of docs) expect(doc).toMatchObject({ trace_id: traceId });
    const cw = new CloudWatchClient({});
    const listed = await cw.send(
      new ListMetricsCommand({
        Namespace: 'ObservedInferenceExit',
        MetricName: 'Predictions',
        Dimensions: [{ Name: 'ModelName', Value: 'exit-natural' }],
      }),
    );
    expect(listed.Metrics).toHaveLength(1);
    expect(await sumOverLastHour(cw, listed.Metrics![0]!)).toBe(1);
  });

  it('warns once on stderr, with what was lost, when process.exit() skips the flush', async () => {
    const traceId = '1-6751f2a0-0000000000000000000e4173';
    const run = await runScript(traceId, 'exit-forced', 'exit');
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'WARN',
      message: expect.stringMatching(
        /^observed-inference: the process exited with \d+ metric datums and 2 trace records unsent, now lost; call `await flush\(\)` before process\.exit\(\)$/,
      ),
    });
    expect(await tracesOf(traceId)).toEqual([]);
  });
});
