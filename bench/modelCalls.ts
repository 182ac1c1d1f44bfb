/**
 * What `observeModelCalls()` adds to one Bedrock call: Converse calls from
 * inside observed invocations, through a bare `BedrockRuntimeClient` and
 * through an observed one, interleaved call by call (so both see the same
 * machine load), each call timed alone around `client.send()`. The real
 * AWS SDK client talks HTTP/2 to the local Bedrock stand-in
 * (local-lambda/bedrockStandIn.ts), which answers at once: the time is the
 * SDK's, the socket's and the middleware's, not a model's. Telemetry is real:
 * segments go to a local X-Ray daemon stand-in over UDP, the EMF and log
 * lines are counted and dropped.
 *
 * Usage (repository root), 10 to 20 s:
 *   npx tsx --conditions=observed-inference:source bench/modelCalls.ts [--calls=1000] [--warmup=200]
 * `npm run bench -- --model-calls` runs it after the main benchmark and adds its table to the report.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import type { Context } from 'aws-lambda';
import { startBedrockStandIn } from '../local-lambda/bedrockStandIn.js';
import {
  lambdaContexts,
  traceHeader,
  useLambdaEnvironment,
} from '../local-lambda/lambdaContext.js';
import { startXRayDaemon } from '../local-lambda/xrayDaemon.js';

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

/** Per-call times of one client, in µs. */
export interface CallTimes {
  readonly p50Us: number;
  readonly p99Us: number;
}

export interface ModelCallBench {
  readonly calls: number;
  readonly bare: CallTimes;
  readonly observed: CallTimes;
  /** observed − bare, at each percentile. */
  readonly overheadP50Us: number;
  readonly overheadP99Us: number;
  /** The median of the differences of each pair of calls (observed − bare, made one after the other). */
  readonly pairedOverheadP50Us: number;
  /** EMF and log bytes written per observed invocation (the bare ones write theirs too). */
  readonly outputBytesPerInvocation: number;
  readonly node: string;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function times(samples: number[]): CallTimes {
  const sorted = samples.sort((a, b) => a - b);
  return { p50Us: percentile(sorted, 50), p99Us: percentile(sorted, 99) };
}

/** Swap stdout for a byte counter while `fn` runs: the runtime's lines, not the terminal's cost. */
async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; bytes: number }> {
  const original = process.stdout.write;
  let bytes = 0;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk as Uint8Array).length;
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    return { value: await fn(), bytes };
  } finally {
    process.stdout.write = original;
  }
}

/**
 * Run the interleaved calls; `calls` timed per client after `warmup` untimed.
 *
 * @example
 * const r = await benchModelCalls({ calls: 1000 });
 * console.log(renderModelCallBench(r));
 */
export async function benchModelCalls(
  options: { calls?: number; warmup?: number } = {},
): Promise<ModelCallBench> {
  const { calls = 1000, warmup = 200 } = options;
  const standIn = await startBedrockStandIn();
  const daemon = await startXRayDaemon();
  try {
    useLambdaEnvironment(
      { functionName: 'chat-bench', daemonAddress: daemon.address },
      { POWERTOOLS_SERVICE_NAME: 'chat-bench', OBSERVED_MODEL_NAME: 'chat' },
    );
    // After the environment: the library resolves its configuration once, at import.
    const lib = await import('../lib/index.js');
    const client = () =>
      new BedrockRuntimeClient({
        region: 'us-east-1',
        endpoint: standIn.endpoint,
        credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
        maxAttempts: 1,
      });
    const bare = client();
    const observed = lib.observeModelCalls(client(), {
      prices: { [MODEL]: { inputPer1kTokens: 0.00025, outputPer1kTokens: 0.00125 } },
    });
    const command = new ConverseCommand({
      modelId: MODEL,
      messages: [{ role: 'user', content: [{ text: 'Classify: the dashboard is down' }] }],
      inferenceConfig: { maxTokens: 40 },
    });
    // Both inside an observed invocation: the difference is the middleware alone.
    let elapsedUs = 0;
    const handler = lib.observe(
      async (event: { observed: boolean }) => {
        const started = performance.now();
        await (event.observed ? observed : bare).send(command);
        elapsedUs = (performance.now() - started) * 1000;
      },
      { model: { name: 'chat', version: '1' } },
    );
    const context = lambdaContexts('chat-bench');
    const once = async (withMiddleware: boolean) => {
      process.env._X_AMZN_TRACE_ID = traceHeader(true).header;
      await handler({ observed: withMiddleware }, context() as Context);
      return elapsedUs;
    };
    const samples = { bare: [] as number[], observed: [] as number[] };
    const { bytes } = await counted(async () => {
      for (let i = 0; i < warmup + calls; i++) {
        // Alternate which goes first, so neither always follows the other.
        const order = i % 2 === 0 ? [false, true] : [true, false];
        for (const withMiddleware of order) {
          const us = await once(withMiddleware);
          if (i >= warmup) samples[withMiddleware ? 'observed' : 'bare'].push(us);
        }
      }
    });
    const paired = samples.observed.map((o, i) => o - samples.bare[i]!).sort((a, b) => a - b);
    const b = times(samples.bare);
    const o = times(samples.observed);
    return {
      calls,
      bare: b,
      observed: o,
      overheadP50Us: o.p50Us - b.p50Us,
      overheadP99Us: o.p99Us - b.p99Us,
      pairedOverheadP50Us: percentile(paired, 50),
      outputBytesPerInvocation: bytes / (2 * (warmup + calls)),
      node: process.version,
    };
  } finally {
    await daemon.close();
    await standIn.close();
  }
}

const us = (v: number) => `${v.toFixed(0)} µs`;

/**
 * The result as a Markdown section.
 *
 * @example
 * renderModelCallBench(await benchModelCalls()).startsWith('## Model calls'); // true
 */
export function renderModelCallBench(r: ModelCallBench): string {
  return [
    '## Model calls: what observeModelCalls() adds to a call',
    '',
    `${r.calls} Bedrock Converse calls per client against the local stand-in (HTTP/2, immediate answers), ` +
      `bare and observed interleaved, each inside an observed invocation, Node ${r.node}.`,
    '',
    '| client | p50 per call | p99 per call |',
    '| --- | --- | --- |',
    `| bare \`BedrockRuntimeClient\` | ${us(r.bare.p50Us)} | ${us(r.bare.p99Us)} |`,
    `| \`observeModelCalls(client)\` | ${us(r.observed.p50Us)} | ${us(r.observed.p99Us)} |`,
    `| overhead | ${us(r.overheadP50Us)} | ${us(r.overheadP99Us)} |`,
    '',
    `Median of the paired differences (each observed call minus the bare call beside it): ${us(r.pairedOverheadP50Us)}. ` +
      `Each invocation wrote ${r.outputBytesPerInvocation.toFixed(0)} bytes of EMF and log on average.`,
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { calls: { type: 'string' }, warmup: { type: 'string' } },
  });
  const result = await benchModelCalls({
    calls: values.calls === undefined ? undefined : Number.parseInt(values.calls, 10),
    warmup: values.warmup === undefined ? undefined : Number.parseInt(values.warmup, 10),
  });
  console.log(renderModelCallBench(result));
}
