/**
 * observe() beside someone else's OpenTelemetry tracer provider, the way
 * Lambda runs it: the built layer as /opt, the real aws-lambda-ric, and
 *
 * - an ADOT-style exec wrapper in front (test/fixtures/tracers/adot-layer/): the
 *   ADOT Lambda layer cannot be downloaded here (npm and Debian only), so the
 *   wrapper is a stand-in built from the npm packages that layer wraps —
 *   NodeTracerProvider, instrumentation-aws-lambda (the invocation span and
 *   the flush before each response), the OTLP/HTTP protobuf exporter;
 * - the same wrapper chained with the zero-code layer's, one script
 *   running both as AWS_LAMBDA_EXEC_WRAPPER;
 * - a NodeTracerProvider the handler registers itself before observe();
 * - the same with `OBSERVED_TRACES_PROVIDER=own`, and one registered after
 *   observe() with `OBSERVED_TRACES_PROVIDER=global`.
 *
 * Their exporter sends to a real OTLP/HTTP receiver decoding with
 * OpenTelemetry's own protobuf definitions; ours would send to a daemon
 * stand-in. Our spans must nest under theirs in one trace, reach their
 * exporter, and nothing may be sent twice. Lambda's JSON log format is on.
 */
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskRootFrom, unzipLayer, wrapperPath } from '../../local-lambda/layer.js';
import { type LocalLambda, startLocalLambda } from '../../local-lambda/localLambda.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { newTraceHeader } from '../../local-lambda/runtimeApi.js';
import { lambdaNodeRuntimes } from '../../local-lambda/runtimes.js';
import { startXRayDaemon, type XRayDaemon } from '../../local-lambda/xrayDaemon.js';
import { type OtlpReceiver, type OtlpSpan, startOtlpReceiver } from '../support/otlp.js';
import { type SegmentDoc, segmentNodes } from '../support/segmentTree.js';
import { snippet } from '../support/snippets.js';

const fixture = fileURLToPath(new URL('../fixtures/tracers/', import.meta.url));
const repoModules = fileURLToPath(new URL('../../node_modules', import.meta.url));
const traceIdOf = (header: string) =>
  /Root=1-([0-9a-f]{8})-([0-9a-f]{24})/.exec(header)!.slice(1).join('');
const parentOf = (header: string) => /Parent=([^;]+)/.exec(header)![1]!;
const apiEvent = (tx: Record<string, unknown>) => ({
  httpMethod: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(tx),
});

let receiver: OtlpReceiver;
let daemon: XRayDaemon;
let optDir: string;
let taskRoot: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  daemon = await startXRayDaemon();
  optDir = unzipLayer();
  // The function's own node_modules, as a deployment package has them.
  taskRoot = taskRootFrom(fixture);
  symlinkSync(repoModules, join(taskRoot, 'node_modules'), 'dir');
  chmodSync(join(taskRoot, 'adot-layer', 'otel-instrument'), 0o755);
});

afterAll(async () => {
  await daemon?.close();
  await receiver?.close();
});

interface Run {
  readonly headers: string[];
  readonly lines: string[];
  /** Per invocation, the span names the receiver had the moment its response came back. */
  readonly atResponse: string[][];
}

async function runTwice(fn: LocalLambda): Promise<Run> {
  expect(fn.initError).toBeUndefined();
  const mark = fn.mark();
  const headers: string[] = [];
  const atResponse: string[][] = [];
  for (const amount of [900, 20]) {
    const header = newTraceHeader();
    const r = await fn.invoke(apiEvent({ amount }), { traceHeader: header });
    const traceId = traceIdOf(header);
    atResponse.push(receiver.spans().flatMap((s) => (s.traceId === traceId ? [s.name] : [])));
    expect(r.error).toBeUndefined();
    expect(JSON.parse((r.result as { body: string }).body).label).toBe(
      amount > 400 ? 'fraud' : 'legit',
    );
    headers.push(header);
  }
  await new Promise((r) => setTimeout(r, 50));
  return { headers, lines: fn.linesSince(mark), atResponse };
}

/** The receiver's spans of one trace, once `names` have all arrived. */
async function receivedTrace(header: string, names: readonly string[]): Promise<OtlpSpan[]> {
  const traceId = traceIdOf(header);
  for (const name of names) {
    await receiver.waitForSpan((s) => s.traceId === traceId && s.name === name, 5000);
  }
  return receiver.spans().filter((s) => s.traceId === traceId);
}

