/**
 * Outside Lambda (local runs, containers): traces go to PutTraceSegments and
 * metrics to PutMetricData, batched, sent by flush(). moto_server is the AWS.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
} from '@aws-sdk/client-cloudwatch';
import { BatchGetTracesCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutput } from '../support/captureOutput.js';
import { logRecords } from '../support/emf.js';
import { hasMotoServer, type Moto, motoEnv, startMoto } from '../support/moto.js';
import { validateSegmentDocument } from '../support/xraySchema.js';

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
    expect(segments).toHaveLength(1);
    const doc = JSON.parse(segments[0]!.Document!) as Record<string, unknown>;
    expect(validateSegmentDocument(doc)).toEqual([]);
    expect(doc).toMatchObject({
      name: 'inference fraud',
      trace_id: incoming,
      parent_id: '1111222233334444',
    });

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
    const now = Date.now();
    const data = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 3600_000),
        EndTime: new Date(now + 60_000),
        MetricDataQueries: [
          {
            Id: 'predictions',
            MetricStat: {
              Metric: {
                Namespace: 'ObservedInference',
                MetricName: 'Predictions',
                Dimensions: listed.Metrics![0]!.Dimensions,
              },
              Period: 60,
              Stat: 'Sum',
            },
          },
        ],
      }),
    );
    expect(data.MetricDataResults?.[0]?.Values?.reduce((a, b) => a + b, 0)).toBe(1);
  });
});
