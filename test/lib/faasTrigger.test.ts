import { describe, expect, it } from 'vitest';
import { faasTrigger } from '../../lib/faasTrigger.js';

describe('faasTrigger', () => {
  it.each([
    ['an API Gateway REST or ALB event', { httpMethod: 'POST', body: '{}' }, 'http'],
    ['an HTTP API or Function URL event', { requestContext: { http: { method: 'GET' } } }, 'http'],
    ['an SQS batch', { Records: [{ eventSource: 'aws:sqs' }] }, 'pubsub'],
    ['an SNS notification', { Records: [{ EventSource: 'aws:sns' }] }, 'pubsub'],
    ['a Kinesis batch', { Records: [{ eventSource: 'aws:kinesis' }] }, 'pubsub'],
    ['an MSK batch', { eventSource: 'aws:kafka', records: {} }, 'pubsub'],
    ['an S3 notification', { Records: [{ eventSource: 'aws:s3' }] }, 'datasource'],
    ['a DynamoDB stream batch', { Records: [{ eventSource: 'aws:dynamodb' }] }, 'datasource'],
    ['a scheduled rule', { source: 'aws.events', 'detail-type': 'Scheduled Event' }, 'timer'],
    ['an EventBridge event', { source: 'fraud.app', 'detail-type': 'Order placed' }, 'pubsub'],
    ['a direct invoke', { amount: 3 }, 'other'],
    ['records of an unknown source', { Records: [{ eventSource: 'aws:mq' }] }, 'other'],
    ['no object at all', 'text', 'other'],
  ])('reads %s as its trigger', (_what, event, trigger) => {
    expect(faasTrigger(event)).toBe(trigger);
  });
});
