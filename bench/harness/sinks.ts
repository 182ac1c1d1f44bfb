import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the sinks received during one child run. */
export interface SinkCounts {
  readonly udpBytes: number;
  readonly udpDatagrams: number;
  readonly otlpBytes: number;
  readonly otlpRequests: number;
  /** The first datagram and OTLP body of the run, to show what was really emitted. */
  readonly udpSample: string | undefined;
  readonly otlpSample: string | undefined;
}

/**
 * The local telemetry endpoints every child sends to: a UDP socket standing in
 * for the X-Ray daemon (`AWS_XRAY_DAEMON_ADDRESS`) and an HTTP server standing in
 * for an OTLP/HTTP collector (`OTEL_EXPORTER_OTLP_ENDPOINT`). They count bytes
 * and answer at once; only one child runs at a time, so `take()` between runs
 * attributes the counts to that run.
 */
export interface Sinks {
  readonly udpAddress: string;
  readonly otlpEndpoint: string;
  /** Counts since the last take, then reset. Waits for datagrams still in flight. */
  take(): Promise<SinkCounts>;
  close(): Promise<void>;
}

const SAMPLE_CHARS = 4000;

export async function startSinks(): Promise<Sinks> {
  let counts = {
    udpBytes: 0,
    udpDatagrams: 0,
    otlpBytes: 0,
    otlpRequests: 0,
    udpSample: undefined as string | undefined,
    otlpSample: undefined as string | undefined,
  };
  // The I/O floor sends a datagram every ~20 µs: with Linux's default receive
  // buffer (208 KB, ~100 datagrams) this socket dropped 4 to 5 % of them
  // whenever the parent fell behind. 4 MB (this machine's rmem_max) holds
  // some 2,000.
  const udp = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  udp.on('message', (message) => {
    counts.udpBytes += message.length;
    counts.udpDatagrams++;
    counts.udpSample ??= message.subarray(0, SAMPLE_CHARS).toString('utf8');
  });
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));

  const http = createServer((request, response) => {
    let bytes = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (counts.otlpSample === undefined) chunks.push(chunk);
    });
    request.on('end', () => {
      counts.otlpBytes += bytes;
      counts.otlpRequests++;
      if (counts.otlpSample === undefined && chunks.length > 0) {
        counts.otlpSample = Buffer.concat(chunks).subarray(0, SAMPLE_CHARS).toString('utf8');
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  http.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    udpAddress: `127.0.0.1:${udp.address().port}`,
    otlpEndpoint: `http://127.0.0.1:${port}`,
    async take() {
      // Datagrams sent just before the child exited may still be queued on our socket.
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      const taken = counts;
      counts = { ...taken, udpBytes: 0, udpDatagrams: 0, otlpBytes: 0, otlpRequests: 0 };
      counts.udpSample = undefined;
      counts.otlpSample = undefined;
      return taken;
    },
    async close() {
      http.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => http.close(() => resolve())),
      ]);
    },
  };
}
