import { createSocket } from 'node:dgram';
import { MAX_UDP_PAYLOAD_BYTES } from '../../lib/contract/limits.js';
import { XRAY_DAEMON_HEADER } from '../../lib/tracing/xraySegments.js';

/** The largest segment document one daemon datagram carries: IPv4's largest UDP payload minus the header. */
export const MAX_DOCUMENT = MAX_UDP_PAYLOAD_BYTES - Buffer.byteLength(XRAY_DAEMON_HEADER);

/**
 * Document sizes at the edges of one datagram: around the largest that fits,
 * the old 64 KiB-minus-header limit (65,503) and past it, the payload limit
 * itself, and 64 KiB.
 */
export const DOCUMENT_SIZE_EDGES = [
  MAX_DOCUMENT - 1,
  MAX_DOCUMENT,
  MAX_DOCUMENT + 1,
  65_503,
  65_504,
  MAX_UDP_PAYLOAD_BYTES,
  65_536,
] as const;

/**
 * A loopback UDP port with nothing listening: bound, noted, released.
 *
 * @example
 * const address = `127.0.0.1:${await closedUdpPort()}`; // a daemon that is down
 */
export async function closedUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Segment documents received on a real UDP socket, as the X-Ray daemon would receive them. */
export interface UdpCollector {
  readonly address: string;
  readonly documents: Array<Record<string, unknown>>;
  readonly headers: string[];
  close(): Promise<void>;
}

/** Bind a UDP socket on 127.0.0.1 (a free port) and collect daemon datagrams. */
export async function collectUdp(): Promise<UdpCollector> {
  const socket = createSocket('udp4');
  const documents: Array<Record<string, unknown>> = [];
  const headers: string[] = [];
  socket.on('message', (msg) => {
    const text = msg.toString('utf8');
    const newline = text.indexOf('\n');
    headers.push(text.slice(0, newline));
    documents.push(JSON.parse(text.slice(newline + 1)) as Record<string, unknown>);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    documents,
    headers,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
