/**
 * observeModelCalls() against the real AWS SDK v3 clients, in one process as
 * Lambda runs a handler: moto_server serves InvokeModel (without token
 * headers: moto sends none), SageMaker InvokeEndpoint and S3 GetObject; a
 * local stand-in speaking Bedrock's real wire protocol (JSON, and the
 * binary event-stream framing for the streams, local-lambda/bedrockStandIn.ts)
 * serves what moto lacks: Converse, ConverseStream,
 * InvokeModelWithResponseStream, InvokeModel's token-count headers and
 * throttling. Segments are read from a real UDP socket, EMF and log lines
 * from stdout.
 */
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BedrockStandIn, startBedrockStandIn } from '../../local-lambda/bedrockStandIn.js';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { hasMotoServer, type Moto, motoEnv, startMoto } from '../../local-lambda/moto.js';
import { emfRecords, logRecords, metricValues } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';
import { validateEmf } from '../support/emf.js';
import { type SegmentDoc, segmentNodes } from '../support/segmentTree.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';
import { validateSegmentDocument } from '../support/xraySchema.js';

type Lib = typeof import('../../lib/index.js');

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const PRICES = { [MODEL]: { inputPer1kTokens: 0.25, outputPer1kTokens: 1.25 } };
const canRun = hasMotoServer() || process.env.CI === 'true';

let lib: Lib;
let udp: UdpCollector;
let out: ReturnType<typeof captureOutput>;
let moto: Moto;
let standIn: BedrockStandIn;
let bedrock: BedrockRuntimeClient;
const lambdaContext = lambdaContexts('chat-fn');

const creds = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** The stand-in speaks HTTP/2 as Bedrock does; moto_server only HTTP/1.1, so its clients get the HTTP/1.1 handler. */
const bedrockAt = (endpoint: string, http1 = false) =>
  new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint,
    credentials: creds,
    maxAttempts: 1,
    ...(http1 ? { requestHandler: new NodeHttpHandler() } : {}),
  });

async function invoke<T>(handler: (e: unknown, c: Context) => Promise<T>, sampled = true) {
  const trace = traceHeader(sampled);
  process.env._X_AMZN_TRACE_ID = trace.header;
  const mark = out.lines.length;
  let result: T | undefined;
  let error: unknown;
  try {
    result = await handler({}, lambdaContext());
  } catch (e) {
    error = e;
  }
  const lines = out.since(mark);
  return {
    result,
    error,
    trace,
    emf: emfRecords(lines),
    log: logRecords(lines).find(
      (r) => r.message === 'inference' || r.message === 'inference failed',
    ),
    nodes: async (count = 1) => {
      const mine = () => (udp.documents as SegmentDoc[]).filter((d) => d.trace_id === trace.root);
      await expect.poll(() => mine().flatMap((d) => segmentNodes(d)).length).toBeGreaterThan(count);
      for (const doc of mine()) expect(validateSegmentDocument(doc)).toEqual([]);
      return mine().flatMap((d) => segmentNodes(d));
    },
  };
}

function meta(node: { doc: SegmentDoc }): Record<string, unknown> {
  return ((node.doc.metadata as Record<string, unknown> | undefined)?.observed_inference ??
    {}) as Record<string, unknown>;
}

beforeAll(async () => {
  if (!canRun) return;
  moto = await startMoto();
  standIn = await startBedrockStandIn();
  udp = await collectUdp();
  useLambdaEnvironment(
    { functionName: 'chat-fn', daemonAddress: udp.address },
    { ...motoEnv(moto.endpoint), POWERTOOLS_SERVICE_NAME: 'chat-api', OBSERVED_MODEL_NAME: 'chat' },
  );
  out = captureOutput();
  lib = await import('../../lib/index.js');
  bedrock = lib.observeModelCalls(bedrockAt(standIn.endpoint), { prices: PRICES });
});

afterAll(async () => {
  if (!canRun) return;
  out.restore();
  await udp.close();
  await standIn.close();
  await moto.stop();
});

