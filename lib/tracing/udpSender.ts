import { createSocket, type Socket } from 'node:dgram';
import {
  DAEMON_RETRY_MAX_MS,
  DAEMON_RETRY_MIN_MS,
  MAX_CHARS_AWAITING_DAEMON,
} from '../contract/limits.js';
import { XRAY_DAEMON_HEADER } from './xraySegments.js';

/** Options of {@link UdpSegmentSender}. */
export interface UdpSegmentSenderOptions {
  /** Daemon host, bare (no brackets around IPv6). */
  readonly host: string;
  readonly port: number;
  /** Called once per failed datagram or socket failure; never throws into the caller. */
  readonly onError: (error: Error) => void;
  /**
   * Longest `send()` waits for the datagrams' callbacks: on loopback they fire
   * within microseconds, and a stuck DNS lookup must not hold the invocation.
   * @default 50
   */
  readonly timeoutMs?: number;
}

/** Options of {@link UdpSender}: the daemon's, and what precedes every payload. */
export interface UdpSenderOptions extends UdpSegmentSenderOptions {
  /** Sent before each payload in the same datagram: the daemon protocol's header line. */
  readonly prefix: string;
}

const DEFAULT_TIMEOUT_MS = 50;
/**
 * Bytes of the buffer each datagram is written into while no other is in
 * flight (a segment document is about 1 KB): one buffer for the process
 * rather than a string and a buffer per datagram, which set how often the
 * young generation is collected.
 */
const SCRATCH_BYTES = 16 * 1024;

/** An IPv4 address in dotted decimal, or (the host being bare) an IPv6 address. */
export function isIpLiteral(host: string): boolean {
  if (host.includes(':')) return true;
  const parts = host.split('.');
  return parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
}

