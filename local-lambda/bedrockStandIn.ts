/**
 * A local stand-in for the Bedrock runtime's HTTP API, for what moto_server
 * does not serve (Converse, ConverseStream, InvokeModelWithResponseStream)
 * or serves without what we read (InvokeModel's token-count headers). It
 * speaks the real wire protocol (HTTP/2 without TLS, as the client's default
 * NodeHttp2Handler speaks it to an http:// endpoint), so the real `@aws-sdk/client-bedrock-runtime`
 * parses its answers: JSON for Converse and InvokeModel, and for the streams
 * the `application/vnd.amazon.eventstream` binary framing, encoded with the
 * codec the SDK itself decodes with (`@smithy/core/event-streams`), with the
 * usage metadata Bedrock ends a stream with. The answers are canned, or
 * scripted per request by `behaviour.respond`: no model runs here. Used by
 * the tests (what is under test is our reading of the answers), the demo's
 * ticket-triage example and the model-call micro-benchmark; a client reaches
 * it through `endpoint`, or a function through `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`.
 */
import { once } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Http2ServerResponse, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/core/event-streams';

const utf8 = new TextEncoder();
const fromUtf8 = (text: string) => utf8.encode(text);
const toUtf8 = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** How the next answers behave. */
export interface StandInBehaviour {
  /** Wait this long before the first content event of a stream. */
  firstChunkDelayMs: number;
  /** Answer the next N requests with HTTP 429… */
  throttleNext: number;
  /** …of this error type (`x-amzn-errortype`), or a bare 429 when undefined. */
  throttleErrorType: string | undefined;
  /** End ConverseStream after its first delta with an exception frame of this type. */
  failMidStream: 'modelStreamErrorException' | 'throttlingException' | false;
  /** Content deltas a ConverseStream answer sends. */
  deltas: readonly string[];
  inputTokens: number;
  outputTokens: number;
  /**
   * Script the answer to one Converse or ConverseStream request from what it
   * asked (its model id and JSON body): the fields returned replace the
   * behaviour's for that request (`text` is Converse's answer).
   */
  respond?: (request: StandInRequest) => Partial<StandInAnswer>;
}

/** A request as `respond` sees it. */
export interface StandInRequest {
  readonly operation: 'converse' | 'converse-stream';
  readonly modelId: string;
  /** The request's JSON body (`messages`, `system`, `inferenceConfig`, …). */
  readonly body: Record<string, unknown>;
}

/** What `respond` may set for one request. */
export interface StandInAnswer {
  readonly text: string;
  readonly deltas: readonly string[];
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly firstChunkDelayMs: number;
}

export interface BedrockStandIn {
  readonly endpoint: string;
  readonly behaviour: StandInBehaviour;
  /** Headers of each request received, in order. */
  readonly requests: Array<{ readonly path: string; readonly headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function json(
  res: Http2ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function converseStream(
  res: Http2ServerResponse,
  b: StandInBehaviour & Partial<StandInAnswer>,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
  res.write(eventFrame('messageStart', { role: 'assistant' }));
  res.write(eventFrame('contentBlockStart', { contentBlockIndex: 0, start: {} }));
  await sleep(b.firstChunkDelayMs);
  for (const [i, text] of b.deltas.entries()) {
    res.write(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text } }));
    if (i === 0 && b.failMidStream) {
      res.end(exceptionFrame(b.failMidStream, 'the model failed midway'));
      return;
    }
    await sleep(5);
  }
  res.write(eventFrame('contentBlockStop', { contentBlockIndex: 0 }));
  res.write(eventFrame('messageStop', { stopReason: 'end_turn' }));
  res.end(
    eventFrame('metadata', {
      usage: {
        inputTokens: b.inputTokens,
        outputTokens: b.outputTokens,
        totalTokens: b.inputTokens + b.outputTokens,
      },
      metrics: { latencyMs: 42 },
    }),
  );
}

