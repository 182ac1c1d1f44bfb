import { createSocket, type Socket } from 'node:dgram';
import { readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isIpLiteral, UdpSegmentSender } from '../../../lib/tracing/udpSender.js';
import {
  DEFAULT_MAX_SEGMENT_BYTES,
  XRAY_DAEMON_HEADER,
} from '../../../lib/tracing/xraySegments.js';
import { closedUdpPort } from '../../support/udpCollector.js';

/** A stand-in daemon: a real UDP socket collecting datagrams. */
async function daemon(type: 'udp4' | 'udp6' = 'udp4') {
  const socket = createSocket(type);
  const received: string[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (message) => {
    received.push(message.toString('utf8'));
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, type === 'udp4' ? '127.0.0.1' : '::1', () => resolve());
  });
  return {
    socket,
    port: (socket.address() as AddressInfo).port,
    received,
    /** Resolves once `count` datagrams have arrived. */
    async waitFor(count: number): Promise<string[]> {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return received;
    },
  };
}

const opened: Array<Socket | UdpSegmentSender> = [];
afterEach(() => {
  for (const item of opened.splice(0)) item.close();
});

/** A stand-in daemon and a sender to it by `host`, both closed after the test, and the errors it reports. */
async function senderToDaemon(host = '127.0.0.1') {
  const server = await daemon();
  opened.push(server.socket);
  const errors: Error[] = [];
  const sender = new UdpSegmentSender({ host, port: server.port, onError: (e) => errors.push(e) });
  opened.push(sender);
  return { server, sender, errors };
}

