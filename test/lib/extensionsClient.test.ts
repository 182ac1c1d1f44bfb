/**
 * The Extensions API's poll client against real servers on loopback sockets:
 * Node's HTTP server (which frames a reply by Content-Length or chunked, as
 * Lambda's Go server does), and a raw TCP server for what only a socket can
 * do (a reply split anywhere, a closed connection, a reply that is not HTTP).
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ExtensionsClient, parseReply } from '../../lib/extensionsClient.js';

const servers: Array<HttpServer | net.Server> = [];
/** The client keeps its connection: the servers cannot close until it is gone. */
const accepted: net.Socket[] = [];
afterEach(async () => {
  for (const socket of accepted.splice(0)) socket.destroy();
  for (const s of servers.splice(0)) {
    if ('closeAllConnections' in s) s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function listen<T extends HttpServer | net.Server>(server: T): Promise<number> {
  servers.push(server);
  server.on('connection', (socket: net.Socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const EVENT = { eventType: 'INVOKE', requestId: 'req-é-1', deadlineMs: 1 };

describe('ExtensionsClient', () => {
  it.each([
    ['Content-Length', true],
    ['chunked', false],
  ])(
    'reads replies framed by %s on one kept connection, with the headers sent',
    async (_, sized) => {
      const seen: Array<{ url?: string; id?: string; socket: unknown }> = [];
      const port = await listen(
        createHttpServer((req, res) => {
          seen.push({
            url: req.url,
            id: req.headers['lambda-extension-identifier'] as string,
            socket: req.socket,
          });
          const body = JSON.stringify({ ...EVENT, n: seen.length });
          res.setHeader('Content-Type', 'application/json');
          if (sized) res.setHeader('Content-Length', Buffer.byteLength(body));
          else res.write(body.slice(0, 10));
          res.end(sized ? body : body.slice(10));
        }),
      );
      const client = new ExtensionsClient(net, '127.0.0.1', port);
      for (let n = 1; n <= 3; n++) {
        const reply = await client.get('/2020-01-01/extension/event/next', {
          'Lambda-Extension-Identifier': 'ext-1',
        });
        expect(reply.status).toBe(200);
        expect(reply.headers.get('content-type')).toBe('application/json');
        expect(JSON.parse(reply.body)).toEqual({ ...EVENT, n });
      }
      expect(seen.map((s) => [s.url, s.id])).toEqual(
        Array(3).fill(['/2020-01-01/extension/event/next', 'ext-1']),
      );
      expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
    },
  );

  it('posts a JSON body with its length, and reads the answer headers', async () => {
    const seen: Array<{ method?: string; type?: string; name?: string; body: string }> = [];
    const port = await listen(
      createHttpServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => {
          body += chunk;
        });
        req.on('end', () => {
          seen.push({
            method: req.method,
            type: req.headers['content-type'],
            name: req.headers['lambda-extension-name'] as string,
            body,
          });
          res.writeHead(200, { 'Lambda-Extension-Identifier': 'id-1' }).end('{}');
        });
      }),
    );
    const client = new ExtensionsClient(net, '127.0.0.1', port);
    const body = JSON.stringify({ events: ['INVOKE'], note: 'é' });
    const reply = await client.post('/register', { 'Lambda-Extension-Name': 'oi' }, body);
    expect(reply.headers.get('lambda-extension-identifier')).toBe('id-1');
    expect(seen).toEqual([{ method: 'POST', type: 'application/json', name: 'oi', body }]);
    // The same connection serves the poll after it.
    expect((await client.get('/next', {})).status).toBe(200);
  });

  it('reads a reply split at every byte', async () => {
    const body = JSON.stringify(EVENT);
    const reply = `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const bytes = Buffer.from(reply);
    const port = await listen(
      net.createServer((socket) => {
        socket.once('data', async () => {
          for (const byte of bytes) {
            socket.write(Buffer.of(byte));
            await new Promise((resolve) => setImmediate(resolve));
          }
        });
      }),
    );
    const got = await new ExtensionsClient(net, '127.0.0.1', port).get('/next', {});
    expect(JSON.parse(got.body)).toEqual(EVENT);
  });

  it('rejects when the server closes the connection, and connects again for the next request', async () => {
    let connections = 0;
    const port = await listen(
      net.createServer((socket) => {
        connections++;
        socket.once('data', () => {
          if (connections === 1) socket.destroy();
          else socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno');
        });
      }),
    );
    const client = new ExtensionsClient(net, '127.0.0.1', port);
    await expect(client.get('/next', {})).rejects.toThrow(/closed the connection/);
    const reply = await client.get('/next', {});
    expect([reply.status, reply.body, connections]).toEqual([403, 'no', 2]);
  });

  it('rejects a reply that is not HTTP, and a second request while one is in flight', async () => {
    const port = await listen(
      net.createServer((socket) =>
        socket.once('data', () => socket.write('SSH-2.0-OpenSSH\r\n\r\n')),
      ),
    );
    const client = new ExtensionsClient(net, '127.0.0.1', port);
    const first = client.get('/next', {});
    await expect(client.get('/next', {})).rejects.toThrow(/already in flight/);
    await expect(first).rejects.toThrow(/not an HTTP\/1.1 status line/);
  });

  it('rejects a refused connection', async () => {
    const port = await listen(net.createServer());
    await new Promise((resolve) => servers.pop()!.close(resolve));
    await expect(new ExtensionsClient(net, '127.0.0.1', port).get('/next', {})).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});

describe('parseReply', () => {
  it('waits for the whole reply, and leaves what follows it', () => {
    const reply = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1';
    expect(parseReply(reply.slice(0, 20))).toBeUndefined();
    expect(parseReply(reply.slice(0, 38))).toBeUndefined();
    const parsed = parseReply(reply)!;
    expect([parsed.reply.body, reply.slice(parsed.length)]).toEqual(['ok', 'HTTP/1.1']);
  });

  it('decodes UTF-8 bodies read as latin1, in chunks that split a character', () => {
    const latin1 = Buffer.from('é', 'utf8').toString('latin1');
    const text = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n${latin1[0]}\r\n1\r\n${latin1[1]}\r\n0\r\n\r\n`;
    expect(parseReply(text)!.reply.body).toBe('é');
  });

  it('rejects a bad Content-Length and a bad chunk size', () => {
    expect(() => parseReply('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n')).toThrow(
      /Content-Length/,
    );
    expect(() => parseReply('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toThrow(
      /chunk size/,
    );
  });
});
