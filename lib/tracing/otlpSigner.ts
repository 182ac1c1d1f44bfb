/** What {@link createOtlpSigner}'s function signs: one OTLP POST. */
export interface SignRequest {
  readonly url: URL;
  /** Lower-case names; `host` is added. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** X-Ray's OTLP endpoint signs for this service name. */
export const XRAY_SIGNING_SERVICE = 'xray';
/** CloudWatch Logs' OTLP endpoint (`https://logs.<region>.amazonaws.com/v1/logs`) signs for this one. */
export const LOGS_SIGNING_SERVICE = 'logs';

/**
 * A SigV4 signer for OTLP requests to an AWS OTLP endpoint: X-Ray's
 * (`https://xray.<region>.amazonaws.com/v1/traces`, service `xray`, the
 * default) or CloudWatch Logs' (`…/v1/logs`, service `logs`): the AWS SDK v3's own
 * signer and SHA-256, with the SDK's default credential chain (in Lambda:
 * the function role's credentials from the environment). The SDK is
 * imported here, on the first signed export only; the layer takes it from the
 * Lambda runtime, as it does the X-Ray client. The returned function gives
 * the headers to send: the given ones plus `host`, `x-amz-date`,
 * `x-amz-content-sha256`, the session token and `authorization`.
 *
 * @example
 * const sign = await createOtlpSigner('eu-west-1');
 * const headers = await sign({ url, headers: { 'content-type': 'application/x-protobuf' }, body });
 */
export async function createOtlpSigner(
  region: string,
  service: string = XRAY_SIGNING_SERVICE,
): Promise<(request: SignRequest) => Promise<Record<string, string>>> {
  const [{ SignatureV4 }, { Sha256 }, { defaultProvider }] = await Promise.all([
    import('@smithy/signature-v4'),
    import('@smithy/core/checksum'),
    import('@aws-sdk/credential-provider-node'),
  ]);
  const signer = new SignatureV4({
    service,
    region,
    credentials: defaultProvider(),
    sha256: Sha256,
  });
  return async ({ url, headers, body }) => {
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) query[key] = value;
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers: { ...headers, host: url.host },
      body,
    });
    return signed.headers;
  };
}
