/**
 * A baseline from S3, against moto (the local AWS of our tests): an object
 * over the cap is refused from its ContentLength, before its body is read.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BASELINE_BYTES } from '../../lib/contract/limits.js';
import { loadBaselineFromS3 } from '../../lib/drift/monitor.js';
import { ConfigError } from '../../lib/errors.js';
import { hasMotoServer, type Moto, motoEnv, startMoto } from '../../local-lambda/moto.js';

describe.skipIf(!hasMotoServer() && process.env.CI !== 'true')('baseline from S3', () => {
  let moto: Moto;
  let s3: S3Client;
  const saved = { ...process.env };

  beforeAll(async () => {
    moto = await startMoto();
    Object.assign(process.env, motoEnv(moto.endpoint));
    s3 = new S3Client({ forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'models' }));
  });

  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
    process.env = saved;
  });

  it('refuses an object over the size cap, naming the URI, its size and the limit', async () => {
    const size = MAX_BASELINE_BYTES + 1024;
    await s3.send(
      new PutObjectCommand({ Bucket: 'models', Key: 'huge.json', Body: ' '.repeat(size) }),
    );
    const error = await loadBaselineFromS3('s3://models/huge.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^OBSERVED_BASELINE: baseline 's3://models/huge.json' is ${size} bytes.*${MAX_BASELINE_BYTES}`,
      ),
    );
  });
});
