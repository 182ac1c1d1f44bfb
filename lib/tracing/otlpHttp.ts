import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { DAEMON_RETRY_MAX_MS, DAEMON_RETRY_MIN_MS } from '../contract/limits.js';
import { OTLP_COMPRESSION } from '../telemetry.js';
import { createOtlpSigner, type SignRequest } from './otlpSigner.js';
import type { OtlpHttpConfig } from './traceConfig.js';

/** Options of {@link OtlpHttpSender}. */
export interface OtlpHttpSenderOptions extends OtlpHttpConfig {
  /** Called once per failed export with the spans it lost; never throws into the caller. */
  readonly onError: (error: Error, lostSpans: number) => void;
}

/** Below this a request goes uncompressed even with gzip: the header would cost more than it saves. */
export const GZIP_MIN_BYTES = 1024;
/** Characters of an error answer quoted in the report. */
const MAX_QUOTED_ANSWER = 300;
const PROTOBUF = 'application/x-protobuf';

interface Transport {
  readonly request: (url: URL, options: RequestOptions) => ClientRequest;
  readonly agent: Agent;
}

/** A request that failed in a way that says the collector is down or overloaded: wait before the next. */
class Unavailable extends Error {}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/**
 * Sends spans as OTLP/HTTP protobuf (`POST …/v1/traces`) to a collector (the
 * OpenTelemetry or ADOT collector Lambda extension on `localhost:4318`, a
 * Grafana/Datadog/Jaeger collector) or to X-Ray's OTLP endpoint, signed with
 * SigV4 there. Each `send()` is one request, and resolves when it is
 * answered, failed or timed out (`timeoutMs`): inside Lambda the invocation
 * awaits it before returning, since a request still open when the response
 * goes out would be frozen with the environment. Never rejects; a failure is
 * reported with the spans it lost. After a transport failure (refused,
 * timed out, 429 or 5xx) no request is tried for a while (1 s, doubling to
 * 60 s): spans meanwhile are counted as lost, so a dead collector costs each
 * invocation nothing, not a timeout. `node:http`/`https` and the signer are
 * loaded on the first send.
 *
 * @example
 * const sender = new OtlpHttpSender({ ...config.otlp, onError: console.error });
 * await sender.send(processor.takeTrace(traceId));
 */
export class OtlpHttpSender {
  readonly #options: OtlpHttpSenderOptions;
  readonly #url: URL;
  #transport: Promise<Transport> | undefined;
  #sign: Promise<(request: SignRequest) => Promise<Record<string, string>>> | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #pendingSpans = 0;
  #retryAt = 0;
  #retryMs = 0;
  #failure = '';

  constructor(options: OtlpHttpSenderOptions) {
    this.#options = options;
    this.#url = new URL(options.url);
  }

  /** Spans in requests not yet answered: what a process exit now would lose. */
  get pending(): number {
    return this.#pendingSpans;
  }

