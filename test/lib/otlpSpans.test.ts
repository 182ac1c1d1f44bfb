/**
 * What an OTLP backend reads from our spans, end to end in this process:
 * observe() in `otlp-udp` mode, its datagrams decoded with OpenTelemetry's
 * own definitions: the FaaS and cloud conventions on the resource (built
 * once, from the environment and OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES)
 * and on the SERVER invocation span; and an `xray-udp` observe() beside it,
 * whose spans do not get the OTLP-only attributes. Its own file: the
 * resource is the process's, made by the first observe().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { captureOutput } from '../support/captureOutput.js';
import { type OtlpUdpReceiver, startOtlpUdpReceiver } from '../support/otlp.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

let otlp: OtlpUdpReceiver;
let xray: UdpCollector;
let out: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  otlp = await startOtlpUdpReceiver();
  xray = await collectUdp();
  useLambdaEnvironment(
    { functionName: 'fraud-otlp', daemonAddress: otlp.address, memoryMb: 512 },
    {
      OBSERVED_TRACES: 'otlp-udp',
      AWS_LAMBDA_LOG_STREAM_NAME: '2026/12/07/[$LATEST]0123',
      OTEL_SERVICE_NAME: 'fraud-service',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test',
    },
  );
  out = captureOutput();
});

afterAll(async () => {
  out.restore();
  await otlp.close();
  await xray.close();
});

const apiEvent = { httpMethod: 'POST', headers: {}, requestContext: {}, body: '{"amount":3}' };

describe('spans as OTLP backends read them', () => {
  it('puts the FaaS conventions on the resource and the SERVER invocation span', async () => {
    const lib = await import('../../lib/index.js');
    const handler = lib.observe(
      async () => lib.stage('predict', () => ({ label: 'legit', confidence: 0.9 })),
      { model: { name: 'fraud', version: '3' } },
    );
    const header = traceHeader();
    process.env._X_AMZN_TRACE_ID = header.header;
    const context = lambdaContexts('fraud-otlp')({ requestId: 'req-otlp-1' });
    await handler(apiEvent, context);
    const root = await otlp.waitForSpan((s) => s.name === 'inference fraud');
    expect(root.kind).toBe('SPAN_KIND_SERVER');
    expect(root.traceId).toBe(header.root.replaceAll('-', '').slice(1));
    expect(root.parentSpanId).toBe(header.parent);
    expect(root.attributes).toMatchObject({
      'faas.trigger': 'http',
      'faas.invocation_id': 'req-otlp-1',
      'faas.coldstart': true,
      'aws.lambda.invoked_arn': context.invokedFunctionArn,
      'cloud.account.id': context.invokedFunctionArn.split(':')[4],
      'inference.model.name': 'fraud',
      'inference.model.version': '3',
      'inference.prediction': 'legit',
    });
    expect(root.resource).toMatchObject({
      'service.name': 'fraud-service',
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_lambda',
      'cloud.region': process.env.AWS_REGION,
      'faas.name': 'fraud-otlp',
      'faas.version': '$LATEST',
      'faas.instance': '2026/12/07/[$LATEST]0123',
      'faas.max_memory': 512 * 1024 * 1024,
      'deployment.environment': 'test',
    });
    const names = otlp
      .spans()
      .filter((s) => s.traceId === root.traceId)
      .map((s) => s.name);
    expect(names.sort()).toEqual(['cold start', 'inference fraud', 'init', 'predict']);
    expect(otlp.rejected).toEqual([]);
  });

  it('sends nothing for an unsampled invocation', async () => {
    const lib = await import('../../lib/index.js');
    const handler = lib.observe(async () => ({ label: 'legit', confidence: 0.9 }));
    const before = otlp.datagrams.length;
    const header = traceHeader(false);
    process.env._X_AMZN_TRACE_ID = header.header;
    await handler({ Records: [{ eventSource: 'aws:sqs' }] }, lambdaContexts('fraud-otlp')());
    // A sampled one after it arrives: the unsampled one would have come first.
    const sampled = traceHeader();
    process.env._X_AMZN_TRACE_ID = sampled.header;
    await handler({ Records: [{ eventSource: 'aws:sqs' }] }, lambdaContexts('fraud-otlp')());
    const span = await otlp.waitForSpan((s) => s.attributes['faas.trigger'] === 'pubsub');
    expect(span.traceId).toBe(sampled.root.replaceAll('-', '').slice(1));
    expect(otlp.datagrams.slice(before).flatMap((d) => d.spans)).toHaveLength(1);
  });

  it('leaves the OTLP-only attributes off an xray-udp observe() in the same process', async () => {
    const lib = await import('../../lib/index.js');
    process.env.AWS_XRAY_DAEMON_ADDRESS = xray.address;
    const handler = lib.observe(async () => ({ label: 'legit', confidence: 0.9 }), {
      traces: 'xray-udp',
      model: 'xray-model',
    });
    process.env._X_AMZN_TRACE_ID = traceHeader().header;
    await handler(apiEvent, lambdaContexts('fraud-otlp')());
    await expect.poll(() => xray.documents.length).toBe(1);
    const metadata = JSON.stringify(xray.documents[0]!.metadata);
    expect(metadata).toContain('faas.invocation_id');
    expect(metadata).not.toContain('faas.trigger');
    expect(metadata).not.toContain('aws.lambda.invoked_arn');
    expect(metadata).not.toContain('cloud.account.id');
  });
});
