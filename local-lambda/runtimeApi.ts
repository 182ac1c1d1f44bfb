import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  FunctionError,
  InitError,
  InitOutcome,
  InvokeOptions,
  InvokeResult,
  StreamedChunk,
} from './invocation.js';

const PREFIX = '/2018-06-01/runtime';
const RESULT_ROUTE = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;
/** Lambda's default function timeout. */
const DEFAULT_TIMEOUT_MS = 3_000;

/** Options of {@link startRuntimeApi}. */
export interface RuntimeApiOptions {
  /** `Lambda-Runtime-Invoked-Function-Arn`. @default an ARN for function `local` */
  readonly functionArn?: string;
  /** Function timeout. @default 3000 (Lambda's default) */
  readonly timeoutMs?: number;
  /** Invocations handed out at once; 1 serializes them like a single-concurrency sandbox. @default 1 */
  readonly maxConcurrency?: number;
  /** Called after an invocation timed out, so the owner can kill the sandbox like Lambda does. */
  readonly onTimeout?: (requestId: string) => void;
}

/** A local Lambda Runtime API (the `AWS_LAMBDA_RUNTIME_API` a runtime talks to). */
export interface RuntimeApi {
  /** `127.0.0.1:port`, the value for `AWS_LAMBDA_RUNTIME_API`. */
  readonly address: string;
  /** Settles when the runtime first polls `/invocation/next` or posts `/init/error`. */
  readonly initialized: Promise<InitOutcome>;
  /** The init error posted by the runtime, if any. */
  readonly initError: InitError | undefined;
  /** Queue an event; resolves when the runtime answers, fails, or the deadline passes. */
  invoke(event: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  /** The runtime is gone: settle every queued and running invocation, and any later one, with `error`. */
  abort(error: FunctionError): void;
  close(): Promise<void>;
}

interface Invocation {
  readonly requestId: string;
  readonly traceHeader: string;
  readonly body: string;
  readonly options: InvokeOptions;
  readonly settle: (result: InvokeResult) => void;
  startedAt?: number;
  timer?: NodeJS.Timeout;
}

type Outcome = Omit<InvokeResult, 'requestId' | 'traceHeader' | 'durationMs'>;

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** A sampled X-Ray trace header in the form Lambda passes to the runtime. */
export function newTraceHeader(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${hex(12)};Parent=${hex(8)};Sampled=1`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name] ?? req.trailers[name];
  return Array.isArray(value) ? value[0] : value;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function asFunctionError(body: unknown): FunctionError {
  const o = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const trace = Array.isArray(o.trace) ? o.trace.map(String) : undefined;
  return {
    errorType: typeof o.errorType === 'string' ? o.errorType : 'Unknown',
    errorMessage: typeof o.errorMessage === 'string' ? o.errorMessage : String(body),
    ...(trace ? { trace } : {}),
  };
}

/** A streamed response reports a failure in trailers, the error body base64-encoded. */
function streamedError(req: IncomingMessage): FunctionError | undefined {
  const body = header(req, 'lambda-runtime-function-error-body');
  if (!body) return undefined;
  return asFunctionError(parseJson(Buffer.from(body, 'base64').toString('utf8')));
}

class RuntimeApiServer implements RuntimeApi {
  address = '';
  initError: InitError | undefined;
  readonly initialized: Promise<InitOutcome>;
  private readonly server: Server;
  private readonly queue: Invocation[] = [];
  private readonly running = new Map<string, Invocation>();
  private readonly pollers: ServerResponse[] = [];
  private aborted: FunctionError | undefined;
  /** Set by a timeout: the sandbox is being killed, so no event may go to its pending polls. */
  private halted = false;
  private settleInit: (outcome: InitOutcome) => void = () => {};

  constructor(private readonly options: RuntimeApiOptions) {
    this.initialized = new Promise((resolve) => {
      this.settleInit = resolve;
    });
    this.server = createServer((req, res) => {
      this.route(req, res).catch((e: unknown) => reply(res, 500, asFunctionError(e)));
    });
    // A warm sandbox may wait on /next for longer than Node's default 5 min request timeout.
    this.server.requestTimeout = 0;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    return new Promise((settle) => {
      const requestId = randomUUID();
      const traceHeader = options.traceHeader ?? newTraceHeader();
      const body = JSON.stringify(event ?? null);
      const invocation: Invocation = { requestId, traceHeader, body, options, settle };
      if (this.aborted) return this.finish(invocation, { error: this.aborted, timedOut: false });
      this.queue.push(invocation);
      this.dispatch();
    });
  }

  abort(error: FunctionError): void {
    this.aborted = error;
    for (const invocation of [...this.queue.splice(0), ...this.running.values()]) {
      this.finish(invocation, { error, timedOut: false });
    }
  }

  async close(): Promise<void> {
    for (const res of this.pollers.splice(0)) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === `${PREFIX}/invocation/next`) return this.onNext(res);
    if (req.method === 'POST' && url === `${PREFIX}/init/error`) return this.onInitError(req, res);
    const match = RESULT_ROUTE.exec(url);
    if (req.method === 'POST' && match?.[1] && match[2]) {
      return this.onResult(req, res, decodeURIComponent(match[1]), match[2] === 'error');
    }
    reply(res, 404, { errorType: 'NotFound', errorMessage: `${req.method} ${url}` });
  }

  private onNext(res: ServerResponse): void {
    this.settleInit({ ok: true });
    this.pollers.push(res);
    // A poll from a runtime that was killed must not receive the next event.
    res.once('close', () => {
      const i = this.pollers.indexOf(res);
      if (i >= 0) this.pollers.splice(i, 1);
    });
    this.dispatch();
  }

  private async onInitError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = asFunctionError(parseJson(await readBody(req)));
    const functionErrorType = header(req, 'lambda-runtime-function-error-type');
    this.initError = { ...body, ...(functionErrorType ? { functionErrorType } : {}) };
    this.settleInit({ ok: false, error: this.initError });
    reply(res, 202, { status: 'OK' });
  }

  private async onResult(req: IncomingMessage, res: ServerResponse, id: string, failed: boolean) {
    if (header(req, 'lambda-runtime-function-response-mode') === 'streaming') {
      return this.onStream(req, res, id);
    }
    const text = await readBody(req);
    const invocation = this.running.get(id);
    if (!invocation) {
      return reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: `unknown ${id}` });
    }
    reply(res, 202, { status: 'OK' });
    const functionErrorType = header(req, 'lambda-runtime-function-error-type');
    const cause = header(req, 'lambda-runtime-function-xray-error-cause');
    const error = failed ? asFunctionError(parseJson(text)) : streamedError(req);
    this.finish(invocation, {
      ...(error ? { error } : { result: parseJson(text) }),
      ...(functionErrorType ? { functionErrorType } : {}),
      ...(cause ? { xrayErrorCause: parseJson(cause) } : {}),
      timedOut: false,
    });
  }

  /** A streamed response: chunked, an error in its trailers; each chunk's arrival is kept. */
  private async onStream(req: IncomingMessage, res: ServerResponse, id: string) {
    const invocation = this.running.get(id);
    if (!invocation) {
      req.resume();
      return reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: `unknown ${id}` });
    }
    const chunks: StreamedChunk[] = [];
    const body: Buffer[] = [];
    for await (const chunk of req) {
      const data = chunk as Buffer;
      chunks.push({ atMs: performance.now() - (invocation.startedAt ?? 0), bytes: data.length });
      body.push(data);
    }
    reply(res, 202, { status: 'OK' });
    const text = Buffer.concat(body).toString('utf8');
    const error = streamedError(req);
    this.finish(invocation, {
      ...(error ? { error } : { result: parseJson(text) }),
      chunks,
      timedOut: false,
    });
  }

  private dispatch(): void {
    const limit = Math.max(1, this.options.maxConcurrency ?? 1);
    while (!this.halted && this.running.size < limit) {
      const invocation = this.queue[0] && this.pollers[0] ? this.queue.shift() : undefined;
      if (!invocation) return;
      this.send(this.pollers.shift()!, invocation);
    }
  }

  private send(res: ServerResponse, invocation: Invocation): void {
    const { requestId, traceHeader, options } = invocation;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    invocation.startedAt = performance.now();
    this.running.set(requestId, invocation);
    invocation.timer = setTimeout(() => this.timeOut(invocation, timeoutMs), timeoutMs);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': requestId,
      'Lambda-Runtime-Deadline-Ms': String(Date.now() + timeoutMs),
      'Lambda-Runtime-Invoked-Function-Arn':
        this.options.functionArn ?? 'arn:aws:lambda:us-east-1:123456789012:function:local',
      'Lambda-Runtime-Trace-Id': traceHeader,
    };
    if (options.clientContext !== undefined) {
      headers['Lambda-Runtime-Client-Context'] = JSON.stringify(options.clientContext);
    }
    if (options.cognitoIdentity !== undefined) {
      headers['Lambda-Runtime-Cognito-Identity'] = JSON.stringify(options.cognitoIdentity);
    }
    res.writeHead(200, headers).end(invocation.body);
  }

  private timeOut(invocation: Invocation, timeoutMs: number): void {
    const seconds = (timeoutMs / 1000).toFixed(2);
    const errorMessage = `${new Date().toISOString()} ${invocation.requestId} Task timed out after ${seconds} seconds`;
    this.halted = true;
    for (const res of this.pollers.splice(0)) res.destroy();
    this.finish(invocation, {
      error: { errorType: 'Sandbox.Timedout', errorMessage },
      timedOut: true,
    });
    this.options.onTimeout?.(invocation.requestId);
  }

  private finish(invocation: Invocation, outcome: Outcome): void {
    clearTimeout(invocation.timer);
    this.running.delete(invocation.requestId);
    const { requestId, traceHeader, startedAt } = invocation;
    const durationMs = startedAt === undefined ? 0 : performance.now() - startedAt;
    invocation.settle({ requestId, traceHeader, ...outcome, durationMs });
    this.dispatch();
  }
}

/**
 * Start a Lambda Runtime API on a random loopback port. It queues events,
 * hands them to `GET /invocation/next` long polls with the headers Lambda
 * sends, records `/response`, `/error` and `/init/error` posts, and enforces
 * the deadline (the runtime itself is killed by the owner through `onTimeout`).
 *
 * @example
 * const api = await startRuntimeApi({ timeoutMs: 5_000 });
 * // spawn a runtime with AWS_LAMBDA_RUNTIME_API=api.address, then:
 * const { result, error } = await api.invoke({ amount: 12 });
 * await api.close();
 */
export async function startRuntimeApi(options: RuntimeApiOptions = {}): Promise<RuntimeApi> {
  const server = new RuntimeApiServer(options);
  await server.listen();
  return server;
}