  /** Send `spans` in one request and wait for its answer (bounded by `timeoutMs`). Never rejects. */
  send(spans: readonly ReadableSpan[]): Promise<void> {
    if (spans.length === 0) return Promise.resolve();
    if (this.#retryAt > 0 && performance.now() < this.#retryAt) {
      this.#report(
        new Error(`${this.#failure} (next attempt within ${this.#retryMs / 1000} s)`),
        spans.length,
      );
      return Promise.resolve();
    }
    this.#pendingSpans += spans.length;
    const call: Promise<void> = this.#export(spans).finally(() => {
      this.#pendingSpans -= spans.length;
      this.#inFlight.delete(call);
    });
    this.#inFlight.add(call);
    return call;
  }

  /** Wait until every request sent so far is answered. Never rejects. */
  async flush(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  async #export(spans: readonly ReadableSpan[]): Promise<void> {
    try {
      const request = ProtobufTraceSerializer.serializeRequest(spans as ReadableSpan[]);
      if (!request) throw new Error('the OTLP serializer returned nothing');
      const { body, headers } = await this.#prepare(request);
      const answer = await this.#post(body, headers);
      this.#retryAt = 0;
      this.#retryMs = 0;
      this.#readAnswer(answer, spans.length);
    } catch (error) {
      if (error instanceof Unavailable) this.#backOff(error.message);
      this.#report(error, spans.length);
    }
  }

  async #prepare(
    request: Uint8Array,
  ): Promise<{ body: Uint8Array; headers: Record<string, string> }> {
    let body = request;
    const headers: Record<string, string> = { ...this.#options.headers };
    headers['content-type'] = PROTOBUF;
    if (this.#options.compression === OTLP_COMPRESSION.Gzip && body.length >= GZIP_MIN_BYTES) {
      const { gzip } = await import('node:zlib');
      body = await new Promise<Uint8Array>((resolve, reject) =>
        gzip(body, (error, out) => (error ? reject(error) : resolve(out))),
      );
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(body.length);
    const region = this.#options.sigv4Region;
    if (region === undefined) return { body, headers };
    this.#sign ??= createOtlpSigner(region).catch((error: unknown) => {
      this.#sign = undefined; // a later export tries again
      throw error;
    });
    const signed = await (await this.#sign)({ url: this.#url, headers, body });
    return { body, headers: signed };
  }

  #post(body: Uint8Array, headers: Record<string, string>, retried = false): Promise<Answer> {
    this.#transport ??= loadTransport(this.#url);
    return this.#transport.then(
      ({ request, agent }) =>
        new Promise<Answer>((resolve, reject) => {
          const req = request(this.#url, { method: 'POST', headers, agent });
          const timer = setTimeout(() => {
            req.destroy(new Unavailable(`no answer within ${this.#options.timeoutMs} ms`));
          }, this.#options.timeoutMs);
          timer.unref();
          req.on('response', (res) => {
            readBody(res).then(
              (text) => {
                clearTimeout(timer);
                resolve({
                  status: res.statusCode ?? 0,
                  type: res.headers['content-type'],
                  body: text,
                });
              },
              (error: unknown) => {
                clearTimeout(timer);
                reject(new Unavailable(`answer cut short: ${asError(error).message}`));
              },
            );
          });
          req.on('error', (error: NodeJS.ErrnoException) => {
            clearTimeout(timer);
            // A kept-alive connection the collector closed while the environment was frozen: once more, on a new one.
            if (!retried && req.reusedSocket && error.code === 'ECONNRESET') {
              this.#post(body, headers, true).then(resolve, reject);
              return;
            }
            reject(error instanceof Unavailable ? error : new Unavailable(error.message));
          });
          req.end(body);
        }),
    );
  }

  #readAnswer(answer: Answer, spans: number): void {
    const { status } = answer;
    if (status >= 200 && status < 300) {
      if (answer.type?.startsWith(PROTOBUF) && answer.body.length > 0) this.#partial(answer.body);
      return;
    }
    const quoted = answer.body.subarray(0, MAX_QUOTED_ANSWER).toString('utf8');
    const message = `HTTP ${status}${quoted ? `: ${quoted}` : ''}`;
    // Throttled or failing: give it room. Any other refusal is about this request only.
    if (status === 429 || status >= 500) throw new Unavailable(message);
    this.#report(new Error(message), spans);
  }

  /** A 2xx may still say that some spans were refused (OTLP's partial success). */
  #partial(body: Buffer): void {
    let rejected = 0;
    let why = '';
    try {
      const { partialSuccess } = ProtobufTraceSerializer.deserializeResponse(body);
      rejected = Number(partialSuccess?.rejectedSpans ?? 0);
      why = partialSuccess?.errorMessage ? `: ${partialSuccess.errorMessage}` : '';
    } catch {
      return; // Accepted: an answer we cannot read says nothing was lost.
    }
    if (rejected > 0)
      this.#report(new Error(`the collector rejected ${rejected} spans${why}`), rejected);
  }

  #backOff(reason: string): void {
    this.#retryMs = Math.min(DAEMON_RETRY_MAX_MS, Math.max(DAEMON_RETRY_MIN_MS, this.#retryMs * 2));
    this.#retryAt = performance.now() + this.#retryMs;
    this.#failure = reason;
  }

  #report(error: unknown, lost: number): void {
    const cause = asError(error);
    try {
      this.#options.onError(
        new Error(`OTLP export to ${this.#url.href} failed: ${cause.message}`, { cause }),
        lost,
      );
    } catch {
      // The error hook is the caller's code; its failure must not reach the handler either.
    }
  }
}

interface Answer {
  readonly status: number;
  readonly type: string | undefined;
  readonly body: Buffer;
}

async function loadTransport(url: URL): Promise<Transport> {
  // Loaded on first use: the default (xray-udp) path never pays for http.
  if (url.protocol === 'https:') {
    const https = await import('node:https');
    return { request: https.request, agent: new https.Agent({ keepAlive: true }) };
  }
  const http = await import('node:http');
  return { request: http.request, agent: new http.Agent({ keepAlive: true }) };
}

/** An answer's body: collectors answer small; a large one is read to its end but kept short. */
function readBody(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size < 65_536) chunks.push(chunk);
      size += chunk.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
}
