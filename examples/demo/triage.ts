/**
 * The demo's second example: the LLM-backed ticket-triage function
 * (examples/ticket-triage) run the way Lambda runs it — its CDK stack's
 * bundle, the built layer as /opt, the real aws-lambda-ric, response
 * streaming — with the real AWS SDK Bedrock client pointed
 * (`AWS_ENDPOINT_URL_BEDROCK_RUNTIME`) at the local Bedrock stand-in, which
 * speaks the Converse/ConverseStream wire protocol and answers from the
 * example's script. A handful of tickets, then what the telemetry says.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { type BedrockStandIn, startBedrockStandIn } from '../../local-lambda/bedrockStandIn.js';
import { type LocalLambda, startLocalLambda } from '../../local-lambda/localLambda.js';
import { type EmfRecord, emfRecords, metricValues } from '../../local-lambda/outputRecords.js';
import { TicketTriageStack, TRIAGE } from '../ticket-triage/cdk/stack.js';
import { answerTriage } from '../ticket-triage/localModel.js';
import { TICKETS } from '../ticket-triage/tickets.js';
import type { Ticket } from '../ticket-triage/triage.js';
import { type Json, type Template, TemplateResolver } from './template.js';

/** The name the local function runs under. */
export const TRIAGE_FUNCTION_NAME = 'ticket-triage';

/** The triage function as its stack would deploy it: bundled code, handler, environment. */
export function synthesizeTriage(): {
  taskRoot: string;
  handler: string;
  env: Record<string, string>;
} {
  const outdir = mkdtempSync(join(tmpdir(), 'oi-demo-triage-'));
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  new TicketTriageStack(app, 'TicketTriage');
  const template = app.synth().getStackByName('TicketTriage').template as Template;
  const [id, fn] = Object.entries(template.Resources).find(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('Triage'),
  )!;
  const resolver = new TemplateResolver(template, { [id]: TRIAGE_FUNCTION_NAME });
  const { Properties, Metadata } = fn as unknown as {
    Properties: Record<string, Json>;
    Metadata: Record<string, string>;
  };
  const props = resolver.resolve(Properties) as {
    Handler: string;
    Environment?: { Variables?: Record<string, string> };
  };
  return {
    taskRoot: join(outdir, Metadata['aws:asset:path']!),
    handler: props.Handler,
    env: props.Environment?.Variables ?? {},
  };
}

/** The triage function in a local Lambda, and the Bedrock stand-in it calls. */
export interface LocalTriage {
  readonly fn: LocalLambda;
  readonly standIn: BedrockStandIn;
  /** Invoke with one ticket as a function URL event. */
  send(ticket: Ticket): ReturnType<LocalLambda['invoke']>;
  stop(): Promise<void>;
}

/** Start the stand-in and one execution environment of the synthesized function. */
export async function startTriage(optDir: string, xrayDaemonAddress: string): Promise<LocalTriage> {
  const code = synthesizeTriage();
  const standIn = await startBedrockStandIn();
  standIn.behaviour.respond = answerTriage;
  let fn: LocalLambda;
  try {
    fn = await startLocalLambda({
      ...code,
      optDir,
      functionName: TRIAGE_FUNCTION_NAME,
      memoryMb: 256,
      timeoutMs: 10_000,
      xrayDaemonAddress,
      env: {
        ...code.env,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_SESSION_TOKEN: 'testing',
        // The SDK's own setting: the unchanged handler's client calls the stand-in.
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: standIn.endpoint,
      },
      // Lambda's Node runtime provides the AWS SDK (the bundle leaves it out).
      awsSdk: true,
    });
  } catch (error) {
    await standIn.close();
    throw error;
  }
  return {
    fn,
    standIn,
    send: (ticket) =>
      fn.invoke({
        version: '2.0',
        rawPath: '/',
        headers: { 'content-type': 'application/json' },
        requestContext: { http: { method: 'POST', path: '/' } },
        body: JSON.stringify(ticket),
        isBase64Encoded: false,
      }),
    async stop() {
      await fn.stop();
      await standIn.close();
    },
  };
}

const percentile = (values: readonly number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const ms = (v: number) => `${Math.round(v)} ms`;

/** What the triage run's EMF records say, from the invocations' own records and the per-model ones. */
export function triageFigures(records: readonly EmfRecord[]) {
  const own = records.filter((r) => r.BedrockModelId === undefined);
  const byModel = (id: string) => records.filter((r) => r.BedrockModelId === id);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    inputTokens: sum(metricValues(own, 'InputTokens')),
    outputTokens: sum(metricValues(own, 'OutputTokens')),
    ttft: metricValues(own, 'TimeToFirstToken'),
    latency: metricValues(own, 'ModelCallLatency'),
    cost: sum(metricValues(own, 'InferenceCost')),
    latencyByModel: TRIAGE.bedrockModelIds.map(
      (id) => [id, metricValues(byModel(id), 'ModelCallLatency')] as const,
    ),
  };
}

/**
 * Run a handful of tickets through the triage function and say what its
 * telemetry shows: tokens, time to first token, call latency, estimated cost,
 * one streamed answer.
 */
export async function runTriageDemo(optDir: string, xrayDaemonAddress: string): Promise<string[]> {
  const started = Date.now();
  const triage = await startTriage(optDir, xrayDaemonAddress);
  try {
    const mark = triage.fn.mark();
    const answers = [];
    for (const ticket of TICKETS) answers.push({ ticket, result: await triage.send(ticket) });
    const failed = answers.filter((a) => a.result.error);
    if (failed.length > 0)
      throw new Error(`triage failed: ${JSON.stringify(failed[0]!.result.error)}`);
    // The EMF record is written as the stream ends: wait for the last invocation's.
    const lastId = answers.at(-1)!.result.requestId;
    await triage.fn.waitForLine((l) => l.includes('"_aws"') && l.includes(lastId), { mark });
    const f = triageFigures(emfRecords(triage.fn.linesSince(mark, 'stdout')));
    const shown = answers[0]!;
    const chunks = shown.result.chunks ?? [];
    const byModel = f.latencyByModel
      .map(
        ([id, values]) =>
          `${id.split('.').slice(-1)[0]!.split('-20')[0]} p50 ${ms(percentile(values, 50))}`,
      )
      .join(', ');
    return [
      '',
      '\x1b[1mTicket triage\x1b[0m (examples/ticket-triage: an LLM-backed function, observeModelCalls())',
      `  ${TICKETS.length} tickets: Converse classifies, ConverseStream writes the answer; the real Bedrock client talks to the local stand-in`,
      `  tokens               in ${f.inputTokens}, out ${f.outputTokens}`,
      `  time to first token  p50 ${ms(percentile(f.ttft, 50))}, p99 ${ms(percentile(f.ttft, 99))}`,
      `  model-call latency   p50 ${ms(percentile(f.latency, 50))} over ${f.latency.length} calls; by model: ${byModel}`,
      `  estimated cost       ${f.cost.toFixed(6)} USD for ${TICKETS.length} tickets (EXAMPLE PRICES of examples/ticket-triage/triage.ts, not AWS's)`,
      `  one streamed answer  "${shown.ticket.subject}": ${chunks.length} chunks, first at ${ms(chunks[0]?.atMs ?? 0)}, last at ${ms(chunks.at(-1)?.atMs ?? 0)}`,
      ...String(shown.result.result)
        .trim()
        .split('\n')
        .map((line) => `    ${line}`),
      `  done in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    ];
  } finally {
    await triage.stop();
  }
}
