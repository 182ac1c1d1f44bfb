/**
 * Powertools Tracer beside observed-inference, the way Lambda runs them: the
 * built layer as /opt, the real aws-lambda-ric, a handler that uses Tracer
 * (`captureLambdaHandler`, `captureAWSv3Client` on an S3 client calling moto)
 * and observe(), in both orders (test/fixtures/tracers/powertools.mjs). Both
 * send to the same daemon stand-in, which relays to moto's X-Ray; the trace is
 * read back with BatchGetTraces and must be one tree: one trace id, every
 * parent id a (sub)segment of the trace or the Lambda function segment, no id
 * twice. Lambda's JSON log format and log level are on throughout.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchGetTracesCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskRootFrom, unzipLayer } from '../../local-lambda/layer.js';
import { type LocalLambda, startLocalLambda } from '../../local-lambda/localLambda.js';
import { hasMotoServer, type Moto, motoEnv, startMoto } from '../../local-lambda/moto.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { newTraceHeader, traceRootOf } from '../../local-lambda/runtimeApi.js';
import { startXRayDaemon, type XRayDaemon } from '../../local-lambda/xrayDaemon.js';
import { startOtlpReceiver } from '../support/otlp.js';
import { type SegmentDoc, type SegmentNode, segmentNodes } from '../support/segmentTree.js';
import { validateSegmentDocument } from '../support/xraySchema.js';

const fixture = fileURLToPath(new URL('../fixtures/tracers/', import.meta.url));
const repoModules = fileURLToPath(new URL('../../node_modules', import.meta.url));
const parentOf = (header: string) => /Parent=([^;]+)/.exec(header)![1]!;
const apiEvent = (tx: Record<string, unknown>) => ({
  httpMethod: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(tx),
});

/**
 * The function's code with its own node_modules, as a deployment package has
 * them: here the repository's (Tracer, aws-xray-sdk-core, the AWS SDK).
 */
export function taskRootWithModules(): string {
  const taskRoot = taskRootFrom(fixture);
  symlinkSync(repoModules, join(taskRoot, 'node_modules'), 'dir');
  return taskRoot;
}

/**
 * Every stdout and stderr line is one JSON object (Lambda's JSON log format),
 * and nothing below WARN was logged (AWS_LAMBDA_LOG_LEVEL=WARN): the EMF
 * records are metrics, not log records, and stay.
 */
export function expectLambdaJsonLogs(lines: readonly string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    const record = JSON.parse(line) as Record<string, unknown>;
    expect(typeof record, line).toBe('object');
    if ('_aws' in record) continue;
    expect(String(record.level ?? '').toUpperCase(), line).toMatch(/^(WARN|ERROR|FATAL)$/);
  }
}

