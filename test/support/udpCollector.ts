import { createSocket } from 'node:dgram';

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