beforeEach(() => {
  if (!canRun) return;
  Object.assign(standIn.behaviour, {
    firstChunkDelayMs: 0,
    throttleNext: 0,
    throttleErrorType: 'ThrottlingException',
    failMidStream: false,
  });
});

describe.runIf(canRun)('observeModelCalls()', () => {
  it('returns the same client', () => {
    const client = bedrockAt(standIn.endpoint);
    expect(lib.observeModelCalls(client)).toBe(client);
  });

  it('makes a GenAI client span for Converse under the current stage, with usage and cost in the one EMF record', async () => {
    const handler = lib.observe(async () =>
      lib.stage('generate', () =>
        bedrock.send(
          new ConverseCommand({
            modelId: MODEL,
            messages: [{ role: 'user', content: [{ text: 'Say hello' }] }],
            inferenceConfig: { maxTokens: 64, temperature: 0.2, topP: 0.9 },
          }),
        ),
      ),
    );
    const run = await invoke(handler);
    expect(run.error).toBeUndefined();
    expect((run.result as { usage?: { outputTokens?: number } }).usage?.outputTokens).toBe(7);
    const nodes = await run.nodes(2);
    const call = nodes.find((n) => n.name === `chat ${MODEL}`)!;
    const stage = nodes.find((n) => n.name === 'generate')!;
    expect(call.parent).toBe(stage.id);
    expect(call.doc.namespace).toBe('remote');
    expect(meta(call)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.system': 'aws.bedrock',
      'gen_ai.request.model': MODEL,
      'gen_ai.response.model': MODEL,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 7,
      'rpc.method': 'Converse',
    });
    // Prompts and completions stay out unless opted in.
    expect(meta(call)).not.toHaveProperty('gen_ai.input.messages');
    expect(meta(call)).not.toHaveProperty('gen_ai.output.messages');
    // The service's segment hangs under our call, not beside it.
    const header = standIn.requests.at(-1)!.headers['x-amzn-trace-id'];
    expect(header).toBe(`Root=${run.trace.root};Parent=${call.id};Sampled=1`);

    expect(run.emf).toHaveLength(1);
    const [record] = run.emf;
    expect(validateEmf(record)).toEqual([]);
    expect(metricValues(run.emf, 'InputTokens')).toEqual([11]);
    expect(metricValues(run.emf, 'OutputTokens')).toEqual([7]);
    expect(metricValues(run.emf, 'ModelCallLatency')).toHaveLength(1);
    expect(metricValues(run.emf, 'InferenceCost')[0]).toBeCloseTo(
      (11 * 0.25 + 7 * 1.25) / 1000,
      12,
    );
    const directives = record!._aws.CloudWatchMetrics;
    expect(directives).toHaveLength(2);
    expect(directives[1]!.Dimensions).toEqual([[...lib.DIMENSION_SET, 'BedrockModelId']]);
    expect(directives[1]!.Metrics.map((m) => m.Name).sort()).toEqual(
      ['InferenceCost', 'InputTokens', 'ModelCallLatency', 'OutputTokens'].sort(),
    );
    expect(record!.BedrockModelId).toBe(MODEL);
    expect(run.log?.model_calls).toMatchObject({
      count: 1,
      input_tokens: 11,
      output_tokens: 7,
      models: [MODEL],
    });
  });

  it('reads InvokeModel token counts from the response headers', async () => {
    const handler = lib.observe(async () => {
      const res = await bedrock.send(
        new InvokeModelCommand({
          modelId: MODEL,
          contentType: 'application/json',
          body: JSON.stringify({
            anthropic_version: 'bedrock-2023-05-31',
            max_tokens: 100,
            temperature: 0.5,
            messages: [{ role: 'user', content: 'hi' }],
          }),
        }),
      );
      return JSON.parse(new TextDecoder().decode(res.body)) as unknown;
    });
    const run = await invoke(handler);
    expect(run.result).toMatchObject({ stop_reason: 'end_turn' });
    const call = (await run.nodes(1)).find((n) => n.name === `chat ${MODEL}`)!;
    expect(meta(call)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.response.model': 'claude-3-haiku-20240307',
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 7,
    });
    expect(metricValues(run.emf, 'InputTokens')).toEqual([11]);
  });

  it('names a prompt body to moto text_completion, and records no tokens where none were reported', async () => {
    const client = lib.observeModelCalls(bedrockAt(moto.endpoint, true));
    const handler = lib.observe(async () =>
      client.send(
        new InvokeModelCommand({
          modelId: 'amazon.titan-text-express-v1',
          contentType: 'application/json',
          body: JSON.stringify({ inputText: 'hi', textGenerationConfig: { maxTokenCount: 50 } }),
        }),
      ),
    );
    const run = await invoke(handler);
    expect(run.error).toBeUndefined();
    const call = (await run.nodes(1)).find(
      (n) => n.name === 'text_completion amazon.titan-text-express-v1',
    )!;
    expect(meta(call)).toMatchObject({ 'gen_ai.request.max_tokens': 50 });
    expect(meta(call)).not.toHaveProperty('gen_ai.usage.input_tokens');
    expect(metricValues(run.emf, 'InputTokens')).toEqual([]);
    expect(metricValues(run.emf, 'ModelCallLatency')).toHaveLength(1);
  });

  it('measures time to first token of ConverseStream, passing every event on as it comes', async () => {
    standIn.behaviour.firstChunkDelayMs = 150;
    const handler = lib.observe(async () => {
      const res = await bedrock.send(
        new ConverseStreamCommand({
          modelId: MODEL,
          messages: [{ role: 'user', content: [{ text: 'hi' }] }],
        }),
      );
      const texts: string[] = [];
      for await (const event of res.stream ?? [])
        if (event.contentBlockDelta?.delta?.text) texts.push(event.contentBlockDelta.delta.text);
      return texts.join('');
    });
    const run = await invoke(handler);
    expect(run.result).toBe('Hello, world');
    const ttft = metricValues(run.emf, 'TimeToFirstToken');
    expect(ttft).toHaveLength(1);
    expect(ttft[0]).toBeGreaterThanOrEqual(150);
    expect(metricValues(run.emf, 'OutputTokens')).toEqual([7]);
    expect(metricValues(run.emf, 'TimePerOutputToken')).toHaveLength(1);
    expect(metricValues(run.emf, 'ModelCallLatency')[0]).toBeGreaterThanOrEqual(ttft[0]!);
    expect(metricValues(run.emf, 'ModelStreamsAborted')).toEqual([]);
    const call = (await run.nodes(1)).find((n) => n.name === `chat ${MODEL}`)!;
    expect(meta(call)).toMatchObject({
      'gen_ai.usage.output_tokens': 7,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'inference.model_call.stream.aborted': false,
    });
    expect(meta(call)['inference.model_call.time_to_first_token_ms']).toBeGreaterThanOrEqual(150);
    expect(
      (run.log?.model_calls as { ttft_ms?: number } | undefined)?.ttft_ms,
    ).toBeGreaterThanOrEqual(150);
  });

  it('measures InvokeModelWithResponseStream from its chunks and Bedrock’s invocation metrics', async () => {
    standIn.behaviour.firstChunkDelayMs = 120;
    const handler = lib.observe(async () => {
      const res = await bedrock.send(
        new InvokeModelWithResponseStreamCommand({
          modelId: MODEL,
          contentType: 'application/json',
          body: JSON.stringify({ max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
        }),
      );
      let chunks = 0;
      for await (const event of res.body ?? []) if (event.chunk?.bytes) chunks++;
      return chunks;
    });
    const run = await invoke(handler);
    expect(run.result).toBe(6);
    expect(metricValues(run.emf, 'TimeToFirstToken')[0]).toBeGreaterThanOrEqual(120);
    expect(metricValues(run.emf, 'InputTokens')).toEqual([11]);
    expect(metricValues(run.emf, 'OutputTokens')).toEqual([7]);
    const call = (await run.nodes(1)).find((n) => n.name === `chat ${MODEL}`)!;
    expect(meta(call)['inference.model_call.stream.chunks']).toBe(6);
    expect(meta(call)['inference.model_call.stream.bytes']).toBeGreaterThan(0);
  });

  it('marks a stream the consumer left early as aborted', async () => {
    const handler = lib.observe(async () => {
      const res = await bedrock.send(new ConverseStreamCommand({ modelId: MODEL, messages: [] }));
      for await (const event of res.stream ?? []) if (event.contentBlockDelta) break;
      return 'stopped';
    });
    const run = await invoke(handler);
    expect(run.result).toBe('stopped');
    expect(metricValues(run.emf, 'ModelStreamsAborted')).toEqual([1]);
    expect(metricValues(run.emf, 'OutputTokens')).toEqual([]);
    const call = (await run.nodes(1)).find((n) => n.name === `chat ${MODEL}`)!;
    expect(meta(call)['inference.model_call.stream.aborted']).toBe(true);
  });

  it('records a stream still being read when the handler returns as seen so far, in the one record', async () => {
    let reading: Promise<number> | undefined;
    standIn.behaviour.firstChunkDelayMs = 200;
    const handler = lib.observe(async () => {
      const res = await bedrock.send(new ConverseStreamCommand({ modelId: MODEL, messages: [] }));
      reading = (async () => {
        let n = 0;
        for await (const _ of res.stream ?? []) n++;
        return n;
      })();
      return 'returned';
    });
    const run = await invoke(handler);
    expect(run.emf).toHaveLength(1);
    expect(metricValues(run.emf, 'ModelStreamsAborted')).toEqual([1]);
    expect(run.log?.model_calls).toMatchObject({ count: 1, streams_open: 1 });
    const call = (await run.nodes(1)).find((n) => n.name === `chat ${MODEL}`)!;
    expect(meta(call)['inference.model_call.stream.open']).toBe(true);
    // The consumer still gets the whole stream.
    expect(await reading).toBe(8);
  });

  it('counts a stream that fails midway, and the consumer gets the error', async () => {
    standIn.behaviour.failMidStream = 'modelStreamErrorException';
    const handler = lib.observe(async () => {
      const res = await bedrock.send(new ConverseStreamCommand({ modelId: MODEL, messages: [] }));
      for await (const _ of res.stream ?? []) {
        // read on
      }
    });
    const run = await invoke(handler);
    expect((run.error as Error).name).toBe('ModelStreamErrorException');
    expect(metricValues(run.emf, 'ModelCallErrors')).toEqual([1]);
    expect(metricValues(run.emf, 'ModelStreamsAborted')).toEqual([1]);
    const call = (await run.nodes(1)).find((n) => n.name === `chat ${MODEL}`)!;
    expect(call.doc.fault).toBe(true);
  });

  it('flags a stream throttled midway (an exception event, no HTTP status) as a throttle', async () => {
    standIn.behaviour.failMidStream = 'throttlingException';
    const handler = lib.observe(async () => {
      const res = await bedrock.send(new ConverseStreamCommand({ modelId: MODEL, messages: [] }));
      for await (const _ of res.stream ?? []) {
        // read on
      }
    });
    const run = await invoke(handler);
    expect((run.error as Error).name).toBe('ThrottlingException');
    expect(metricValues(run.emf, 'ModelCallThrottles')).toEqual([1]);
  });

  it('records an unsampled invocation’s calls in its metrics, and leaves the SDK’s own trace header', async () => {
    const handler = lib.observe(async () =>
      bedrock.send(new ConverseCommand({ modelId: MODEL, messages: [] })),
    );
    const run = await invoke(handler, false);
    expect(run.error).toBeUndefined();
    expect(metricValues(run.emf, 'InputTokens')).toEqual([11]);
    expect(standIn.requests.at(-1)!.headers['x-amzn-trace-id']).toBe(
      `Root=${run.trace.root};Parent=${run.trace.parent};Sampled=0`,
    );
  });

  it('states the Bedrock metrics per model in a record each when an invocation calls two models', async () => {
    const other = 'amazon.nova-lite-v1:0';
    const handler = lib.observe(async () => {
      await bedrock.send(new ConverseCommand({ modelId: MODEL, messages: [] }));
      await bedrock.send(new ConverseCommand({ modelId: other, messages: [] }));
      await bedrock.send(new ConverseCommand({ modelId: other, messages: [] }));
    });
    const run = await invoke(handler);
    for (const record of run.emf) expect(validateEmf(record)).toEqual([]);
    const [main, ...byModel] = run.emf;
    expect(main!._aws.CloudWatchMetrics).toHaveLength(1);
    expect(metricValues([main!], 'InputTokens')).toEqual([11, 11, 11]);
    expect(byModel.map((r) => [r.BedrockModelId, metricValues([r], 'InputTokens')])).toEqual([
      [MODEL, [11]],
      [other, [11, 11]],
    ]);
    for (const record of byModel)
      expect(record._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([
        [...lib.DIMENSION_SET, 'BedrockModelId'],
      ]);
    expect(run.log?.model_calls).toMatchObject({
      count: 3,
      input_tokens: 33,
      models: [MODEL, other],
    });
  });

  it('flags a throttled call and passes the SDK’s error through unchanged', async () => {
    standIn.behaviour.throttleNext = 1;
    let thrown: unknown;
    const handler = lib.observe(async () => {
      try {
        await bedrock.send(new ConverseCommand({ modelId: MODEL, messages: [] }));
      } catch (e) {
        thrown = e;
        throw e;
      }
    });
    const run = await invoke(handler);
    expect(run.error).toBe(thrown);
    expect((run.error as Error).name).toBe('ThrottlingException');
    expect(metricValues(run.emf, 'ModelCallThrottles')).toEqual([1]);
    expect(metricValues(run.emf, 'ModelCallErrors')).toEqual([1]);
    const call = (await run.nodes(1)).find((n) => n.name === `chat ${MODEL}`)!;
    expect(meta(call)).toMatchObject({
      'inference.model_call.throttled': true,
      'error.type': 'ThrottlingException',
    });
    expect(call.doc.fault).toBe(true);
  });

  it('flags a bare HTTP 429 (no error type) from SageMaker as a throttle', async () => {
    standIn.behaviour.throttleNext = 1;
    standIn.behaviour.throttleErrorType = undefined;
    const sagemaker = lib.observeModelCalls(
      new SageMakerRuntimeClient({
        region: 'us-east-1',
        endpoint: standIn.endpoint,
        credentials: creds,
        maxAttempts: 1,
        // The stand-in speaks HTTP/2 only.
        requestHandler: new NodeHttp2Handler(),
      }),
    );
    const handler = lib.observe(async () =>
      sagemaker.send(
        new InvokeEndpointCommand({
          EndpointName: 'fraud-xgb',
          Body: new TextEncoder().encode('{}'),
        }),
      ),
    );
    const run = await invoke(handler);
    expect(run.error).toBeDefined();
    expect(metricValues(run.emf, 'ModelCallThrottles')).toEqual([1]);
  });

  it('makes a SageMaker span with the endpoint and the variant that answered', async () => {
    await fetch(`${moto.endpoint}/moto-api/static/sagemaker/endpoint-results`, {
      method: 'POST',
      body: JSON.stringify({
        results: [
          {
            Body: '{"score":0.9}',
            ContentType: 'application/json',
            InvokedProductionVariant: 'blue',
          },
        ],
      }),
    });
    const sagemaker = lib.observeModelCalls(
      new SageMakerRuntimeClient({ region: 'us-east-1', maxAttempts: 1 }),
    );
    const handler = lib.observe(async () => {
      const res = await sagemaker.send(
        new InvokeEndpointCommand({
          EndpointName: 'fraud-xgb',
          Body: new TextEncoder().encode('{"x":1}'),
        }),
      );
      return new TextDecoder().decode(res.Body);
    });
    const run = await invoke(handler);
    expect(run.result).toBe('{"score":0.9}');
    const call = (await run.nodes(1)).find((n) => n.name === 'SageMakerRuntime.InvokeEndpoint')!;
    expect(call.doc.namespace).toBe('remote');
    expect(meta(call)).toMatchObject({
      'aws.sagemaker.endpoint_name': 'fraud-xgb',
      'aws.sagemaker.invoked_production_variant': 'blue',
    });
    expect(metricValues(run.emf, 'ModelCallLatency')).toHaveLength(1);
    expect(metricValues(run.emf, 'InputTokens')).toEqual([]);
    expect(run.emf[0]!._aws.CloudWatchMetrics).toHaveLength(1);
  });

  it('makes an S3 span for GetObject of weights, with bucket, key and bytes', async () => {
    const plain = new S3Client({ region: 'us-east-1', forcePathStyle: true });
    await plain.send(new CreateBucketCommand({ Bucket: 'weights' }));
    await plain.send(
      new PutObjectCommand({ Bucket: 'weights', Key: 'model.bin', Body: new Uint8Array(1234) }),
    );
    const s3 = lib.observeModelCalls(new S3Client({ region: 'us-east-1', forcePathStyle: true }));
    const handler = lib.observe(async () => {
      const res = await s3.send(new GetObjectCommand({ Bucket: 'weights', Key: 'model.bin' }));
      return (await res.Body!.transformToByteArray()).byteLength;
    });
    const run = await invoke(handler);
    expect(run.result).toBe(1234);
    const call = (await run.nodes(1)).find((n) => n.name === 'S3.GetObject')!;
    expect(meta(call)).toMatchObject({
      'aws.s3.bucket': 'weights',
      'aws.s3.key': 'model.bin',
      'inference.model_call.bytes': 1234,
    });
  });

  it('states a Bedrock model’s latency apart when the invocation also read from S3', async () => {
    const plain = new S3Client({ region: 'us-east-1', forcePathStyle: true });
    await plain.send(new CreateBucketCommand({ Bucket: 'prompts' }));
    await plain.send(new PutObjectCommand({ Bucket: 'prompts', Key: 'system.txt', Body: 'hi' }));
    const s3 = lib.observeModelCalls(new S3Client({ region: 'us-east-1', forcePathStyle: true }));
    const handler = lib.observe(async () => {
      const res = await s3.send(new GetObjectCommand({ Bucket: 'prompts', Key: 'system.txt' }));
      await res.Body!.transformToString();
      await bedrock.send(new ConverseCommand({ modelId: MODEL, messages: [] }));
    });
    const run = await invoke(handler);
    expect((await run.nodes(2)).map((n) => n.name)).toEqual(
      expect.arrayContaining(['S3.GetObject', `chat ${MODEL}`]),
    );
    for (const record of run.emf) expect(validateEmf(record)).toEqual([]);
    const [main, ...byModel] = run.emf;
    // The record's two latencies are not one model's: no BedrockModelId statement of them.
    expect(main!._aws.CloudWatchMetrics).toHaveLength(1);
    expect(metricValues([main!], 'ModelCallLatency')).toHaveLength(2);
    expect(byModel).toHaveLength(1);
    expect(byModel[0]!.BedrockModelId).toBe(MODEL);
    expect(metricValues(byModel, 'ModelCallLatency')).toHaveLength(1);
    expect(metricValues(byModel, 'InputTokens')).toEqual([11]);
  });

  it('leaves a call outside an observed invocation untouched', async () => {
    process.env._X_AMZN_TRACE_ID = traceHeader().header;
    const mark = out.lines.length;
    const before = udp.documents.length;
    const res = await bedrock.send(new ConverseCommand({ modelId: MODEL, messages: [] }));
    expect(res.usage?.inputTokens).toBe(11);
    // The SDK's own header, from the environment.
    expect(standIn.requests.at(-1)!.headers['x-amzn-trace-id']).toBe(process.env._X_AMZN_TRACE_ID);
    await new Promise((r) => setTimeout(r, 50));
    expect(out.since(mark)).toEqual([]);
    expect(udp.documents.length).toBe(before);
  });

  it('puts nothing in the record of an invocation that calls no model', async () => {
    const run = await invoke(lib.observe(async () => ({ label: 'ok', confidence: 0.9 })));
    expect(run.log).not.toHaveProperty('model_calls');
    expect(metricValues(run.emf, 'ModelCallLatency')).toEqual([]);
    expect(run.emf[0]!._aws.CloudWatchMetrics).toHaveLength(1);
  });

  it('contains a failure of its own: the result passes through and TelemetryErrors counts it', async () => {
    const prices = new Proxy(
      {},
      {
        get() {
          throw new Error('a price table that throws');
        },
      },
    );
    const client = lib.observeModelCalls(bedrockAt(standIn.endpoint), { prices });
    const handler = lib.observe(async () =>
      client.send(new ConverseCommand({ modelId: MODEL, messages: [] })),
    );
    const run = await invoke(handler);
    expect(run.error).toBeUndefined();
    expect((run.result as { usage?: { inputTokens?: number } }).usage?.inputTokens).toBe(11);
    expect(metricValues(run.emf, 'TelemetryErrors')).toEqual([1]);
  });

  it('records a streamed completion when asked, as the consumer read it', async () => {
    const client = lib.observeModelCalls(bedrockAt(standIn.endpoint), { capturePrompts: true });
    const handler = lib.observe(async () => {
      const res = await client.send(
        new ConverseStreamCommand({
          modelId: MODEL,
          messages: [{ role: 'user', content: [{ text: 'hi' }] }],
        }),
      );
      for await (const _ of res.stream ?? []) {
        // read on
      }
    });
    const run = await invoke(handler);
    const call = (await run.nodes(1)).find((n) => n.name === `chat ${MODEL}`)!;
    expect(meta(call)['gen_ai.output.messages']).toBe('"Hello, world"');
    expect(String(meta(call)['gen_ai.input.messages'])).toContain('"text":"hi"');
  });

  it('observes a client passed twice once', async () => {
    const client = lib.observeModelCalls(lib.observeModelCalls(bedrockAt(standIn.endpoint)));
    const run = await invoke(
      lib.observe(async () => client.send(new ConverseCommand({ modelId: MODEL, messages: [] }))),
    );
    expect(metricValues(run.emf, 'ModelCallLatency')).toHaveLength(1);
    const nodes = await run.nodes(1);
    expect(nodes.filter((n) => n.name === `chat ${MODEL}`)).toHaveLength(1);
  });

  it('records prompts only when asked, redacted and bounded', async () => {
    const client = lib.observeModelCalls(bedrockAt(standIn.endpoint), { capturePrompts: true });
    const handler = lib.observe(async () =>
      client.send(
        new InvokeModelCommand({
          modelId: MODEL,
          contentType: 'application/json',
          body: JSON.stringify({
            messages: [{ role: 'user', content: 'hi' }],
            metadata: { password: 'hunter2' },
            filler: 'x'.repeat(20_000),
          }),
        }),
      ),
    );
    const run = await invoke(handler);
    const call = (await run.nodes(1)).find((n) => n.name === `chat ${MODEL}`)!;
    const input = String(meta(call)['gen_ai.input.messages']);
    // Past its own bound the redaction gives { truncated, preview } (as for logged payloads): the text is then escaped JSON.
    expect(input).toMatch(/\\?"content\\?":\\?"hi\\?"/);
    expect(input).not.toContain('hunter2');
    expect(input).toContain('[REDACTED]');
    expect(input.length).toBeLessThanOrEqual(8_000);
    expect(input).toMatch(/\.\.\.\[truncated from \d+ chars\]$/);
    expect(String(meta(call)['gen_ai.output.messages'])).toContain('Hello, world');
  });
});