/** Nothing sent twice; every parent in the trace or Lambda's function segment. */
function expectOneTree(spans: readonly OtlpSpan[], header: string): void {
  const ids = spans.map((s) => s.spanId);
  expect(new Set(ids).size, `span ids sent twice: ${ids.join(',')}`).toBe(ids.length);
  const known = new Set([...ids, parentOf(header)]);
  for (const span of spans) expect(known.has(span.parentSpanId!), span.name).toBe(true);
}

/** Lambda's Node.js 24 runtime: instrumentation-aws-lambda 0.75 wraps with a promise-only handler there. */
const NODE24 = lambdaNodeRuntimes().find((r) => r.name === 'nodejs24.x');

/** Lambda's JSON log format: every line one JSON object; the invocation line present at INFO. */
function expectJsonLogs(lines: readonly string[]): void {
  for (const line of lines) expect(typeof JSON.parse(line), line).toBe('object');
  const invocations = logRecords(lines).filter((r) => r.message === 'inference');
  expect(invocations).toHaveLength(2);
}

const byName = (spans: readonly OtlpSpan[]) => Object.fromEntries(spans.map((s) => [s.name, s]));

describe.skipIf(!NODE24)(
  'under an ADOT-style wrapper (instrumentation-aws-lambda in front)',
  () => {
    let fn: LocalLambda;
    let run: Run;

    beforeAll(async () => {
      fn = await startLocalLambda({
        taskRoot,
        handler: 'otel.handler',
        optDir,
        functionName: 'fraud-adot',
        timeoutMs: 5000,
        nodeBinary: NODE24?.nodeBinary,
        xrayDaemonAddress: daemon.address,
        env: {
          AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
          AWS_LAMBDA_EXEC_WRAPPER: join(taskRoot, 'adot-layer', 'otel-instrument'),
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
          AWS_LAMBDA_LOG_FORMAT: 'JSON',
          AWS_LAMBDA_LOG_LEVEL: 'INFO',
        },
      });
      run = await runTwice(fn);
    }, 60_000);

    afterAll(async () => {
      await fn?.stop();
    });

    it('nests our spans under the wrapper invocation span, exported once by their exporter', async () => {
      for (const [i, header] of run.headers.entries()) {
        const names = ['fraud-adot', 'inference fraud', 'preprocess', 'predict', 'score'];
        const spans = await receivedTrace(header, names);
        expectOneTree(spans, header);
        const s = byName(spans);
        const theirs = s['fraud-adot']!;
        expect(theirs.kind).toBe('SPAN_KIND_SERVER');
        expect(theirs.parentSpanId).toBe(parentOf(header));
        expect(s['inference fraud']!.parentSpanId).toBe(theirs.spanId);
        expect(s['inference fraud']!.scope).toBe('observed-inference');
        expect(s.preprocess!.parentSpanId).toBe(s['inference fraud']!.spanId);
        expect(s.predict!.parentSpanId).toBe(s['inference fraud']!.spanId);
        expect(s.score!.parentSpanId).toBe(s.predict!.spanId);
        // The cold start hangs beside the first invocation, under the same parent.
        if (i === 0) expect(s['cold start']!.parentSpanId).toBe(theirs.spanId);
        else expect(s['cold start']).toBeUndefined();
      }
    });

    it('sends nothing to the X-Ray daemon: their exporter has every span', () => {
      expect(daemon.documents().filter((d) => String(d.name).includes('fraud'))).toEqual([]);
    });

    it('keeps the EMF record and the JSON log line per invocation', () => {
      expectJsonLogs(run.lines);
      expect(emfRecords(run.lines)).toHaveLength(2);
      expect(emfRecords(run.lines)[0]!.TelemetryErrors ?? 0).toBe(0);
    });
  },
);

