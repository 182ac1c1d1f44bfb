/**
 * The example's ground-truth consumer: case resolutions from SQS become
 * `recordOutcome()` metrics with the inference function's dimensions, and an
 * unreadable message is handed back to SQS instead of being lost. Run
 * in-process with the environment Lambda sets; EMF read from stdout.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseResolution } from '../../examples/fraud-detection/outcomes.js';
import { emfRecords } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';
import { validateEmf } from '../support/emf.js';

// The handler imports the package by name; the tests run the sources.
vi.mock('observed-inference', () => import('../../lib/index.js'));

const sqs = (...bodies: string[]): SQSEvent =>
  ({
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      receiptHandle: `h${i}`,
      body,
      attributes: {},
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:fraud-case-resolutions',
      awsRegion: 'us-east-1',
    })),
  }) as unknown as SQSEvent;

describe('parseResolution()', () => {
  it('reads a resolution and names what is wrong with a bad one', () => {
    expect(
      parseResolution('{"prediction_id":"r1","model_version":"1.0.0","actual":"fraud"}'),
    ).toEqual({ predictionId: 'r1', modelVersion: '1.0.0', predicted: undefined, actual: 'fraud' });
    expect(parseResolution('{')).toMatch(/^body is not valid JSON/);
    expect(parseResolution('[]')).toBe('body must be a JSON object');
    expect(parseResolution('{"model_version":"1","actual":"fraud"}')).toMatch(/'prediction_id'/);
    expect(parseResolution('{"prediction_id":"r","actual":"fraud"}')).toMatch(/'model_version'/);
    expect(parseResolution('{"prediction_id":"r","model_version":"1","actual":"maybe"}')).toBe(
      "'actual' must be one of fraud, legit",
    );
    expect(
      parseResolution('{"prediction_id":"r","model_version":"1","actual":"fraud","predicted":7}'),
    ).toMatch(/'predicted'/);
  });
});

describe('the outcomes handler in a Lambda environment', () => {
  let handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
  let out: ReturnType<typeof captureOutput>;

  beforeAll(async () => {
    Object.assign(process.env, {
      AWS_LAMBDA_FUNCTION_NAME: 'fraud-outcomes',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
      AWS_REGION: 'us-east-1',
      POWERTOOLS_SERVICE_NAME: 'fraud-detection',
    });
    out = captureOutput();
    ({ handler } = await import('../../examples/fraud-detection/outcomes.js'));
  });

  afterAll(() => out.restore());

  it('reports accuracy under the model version that made each prediction', async () => {
    const mark = out.lines.length;
    const response = await handler(
      sqs(
        '{"prediction_id":"a","model_version":"1.0.0","predicted":"fraud","actual":"fraud"}',
        '{"prediction_id":"b","model_version":"1.0.0","predicted":"legit","actual":"fraud"}',
        '{"prediction_id":"c","model_version":"0.9.0","predicted":"legit","actual":"legit"}',
        '{"prediction_id":"d","model_version":"1.0.0","actual":"legit"}',
      ),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    const records = emfRecords(out.since(mark));
    for (const record of records) expect(validateEmf(record)).toEqual([]);
    const correct = (version: string) =>
      records
        .filter((r) => r.ModelName === 'fraud-detector' && r.ModelVersion === version)
        .filter((r) => r.service === 'fraud-detection' && 'PredictionCorrect' in r)
        .map((r) => r.PredictionCorrect);
    expect(correct('1.0.0')).toEqual([1, 0]);
    expect(correct('0.9.0')).toEqual([1]);
    // "d" was predicted in another execution environment and says not what: unmatched, not guessed.
    expect(records.filter((r) => 'OutcomesUnmatched' in r)).toHaveLength(1);
    expect(records.filter((r) => 'Outcomes' in r)).toHaveLength(4);
  });

  it('hands unreadable messages back to SQS and records the rest', async () => {
    const mark = out.lines.length;
    const response = await handler(
      sqs(
        'not json',
        '{"prediction_id":"e","model_version":"1.0.0","predicted":"legit","actual":"legit"}',
        '{"prediction_id":"f","model_version":"1.0.0","actual":"unknown"}',
      ),
    );
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm0' }, { itemIdentifier: 'm2' }],
    });
    const lines = out.since(mark);
    expect(emfRecords(lines).filter((r) => 'PredictionCorrect' in r)).toHaveLength(1);
    expect(lines.filter((l) => l.includes('unreadable case resolution'))).toHaveLength(2);
  });
});
