/**
 * The fraud-detection handler with its weights in S3 (moto as the local S3):
 * MODEL_BUCKET switches the loader, MODEL_VERSION names the object, and a
 * failed load is retried by the next invocation. A file of its own, so the
 * handler module initialises with this environment.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lambdaContexts, useLambdaEnvironment } from '../../local-lambda/lambdaContext.js';
import { hasMotoServer, type Moto, motoEnv, startMoto } from '../../local-lambda/moto.js';
import { emfRecords } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';

// See fraudDetection.test.ts: run the library's sources, not dist/.
vi.mock('observed-inference', () => import('../../lib/index.js'));

const BUCKET = 'models';
const VERSION = '1.0.0-s3';
const KEY = `fraud-detector/${VERSION}/weights.json`;

const lambdaContext = lambdaContexts('fraud-detection');

const event = {
  resource: '/predict',
  httpMethod: 'POST',
  headers: { 'content-type': 'application/json' },
  requestContext: { requestId: 'apigw-1' },
  body: JSON.stringify({
    amount: 1250,
    merchant_category: 'electronics',
    hour: 2,
    country_mismatch: true,
    velocity_1h: 4,
    account_age_days: 12,
    card_present: false,
  }),
};

describe.skipIf(!hasMotoServer() && process.env.CI !== 'true')('weights from S3', () => {
  type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;
  let moto: Moto;
  let s3: S3Client;
  let handler: Handler;
  let out: ReturnType<typeof captureOutput>;

  beforeAll(async () => {
    moto = await startMoto();
    useLambdaEnvironment({ functionName: 'fraud-detection' });
    Object.assign(process.env, motoEnv(moto.endpoint), {
      MODEL_BUCKET: BUCKET,
      MODEL_VERSION: VERSION,
      OBSERVED_TRACES: 'off',
      OBSERVED_METRICS: 'emf',
    });
    s3 = new S3Client({ forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    out = captureOutput();
    // Init starts the load; the object is not there yet, so it fails quietly.
    ({ handler } = (await import('../../examples/fraud-detection/handler.js')) as unknown as {
      handler: Handler;
    });
  });

  afterAll(async () => {
    out?.restore();
    s3?.destroy();
    await moto?.stop();
  });

  it('fails the invocation while the object is missing, then loads it on the next one', async () => {
    await expect(handler(event, lambdaContext())).rejects.toThrow(/does not exist|NoSuchKey/);

    const bundled = (await import('../../examples/fraud-detection/model/weights.json', {
      with: { type: 'json' },
    })) as { default: { model: object } };
    const weights = { ...bundled.default, model: { name: 'fraud-detector', version: VERSION } };
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: JSON.stringify(weights) }),
    );

    const mark = out.lines.length;
    const result = await handler(event, lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ label: 'fraud', model_version: VERSION });
    expect(emfRecords(out.since(mark))[0]).toMatchObject({ ModelVersion: VERSION, ModelLoads: 1 });
  });
});
