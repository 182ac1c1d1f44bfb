// The I/O floor: the bare handler plus only the I/O that complete telemetry
// cannot avoid, so every overhead has its physical limit beside it. Per
// invocation: one stdout write of the size of our EMF record and log line
// together, and, when the trace header says Sampled=1, one prebuilt datagram
// of the size of our segment document to the X-Ray daemon on a socket
// connected at init, its send callback awaited (the handler returns only once
// the datagram left, as ours does). Nothing is built per invocation.
import { createSocket } from 'node:dgram';
import { preprocess, score } from './model.mjs';

/** Bytes of our stdout write and our datagram per invocation (npm run bench, library mode). */
const STDOUT_BYTES = 1600;
const DATAGRAM_BYTES = 950;

const HEADER = '{"format": "json", "version": 1}\n';
const line = `{"level":"INFO","message":"${'x'.repeat(STDOUT_BYTES - 32)}"}\n`;
const datagram = Buffer.from(
  `${HEADER}{"pad":"${'x'.repeat(DATAGRAM_BYTES - HEADER.length - 10)}"}`,
);

const [host, port] = (process.env.AWS_XRAY_DAEMON_ADDRESS ?? '127.0.0.1:2000').split(':');
const socket = createSocket('udp4');
socket.unref();
await new Promise((resolve) => socket.connect(Number(port), host, resolve));

const sent = (resolve) => socket.send(datagram, resolve);

/**
 * Profiling only (bench/profile.ts --only=signals), never in measured runs:
 * µs of computation before the I/O, touching next to no memory, so the floor's
 * two calls come as far apart as ours do.
 */
const spinUs = Number(process.env.BENCH_FLOOR_SPIN_US ?? '0');
function spin() {
  const until = performance.now() + spinUs / 1000;
  while (performance.now() < until);
}

export const handler = async (event) => {
  const prediction = score(preprocess(event.body));
  if (spinUs > 0) spin();
  process.stdout.write(line);
  if (process.env._X_AMZN_TRACE_ID?.includes('Sampled=1')) await new Promise(sent);
  return { statusCode: 200, body: JSON.stringify(prediction) };
};
