import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config.js';
import { MAX_LOGGED_PAYLOAD_CHARS, REDACTED, redact } from '../../lib/payload.js';

const SECRET = 'S3CRET-VALUE';
/** The configuration: a few keys named, the rest expected from the defaults. */
const configured = resolveConfig(
  {},
  { redact: ['password', 'ssn', 'card_number', 'authorization'] },
).config.redactKeys;
const defaults = resolveConfig({}).config.redactKeys;

const leaked = (out: unknown) => JSON.stringify(out).includes(SECRET);

describe('redact key matching', () => {
  it.each([
    'user_password',
    'userPassword',
    'X-User-Password',
    'client_secret',
    'id_token',
    'credit_card',
    'social_security_number',
    'card_number',
    'Authorization',
  ])('redacts %s when password, ssn, card_number, authorization are configured', (key) => {
    const out = redact({ [key]: SECRET, keep: 'visible' }, configured);
    expect(leaked(out)).toBe(false);
    expect(out).toEqual({ [key]: REDACTED, keep: 'visible' });
  });

  it.each([
    'x-api-key',
    'X-API-Key',
    'X-Amz-Security-Token',
    'x-amz-security-token',
    'Proxy-Authorization',
    'proxy-authorization',
    'Cookie',
    'Set-Cookie',
    'apiKey',
    'access_token',
    'refreshToken',
    'private_key',
  ])('redacts the %s header or field by default', (key) => {
    expect(leaked(redact({ headers: { [key]: SECRET } }, defaults))).toBe(false);
  });

  it('redacts every value of a multiValueHeaders entry', () => {
    const out = redact({ multiValueHeaders: { 'X-Api-Key': [SECRET, SECRET] } }, defaults);
    expect(out).toEqual({ multiValueHeaders: { 'X-Api-Key': REDACTED } });
  });

  it('keeps keys that only share letters with a redacted word', () => {
    const out = redact({ max_tokens: 256, passport_country: 'FR', tokenizer: 'bpe' }, defaults);
    expect(out).toEqual({ max_tokens: 256, passport_country: 'FR', tokenizer: 'bpe' });
  });
});

describe('redact encoded bodies', () => {
  it('parses and redacts a form-encoded body', () => {
    const out = redact({ body: `user=ann&password=${SECRET}&api_key=${SECRET}` }, defaults);
    expect(leaked(out)).toBe(false);
    expect(out).toEqual({ body: { user: 'ann', password: REDACTED, api_key: REDACTED } });
  });

  it('parses and redacts a double-encoded JSON body', () => {
    const inner = JSON.stringify({ user: 'ann', password: SECRET });
    expect(leaked(redact(JSON.stringify(inner), defaults))).toBe(false);
    expect(redact({ body: inner }, defaults)).toEqual({
      body: { user: 'ann', password: REDACTED },
    });
  });

  it('decodes a base64 body before redacting it, and never logs the base64', () => {
    const body = Buffer.from(JSON.stringify({ token: SECRET, n: 1 })).toString('base64');
    const out = redact({ isBase64Encoded: true, body }, defaults);
    expect(out).toEqual({ isBase64Encoded: true, body: { token: REDACTED, n: 1 } });
    const binary = Buffer.from([0xff, 0xd8, 0xff, 0xe0]).toString('base64');
    expect(redact({ isBase64Encoded: true, body: binary }, defaults)).toEqual({
      isBase64Encoded: true,
      body: '[base64 body, 6 bytes]'.replace('6', String(Math.floor((binary.length * 3) / 4))),
    });
  });

  it('does not log an encoded string too big or too broken to redact', () => {
    const big = `{"password":"${SECRET}","pad":"${'x'.repeat(200_000)}"}`;
    expect(leaked(redact({ body: big }, defaults))).toBe(false);
    expect(leaked(redact({ body: `{"password":"${SECRET}"` }, defaults))).toBe(false);
  });

  it('keeps plain text and stops walking once the logged bound is reached', () => {
    expect(redact({ note: 'hello world' }, defaults)).toEqual({ note: 'hello world' });
    let visited = 0;
    const rows = new Proxy(
      Array.from({ length: 200_000 }, (_, i) => ({ i })),
      {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) visited++;
          return Reflect.get(target, key, receiver);
        },
      },
    );
    const out = redact({ rows }, defaults) as { truncated: boolean; preview: string };
    expect(out.truncated).toBe(true);
    expect(out.preview.length).toBe(MAX_LOGGED_PAYLOAD_CHARS);
    expect(visited).toBeLessThan(10_000);
  });
});

describe('redact whole-key entries', () => {
  it('redacts card, pan and pin as whole keys but keeps card_present and card_type', () => {
    const out = redact({ card: SECRET, PAN: SECRET, pin: SECRET, card_present: true }, defaults);
    expect(out).toEqual({ card: REDACTED, PAN: REDACTED, pin: REDACTED, card_present: true });
  });

  it('lets a configured =name match whole keys only and !name drop a default', () => {
    const keys = resolveConfig({}, { redact: ['=note', '!session'] }).config.redactKeys;
    expect(redact({ note: SECRET, footnote: 'kept', session: 'kept' }, keys)).toEqual({
      note: REDACTED,
      footnote: 'kept',
      session: 'kept',
    });
  });
});
