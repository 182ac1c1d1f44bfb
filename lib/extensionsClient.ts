import type { Socket } from 'node:net';

/**
 * The Extensions API's client: the event poll, one request per invocation,
 * and the registration, as a minimal HTTP/1.1 client on one kept
 * connection. node:http's client cost about 100 µs more CPU per request
 * than this one (client process only; nodejs24.x's Node, a loopback server
 * in another process, 20,000 sequential requests): after the response,
 * but still billed every invocation. It reads what the
 * API answers: a status line, headers, and a body framed by Content-Length
 * or chunked; anything else is an error, and the caller retries.
 */

/** An answer of the Extensions API. */
export interface ApiReply {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

const HEAD_END = '\r\n\r\n';
/** An event is a few hundred bytes; anything past this is not the Extensions API. */
const MAX_REPLY_CHARS = 1024 * 1024;

/** The reply at the start of `text` and how many chars it took; undefined while incomplete. */
export function parseReply(text: string): { reply: ApiReply; length: number } | undefined {
  const headEnd = text.indexOf(HEAD_END);
  if (headEnd < 0) return undefined;
  const lines = text.slice(0, headEnd).split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!status) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(lines[0])}`);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const bodyStart = headEnd + HEAD_END.length;
  const framed = headers.get('transfer-encoding')?.toLowerCase().includes('chunked')
    ? chunked(text, bodyStart)
    : sized(text, bodyStart, headers.get('content-length'));
  if (!framed) return undefined;
  return { reply: { status: Number(status[1]), headers, body: framed.body }, length: framed.end };
}

function sized(text: string, start: number, length: string | undefined) {
  const size = Number(length ?? '0');
  if (!Number.isInteger(size) || size < 0) throw new Error(`bad Content-Length ${length}`);
  // Bytes, not chars: the text is read as latin1, one char per byte, and decoded here.
  if (text.length < start + size) return undefined;
  return { body: utf8(text.slice(start, start + size)), end: start + size };
}

function chunked(text: string, start: number) {
  let at = start;
  let body = '';
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(text.slice(at, lineEnd), 16);
    if (!Number.isInteger(size) || size < 0) throw new Error('bad chunk size');
    const dataStart = lineEnd + 2;
    if (size === 0) {
      // No trailers are sent by the API: the last chunk ends with an empty line.
      const end = text.indexOf('\r\n', dataStart);
      return end < 0 ? undefined : { body: utf8(body), end: end + 2 };
    }
    if (text.length < dataStart + size + 2) return undefined;
    body += text.slice(dataStart, dataStart + size);
    at = dataStart + size + 2;
  }
}

const utf8 = (latin1: string) => Buffer.from(latin1, 'latin1').toString('utf8');

/**
 * Requests on one kept connection, one at a time; a connection the server
 * closed is opened again. The socket is unref'd while a GET waits: a held
 * poll must not keep the event loop alive, since a callback handler's
 * response waits for an empty loop (`callbackWaitsForEmptyEventLoop`). A
 * POST keeps it alive until answered: the registration runs at init, where
 * nothing else may hold the process.
 *
 * @example
 * const client = new ExtensionsClient(net, '127.0.0.1', 9001);
 * const { status, body } = await client.get('/2020-01-01/extension/event/next', { 'Lambda-Extension-Identifier': id });
 */
export class ExtensionsClient {
  readonly #net: typeof import('node:net');
  readonly #host: string;
  readonly #port: number;
  #socket: Socket | undefined;
  #received = '';
  #pending: { resolve: (reply: ApiReply) => void; reject: (error: Error) => void } | undefined;

  constructor(net: typeof import('node:net'), host: string, port: number) {
    this.#net = net;
    this.#host = host;
    this.#port = port;
  }

  get(path: string, headers: Readonly<Record<string, string>>): Promise<ApiReply> {
    return this.#send('GET', path, headers, '');
  }

  /** A JSON body, sent with its Content-Length. */
  post(path: string, headers: Readonly<Record<string, string>>, body: string): Promise<ApiReply> {
    return this.#send('POST', path, headers, body);
  }

  #send(
    method: 'GET' | 'POST',
    path: string,
    headers: Readonly<Record<string, string>>,
    body: string,
  ): Promise<ApiReply> {
    if (this.#pending) return Promise.reject(new Error('a request is already in flight'));
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.#host}:${this.#port}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (method === 'POST') {
      head += `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    }
    head += '\r\n';
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      const socket = this.#connection();
      if (method === 'GET') socket.unref();
      else socket.ref();
      socket.write(head, 'latin1');
      if (body) socket.write(body, 'utf8');
    });
  }

  #connection(): Socket {
    if (this.#socket && !this.#socket.destroyed) return this.#socket;
    this.#received = '';
    const socket = this.#net.connect(this.#port, this.#host);
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    // A dropped socket's late events must not touch the one that replaced it.
    const current = () => this.#socket === socket;
    socket.on('data', (chunk: string) => current() && this.#onData(chunk));
    socket.on('error', (error) => current() && this.#fail(error));
    socket.on('close', () => {
      if (current()) this.#fail(new Error('the Extensions API closed the connection'));
    });
    this.#socket = socket;
    return socket;
  }

  #onData(chunk: string): void {
    this.#received += chunk;
    let parsed: ReturnType<typeof parseReply>;
    try {
      if (this.#received.length > MAX_REPLY_CHARS) throw new Error('reply too large');
      parsed = parseReply(this.#received);
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    if (!parsed) return;
    this.#received = this.#received.slice(parsed.length);
    const pending = this.#pending;
    this.#pending = undefined;
    // Answered: nothing holds the process until the next request says so.
    this.#socket?.unref();
    if (parsed.reply.headers.get('connection')?.toLowerCase() === 'close') this.#drop();
    pending?.resolve(parsed.reply);
  }

  #fail(error: Error): void {
    this.#drop();
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }

  #drop(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#received = '';
    socket?.destroy();
  }
}