describe('UdpSegmentSender', () => {
  it('sends each document as one datagram behind the daemon header', async () => {
    const { server, sender, errors } = await senderToDaemon();
    const docs = ['{"id":"a"}', '{"id":"b","name":"modèle"}'];
    await sender.send(docs);
    expect((await server.waitFor(2)).sort()).toEqual(
      docs.map((d) => XRAY_DAEMON_HEADER + d).sort(),
    );
    expect(errors).toEqual([]);
  });

  it('sends every datagram whole while others are in flight: sends not awaited, multi-byte text, one past the reused buffer', async () => {
    const { server, sender, errors } = await senderToDaemon();
    const docs = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({
        id: `doc-${i}`,
        name: i % 3 === 0 ? 'modèle · 模型' : 'm',
        pad: 'x'.repeat(i * 37),
      }),
    );
    docs.push(JSON.stringify({ id: 'big', pad: 'é'.repeat(9000) }));
    // Each send() alone, none awaited before the next: the one before may still be in flight.
    await Promise.all(docs.map((doc) => sender.send([doc])));
    await sender.send(['{"id":"after"}']);
    const expected = [...docs, '{"id":"after"}'].map((d) => XRAY_DAEMON_HEADER + d);
    expect((await server.waitFor(expected.length)).slice().sort()).toEqual(expected.sort());
    expect(errors).toEqual([]);
  });

  it('sends to a daemon named by a host name, through a lookup (an address needs none)', async () => {
    const { server, sender, errors } = await senderToDaemon('localhost');
    await sender.send(['{"id":"named"}']);
    expect(await server.waitFor(1)).toEqual([`${XRAY_DAEMON_HEADER}{"id":"named"}`]);
    expect(errors).toEqual([]);
  });

  it('tells an address from a host name without node:net', () => {
    for (const address of ['169.254.79.129', '127.0.0.1', '0.0.0.0', '::1', 'fd00:ec2::23'])
      expect(isIpLiteral(address), address).toBe(true);
    for (const name of [
      'localhost',
      'xray.internal',
      '256.1.1.1',
      '1.2.3',
      '1.2.3.4.5',
      '01x.1.1.1',
      '',
    ])
      expect(isIpLiteral(name), name).toBe(false);
  });

  it('sends to an IPv6 daemon over udp6', async (ctx) => {
    const server = await daemon('udp6').catch(() => undefined);
    if (server === undefined) return ctx.skip('no IPv6 loopback here');
    opened.push(server.socket);
    const sender = new UdpSegmentSender({ host: '::1', port: server.port, onError: () => {} });
    opened.push(sender);
    await sender.send(['{"id":"v6"}']);
    expect(await server.waitFor(1)).toEqual([`${XRAY_DAEMON_HEADER}{"id":"v6"}`]);
  });

  it.for(['udp4', 'udp6'] as const)(
    'sends the largest document the splitter makes whole over %s',
    async (type, ctx) => {
      const server = await daemon(type).catch(() => undefined);
      if (server === undefined) return ctx.skip('no IPv6 loopback here');
      opened.push(server.socket);
      const errors: Error[] = [];
      const sender = new UdpSegmentSender({
        host: type === 'udp4' ? '127.0.0.1' : '::1',
        port: server.port,
        onError: (e) => errors.push(e),
      });
      opened.push(sender);
      const doc = `{"pad":"${'é'.repeat((DEFAULT_MAX_SEGMENT_BYTES - 10) / 2)}"}`;
      expect(Buffer.byteLength(doc)).toBe(DEFAULT_MAX_SEGMENT_BYTES);
      await sender.send([doc]);
      expect(await server.waitFor(1)).toEqual([XRAY_DAEMON_HEADER + doc]);
      expect(errors).toEqual([]);
    },
  );

  it('resolves without rejecting when nothing listens on the port', async () => {
    const sender = new UdpSegmentSender({
      host: '127.0.0.1',
      port: await closedUdpPort(),
      onError: () => {},
    });
    opened.push(sender);
    await expect(sender.send(['{"id":"a"}', '{"id":"b"}'])).resolves.toBeUndefined();
    await expect(sender.send([])).resolves.toBeUndefined();
  });

  it('reports a datagram too big to send once and still resolves', async () => {
    const { server, sender, errors } = await senderToDaemon();
    await expect(
      sender.send([`{"pad":"${'x'.repeat(70_000)}"}`, '{"id":"small"}']),
    ).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/X-Ray daemon send to 127\.0\.0\.1:\d+ failed: .*EMSGSIZE/);
    expect(await server.waitFor(1)).toEqual([`${XRAY_DAEMON_HEADER}{"id":"small"}`]);
  });

  it('opens a fresh socket after it was closed', async () => {
    const { server, sender, errors } = await senderToDaemon();
    await sender.send(['{"n":1}']);
    sender.close();
    sender.close();
    await expect(sender.send(['{"n":2}'])).resolves.toBeUndefined();
    expect(await server.waitFor(2)).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('resolves within its time bound even when the host cannot be resolved', async () => {
    const errors: Error[] = [];
    const sender = new UdpSegmentSender({
      host: 'daemon.invalid',
      port: 2000,
      timeoutMs: 20,
      onError: (e) => errors.push(e),
    });
    opened.push(sender);
    const started = performance.now();
    await expect(sender.send(['{"id":"a"}'])).resolves.toBeUndefined();
    // The bound (or a fast lookup failure) ends the wait, never a slow DNS timeout.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('connects at open(), so the first send goes out at once without waiting for a lookup', async () => {
    const { server, sender, errors } = await senderToDaemon('localhost');
    sender.open();
    sender.open(); // a second call keeps the one socket
    await new Promise((resolve) => setTimeout(resolve, 50));
    let settled = false;
    const sent = sender.send(['{"id":"first"}']).then(() => {
      settled = true;
    });
    // Connected: the datagram left synchronously, its callback comes without a lookup or a timer.
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(true);
    await sent;
    expect(await server.waitFor(1)).toEqual([`${XRAY_DAEMON_HEADER}{"id":"first"}`]);
    expect(errors).toEqual([]);
  });

  it('learns at open() that the host does not resolve, and the first send then waits for nothing', async () => {
    const errors: Error[] = [];
    const sender = new UdpSegmentSender({
      host: 'daemon.invalid',
      port: 2000,
      timeoutMs: 5_000,
      onError: (e) => errors.push(e),
    });
    opened.push(sender);
    sender.open();
    // The failed lookup is held for the back-off, not reported until a datagram is lost to it.
    await expect
      .poll(() => sender.send(['{"id":"probe"}']).then(() => errors.length))
      .toBeGreaterThan(0);
    const before = errors.length;
    const started = performance.now();
    await sender.send(['{"id":"a"}']);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(errors.length).toBe(before + 1);
    expect(errors.at(-1)?.message).toMatch(/send to daemon\.invalid:2000 failed/);
  });

  it('keeps a throwing error hook away from the caller', async () => {
    const sender = new UdpSegmentSender({
      host: '127.0.0.1',
      port: await closedUdpPort(),
      onError: () => {
        throw new Error('hook failed');
      },
    });
    opened.push(sender);
    await expect(sender.send([`{"pad":"${'x'.repeat(70_000)}"}`])).resolves.toBeUndefined();
  });
});

/** Open file descriptors of this process (Linux). */
const openFds = () => readdirSync('/proc/self/fd').length;

describe('UdpSegmentSender with a daemon host that does not resolve', () => {
  it.each(['nonexistent.invalid', '999.1.1.1'])(
    'keeps the fd count flat across sends to %s and reports each lost datagram',
    async (host) => {
      const errors: Error[] = [];
      const sender = new UdpSegmentSender({ host, port: 2000, onError: (e) => errors.push(e) });
      opened.push(sender);
      await sender.send(['{"id":"warm-up"}']);
      const before = openFds();
      for (let i = 0; i < 50; i++) await sender.send([`{"id":"${i}"}`]);
      expect(openFds()).toBeLessThanOrEqual(before);
      // Every datagram is counted (the warm-up one too), none sent.
      await expect.poll(() => errors.length).toBe(51);
      expect(errors[0]?.message).toMatch(new RegExp(`send to ${host.replace(/\./g, '\\.')}:2000`));
    },
  );
});
