/**
 * observeModelCalls() and Powertools Tracer's captureAWSv3Client on one
 * client would record each call twice: said once, at the client's first
 * call. Real clients (the AWS SDK's S3Client, Tracer 2.36 with
 * aws-xray-sdk-core); the calls go to a closed loopback port and fail there.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { containment } from '../../lib/containment.js';
import { observeModelCalls } from '../../lib/index.js';

const saved = vi.hoisted(() => {
  const env = { ...process.env };
  // Read by aws-xray-sdk-core as it loads: no segment outside Lambda is expected here.
  process.env.AWS_XRAY_CONTEXT_MISSING = 'IGNORE_ERROR';
  return env;
});
beforeAll(() => {
  // Tracer captures clients only where it believes it runs in Lambda.
  process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
});
afterAll(() => {
  process.env = saved;
});

const client = () =>
  new S3Client({
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });

it('warns once when Tracer also captures a client passed to observeModelCalls()', async () => {
  const warnings: string[] = [];
  containment.listen((message) => warnings.push(message));
  const send = (c: S3Client) => c.send(new ListBucketsCommand({})).catch(() => undefined);

  await send(observeModelCalls(client()));
  expect(warnings).toEqual([]);

  // Tracer after observeModelCalls(): only the first call can tell.
  const tracer = new Tracer({ serviceName: 'fraud-api' });
  const both = tracer.captureAWSv3Client(observeModelCalls(client()));
  await send(both);
  await send(both);
  expect(warnings).toEqual([expect.stringContaining('recorded twice')]);
});