/** dgram's lookup for an address literal: the address itself, no `node:dns`. */
function literalLookup(
  address: string,
  _family: unknown,
  callback: (error: Error | null, address: string, family: number) => void,
): void {
  callback(null, address, address.includes(':') ? 6 : 4);
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/**
 * Sends payloads to the X-Ray daemon's UDP endpoint, one datagram each after
 * the `prefix` (the daemon protocol's header line): X-Ray segment documents
 * ({@link UdpSegmentSender}) and OTLP spans (`otlpUdp.ts`) alike. The
 * caller keeps each datagram within `MAX_UDP_PAYLOAD_BYTES`. The socket is
 * created on first use, connected once (one DNS lookup, not one per
 * datagram) and never keeps the process alive. When the host does not
 * resolve, the socket is closed and no new one is tried for a while (see
 * `DAEMON_RETRY_MIN_MS`): every datagram meanwhile is reported as lost, so a
 * bad address costs neither a file descriptor nor a lookup per invocation.
 *
 * @example
 * const sender = new UdpSender({ host: '127.0.0.1', port: 2000, prefix: XRAY_DAEMON_HEADER, onError: console.error });
 * await sender.send(toSegmentDocuments(processor.takeTrace(traceId)));
 */
export class UdpSender {
  readonly #options: UdpSenderOptions;
  #socket: Socket | undefined;
  /** `true` once connected, or the pending connection. */
  #connected: true | Promise<Socket> | undefined;
  /** Characters of the documents waiting for the pending connection. */
  #awaiting = 0;
  /** A send already waited its full bound for the pending connection: later ones do not wait. */
  #slowConnect = false;
  /** Why the last connection failed, until `#retryAt` (a `performance.now()` time). */
  #failure: Error | undefined;
  #retryAt = 0;
  #retryMs = 0;
  /** Reused for the next datagram when none is in flight (see SCRATCH_BYTES). */
  #scratch: Buffer | undefined;
  /** Datagrams handed to the socket whose callback has not come yet: until then dgram may still read their bytes. */
  #inFlight = 0;

  constructor(options: UdpSenderOptions) {
    this.#options = options;
  }

  /**
   * Send each payload, after the prefix, as one datagram. Resolves when every send has
   * completed or, when the socket had to connect (a DNS lookup), after
   * `timeoutMs`, whichever is first; never rejects.
   */
  send(docs: readonly string[]): Promise<void> {
    if (docs.length === 0) return Promise.resolve();
    const failure = this.#failure;
    if (failure && this.#connected === undefined && performance.now() < this.#retryAt) {
      for (let i = 0; i < docs.length; i++) this.#report(failure);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      let pending = docs.length;
      let timer: NodeJS.Timeout | undefined;
      const done = (error: Error | null): void => {
        if (error) this.#report(error);
        pending--;
        if (pending === 0) {
          if (timer) clearTimeout(timer);
          resolve();
        }
      };
      let waits = false;
      for (const doc of docs) if (!this.#sendOne(doc, done)) waits = true;
      // On a connected socket a datagram needs no lookup and its callback comes
      // within microseconds (next tick when sent at once): only a send that waits
      // for the connection is bounded, which spares a timer per invocation. Once
      // one send has waited its full bound, a lookup that slow is not waited for again.
      if (!waits) return;
      if (this.#slowConnect) resolve();
      else
        timer = setTimeout(() => {
          if (this.#connected !== true) this.#slowConnect = true;
          resolve();
        }, this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    });
  }

  /**
   * Open and connect the socket now rather than at the first `send()`: in
   * Lambda, at init. Node's dgram loads `node:cluster` (with `child_process`)
   * when it binds, and `node:dns` when it connects to a host name (not to an
   * address, as Lambda's daemon is), about 15 ms under Lambda's node flags,
   * which would otherwise land in the first invocation. Does nothing once
   * open, or while a failed connection backs off.
   */
  open(): void {
    if (this.#connected !== undefined || this.#failure) return;
    // connect() binds in a later tick: loading what the bind needs now keeps it in init wherever that tick lands.
    process.getBuiltinModule?.('node:cluster');
    // A failure is kept for the next send() (reported per datagram then, after the back-off rule).
    this.#open().catch(() => {});
  }

  /** Close the socket; a later `send()` opens a new one. */
  close(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#connected = undefined;
    this.#slowConnect = false;
    try {
      socket?.close();
    } catch {
      // Already closed: nothing left to release.
    }
  }

  /**
   * The prefix and `doc` as one datagram's bytes: in the scratch buffer when
   * no datagram is in flight and the worst case (3 bytes per UTF-16 unit)
   * fits, else a buffer of their own.
   */
  #payload(doc: string): Buffer {
    const { prefix } = this.#options;
    if (this.#inFlight > 0 || (prefix.length + doc.length) * 3 > SCRATCH_BYTES) {
      return Buffer.from(prefix + doc);
    }
    this.#scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
    const scratch = this.#scratch;
    const head = scratch.write(prefix, 0);
    return scratch.subarray(0, head + scratch.write(doc, head));
  }

  /** False when the datagram waits for the socket to connect. */
  #sendOne(doc: string, done: (error: Error | null) => void): boolean {
    const sent = (error: Error | null) => {
      this.#inFlight--;
      done(error);
    };
    const send = (socket: Socket) => {
      let handed = false;
      try {
        const payload = this.#payload(doc);
        this.#inFlight++;
        handed = true;
        // Connected: no address (and no lookup) per datagram.
        socket.send(payload, sent);
      } catch (error) {
        // A send that throws never calls back: it is not in flight.
        if (handed) this.#inFlight--;
        // e.g. a socket closed under us: release it, report, and let the next send open a fresh one.
        if (this.#socket === socket) this.close();
        done(asError(error));
      }
    };
    if (this.#connected === true && this.#socket) {
      send(this.#socket);
      return true;
    }
    const connected =
      this.#connected === undefined || this.#connected === true ? this.#open() : this.#connected;
    if (this.#awaiting + doc.length > MAX_CHARS_AWAITING_DAEMON) {
      done(
        new Error(
          `${MAX_CHARS_AWAITING_DAEMON} characters of documents already wait for its address`,
        ),
      );
      return true;
    }
    this.#awaiting += doc.length;
    connected.then(
      (socket) => {
        this.#awaiting -= doc.length;
        send(socket);
      },
      (error: unknown) => {
        this.#awaiting -= doc.length;
        done(asError(error));
      },
    );
    return false;
  }

  #open(): Promise<Socket> {
    const { host } = this.#options;
    // The host is bare: only an IPv6 literal contains ':' (node:net's isIPv6 costs ~2 ms to load).
    const type = host.includes(':') ? 'udp6' : 'udp4';
    // An address needs no lookup: without one, dgram never loads node:dns (0.7 MB of RSS and
    // a few ms of init with Lambda's node flags), which it would only use to answer the address.
    const socket = isIpLiteral(host)
      ? createSocket({ type, lookup: literalLookup })
      : createSocket(type);
    socket.on('error', (error) => {
      this.#report(error);
      if (this.#socket === socket) this.close();
    });
    socket.on('close', () => {
      if (this.#socket === socket) {
        this.#socket = undefined;
        this.#connected = undefined;
      }
    });
    socket.unref();
    this.#socket = socket;
    const connecting = new Promise<Socket>((resolve, reject) => {
      const failed = (error: Error) => {
        socket.off('error', failed);
        this.#failed(socket, error);
        reject(error);
      };
      socket.once('error', failed);
      // A failed lookup reaches this callback, not 'error'.
      socket.connect(this.#options.port, this.#options.host, (error?: Error) => {
        if (error) return failed(error);
        socket.off('error', failed);
        this.#slowConnect = false;
        this.#failure = undefined;
        this.#retryMs = 0;
        if (this.#socket === socket) this.#connected = true;
        resolve(socket);
      });
    });
    this.#connected = connecting;
    return connecting;
  }

  /** The connection failed: release the socket and try no other before the back-off ends. */
  #failed(socket: Socket, error: Error): void {
    if (this.#socket === socket) this.close();
    else {
      try {
        socket.close();
      } catch {
        // Already closed.
      }
    }
    this.#retryMs = Math.min(DAEMON_RETRY_MAX_MS, Math.max(DAEMON_RETRY_MIN_MS, this.#retryMs * 2));
    this.#retryAt = performance.now() + this.#retryMs;
    this.#failure = new Error(`${error.message} (next attempt within ${this.#retryMs / 1000} s)`, {
      cause: error,
    });
  }

  #report(error: Error): void {
    const { host, port, onError } = this.#options;
    try {
      onError(
        new Error(`X-Ray daemon send to ${host}:${port} failed: ${error.message}`, {
          cause: error,
        }),
      );
    } catch {
      // The error hook is the caller's code; its failure must not reach the handler either.
    }
  }
}

/**
 * Sends X-Ray segment documents to the daemon, each after the daemon
 * protocol's header: the `xray-udp` export path inside Lambda.
 *
 * @example
 * const sender = new UdpSegmentSender({ host: '127.0.0.1', port: 2000, onError: console.error });
 * await sender.send(toSegmentDocuments(processor.takeTrace(traceId)));
 */
export class UdpSegmentSender extends UdpSender {
  constructor(options: UdpSegmentSenderOptions) {
    super({ ...options, prefix: XRAY_DAEMON_HEADER });
  }
}
