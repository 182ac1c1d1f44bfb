/**
 * The ticket-triage example end to end, as the demo runs it: its CDK stack's
 * bundle with the built layer as /opt, the real aws-lambda-ric streaming the
 * response, and the real AWS SDK Bedrock client calling the local Bedrock
 * stand-in (local-lambda/bedrockStandIn.ts: the Converse/ConverseStream wire
 * protocol, scripted answers; Bedrock itself does not run here). What is
 * checked is what observed-inference made of those calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalTriage, startTriage, triageFigures } from '../../examples/demo/triage.js';
import { TICKETS } from '../../examples/ticket-triage/tickets.js';
import {
  CLASSIFIER_MODEL_ID,
  EXAMPLE_PRICES,
  WRITER_MODEL_ID,
} from '../../examples/ticket-triage/triage.js';
import { unzipLayer } from '../../local-lambda/layer.js';
import {
  type EmfRecord,
  emfRecords,
  logRecords,
  metricValues,
} from '../../local-lambda/outputRecords.js';
import { newTraceHeader } from '../../local-lambda/runtimeApi.js';
import { startXRayDaemon, type XRayDaemon } from '../../local-lambda/xrayDaemon.js';
import { validateEmf } from '../support/emf.js';
import { type SegmentDoc, segmentNodes } from '../support/segmentTree.js';

let daemon: XRayDaemon;
let triage: LocalTriage;

beforeAll(async () => {
  daemon = await startXRayDaemon();
  triage = await startTriage(unzipLayer(), daemon.address);
  expect(triage.fn.initError).toBeUndefined();
}, 120_000);

afterAll(async () => {
  await triage?.stop();
  await daemon?.close();
});

async function send(body: unknown) {
  const mark = triage.fn.mark();
  const traceHeader = newTraceHeader();
  const r = await triage.fn.invoke(
    { version: '2.0', body: JSON.stringify(body), isBase64Encoded: false },
    { traceHeader },
  );
  await triage.fn.waitForLine((l) => l.includes('"latency_ms"') && l.includes(r.requestId), {
    mark,
  });
  const lines = triage.fn.linesSince(mark, 'stdout');
  return { ...r, traceHeader, emf: emfRecords(lines), log: logRecords(lines)[0] };
}

const tokenCost = (model: keyof typeof EXAMPLE_PRICES, records: EmfRecord[]) => {
  const price = EXAMPLE_PRICES[model];
  const input = metricValues(records, 'InputTokens')[0]!;
  const output = metricValues(records, 'OutputTokens')[0]!;
  return (input * price.inputPer1kTokens + output * price.outputPer1kTokens) / 1000;
};

describe('the ticket-triage example', () => {
  it('streams the classification, then the answer the model writes, piece by piece', async () => {
    const r = await send(TICKETS[1]);
    expect(r.error).toBeUndefined();
    const [first, ...answer] = String(r.result).split('\n');
    expect(JSON.parse(first!)).toEqual({ priority: 'high', category: 'billing' });
    expect(answer.join('\n')).toContain('billing team');
    // Streamed as it came: the classification and each word-sized piece in chunks of their own.
    expect(r.chunks!.length).toBeGreaterThan(5);
  });

  it('records both calls’ tokens, latency, time to first token and cost in the EMF record, and per model', async () => {
    const r = await send(TICKETS[0]);
    expect(r.error).toBeUndefined();
    for (const record of r.emf) expect(validateEmf(record)).toEqual([]);
    const own = r.emf.filter((rec) => rec.BedrockModelId === undefined);
    const classifier = r.emf.filter((rec) => rec.BedrockModelId === CLASSIFIER_MODEL_ID);
    const writer = r.emf.filter((rec) => rec.BedrockModelId === WRITER_MODEL_ID);
    expect([own.length, classifier.length, writer.length]).toEqual([1, 1, 1]);
    // The writer's output tokens are what the stand-in's metadata event said: a token per ~4 characters written.
    const written = String(r.result).split('\n').slice(1).join('\n');
    expect(metricValues(writer, 'OutputTokens')).toEqual([Math.round(written.length / 4)]);
    const sum = (name: string) =>
      metricValues(classifier, name)[0]! + metricValues(writer, name)[0]!;
    expect(metricValues(own, 'InputTokens')).toEqual([
      metricValues(classifier, 'InputTokens')[0],
      metricValues(writer, 'InputTokens')[0],
    ]);
    expect(metricValues(own, 'InputTokens').reduce((a, b) => a + b)).toBe(sum('InputTokens'));
    expect(metricValues(own, 'ModelCallLatency')).toHaveLength(2);
    expect(metricValues(classifier, 'ModelCallLatency')).toHaveLength(1);
    // Only the streamed answer has a first token: after the stand-in's prefill wait, within its call.
    const [ttft] = metricValues(own, 'TimeToFirstToken');
    expect(metricValues(classifier, 'TimeToFirstToken')).toEqual([]);
    expect(metricValues(writer, 'TimeToFirstToken')).toEqual([ttft]);
    expect(ttft).toBeGreaterThanOrEqual(80);
    expect(ttft).toBeLessThanOrEqual(metricValues(writer, 'ModelCallLatency')[0]!);
    expect(metricValues(own, 'TimePerOutputToken')).toHaveLength(1);
    const cost = metricValues(own, 'InferenceCost').reduce((a, b) => a + b);
    expect(cost).toBeCloseTo(
      tokenCost(CLASSIFIER_MODEL_ID, classifier) + tokenCost(WRITER_MODEL_ID, writer),
      12,
    );
    expect(triageFigures(r.emf).inputTokens).toBe(sum('InputTokens'));
    expect(r.log?.model_calls).toMatchObject({
      count: 2,
      models: [CLASSIFIER_MODEL_ID, WRITER_MODEL_ID],
      ttft_ms: ttft,
    });
  });

  it('traces each model call under the stage that made it', async () => {
    const r = await send(TICKETS[2]);
    const root = /Root=([^;]+)/.exec(r.traceHeader)![1]!;
    const hasWriter = (d: object) =>
      segmentNodes(d as SegmentDoc).some((n) => n.name === `chat ${WRITER_MODEL_ID}`);
    await daemon.waitFor((d) => d.trace_id === root && hasWriter(d), 5000);
    await daemon.waitFor(
      (d) =>
        d.trace_id === root &&
        segmentNodes(d as SegmentDoc).some((n) => n.name === `chat ${CLASSIFIER_MODEL_ID}`),
      5000,
    );
    const nodes = daemon
      .documents()
      .filter((d) => d.trace_id === root)
      .flatMap((d) => segmentNodes(d as SegmentDoc));
    const named = (name: string) => nodes.find((n) => n.name === name)!;
    expect(named(`chat ${CLASSIFIER_MODEL_ID}`).parent).toBe(named('classify').id);
    expect(named(`chat ${WRITER_MODEL_ID}`).parent).toBe(named('answer').id);
  });

  it('answers a malformed ticket itself, counting an invalid input and no model call', async () => {
    const r = await send({ subject: 'no body' });
    expect(r.error).toBeUndefined();
    // One JSON line: the local Runtime API hands back a body that parses as JSON parsed.
    expect(r.result).toEqual({ message: 'body must be a non-empty string' });
    expect(metricValues(r.emf, 'InvalidInputs')).toEqual([1]);
    expect(metricValues(r.emf, 'ModelCallLatency')).toEqual([]);
    expect(r.log).not.toHaveProperty('model_calls');
  });
});
