import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { InvalidPropError } from './errors.js';

/*
 * `OTEL_EXPORTER_OTLP_TRACES_HEADERS` is a plain environment variable: anyone
 * allowed `lambda:GetFunctionConfiguration` reads it, and it is in the
 * template. So headers that are recognisably credentials are refused rather
 * than written there silently; a collector extension can hold them in its
 * own configuration (and read them from Secrets Manager) instead.
 */

/** RFC 9110 field-name characters (a "token"). */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Names that carry credentials by convention. */
const CREDENTIAL_NAME =
  /^(authorization|proxy-authorization|cookie)$|api[-_]?key|token|secret|password|passwd|credential|signature|session|auth/i;

/** Values that are credentials whatever their header: an HTTP authentication scheme… */
const AUTH_SCHEME = /^(bearer|basic|digest)\s/i;
/** …or a dynamic reference to a secret, which CloudFormation would resolve into the variable. */
const SECRET_REFERENCE = /\{\{resolve:(secretsmanager|ssm-secure):/;

const WHY =
  'the value would be plain text in the function configuration (readable with lambda:GetFunctionConfiguration) ' +
  'and in the template; put credentials in the collector extension’s own configuration, which can read Secrets Manager';

/**
 * Check the headers and write them as `OTEL_EXPORTER_OTLP_TRACES_HEADERS`
 * does: `name=value` pairs joined by commas, values percent-encoded.
 *
 * @example
 * otlpHeaders(fn, 'traces.headers', { 'x-tenant': 'fraud team' }); // 'x-tenant=fraud%20team'
 */
export function otlpHeaders(
  scope: IConstruct,
  prop: string,
  headers: Readonly<Record<string, string>>,
): string {
  const pairs = Object.entries(headers).map(([name, value]) => {
    const at = `${prop}.${name}`;
    if (Token.isUnresolved(name) || !FIELD_NAME.test(name))
      throw new InvalidPropError(at, 'must be a literal HTTP header name');
    if (CREDENTIAL_NAME.test(name))
      throw new InvalidPropError(at, `looks like a credential header: ${WHY}`);
    if (typeof value !== 'string') throw new InvalidPropError(at, 'must be a string');
    // A token (a secret's value, an SSM secure parameter) is checked as it will be written.
    const written = JSON.stringify(Stack.of(scope).resolve(value));
    if (AUTH_SCHEME.test(value) || SECRET_REFERENCE.test(written))
      throw new InvalidPropError(at, `is a credential: ${WHY}`);
    return `${name}=${Token.isUnresolved(value) ? value : encodeURIComponent(value)}`;
  });
  return pairs.join(',');
}
