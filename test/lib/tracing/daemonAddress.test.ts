import { describe, expect, it } from 'vitest';
import {
  DAEMON_ADDRESS_ENV,
  DEFAULT_DAEMON_ADDRESS,
  parseDaemonAddress,
} from '../../../lib/tracing/daemonAddress.js';

describe('parseDaemonAddress', () => {
  it.each([undefined, '', '   '])('defaults to 127.0.0.1:2000 for %j', (value) => {
    expect(parseDaemonAddress(value)).toEqual({ ok: true, address: DEFAULT_DAEMON_ADDRESS });
    expect(DEFAULT_DAEMON_ADDRESS.udp).toEqual({ host: '127.0.0.1', port: 2000 });
  });

  it('uses one host:port for both protocols', () => {
    expect(parseDaemonAddress('169.254.79.129:2000')).toEqual({
      ok: true,
      address: {
        udp: { host: '169.254.79.129', port: 2000 },
        tcp: { host: '169.254.79.129', port: 2000 },
      },
    });
    expect(parseDaemonAddress(' xray-daemon:3000 ')).toMatchObject({
      ok: true,
      address: { udp: { host: 'xray-daemon', port: 3000 } },
    });
  });

  it.each([
    'tcp:127.0.0.1:2001 udp:127.0.0.2:2002',
    'udp:127.0.0.2:2002 tcp:127.0.0.1:2001',
    'udp:127.0.0.2:2002   tcp:127.0.0.1:2001',
  ])('reads separate tcp and udp addresses in either order: %s', (value) => {
    expect(parseDaemonAddress(value)).toEqual({
      ok: true,
      address: { tcp: { host: '127.0.0.1', port: 2001 }, udp: { host: '127.0.0.2', port: 2002 } },
    });
  });

  it('accepts a bracketed IPv6 host', () => {
    expect(parseDaemonAddress('[::1]:2000')).toMatchObject({
      ok: true,
      address: { udp: { host: '::1', port: 2000 } },
    });
  });

  it.each([
    'localhost',
    ':2000',
    'host:',
    'host:0',
    'host:65536',
    'host:20a0',
    '::1:2000',
    '[::1]2000',
    'udp:127.0.0.1:2000',
    'tcp:127.0.0.1:2000',
    'udp:a:1 udp:b:2',
    'tcp:a:1 udp:b:2 udp:c:3',
    'http:a:1 udp:b:2',
    'tcp:a:1 udp:b',
  ])('refuses %j with a message naming the variable', (value) => {
    const result = parseDaemonAddress(value);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain(DAEMON_ADDRESS_ENV);
      expect(result.error).toContain(JSON.stringify(value));
    }
  });
});