/** InvokeModelWithResponseStream of an Anthropic model: its own JSON in `chunk` events. */
async function invokeStream(res: Http2ServerResponse, b: StandInBehaviour): Promise<void> {
  const chunk = (payload: unknown) =>
    eventFrame('chunk', { bytes: Buffer.from(JSON.stringify(payload)).toString('base64') });
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
  res.write(
    chunk({
      type: 'message_start',
      message: { model: 'claude', usage: { input_tokens: b.inputTokens } },
    }),
  );
  await sleep(b.firstChunkDelayMs);
  for (const text of b.deltas) {
    res.write(
      chunk({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
    );
    await sleep(5);
  }
  res.write(
    chunk({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: b.outputTokens },
    }),
  );
  res.end(
    chunk({
      type: 'message_stop',
      'amazon-bedrock-invocationMetrics': {
        inputTokenCount: b.inputTokens,
        outputTokenCount: b.outputTokens,
        invocationLatency: 40,
        firstByteLatency: 10,
      },
    }),
  );
}

/** The scripted answer to a Converse or ConverseStream request, if `respond` is set. */
function scripted(
  behaviour: StandInBehaviour,
  op: string | undefined,
  modelId: string | undefined,
  chunks: readonly Buffer[],
): Partial<StandInAnswer> {
  if (!behaviour.respond || (op !== 'converse' && op !== 'converse-stream')) return {};
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    // An unreadable body is answered as the behaviour says.
  }
  return behaviour.respond({ operation: op, modelId: modelId ?? '', body });
}

/** Start the stand-in on a free loopback port. */
export async function startBedrockStandIn(): Promise<BedrockStandIn> {
  const behaviour: StandInBehaviour = {
    firstChunkDelayMs: 0,
    throttleNext: 0,
    throttleErrorType: 'ThrottlingException',
    failMidStream: false,
    deltas: ['Hello', ', ', 'world'],
    inputTokens: 11,
    outputTokens: 7,
  };
  const requests: BedrockStandIn['requests'] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(req.url ?? '');
    requests.push({ path, headers: req.headers });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (behaviour.throttleNext > 0) {
        behaviour.throttleNext--;
        const type = behaviour.throttleErrorType;
        json(
          res,
          429,
          { message: 'Too many requests, please wait before trying again.' },
          type
            ? { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` }
            : {},
        );
        return;
      }
      const route =
        /^\/model\/([^/]+)\/(converse-stream|converse|invoke-with-response-stream|invoke)$/.exec(
          path,
        );
      const op = route?.[2];
      const b = { ...behaviour, ...scripted(behaviour, op, route?.[1], chunks) };
      if (op === 'converse')
        json(res, 200, {
          output: { message: { role: 'assistant', content: [{ text: b.text ?? 'Hello, world' }] } },
          stopReason: 'end_turn',
          usage: {
            inputTokens: b.inputTokens,
            outputTokens: b.outputTokens,
            totalTokens: b.inputTokens + b.outputTokens,
          },
          metrics: { latencyMs: 42 },
        });
      else if (op === 'invoke')
        json(
          res,
          200,
          {
            id: 'msg_1',
            type: 'message',
            model: 'claude-3-haiku-20240307',
            content: [{ type: 'text', text: 'Hello, world' }],
            stop_reason: 'end_turn',
            usage: { input_tokens: behaviour.inputTokens, output_tokens: behaviour.outputTokens },
          },
          {
            'x-amzn-bedrock-input-token-count': String(behaviour.inputTokens),
            'x-amzn-bedrock-output-token-count': String(behaviour.outputTokens),
            'x-amzn-bedrock-invocation-latency': '40',
          },
        );
      else if (op === 'converse-stream') void converseStream(res, b);
      else if (op === 'invoke-with-response-stream') void invokeStream(res, behaviour);
      else json(res, 404, { message: `no route ${path}` });
    });
  });
  const sessions = new Set<Http2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    behaviour,
    requests,
    close: async () => {
      // HTTP/2 clients keep their sessions open: end them, then stop listening.
      for (const session of sessions) session.destroy();
      server.close();
    },
  };
}
