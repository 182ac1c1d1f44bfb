/**
 * observeHttpModelCalls() with Node's own fetch() against a real HTTP server
 * on loopback (a model server's place), in one process as Lambda runs a
 * handler: segments read from a real UDP socket, EMF and log lines from stdout.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../../local-lambda/lambdaContext.js';
import { emfRecords, logRecords, metricValues } from '../../local-lambda/outputRecords.js';
import { captureOutput } from '../support/captureOutput.js';
import { type SegmentDoc, segmentNodes } from '../support/segmentTree.js';
import { collectUdp, type UdpCollector } from '../support/udpCollector.js';

type Lib = typeof import('../../lib/index.js');

let lib: Lib;
let udp: UdpCollector;
let out: ReturnType<typeof captureOutput>;
let server: Server;
let other: Server;
let origin: string;
let otherOrigin: string;
let stop: () => void;
const received: IncomingHttpHeaders[] = [];
const context = lambdaContexts('llm-fn');

async function listen(status: (path: string) => number): Promise<[Server, string]> {
  const s = createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    req.on('end', () => {
      const code = status(req.url ?? '/');
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ completion: 'ok', code }));
    });
  });
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return [s, `http://127.0.0.1:${(s.address() as AddressInfo).port}`];
}

beforeAll(async () => {
  [server, origin] = await listen((path) =>
    path.startsWith('/busy') ? 429 : path.startsWith('/broken') ? 500 : 200,
  );
  [other, otherOrigin] = await listen(() => 200);
  udp = await collectUdp();
  useLambdaEnvironment(
    { functionName: 'llm-fn', daemonAddress: udp.address },
    { POWERTOOLS_SERVICE_NAME: 'llm-api', OBSERVED_MODEL_NAME: 'llm' },
  );
  out = captureOutput();
  lib = await import('../../lib/index.js');
  stop = lib.observeHttpModelCalls({ origins: [origin] });
});

afterAll(async () => {
  stop?.();
  out?.restore();
  await udp?.close();
  server?.close();
  other?.close();
});

async function invoke(paths: readonly string[], base = () => origin) {
  const trace = traceHeader(true);
  process.env._X_AMZN_TRACE_ID = trace.header;
  const mark = out.lines.length;
  const handler = lib.observe(async () => {
    const codes = [];
    for (const path of paths) {
      const res = await fetch(`${base()}${path}`, { method: 'POST', body: '{"prompt":"hi"}' });
      codes.push(((await res.json()) as { code: number }).code);
    }
    return codes;
  });
  const result = await handler({}, context() as Context);
  const lines = out.since(mark);
  const nodes = async (name: string) => {
    const mine = () =>
      (udp.documents as SegmentDoc[])
        .filter((d) => d.trace_id === trace.root)
        .flatMap((d) => segmentNodes(d));
    await expect.poll(() => mine().some((n) => n.name === name)).toBe(true);
    return mine();
  };
  return {
    result,
    trace,
    emf: emfRecords(lines),
    log: logRecords(lines).find((r) => r.message === 'inference'),
    nodes,
  };
}

describe('observeHttpModelCalls()', () => {
  it('makes a client span for a fetch() to a model server, parents the server’s trace on it, and counts the call', async () => {
    const before = received.length;
    const run = await invoke(['/v1/completions?key=secret']);
    expect(run.result).toEqual([200]);
    const host = new URL(origin).host;
    const nodes = await run.nodes(`POST ${host}`);
    const call = nodes.find((n) => n.name === `POST ${host}`)!;
    const inference = nodes.find((n) => n.name === 'inference llm')!;
    expect(call.parent).toBe(inference.id);
    expect(call.doc.namespace).toBe('remote');
    const meta = (call.doc.metadata as { observed_inference: Record<string, unknown> })
      .observed_inference;
    expect(meta).toMatchObject({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'url.path': '/v1/completions',
      'http.response.status_code': 200,
    });
    expect(JSON.stringify(call.doc)).not.toContain('secret');
    expect(received.at(-1)!['x-amzn-trace-id']).toBe(
      `Root=${run.trace.root};Parent=${call.id};Sampled=1`,
    );
    expect(received.length).toBe(before + 1);
    expect(metricValues(run.emf, 'ModelCallLatency')).toHaveLength(1);
    expect(run.log?.model_calls).toMatchObject({ count: 1, models: [host] });
  });

  it('counts 429 as a throttle and a 5xx as an error, passing both responses through', async () => {
    const run = await invoke(['/busy', '/broken', '/ok']);
    expect(run.result).toEqual([429, 500, 200]);
    expect(metricValues(run.emf, 'ModelCallLatency')).toHaveLength(3);
    expect(metricValues(run.emf, 'ModelCallThrottles')).toEqual([1]);
    expect(metricValues(run.emf, 'ModelCallErrors')).toEqual([1, 1]);
  });

  it('leaves other origins, and every origin once stopped, unobserved', async () => {
    const elsewhere = await invoke(['/x'], () => otherOrigin);
    expect(elsewhere.result).toEqual([200]);
    expect(elsewhere.log).not.toHaveProperty('model_calls');
    stop();
    const stopped = await invoke(['/x']);
    expect(stopped.result).toEqual([200]);
    expect(stopped.log).not.toHaveProperty('model_calls');
    stop = lib.observeHttpModelCalls({ origins: [origin] });
  });
});
