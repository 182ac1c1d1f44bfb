import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { DAEMON_RETRY_MAX_MS, DAEMON_RETRY_MIN_MS } from '../contract/limits.js';
import { OTLP_COMPRESSION } from '../telemetry.js';
import type { OtlpHttpConfig } from './otlpEndpoint.js';
import { createOtlpSigner, type SignRequest } from './otlpSigner.js';

/**
 * What differs between OTLP's signals (traces, metrics, logs) for one
 * sender: how a batch of items becomes an export request, and how many of
 * them a partial-success answer says the collector rejected. The transport,
 * gzip, SigV4 and back-off are the same for all.
 */
export interface OtlpSignal<T> {
  /** What the items are called in reports: `spans`, `metrics records`, `log records`. */
  readonly items: string;
  serialize(items: readonly T[]): Uint8Array | undefined;
  /** The answer's `partial_success`: items rejected and why; throws on an answer it cannot read. */
  rejected(body: Uint8Array): { readonly count: number; readonly message: string | undefined };
}

/**
 * Spans as an `ExportTraceServiceRequest`.
 *
 * @example
 * new OtlpHttpSender({ ...config.otlp, signal: OTLP_TRACES, onError });
 */
export const OTLP_TRACES: OtlpSignal<ReadableSpan> = {
  items: 'spans',
  serialize: (spans) => ProtobufTraceSerializer.serializeRequest(spans as ReadableSpan[]),
  rejected(body) {
    const { partialSuccess } = ProtobufTraceSerializer.deserializeResponse(body);
    return {
      count: Number(partialSuccess?.rejectedSpans ?? 0),
      message: partialSuccess?.errorMessage,
    };
  },
};

/** Options of {@link OtlpHttpSender}. */
export interface OtlpHttpSenderOptions<T> extends OtlpHttpConfig {
  readonly signal: OtlpSignal<T>;
  /** Called once per failed export with the items it lost; never throws into the caller. */
  readonly onError: (error: Error, lost: number) => void;
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
 * Sends one OTLP signal as OTLP/HTTP protobuf (`POST …/v1/traces`,
 * `…/v1/metrics`, `…/v1/logs`) to a collector (the
 * OpenTelemetry or ADOT collector Lambda extension on `localhost:4318`, a
 * Grafana/Datadog/Jaeger collector) or to X-Ray's OTLP endpoint, signed with
 * SigV4 there. Each `send()` is one request, and resolves when it is
 * answered, failed or timed out (`timeoutMs`): inside Lambda the invocation
 * awaits it before returning, since a request still open when the response
 * goes out would be frozen with the environment. Never rejects; a failure is
 * reported with the items it lost. After a transport failure (refused,
 * timed out, 429 or 5xx) no request is tried for a while (1 s, doubling to
 * 60 s): items meanwhile are counted as lost, so a dead collector costs each
 * invocation nothing, not a timeout. `node:http`/`https` and the signer are
 * loaded on the first send.
 *
 * @example
 * const sender = new OtlpHttpSender({ ...config.otlp, signal: OTLP_TRACES, onError: console.error });
 * await sender.send(processor.takeTrace(traceId));
 */
export class OtlpHttpSender<T> {
  readonly #options: OtlpHttpSenderOptions<T>;
  readonly #url: URL;
  #transport: Promise<Transport> | undefined;
  #sign: Promise<(request: SignRequest) => Promise<Record<string, string>>> | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #pending = 0;
  #retryAt = 0;
  #retryMs = 0;
  #failure = '';

  constructor(options: OtlpHttpSenderOptions<T>) {
    this.#options = options;
    this.#url = new URL(options.url);
  }

  /** Items in requests not yet answered: what a process exit now would lose. */
  get pending(): number {
    return this.#pending;
  }

  /** Send `items` in one request and wait for its answer (bounded by `timeoutMs`). Never rejects. */
  send(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    if (this.#retryAt > 0 && performance.now() < this.#retryAt) {
      this.#report(
        new Error(`${this.#failure} (next attempt within ${this.#retryMs / 1000} s)`),
        items.length,
      );
      return Promise.resolve();
    }
    this.#pending += items.length;
    const call: Promise<void> = this.#export(items).finally(() => {
      this.#pending -= items.length;
      this.#inFlight.delete(call);
    });
    this.#inFlight.add(call);
    return call;
  }

  /** Wait until every request sent so far is answered. Never rejects. */
  async flush(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  async #export(items: readonly T[]): Promise<void> {
    try {
      const request = this.#options.signal.serialize(items);
      if (!request) throw new Error('the OTLP serializer returned nothing');
      const { body, headers } = await this.#prepare(request);
      const answer = await this.#post(body, headers);
      this.#retryAt = 0;
      this.#retryMs = 0;
      this.#readAnswer(answer, items.length);
    } catch (error) {
      if (error instanceof Unavailable) this.#backOff(error.message);
      this.#report(error, items.length);
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
    this.#sign ??= createOtlpSigner(region, this.#options.sigv4Service).catch((error: unknown) => {
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

  #readAnswer(answer: Answer, items: number): void {
    const { status } = answer;
    if (status >= 200 && status < 300) {
      if (answer.type?.startsWith(PROTOBUF) && answer.body.length > 0) this.#partial(answer.body);
      return;
    }
    const quoted = answer.body.subarray(0, MAX_QUOTED_ANSWER).toString('utf8');
    const message = `HTTP ${status}${quoted ? `: ${quoted}` : ''}`;
    // Throttled or failing: give it room. Any other refusal is about this request only.
    if (status === 429 || status >= 500) throw new Unavailable(message);
    this.#report(new Error(message), items);
  }

  /** A 2xx may still say that some items were refused (OTLP's partial success). */
  #partial(body: Buffer): void {
    let rejected = 0;
    let why = '';
    try {
      const partial = this.#options.signal.rejected(body);
      rejected = partial.count;
      why = partial.message ? `: ${partial.message}` : '';
    } catch {
      return; // Accepted: an answer we cannot read says nothing was lost.
    }
    const { items } = this.#options.signal;
    if (rejected > 0)
      this.#report(new Error(`the collector rejected ${rejected} ${items}${why}`), rejected);
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