describe.skipIf(!NODE24)('zero-code, chained after the ADOT-style wrapper', () => {
  let fn: LocalLambda;
  let run: Run;

  beforeAll(async () => {
    // AWS_LAMBDA_EXEC_WRAPPER runs one script: ADOT's wrapper, then ours, then the runtime;
    // docs/library.md's, with /opt and /var/task replaced by the test's directories.
    const chain = join(taskRoot, 'wrappers');
    const script = snippet('docs/library.md', 'beside-adot-zero-code')
      .replaceAll('/opt/otel-instrument', join(taskRoot, 'adot-layer', 'otel-instrument'))
      .replaceAll('/opt/observed-inference-wrapper', wrapperPath(optDir));
    writeFileSync(chain, script);
    chmodSync(chain, 0o755);
    fn = await startLocalLambda({
      taskRoot,
      handler: 'plain.handler',
      optDir,
      functionName: 'fraud-adot-zero-code',
      timeoutMs: 5000,
      nodeBinary: NODE24?.nodeBinary,
      xrayDaemonAddress: daemon.address,
      env: {
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        AWS_LAMBDA_EXEC_WRAPPER: chain,
        OBSERVED_MODEL_NAME: 'fraud',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        AWS_LAMBDA_LOG_FORMAT: 'JSON',
      },
    });
    run = await runTwice(fn);
  }, 60_000);

  afterAll(async () => {
    await fn?.stop();
  });

  it('nests the invocation span under the wrapper span, exported once by their exporter', async () => {
    for (const header of run.headers) {
      const spans = await receivedTrace(header, ['fraud-adot-zero-code', 'inference fraud']);
      expectOneTree(spans, header);
      const s = byName(spans);
      expect(s['inference fraud']!.parentSpanId).toBe(s['fraud-adot-zero-code']!.spanId);
    }
    expect(daemon.documents().filter((d) => String(d.name).includes('fraud'))).toEqual([]);
    expectJsonLogs(run.lines);
    expect(emfRecords(run.lines)).toHaveLength(2);
  });
});

const PROVIDERS = [
  { mode: 'auto', handler: 'provider.handler', when: 'before' },
  { mode: 'own', handler: 'provider.handler', when: 'before' },
  { mode: 'global', handler: 'lateProvider.handler', when: 'after' },
] as const;

describe('beside a provider the handler registers itself', () => {
  for (const { mode, handler, when } of PROVIDERS) {
    describe(`${when} observe(), OBSERVED_TRACES_PROVIDER=${mode}`, () => {
      let fn: LocalLambda;
      let run: Run;
      const functionName = `fraud-provider-${mode}`;

      beforeAll(async () => {
        fn = await startLocalLambda({
          taskRoot,
          handler,
          optDir,
          functionName,
          timeoutMs: 5000,
          xrayDaemonAddress: daemon.address,
          env: {
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
            OBSERVED_TRACES_PROVIDER: mode,
            AWS_LAMBDA_LOG_FORMAT: 'JSON',
            // With `own`, nobody flushes the user's batch processor before a response: a short delay instead.
            OTEL_BSP_SCHEDULE_DELAY: '50',
          },
        });
        run = await runTwice(fn);
      }, 60_000);

      afterAll(async () => {
        await fn?.stop();
      });

      it(
        mode !== 'own'
          ? 'records our spans with their provider, flushed before each response'
          : 'keeps our spans ours (X-Ray) and only the user spans theirs',
        async () => {
          for (const [i, header] of run.headers.entries()) {
            if (mode !== 'own') {
              // observe() flushed their provider before answering: at the receiver by the response.
              expect(run.atResponse[i]).toEqual(
                expect.arrayContaining(['inference fraud', 'predict', 'score']),
              );
              const spans = await receivedTrace(header, ['inference fraud', 'predict', 'score']);
              expectOneTree(spans, header);
              const s = byName(spans);
              expect(s['inference fraud']!.parentSpanId).toBe(parentOf(header));
              expect(s.score!.parentSpanId).toBe(s.predict!.spanId);
              const root = `1-${traceIdOf(header).slice(0, 8)}-${traceIdOf(header).slice(8)}`;
              expect(daemon.documents().filter((d) => d.trace_id === root)).toEqual([]);
            } else {
              const root = `1-${traceIdOf(header).slice(0, 8)}-${traceIdOf(header).slice(8)}`;
              await daemon.waitFor(
                (d) => d.trace_id === root && d.name === 'inference fraud',
                5000,
              );
              const nodes = Object.fromEntries(
                daemon
                  .documents()
                  .filter((d) => d.trace_id === root)
                  .flatMap((d) => segmentNodes(d as SegmentDoc))
                  .map((n) => [n.name, n]),
              );
              expect(nodes['inference fraud']!.parent).toBe(parentOf(header));
              const [score] = await receivedTrace(header, ['score']);
              // The user's span went to their exporter, under our stage span in X-Ray.
              expect(score!.parentSpanId).toBe(nodes.predict!.id);
              const theirs = receiver.spans().filter((s) => s.traceId === traceIdOf(header));
              expect(theirs.map((s) => s.name)).toEqual(['score']);
            }
          }
        },
      );

      it("keeps Lambda's JSON log format and the EMF record", () => {
        expectJsonLogs(run.lines);
        expect(emfRecords(run.lines)).toHaveLength(2);
      });
    });
  }
});
