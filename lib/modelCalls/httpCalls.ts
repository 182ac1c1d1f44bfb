import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { containment as processContainment } from '../containment.js';
import { asException, describeError } from '../errors.js';
import { currentInvocation, type Invocation } from '../invocation.js';
import { GEN_AI_ATTR, SPAN } from '../telemetry.js';
import { activeContext } from '../tracer.js';
import { toXRayTraceId } from '../tracing/xrayDocument.js';
import { ModelCallsRecord } from './record.js';

/*
 * fetch() (Node's bundled undici) and undici itself publish each request's
 * life on diagnostics channels: created, response headers, body done (the
 * trailers), error. Subscribing observes calls to the model servers named,
 * with no wrapper around fetch and nothing imported from undici.
 */

/** Options of `observeHttpModelCalls()`. */
export interface HttpModelCallOptions {
  /**
   * The model servers to observe, as origins (`http://127.0.0.1:8080`,
   * `https://models.internal.example.com`); requests to any other origin
   * (our own OTLP exports included) pass unobserved.
   */
  readonly origins: readonly string[];
}

/** What undici publishes (structural: its types are not imported). */
interface UndiciRequest {
  readonly origin?: unknown;
  readonly method?: unknown;
  readonly path?: unknown;
  addHeader?(name: string, value: string): unknown;
}
interface RequestMessage {
  readonly request: UndiciRequest;
  readonly response?: { readonly statusCode?: unknown };
  readonly error?: unknown;
}

interface HttpCall {
  readonly inv: Invocation;
  readonly span: Span;
  readonly host: string;
  readonly start: number;
  status?: number;
}

const CHANNELS = {
  create: 'undici:request:create',
  headers: 'undici:request:headers',
  trailers: 'undici:request:trailers',
  error: 'undici:request:error',
} as const;

function originOf(value: unknown): URL | undefined {
  try {
    return new URL(String(value));
  } catch {
    return undefined;
  }
}

function finish(call: HttpCall, error: unknown): void {
  const { span, status } = call;
  const throttled = status === 429;
  const failed = error !== undefined || (status !== undefined && status >= 400);
  if (error !== undefined) {
    span.recordException(asException(error));
    span.setAttribute(GEN_AI_ATTR.ErrorType, describeError(error).name);
  } else if (failed) span.setAttribute(GEN_AI_ATTR.ErrorType, String(status));
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
  call.inv.modelCalls ??= new ModelCallsRecord();
  call.inv.modelCalls.add(call.inv.metrics, {
    bedrockModelId: undefined,
    model: call.host,
    latencyMs: performance.now() - call.start,
    failed,
    throttled,
    inputTokens: undefined,
    outputTokens: undefined,
    timeToFirstTokenMs: undefined,
    timePerOutputTokenMs: undefined,
    cost: undefined,
    streamAborted: false,
    streamOpen: false,
  });
}

/** Public; documented where `index.ts` exports it. */
export function observeHttpModelCalls(options: HttpModelCallOptions): () => void {
  const origins = new Set(
    options.origins.map((o) => originOf(o)?.origin).filter((o): o is string => o !== undefined),
  );
  const calls = new WeakMap<UndiciRequest, HttpCall>();
  const contained =
    (area: string, fn: (message: RequestMessage) => void) =>
    (message: unknown): void => {
      try {
        fn(message as RequestMessage);
      } catch (error) {
        processContainment.report(area, error);
      }
    };
  const onCreate = contained('http model call', ({ request }) => {
    const url = originOf(request.origin);
    if (!url || !origins.has(url.origin)) return;
    const inv = currentInvocation();
    if (!inv) return;
    const method = typeof request.method === 'string' ? request.method : 'GET';
    const parent = activeContext();
    const span = inv.sinks.tracer.startSpan(
      SPAN.httpCall(method, url.host),
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [GEN_AI_ATTR.HttpRequestMethod]: method,
          [GEN_AI_ATTR.ServerAddress]: url.hostname,
          [GEN_AI_ATTR.ServerPort]: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
          [GEN_AI_ATTR.UrlPath]: String(request.path ?? '/').split('?')[0],
        },
      },
      parent,
    );
    calls.set(request, { inv, span, host: url.host, start: performance.now() });
    // The server's own segment hangs under this call, as for the SDK's calls.
    if (span.isRecording() && typeof request.addHeader === 'function') {
      const { traceId, spanId } = span.spanContext();
      request.addHeader(
        'x-amzn-trace-id',
        `Root=${toXRayTraceId(traceId)};Parent=${spanId};Sampled=1`,
      );
    }
  });
  const onHeaders = contained('http model call', ({ request, response }) => {
    const call = calls.get(request);
    if (!call || typeof response?.statusCode !== 'number') return;
    call.status = response.statusCode;
    call.span.setAttribute(GEN_AI_ATTR.HttpStatusCode, response.statusCode);
  });
  const onEnd = contained('http model call', ({ request, error }) => {
    const call = calls.get(request);
    if (!call) return;
    calls.delete(request);
    finish(call, error);
  });
  subscribe(CHANNELS.create, onCreate);
  subscribe(CHANNELS.headers, onHeaders);
  subscribe(CHANNELS.trailers, onEnd);
  subscribe(CHANNELS.error, onEnd);
  return () => {
    unsubscribe(CHANNELS.create, onCreate);
    unsubscribe(CHANNELS.headers, onHeaders);
    unsubscribe(CHANNELS.trailers, onEnd);
    unsubscribe(CHANNELS.error, onEnd);
  };
}