describe.skipIf(!hasMotoServer() && process.env.CI !== 'true')(
  'Powertools Tracer beside observe()',
  () => {
    let moto: Moto;
    let daemon: XRayDaemon;
    let optDir: string;
    let taskRoot: string;

    beforeAll(async () => {
      moto = await startMoto();
      daemon = await startXRayDaemon({ forward: { endpoint: moto.endpoint } });
      optDir = unzipLayer();
      taskRoot = taskRootWithModules();
      Object.assign(process.env, motoEnv(moto.endpoint));
    });

    afterAll(async () => {
      await daemon?.close();
      await moto?.stop();
    });

    /** The trace of one invocation as moto's X-Ray stores it, every document schema-valid. */
    async function storedTrace(header: string, names: readonly string[]): Promise<SegmentNode[]> {
      const root = traceRootOf(header);
      const seen = () => {
        const nodes = daemon
          .documents()
          .filter((d) => d.trace_id === root)
          .flatMap((d) => segmentNodes(d as SegmentDoc));
        return names.every((n) => nodes.some((node) => node.name === n));
      };
      for (let i = 0; i < 100 && !seen(); i++) await new Promise((r) => setTimeout(r, 50));
      await daemon.flush();
      const out = await new XRayClient({}).send(new BatchGetTracesCommand({ TraceIds: [root] }));
      const docs = (out.Traces?.[0]?.Segments ?? []).map(
        (s) => JSON.parse(s.Document!) as SegmentDoc,
      );
      for (const doc of docs) expect(validateSegmentDocument(doc)).toEqual([]);
      return docs.flatMap((d) => segmentNodes(d));
    }

    /** One tree under the function segment: every parent known, no id twice. */
    function expectOneTree(nodes: readonly SegmentNode[], header: string): void {
      const ids = nodes.map((n) => n.id);
      expect(new Set(ids).size, `duplicate ids in ${ids.join(',')}`).toBe(ids.length);
      const known = new Set([...ids, parentOf(header)]);
      for (const node of nodes) expect(known.has(node.parent!), `${node.name}'s parent`).toBe(true);
    }

    const ORDERS = [
      { order: 'Tracer outside observe()', handler: 'powertools.tracerOutside' },
      { order: 'Tracer outside observe(), by hand', handler: 'powertools.manual' },
      { order: 'observe() outside Tracer', handler: 'powertools.observeOutside' },
    ] as const;

    describe.each(ORDERS)('$order', ({ handler }) => {
      let fn: LocalLambda;
      const headers: string[] = [];
      let lines: string[] = [];

      beforeAll(async () => {
        fn = await startLocalLambda({
          taskRoot,
          handler,
          optDir,
          functionName: 'fraud-powertools',
          timeoutMs: 5000,
          xrayDaemonAddress: daemon.address,
          env: {
            ...motoEnv(moto.endpoint),
            POWERTOOLS_SERVICE_NAME: 'fraud-api',
            AWS_LAMBDA_LOG_FORMAT: 'JSON',
            AWS_LAMBDA_LOG_LEVEL: 'WARN',
          },
        });
        expect(fn.initError).toBeUndefined();
        const mark = fn.mark();
        for (const amount of [900, 20]) {
          const header = newTraceHeader();
          const r = await fn.invoke(apiEvent({ amount }), { traceHeader: header });
          expect(r.error).toBeUndefined();
          headers.push(header);
        }
        await new Promise((r) => setTimeout(r, 50));
        lines = fn.linesSince(mark);
      }, 60_000);

      afterAll(async () => {
        await fn?.stop();
      });

      it('makes one trace of their subsegments and our spans under the function segment', async () => {
        for (const header of headers) {
          const nodes = await storedTrace(header, [
            'inference fraud',
            `## ${handler}`,
            'S3',
            'predict',
          ]);
          expectOneTree(nodes, header);
          const byName = Object.fromEntries(nodes.map((n) => [n.name, n]));
          const ours = byName['inference fraud']!;
          const theirs = byName[`## ${handler}`]!;
          expect(byName.predict!.parent).toBe(ours.id);
          expect(byName.preprocess!.parent).toBe(ours.id);
          if (handler !== 'powertools.observeOutside') {
            // Tracer's handler subsegment wraps the whole observed invocation: ours nests in it.
            expect(ours.parent).toBe(theirs.id);
            expect(theirs.parent).toBe(parentOf(header));
          } else {
            // observe() outside: Tracer cannot see our span, so both hang on the function segment.
            expect(ours.parent).toBe(parentOf(header));
            expect(theirs.parent).toBe(parentOf(header));
          }
          // Tracer records the AWS call under its own current subsegment.
          expect(byName.S3!.parent).toBe(theirs.id);
        }
      });

      it('keeps the cold start beside the first invocation only', async () => {
        const [cold, warm] = await Promise.all(
          headers.map((h) => storedTrace(h, ['inference fraud'])),
        );
        expect(cold!.some((n) => n.name === 'cold start')).toBe(true);
        expect(warm!.some((n) => n.name === 'cold start')).toBe(false);
      });

      it("keeps Lambda's JSON log format and log level for every line", () => {
        expectLambdaJsonLogs(lines);
        expect(emfRecords(lines)).toHaveLength(2);
        // The invocation log line is INFO: below AWS_LAMBDA_LOG_LEVEL=WARN, not written.
        expect(logRecords(lines).filter((r) => r.message === 'inference')).toHaveLength(0);
        expect(emfRecords(lines)[0]!.TelemetryErrors ?? 0).toBe(0);
      });
    });

    describe('with our spans going to an OTLP collector, not X-Ray', () => {
      it('warns once that the trace is split between two backends, and still names Tracer as parent', async () => {
        const receiver = await startOtlpReceiver();
        const fn = await startLocalLambda({
          taskRoot,
          handler: 'powertools.tracerOutside',
          optDir,
          functionName: 'fraud-powertools-otlp',
          timeoutMs: 5000,
          xrayDaemonAddress: daemon.address,
          env: {
            ...motoEnv(moto.endpoint),
            OBSERVED_TRACES: 'otlp-http',
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
            AWS_LAMBDA_LOG_FORMAT: 'JSON',
            AWS_LAMBDA_LOG_LEVEL: 'WARN',
          },
        });
        try {
          const mark = fn.mark();
          const headers = [newTraceHeader(), newTraceHeader()];
          for (const header of headers) {
            expect(
              (await fn.invoke(apiEvent({ amount: 5 }), { traceHeader: header })).error,
            ).toBeUndefined();
          }
          await new Promise((r) => setTimeout(r, 50));
          const lines = fn.linesSince(mark);
          expectLambdaJsonLogs(lines);
          const warnings = logRecords(lines).filter((r) =>
            String(r.message).includes('Powertools Tracer (aws-xray-sdk-core)'),
          );
          expect(warnings).toHaveLength(1);
          expect(warnings[0]!.message).toContain(receiver.endpoint);
          const header = headers[1]!;
          const traceId = traceRootOf(header).replace(/^1-/, '').replace('-', '');
          const ours = await receiver.waitForSpan(
            (s) => s.traceId === traceId && s.name === 'inference fraud',
          );
          const theirs = await daemon.waitFor(
            (d) => d.trace_id === traceRootOf(header) && d.name === '## powertools.tracerOutside',
          );
          expect(ours.parentSpanId).toBe(theirs.id);
        } finally {
          await fn.stop();
          await receiver.close();
        }
      });
    });
  },
);
