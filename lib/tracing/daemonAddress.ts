import { ECOSYSTEM_ENV } from '../telemetry.js';

/** The environment variable Lambda sets to the X-Ray daemon's address. */
export const DAEMON_ADDRESS_ENV = ECOSYSTEM_ENV.DaemonAddress;

/** One endpoint of the daemon. `host` is bare: no brackets around an IPv6 address. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Where the daemon listens: segments go to `udp`; `tcp` serves sampling rules. */
export interface DaemonAddress {
  readonly udp: HostPort;
  readonly tcp: HostPort;
}

/** Outcome of {@link parseDaemonAddress}: an address, or why the value was refused. */
export type DaemonAddressResult =
  | { readonly ok: true; readonly address: DaemonAddress }
  | { readonly ok: false; readonly error: string };

/** What the daemon and the X-Ray SDKs use when the variable is unset. */
export const DEFAULT_DAEMON_ADDRESS: DaemonAddress = {
  udp: { host: '127.0.0.1', port: 2000 },
  tcp: { host: '127.0.0.1', port: 2000 },
};

const PORT = /^\d{1,5}$/;
const WHITESPACE = /\s+/;
const EXPECTED = '"host:port" or "tcp:host:port udp:host:port"';

function parsePort(text: string): number | undefined {
  if (!PORT.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65_535 ? port : undefined;
}

/**
 * `host:port`, `[ipv6]:port`; undefined when malformed.
 *
 * @example
 * parseHostPort('169.254.100.1:9001'); // { host: '169.254.100.1', port: 9001 }
 */
export function parseHostPort(text: string): HostPort | undefined {
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']:');
    if (close < 0) return undefined;
    host = text.slice(1, close);
    portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return undefined;
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    // An unbracketed IPv6 address is ambiguous: which colon starts the port?
    if (host.includes(':')) return undefined;
  }
  const port = parsePort(portText);
  return host.length > 0 && port !== undefined ? { host, port } : undefined;
}

/** `tcp:host:port udp:host:port` in either order, each protocol exactly once. */
function parseBoth(parts: readonly string[]): DaemonAddress | undefined {
  if (parts.length !== 2) return undefined;
  const found: Partial<Record<'tcp' | 'udp', HostPort>> = {};
  for (const part of parts) {
    const protocol = part.slice(0, 4);
    if (protocol !== 'tcp:' && protocol !== 'udp:') return undefined;
    const key = protocol === 'tcp:' ? 'tcp' : 'udp';
    const hostPort = parseHostPort(part.slice(4));
    if (hostPort === undefined || found[key] !== undefined) return undefined;
    found[key] = hostPort;
  }
  return found.tcp && found.udp ? { tcp: found.tcp, udp: found.udp } : undefined;
}

/**
 * Parse `AWS_XRAY_DAEMON_ADDRESS`: `host:port` (both protocols), or
 * `tcp:host:port udp:host:port` in either order. Unset or blank gives
 * `127.0.0.1:2000`. Never throws: a malformed value gives `ok: false` with a
 * message naming the variable, so start-up can log it and keep the default.
 *
 * @example
 * const result = parseDaemonAddress(process.env.AWS_XRAY_DAEMON_ADDRESS);
 * const { udp } = result.ok ? result.address : DEFAULT_DAEMON_ADDRESS;
 */
export function parseDaemonAddress(value: string | undefined): DaemonAddressResult {
  const text = value?.trim() ?? '';
  if (text === '') return { ok: true, address: DEFAULT_DAEMON_ADDRESS };
  const parts = text.split(WHITESPACE);
  const single = parts.length === 1 ? parseHostPort(text) : undefined;
  const address = single ? { udp: single, tcp: single } : parseBoth(parts);
  if (address) return { ok: true, address };
  return {
    ok: false,
    error: `${DAEMON_ADDRESS_ENV} must be ${EXPECTED} with a port from 1 to 65535; got "${value}"`,
  };
}
