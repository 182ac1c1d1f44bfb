import { createSocket, type Socket } from 'node:dgram';
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

const DEFAULT_TIMEOUT_MS = 50;

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/**
 * Sends segment documents to the X-Ray daemon over UDP, one datagram each
 * with the daemon's header: the export path inside Lambda. The socket is
 * created on first use and never keeps the process alive.
 *
 * @example
 * const sender = new UdpSegmentSender({ host: '127.0.0.1', port: 2000, onError: console.error });
 * await sender.send(toSegmentDocuments(processor.takeTrace(traceId)));
 */
export class UdpSegmentSender {
  readonly #options: UdpSegmentSenderOptions;
  #socket: Socket | undefined;
  /** `true` once connected, or the pending connection. */
  #connected: true | Promise<Socket> | undefined;

  constructor(options: UdpSegmentSenderOptions) {
    this.#options = options;
  }

  /**
   * Send each document as one datagram. Resolves when every send has
   * completed or, when the socket had to connect (a DNS lookup), after
   * `timeoutMs`, whichever is first; never rejects.
   */
  send(docs: readonly string[]): Promise<void> {
    if (docs.length === 0) return Promise.resolve();
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
      // On a connected socket a datagram needs no lookup and its callback comes
      // within microseconds (next tick when sent at once): only a send that waits
      // for the connection is bounded, which spares a timer per invocation.
      for (const doc of docs) {
        if (!this.#sendOne(doc, done))
          timer ??= setTimeout(resolve, this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      }
    });
  }

  /** Close the socket; a later `send()` opens a new one. */
  close(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#connected = undefined;
    try {
      socket?.close();
    } catch {
      // Already closed: nothing left to release.
    }
  }

  /** False when the datagram waits for the socket to connect. */
  #sendOne(doc: string, done: (error: Error | null) => void): boolean {
    const send = (socket: Socket) => {
      try {
        // Connected: no address (and no lookup) per datagram.
        socket.send(XRAY_DAEMON_HEADER + doc, done);
      } catch (error) {
        // e.g. a socket closed under us: report, and let the next send open a fresh one.
        this.#socket = undefined;
        this.#connected = undefined;
        done(asError(error));
      }
    };
    const connected = this.#connected ?? this.#open();
    if (connected === true && this.#socket) {
      send(this.#socket);
      return true;
    }
    if (connected !== true) connected.then(send, (error: unknown) => done(asError(error)));
    return false;
  }

  #open(): Promise<Socket> {
    // The host is bare: only an IPv6 literal contains ':' (node:net's isIPv6 costs ~2 ms to load).
    const socket = createSocket(this.#options.host.includes(':') ? 'udp6' : 'udp4');
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
      socket.once('error', reject);
      socket.connect(this.#options.port, this.#options.host, () => {
        socket.off('error', reject);
        if (this.#socket === socket) this.#connected = true;
        resolve(socket);
      });
    });
    this.#connected = connecting;
    return connecting;
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
