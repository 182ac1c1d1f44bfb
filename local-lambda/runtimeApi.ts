import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ExtensionError,
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
const DEFAULT_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:local';
const EXTENSION_PREFIX = '/2020-01-01/extension';
/** The events an extension may name at registration (internal ones: INVOKE only). */
const EXTENSION_EVENTS: ReadonlySet<unknown> = new Set(['INVOKE', 'SHUTDOWN']);
/** Lambda's limit on extensions per function. */
const MAX_EXTENSIONS = 10;
/** Entries {@link RuntimeApi.timeline} keeps, so a long benchmark does not grow memory. */
const TIMELINE_LIMIT = 10_000;

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
  /** `_HANDLER`, told to extensions when they register. @default 'unknown' */
  readonly handler?: string;
}

/** One step of the sandbox's lifecycle, in the order the API saw them. */
export interface TimelineEntry {
  /**
   * `runtime-next`: the runtime asked for an event; `extension-next`: an extension
   * did (`requestId`: the invocation it thereby finished, if any); `dispatch`: an
   * invocation's event went out; `response`: the runtime posted its response or error.
   */
  readonly kind: 'runtime-next' | 'extension-next' | 'dispatch' | 'response';
  readonly requestId?: string;
  /** The extension's `Lambda-Extension-Name`. */
  readonly extension?: string;
  /** `performance.now()` when it happened. */
  readonly at: number;
}

/** A local Lambda Runtime API (the `AWS_LAMBDA_RUNTIME_API` a runtime talks to). */
export interface RuntimeApi {
  /** `127.0.0.1:port`, the value for `AWS_LAMBDA_RUNTIME_API`. */
  readonly address: string;
  /**
   * Settles ok when the runtime has polled `/invocation/next` and every extension
   * `/extension/event/next`; not ok when the runtime posts `/init/error` or an
   * extension `/extension/init/error` (or `/exit/error` during init).
   */
  readonly initialized: Promise<InitOutcome>;
  /** The init error posted by the runtime or an extension, if any. */
  readonly initError: InitError | undefined;
  /** What extensions posted to `/extension/init/error` and `/extension/exit/error`. */
  readonly extensionErrors: readonly ExtensionError[];
  /** The latest lifecycle steps (at most 10,000), oldest first. */
  readonly timeline: readonly TimelineEntry[];
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
  extensionsDone?: Promise<number | undefined>;
}

/** An internal extension: registered from inside the runtime process. */
interface Extension {
  readonly id: string;
  readonly name: string;
  /** Subscribed to INVOKE: each invocation waits for it and hands it the event. */
  readonly takesInvokes: boolean;
  /** Its held `/event/next`, while it waits for an event. */
  poll?: ServerResponse;
  /** It has asked for its first event, so its init is over. */
  ready: boolean;
  /** It posted an init or exit error: it is out of the sandbox's lifecycle. */
  failed: boolean;
  /** The invocation it was handed and has not yet finished by asking for its next event. */
  working?: string;
}

/** An invocation's post-runtime phase: the extensions it still waits for. */
interface PostRuntime {
  readonly waiting: Set<string>;
  readonly done: (at: number | undefined) => void;
}

type ErrorBody = { readonly errorType: string; readonly errorMessage: string };

