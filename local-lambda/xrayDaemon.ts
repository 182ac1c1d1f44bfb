import { createSocket, type Socket } from 'node:dgram';
import { PutTraceSegmentsCommand, XRayClient } from '@aws-sdk/client-xray';
import { Waiters } from './waiters.js';

/** An X-Ray segment or subsegment document as received. */
export type XRayDocument = Readonly<Record<string, unknown>>;

/** A datagram the real daemon would drop (or X-Ray would reject), and why. */
export interface DaemonError {
  readonly reason: string;
  readonly datagram: string;
}

/** Options of {@link startXRayDaemon}. */
export interface XRayDaemonOptions {
  /** Relay each valid document to `PutTraceSegments` on this endpoint (e.g. moto). */
  readonly forward?: { readonly endpoint: string; readonly region?: string };
}

/** A local stand-in for the X-Ray daemon's UDP listener. */
export interface XRayDaemon {
  /** `127.0.0.1:port`, the value for `AWS_XRAY_DAEMON_ADDRESS`. */
  readonly address: string;
  /** Valid documents, in arrival order. */
  documents(): readonly XRayDocument[];
  /** Rejected datagrams and failed or unprocessed forwards. */
  errors(): readonly DaemonError[];
  /** The first document (received so far or later) matching `predicate`. */
  waitFor(
    predicate: (document: XRayDocument) => boolean,
    timeoutMs?: number,
  ): Promise<XRayDocument>;
  /** Wait until every forward started so far has finished. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Check the daemon protocol's header line. The real daemon unmarshals it as
 * JSON into `{ Format string; Version int }` (Go: keys case-insensitive) and
 * accepts it when the format is "json" in any case and the version is 1, so
 * spacing variants of `{"format": "json", "version": 1}` are all fine.
 */
export function isValidHeader(line: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null) return false;
  const fields = new Map(Object.entries(parsed).map(([k, v]) => [k.toLowerCase(), v]));
  const format = fields.get('format');
  return (
    typeof format === 'string' && format.toLowerCase() === 'json' && fields.get('version') === 1
  );
}

/** A datagram split and parsed: its document and body text, or why it is invalid. */
export type ParsedDatagram =
  | { readonly ok: true; readonly document: XRayDocument; readonly body: string }
  | { readonly ok: false; readonly error: DaemonError };

/** Split `header\nbody` at the first newline, as the daemon does, and parse the body. */
export function parseDatagram(datagram: string): ParsedDatagram {
  const newline = datagram.indexOf('\n');
  const header = newline < 0 ? datagram : datagram.slice(0, newline);
  const body = newline < 0 ? '' : datagram.slice(newline + 1);
  const fail = (reason: string): ParsedDatagram => ({ ok: false, error: { reason, datagram } });
  if (!body) return fail('Missing header or segment');
  if (!isValidHeader(header)) return fail(`Invalid header: ${header}`);
  try {
    const document: unknown = JSON.parse(body);
    if (typeof document === 'object' && document !== null && !Array.isArray(document)) {
      return { ok: true, document: document as XRayDocument, body };
    }
  } catch {
    // reported below
  }
  return fail('Segment document is not a JSON object');
}

class XRayDaemonStandIn implements XRayDaemon {
  address = '';
  private readonly received: XRayDocument[] = [];
  private readonly rejected: DaemonError[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly waiters = new Waiters();
  private readonly socket: Socket = createSocket('udp4');
  private readonly client: XRayClient | undefined;

  constructor(options: XRayDaemonOptions) {
    if (options.forward) {
      this.client = new XRayClient({
        endpoint: options.forward.endpoint,
        region: options.forward.region ?? 'us-east-1',
        // moto accepts any credentials; fixed ones keep the host's profile out.
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
    }
    this.socket.on('message', (message) => this.receive(message.toString('utf8')));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.address = `127.0.0.1:${this.socket.address().port}`;
  }

  documents = (): readonly XRayDocument[] => [...this.received];
  errors = (): readonly DaemonError[] => [...this.rejected];

  waitFor(
    predicate: (document: XRayDocument) => boolean,
    timeoutMs = 5_000,
  ): Promise<XRayDocument> {
    const find = () => this.received.find(predicate);
    return this.waiters.until(find, timeoutMs, `no matching X-Ray document within ${timeoutMs} ms`);
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    await this.flush();
    this.client?.destroy();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private receive(datagram: string): void {
    const parsed = parseDatagram(datagram);
    if (!parsed.ok) {
      this.rejected.push(parsed.error);
      return;
    }
    this.received.push(parsed.document);
    this.waiters.wake();
    if (this.client) this.track(this.forward(this.client, parsed.body));
  }

  private async forward(client: XRayClient, document: string): Promise<void> {
    try {
      const out = await client.send(
        new PutTraceSegmentsCommand({ TraceSegmentDocuments: [document] }),
      );
      for (const unprocessed of out.UnprocessedTraceSegments ?? []) {
        const reason = `PutTraceSegments did not process it: ${unprocessed.ErrorCode} ${unprocessed.Message}`;
        this.rejected.push({ reason, datagram: document });
      }
    } catch (error) {
      this.rejected.push({
        reason: `PutTraceSegments failed: ${String(error)}`,
        datagram: document,
      });
    }
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }
}

/**
 * Start an X-Ray daemon stand-in on a random loopback UDP port. Datagrams must
 * be the daemon protocol (`{"format": "json", "version": 1}\n<document>`);
 * valid documents are recorded and, with `forward`, relayed to
 * `PutTraceSegments` one by one.
 *
 * @example
 * const daemon = await startXRayDaemon({ forward: { endpoint: moto.endpoint } });
 * const fn = await startLocalLambda({ ..., xrayDaemonAddress: daemon.address });
 * await fn.invoke({});
 * const segment = await daemon.waitFor((d) => d.name === 'fraud-model');
 * await daemon.flush(); // now BatchGetTraces on moto sees it
 */
export async function startXRayDaemon(options: XRayDaemonOptions = {}): Promise<XRayDaemon> {
  const daemon = new XRayDaemonStandIn(options);
  await daemon.listen();
  return daemon;
}
