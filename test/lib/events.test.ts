import { describe, expect, it } from 'vitest';
import {
  defaultClientId,
  defaultCorrelationId,
  defaultInput,
  defaultIsClientError,
  defaultIsWarmup,
  header,
  laterInput,
  readLaterInput,
} from '../../lib/events.js';

const restEvent = {
  resource: '/predict',
  httpMethod: 'POST',
  headers: { 'X-Correlation-Id': 'corr-1', 'Content-Type': 'application/json' },
  requestContext: { requestId: 'req-1', identity: { apiKeyId: 'key-9' } },
  body: '{"amount": 10}',
  isBase64Encoded: false,
};

describe('event readers', () => {
  it('reads the parsed JSON body of a proxy event as the model input', () => {
    expect(defaultInput(restEvent)).toEqual({ amount: 10 });
    expect(
      defaultInput({
        ...restEvent,
        body: Buffer.from('{"a":1}').toString('base64'),
        isBase64Encoded: true,
      }),
    ).toEqual({ a: 1 });
    expect(defaultInput({ ...restEvent, body: 'not json' })).toBe('not json');
    expect(defaultInput({ ...restEvent, body: null })).toBeNull();
    expect(defaultInput({ amount: 3 })).toEqual({ amount: 3 });
  });

  it('keeps a string body to read later as the default input would read it now', () => {
    const base64 = Buffer.from('{"amount":7}').toString('base64');
    const events = [
      restEvent,
      { ...restEvent, body: base64, isBase64Encoded: true },
      { ...restEvent, body: 'not json' },
    ];
    for (const event of events) {
      const later = laterInput(event);
      expect(later).toBeDefined();
      expect(readLaterInput(later!)).toEqual(defaultInput(event));
    }
    // Anything else is read at once.
    expect(laterInput({ ...restEvent, body: null })).toBeUndefined();
    expect(laterInput({ amount: 3 })).toBeUndefined();
  });

  it('finds headers whatever their case', () => {
    expect(header(restEvent, 'x-correlation-id')).toBe('corr-1');
    expect(header({ headers: null }, 'x')).toBeUndefined();
    expect(header('garbage', 'x')).toBeUndefined();
  });

  it('reads correlation and client ids from the usual places', () => {
    expect(defaultCorrelationId(restEvent)).toBe('corr-1');
    expect(defaultCorrelationId({ ...restEvent, headers: {} })).toBe('req-1');
    expect(defaultClientId(restEvent)).toBe('key-9');
    expect(defaultClientId({ headers: { 'x-client-id': 'c1' } })).toBe('c1');
    const httpApi = {
      requestContext: { authorizer: { jwt: { claims: { client_id: 'jwt-client' } } } },
    };
    expect(defaultClientId(httpApi)).toBe('jwt-client');
    expect(defaultClientId(undefined)).toBeUndefined();
  });

  it('takes the client id from each place in order, skipping empty strings and non-objects', () => {
    const all = {
      identity: { apiKeyId: 'key' },
      authorizer: {
        jwt: { claims: { client_id: 'jwt-client', azp: 'jwt-azp' } },
        claims: { client_id: 'cognito-client' },
        clientId: 'lambda-authorizer',
      },
    };
    const withContext = (requestContext: unknown) => ({ headers: {}, requestContext });
    expect(defaultClientId(withContext(all))).toBe('key');
    const noKey = { ...all, identity: { apiKeyId: '' } };
    expect(defaultClientId(withContext(noKey))).toBe('jwt-client');
    const jwt = { claims: { client_id: 7, azp: 'jwt-azp' } };
    expect(defaultClientId(withContext({ authorizer: { ...all.authorizer, jwt } }))).toBe(
      'jwt-azp',
    );
    const cognito = { claims: all.authorizer.claims, clientId: 'lambda-authorizer' };
    expect(defaultClientId(withContext({ authorizer: cognito }))).toBe('cognito-client');
    expect(defaultClientId(withContext({ authorizer: { clientId: 'lambda-authorizer' } }))).toBe(
      'lambda-authorizer',
    );
    // Arrays and primitives on the way are not objects to read from.
    expect(defaultClientId(withContext([all]))).toBeUndefined();
    expect(defaultClientId(withContext({ identity: ['key'], authorizer: 'x' }))).toBeUndefined();
    expect(defaultCorrelationId({ requestContext: 'req' })).toBeUndefined();
  });

  it('recognises warmup pings', () => {
    expect(defaultIsWarmup({ warmup: true })).toBe(true);
    expect(defaultIsWarmup({ source: 'serverless-plugin-warmup' })).toBe(true);
    expect(defaultIsWarmup({ 'detail-type': 'Scheduled Event', detail: { warmup: true } })).toBe(
      true,
    );
    expect(defaultIsWarmup({ 'detail-type': 'Scheduled Event', detail: {} })).toBe(false);
    expect(defaultIsWarmup({ warmup: false })).toBe(false);
    expect(defaultIsWarmup(restEvent)).toBe(false);
    expect(defaultIsWarmup(null)).toBe(false);
  });

  it('treats 4xx proxy responses as client errors', () => {
    expect(defaultIsClientError({ statusCode: 400, body: '' })).toBe(true);
    expect(defaultIsClientError({ statusCode: 200 })).toBe(false);
    expect(defaultIsClientError({ statusCode: 503 })).toBe(false);
  });
});
