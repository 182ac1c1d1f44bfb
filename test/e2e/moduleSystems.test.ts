/**
 * Both module systems through the layer, the way Lambda runs them: the
 * README's CommonJS handler (`require('observed-inference')`) and its ESM
 * handler (`import`, compiled from the README's TypeScript) in library mode,
 * and a CommonJS handler calling the layer's `stage()` under the zero-code
 * wrapper, on each runtime's Node with the flags Lambda's bootstrap passes
 * (nodejs20.x/22.x: `--no-experimental-require-module`, so `require()` of an
 * ES module would fail at init). The Middy entry the same way: the docs'
 * ESM handler (real Middy 7 and Powertools middlewares, from the task's
 * node_modules as a bundled function would have them) and its CommonJS one.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipLayer, wrapperPath } from '../../local-lambda/layer.js';
import { startLocalLambda } from '../../local-lambda/localLambda.js';
import { emfRecords } from '../../local-lambda/outputRecords.js';
import { newTraceHeader } from '../../local-lambda/runtimeApi.js';
import { lambdaNodeRuntimes } from '../../local-lambda/runtimes.js';
import {
  startXRayDaemon,
  type XRayDaemon,
  type XRayDocument,
} from '../../local-lambda/xrayDaemon.js';
import { repoRoot } from '../support/paths.js';
import { type SegmentDoc, type SegmentNode, segmentNodes } from '../support/segmentTree.js';
import { snippet } from '../support/snippets.js';

function taskRoot(files: Record<string, string>, packages: readonly string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'oi-task-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  if (packages.length > 0) mkdirSync(join(dir, 'node_modules'));
  for (const name of packages)
    symlinkSync(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  return dir;
}

/** What the docs' Middy handlers import beside observed-inference (which comes from the layer). */
const MIDDY_PACKAGES = ['@middy', '@aws-lambda-powertools'];

const apiEvent = { httpMethod: 'POST', body: JSON.stringify({ amount: 2400, hour: 3 }) };

let daemon: XRayDaemon;
let optDir: string;
const roots: Record<string, string> = {};

beforeAll(async () => {
  daemon = await startXRayDaemon();
  optDir = unzipLayer();
  roots.commonjs = taskRoot({ 'fraud.js': snippet('README.md', 'library-handler-commonjs') });
  roots.esm = taskRoot({
    'fraud.mjs': transformSync(snippet('README.md', 'library-handler'), {
      loader: 'ts',
      format: 'esm',
    }).code,
  });
  roots.middyCommonjs = taskRoot(
    { 'fraud.js': snippet('docs/library.md', 'middy-handler-commonjs') },
    MIDDY_PACKAGES,
  );
  roots.middyEsm = taskRoot(
    {
      'fraud.mjs': transformSync(snippet('docs/library.md', 'middy-handler'), {
        loader: 'ts',
        format: 'esm',
      }).code,
    },
    MIDDY_PACKAGES,
  );
  // The zero-code wrapper observes; the handler's own require() of the layer
  // must reach the same runtime, or its stage would not nest.
  roots.zeroCode = taskRoot({
    'fraud.js': [
      "const { stage } = require('observed-inference');",
      'exports.handler = async () =>',
      "  stage('predict', () => ({ statusCode: 200, body: JSON.stringify({ label: 'legit', confidence: 0.9 }) }));",
      '',
    ].join('\n'),
  });
});

afterAll(async () => {
  await daemon?.close();
});

const CASES = lambdaNodeRuntimes().flatMap((runtime) =>
  (['commonjs', 'esm', 'zeroCode', 'middyCommonjs', 'middyEsm'] as const).map((kind) => ({
    kind,
    runtime,
  })),
);

describe.each(CASES)('a $kind handler on $runtime.name', ({ kind, runtime }) => {
  let lines: string[];
  let result: unknown;
  let spans: SegmentNode[];

  beforeAll(async () => {
    const fn = await startLocalLambda({
      taskRoot: roots[kind]!,
      handler: 'fraud.handler',
      optDir,
      nodeBinary: runtime.nodeBinary,
      functionName: `fraud-${kind}`,
      env:
        kind === 'zeroCode'
          ? {
              AWS_LAMBDA_EXEC_WRAPPER: wrapperPath(optDir),
              OBSERVED_MODEL_NAME: 'fraud',
              OBSERVED_MODEL_VERSION: '2026-11-01',
            }
          : {},
      xrayDaemonAddress: daemon.address,
    });
    try {
      expect(fn.initError).toBeUndefined();
      const traceHeader = newTraceHeader();
      const mark = fn.mark();
      const r = await fn.invoke(apiEvent, { traceHeader });
      expect(r.error).toBeUndefined();
      result = r.result;
      const root = /Root=([^;]+)/.exec(traceHeader)![1]!;
      // A cold invocation: its `cold start` is a document of its own, beside this one.
      const doc = await daemon.waitFor(
        (d: XRayDocument) => d.trace_id === root && d.name === 'inference fraud',
        5000,
      );
      spans = segmentNodes(doc as SegmentDoc);
      lines = fn.linesSince(mark);
    } finally {
      await fn.stop();
    }
  }, 30_000);

  it('loads from the layer and answers as the handler does', () => {
    if (kind.startsWith('middy')) {
      expect(result).toHaveProperty('label');
      return;
    }
    expect(result).toMatchObject({ statusCode: 200 });
    expect(JSON.parse((result as { body: string }).body)).toHaveProperty('label');
  });

  it('writes the EMF record and nests its stages under the inference span', () => {
    expect(emfRecords(lines)[0]).toMatchObject({ ModelName: 'fraud', Predictions: 1 });
    const inference = spans.find((s) => s.name === 'inference fraud');
    expect(inference).toBeDefined();
    const predict = spans.find((s) => s.name === 'predict');
    expect(predict?.parent).toBe(inference!.id);
  });
});