type Outcome = Omit<InvokeResult, 'requestId' | 'traceHeader' | 'durationMs' | 'extensionsDone'>;

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** A sampled X-Ray trace header in the form Lambda passes to the runtime. */
export function newTraceHeader(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${hex(12)};Parent=${hex(8)};Sampled=1`;
}

/**
 * The trace id (`Root`) of a trace header, as X-Ray documents carry it in `trace_id`.
 *
 * @example
 * traceRootOf('Root=1-5f35ae12-0c0fec141ab77a00bc047aa2;Sampled=1'); // '1-5f35ae12-0c0fec141ab77a00bc047aa2'
 */
export function traceRootOf(header: string): string {
  const root = /Root=([^;]+)/.exec(header)?.[1];
  if (root === undefined) throw new Error(`no Root in trace header ${header}`);
  return root;
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

/** The `events` of a register body, or why they are not acceptable. */
function registerEvents(text: string): { events: readonly unknown[] } | { problem: string } {
  if (text.trim() === '') return { events: [] };
  const body = parseJson(text);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { problem: 'the body is not a JSON object' };
  }
  const { events } = body as { events?: unknown };
  if (events === undefined || events === null) return { events: [] };
  if (!Array.isArray(events)) return { problem: '"events" is not an array' };
  const unknown = events.find((e) => !EXTENSION_EVENTS.has(e));
  if (unknown !== undefined) {
    return { problem: `unknown event ${JSON.stringify(unknown)}: events are INVOKE and SHUTDOWN` };
  }
  return { events };
}

/** An extension's error post: the header gives the type, the optional body the rest. */
function extensionError(
  extension: Extension,
  phase: ExtensionError['phase'],
  functionErrorType: string,
  text: string,
): ExtensionError {
  const body = parseJson(text);
  const o = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const stack = o.stackTrace ?? o.trace;
  const trace = Array.isArray(stack) ? stack.map(String) : undefined;
  const errorMessage =
    typeof o.errorMessage === 'string'
      ? o.errorMessage
      : `Extension ${extension.name} posted ${phase}/error ${functionErrorType}`;
  return {
    extension: extension.name,
    phase,
    functionErrorType,
    errorType: functionErrorType,
    errorMessage,
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
  readonly extensionErrors: ExtensionError[] = [];
  readonly timeline: TimelineEntry[] = [];
  private readonly server: Server;
  private readonly queue: Invocation[] = [];
  private readonly running = new Map<string, Invocation>();
  private readonly pollers: ServerResponse[] = [];
  private readonly extensions = new Map<string, Extension>();
  private readonly postRuntime = new Map<string, PostRuntime>();
  private aborted: FunctionError | undefined;
  /** Set by a timeout: the sandbox is being killed, so no event may go to its pending polls. */
  private halted = false;
  /** The runtime has asked for its first event: extension registration is closed. */
  private runtimeReady = false;
  private initEnded = false;
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
    // The extensions die with the sandbox: they will never finish these invocations.
    this.endPostRuntimes();
  }

  async close(): Promise<void> {
    for (const res of this.pollers.splice(0)) res.destroy();
    this.dropExtensionPolls();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    if (url.startsWith(`${EXTENSION_PREFIX}/`)) return this.routeExtension(req, res, url);
    if (req.method === 'GET' && url === `${PREFIX}/invocation/next`) return this.onNext(res);
    if (req.method === 'POST' && url === `${PREFIX}/init/error`) return this.onInitError(req, res);
    const match = RESULT_ROUTE.exec(url);
    if (req.method === 'POST' && match?.[1] && match[2]) {
      return this.onResult(req, res, decodeURIComponent(match[1]), match[2] === 'error');
    }
    reply(res, 404, { errorType: 'NotFound', errorMessage: `${req.method} ${url}` });
  }

  /** The Extensions API (2020-01-01), for internal extensions. */
  private async routeExtension(req: IncomingMessage, res: ServerResponse, url: string) {
    const route = `${req.method} ${url.slice(EXTENSION_PREFIX.length)}`;
    if (route === 'POST /register') return this.onRegister(req, res);
    if (route === 'GET /event/next') return this.onExtensionNext(req, res);
    if (route === 'POST /init/error') return this.onExtensionError(req, res, 'init');
    if (route === 'POST /exit/error') return this.onExtensionError(req, res, 'exit');
    req.resume();
    reply(res, 404, { errorType: 'NotFound', errorMessage: `${req.method} ${url}` });
  }

  private onNext(res: ServerResponse): void {
    this.record({ kind: 'runtime-next' });
    // Internal extensions register while the runtime initializes; its first poll ends that.
    this.runtimeReady = true;
    this.pollers.push(res);
    // A poll from a runtime that was killed must not receive the next event.
    res.once('close', () => {
      const i = this.pollers.indexOf(res);
      if (i >= 0) this.pollers.splice(i, 1);
    });
    this.checkInitialized();
    this.dispatch();
  }

  private async onInitError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = asFunctionError(parseJson(await readBody(req)));
    const functionErrorType = header(req, 'lambda-runtime-function-error-type');
    this.initError = { ...body, ...(functionErrorType ? { functionErrorType } : {}) };
    this.endInit({ ok: false, error: this.initError });
    reply(res, 202, { status: 'OK' });
  }

  private endInit(outcome: InitOutcome): void {
    this.initEnded = true;
    this.settleInit(outcome);
  }

  /** Like RAPID, init is over once the runtime and every extension have asked for an event. */
  private checkInitialized(): void {
    if (!this.runtimeReady) return;
    for (const extension of this.extensions.values()) {
      if (!extension.ready && !extension.failed) return;
    }
    if (!this.initEnded) this.endInit({ ok: true });
  }

  private async onRegister(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const name = header(req, 'lambda-extension-name');
    if (!name) {
      const errorMessage = 'Lambda-Extension-Name header is missing or empty';
      return reply(res, 400, { errorType: 'InvalidRequest', errorMessage });
    }
    const parsed = registerEvents(text);
    if ('problem' in parsed) {
      return reply(res, 400, { errorType: 'InvalidRequest', errorMessage: parsed.problem });
    }
    const refusal = this.registrationRefusal(name, parsed.events);
    if (refusal) return reply(res, 403, refusal);
    const extension: Extension = {
      id: randomUUID(),
      name,
      takesInvokes: parsed.events.includes('INVOKE'),
      ready: false,
      failed: false,
    };
    this.extensions.set(extension.id, extension);
    const functionArn = this.options.functionArn ?? DEFAULT_FUNCTION_ARN;
    res
      .writeHead(200, {
        'Content-Type': 'application/json',
        'Lambda-Extension-Identifier': extension.id,
      })
      .end(
        JSON.stringify({
          functionName: functionArn.split(':')[6] ?? functionArn,
          functionVersion: '$LATEST',
          handler: this.options.handler ?? 'unknown',
        }),
      );
  }

  /** Why RAPID would refuse this registration, if it would. */
  private registrationRefusal(name: string, events: readonly unknown[]): ErrorBody | undefined {
    if (events.includes('SHUTDOWN')) {
      // Every extension here runs inside the runtime process: an internal one.
      const errorMessage = 'SHUTDOWN: internal extensions cannot register for SHUTDOWN';
      return { errorType: 'Extension.InvalidEventType', errorMessage };
    }
    if (this.runtimeReady) {
      const errorMessage =
        'Extension registration closed already: the runtime has asked for its first event';
      return { errorType: 'Extension.RegistrationClosed', errorMessage };
    }
    if ([...this.extensions.values()].some((e) => e.name === name)) {
      const errorMessage = `Extension ${name} is already registered`;
      return { errorType: 'Extension.InvalidExtensionState', errorMessage };
    }
    if (this.extensions.size >= MAX_EXTENSIONS) {
      const errorMessage = `Extension limit (${MAX_EXTENSIONS}) reached`;
      return { errorType: 'Extension.TooManyExtensions', errorMessage };
    }
    return undefined;
  }

  /** The extension a request names in `Lambda-Extension-Identifier`; else a 403 is sent. */
  private knownExtension(req: IncomingMessage, res: ServerResponse): Extension | undefined {
    const id = header(req, 'lambda-extension-identifier');
    const extension = id ? this.extensions.get(id) : undefined;
    if (extension) return extension;
    if (id) {
      const errorMessage = `Unknown extension ${id}`;
      reply(res, 403, { errorType: 'Extension.UnknownExtensionIdentifier', errorMessage });
    } else {
      const errorMessage = 'Lambda-Extension-Identifier header is missing';
      reply(res, 403, { errorType: 'Extension.MissingExtensionIdentifier', errorMessage });
    }
    return undefined;
  }

  /** An extension is ready: its previous invocation (if any) is over for it; hold the poll. */
  private onExtensionNext(req: IncomingMessage, res: ServerResponse): void {
    const extension = this.knownExtension(req, res);
    if (!extension) return;
    if (extension.failed || extension.poll) {
      const why = extension.failed ? 'has posted an error' : 'is already waiting on /event/next';
      const errorMessage = `Extension ${extension.name} ${why}`;
      reply(res, 403, { errorType: 'Extension.InvalidExtensionState', errorMessage });
      return;
    }
    const requestId = extension.working;
    this.record({
      kind: 'extension-next',
      extension: extension.name,
      ...(requestId ? { requestId } : {}),
    });
    this.endPostRuntime(extension);
    extension.ready = true;
    extension.poll = res;
    res.once('close', () => {
      if (extension.poll === res) extension.poll = undefined;
    });
    this.checkInitialized();
    this.dispatch();
  }

  /** The extension has finished the invocation it was handed. */
  private endPostRuntime(extension: Extension): void {
    const requestId = extension.working;
    if (requestId === undefined) return;
    extension.working = undefined;
    const phase = this.postRuntime.get(requestId);
    phase?.waiting.delete(extension.id);
    if (phase?.waiting.size !== 0) return;
    this.postRuntime.delete(requestId);
    phase.done(performance.now());
  }

  /** No extension will finish these invocations: settle their `extensionsDone` with nothing. */
  private endPostRuntimes(): void {
    for (const phase of this.postRuntime.values()) phase.done(undefined);
    this.postRuntime.clear();
  }

  private dropExtensionPolls(): void {
    for (const extension of this.extensions.values()) {
      extension.poll?.destroy();
      extension.poll = undefined;
    }
    this.endPostRuntimes();
  }

  private async onExtensionError(
    req: IncomingMessage,
    res: ServerResponse,
    phase: ExtensionError['phase'],
  ): Promise<void> {
    const text = await readBody(req);
    const extension = this.knownExtension(req, res);
    if (!extension) return;
    const functionErrorType = header(req, 'lambda-extension-function-error-type');
    if (!functionErrorType) {
      const errorMessage = 'Lambda-Extension-Function-Error-Type header is missing';
      return reply(res, 403, { errorType: 'Extension.MissingHeader', errorMessage });
    }
    // RAPID's state machine: an init error only before the first /event/next, nothing after an error.
    if (extension.failed || (phase === 'init' && extension.ready)) {
      const errorMessage = `Extension ${extension.name} cannot post ${phase}/error now`;
      return reply(res, 403, { errorType: 'Extension.InvalidExtensionState', errorMessage });
    }
    const error = extensionError(extension, phase, functionErrorType, text);
    this.extensionErrors.push(error);
    extension.failed = true;
    reply(res, 202, { status: 'OK' });
    if (phase === 'init') this.failInit(error);
    else this.crash(error);
  }

  /** An extension's init error fails init, as the runtime's does. */
  private failInit(error: ExtensionError): void {
    if (this.initEnded) return;
    const { errorType, errorMessage, trace, functionErrorType } = error;
    this.initError ??= { errorType, errorMessage, ...(trace ? { trace } : {}), functionErrorType };
    this.endInit({ ok: false, error: this.initError });
  }

  /** An extension that exits with an error takes the sandbox down, like a runtime crash. */
  private crash(error: ExtensionError): void {
    this.failInit(error);
    const errorMessage = `Extension ${error.extension} exited with ${error.functionErrorType}: ${error.errorMessage}`;
    this.abort({ errorType: 'Extension.Crash', errorMessage });
  }

  private record(entry: Omit<TimelineEntry, 'at'>): void {
    this.timeline.push({ ...entry, at: performance.now() });
    if (this.timeline.length > TIMELINE_LIMIT) this.timeline.shift();
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
    this.record({ kind: 'response', requestId: id });
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
    this.record({ kind: 'response', requestId: id });
    this.finish(invocation, {
      ...(error ? { error } : { result: parseJson(text) }),
      chunks,
      timedOut: false,
    });
  }

  private dispatch(): void {
    const limit = Math.max(1, this.options.maxConcurrency ?? 1);
    while (!this.halted && this.running.size < limit && this.extensionsWaiting()) {
      const invocation = this.queue[0] && this.pollers[0] ? this.queue.shift() : undefined;
      if (!invocation) return;
      this.send(this.pollers.shift()!, invocation);
    }
  }

  /**
   * Lambda hands out an event only when every extension has finished init and each
   * INVOKE one has finished the previous invocation (asked for its next event again).
   */
  private extensionsWaiting(): boolean {
    for (const extension of this.extensions.values()) {
      if (extension.failed) continue;
      if (!extension.ready || (extension.takesInvokes && !extension.poll)) return false;
    }
    return true;
  }

  private send(res: ServerResponse, invocation: Invocation): void {
    const { requestId, traceHeader, options } = invocation;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadlineMs = Date.now() + timeoutMs;
    this.record({ kind: 'dispatch', requestId });
    invocation.startedAt = performance.now();
    this.running.set(requestId, invocation);
    invocation.timer = setTimeout(() => this.timeOut(invocation, timeoutMs), timeoutMs);
    // RAPID releases the extensions before the runtime.
    this.sendToExtensions(invocation, deadlineMs);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': requestId,
      'Lambda-Runtime-Deadline-Ms': String(deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': this.options.functionArn ?? DEFAULT_FUNCTION_ARN,
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

  /** The INVOKE event to each extension subscribed to it, all waiting (see extensionsWaiting). */
  private sendToExtensions(invocation: Invocation, deadlineMs: number): void {
    const takers = [...this.extensions.values()].filter((e) => e.takesInvokes && !e.failed);
    if (takers.length === 0) return;
    const { requestId, traceHeader } = invocation;
    invocation.extensionsDone = new Promise((done) => {
      this.postRuntime.set(requestId, { waiting: new Set(takers.map((e) => e.id)), done });
    });
    const body = JSON.stringify({
      eventType: 'INVOKE',
      deadlineMs,
      requestId,
      invokedFunctionArn: this.options.functionArn ?? DEFAULT_FUNCTION_ARN,
      tracing: { type: 'X-Amzn-Trace-Id', value: traceHeader },
    });
    for (const extension of takers) {
      const poll = extension.poll!;
      extension.poll = undefined;
      extension.working = requestId;
      poll
        .writeHead(200, {
          'Content-Type': 'application/json',
          'Lambda-Extension-Event-Identifier': randomUUID(),
        })
        .end(body);
    }
  }

  private timeOut(invocation: Invocation, timeoutMs: number): void {
    const seconds = (timeoutMs / 1000).toFixed(2);
    const errorMessage = `${new Date().toISOString()} ${invocation.requestId} Task timed out after ${seconds} seconds`;
    this.halted = true;
    for (const res of this.pollers.splice(0)) res.destroy();
    this.dropExtensionPolls();
    this.finish(invocation, {
      error: { errorType: 'Sandbox.Timedout', errorMessage },
      timedOut: true,
    });
    this.options.onTimeout?.(invocation.requestId);
  }

  private finish(invocation: Invocation, outcome: Outcome): void {
    clearTimeout(invocation.timer);
    this.running.delete(invocation.requestId);
    const { requestId, traceHeader, startedAt, extensionsDone } = invocation;
    const durationMs = startedAt === undefined ? 0 : performance.now() - startedAt;
    invocation.settle({
      requestId,
      traceHeader,
      ...outcome,
      durationMs,
      ...(extensionsDone ? { extensionsDone } : {}),
    });
    this.dispatch();
  }
}

/**
 * Start a Lambda Runtime API on a random loopback port. It queues events,
 * hands them to `GET /invocation/next` long polls with the headers Lambda
 * sends, records `/response`, `/error` and `/init/error` posts, and enforces
 * the deadline (the runtime itself is killed by the owner through `onTimeout`).
 * It also serves the Extensions API (`/2020-01-01/extension/...`) to internal
 * extensions as RAPID does: registration until the runtime's first poll, INVOKE
 * events before the runtime's, and the next event held until the runtime and
 * every extension have asked for it (see `timeline`, `extensionsDone`).
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
