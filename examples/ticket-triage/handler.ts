/**
 * The ticket-triage Lambda function: an LLM-backed inference function behind
 * a function URL in RESPONSE_STREAM mode, observed in library mode.
 *
 * POST a ticket `{ "subject": "...", "body": "..." }`; the response streams
 *   {"priority":"high","category":"billing"}\n   (Converse, the classifier)
 *   then the suggested first answer, as the model writes it (ConverseStream).
 * A malformed ticket gets one line `{"message": ...}`, counted by rejectInput().
 *
 * Both calls go through one `observeModelCalls()` client: a span each (GenAI
 * attributes), and in the invocation's EMF record the tokens, time to first
 * token, call latency and estimated cost, also per Bedrock model.
 */
import type { Writable } from 'node:stream';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import type { Context } from 'aws-lambda';
import {
  addMetric,
  annotate,
  observe,
  observeModelCalls,
  rejectInput,
  stage,
} from 'observed-inference';
import {
  ANSWER_SYSTEM,
  CLASSIFIER_MODEL_ID,
  CLASSIFY_SYSTEM,
  EXAMPLE_PRICES,
  parseTicket,
  parseTriage,
  type Ticket,
  TRIAGE_MODEL,
  type Triage,
  ticketText,
  WRITER_MODEL_ID,
} from './triage.js';

/** Lambda's Node.js runtime provides `awslambda` as a global. */
declare const awslambda: {
  streamifyResponse<
    H extends (event: never, responseStream: Writable, context: Context) => Promise<void>,
  >(handler: H): H;
};

/** A function URL (or API Gateway v2) event: only the body is read. */
interface UrlEvent {
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

// One client for the environment's lifetime: created at init, observed per call.
const bedrock = observeModelCalls(new BedrockRuntimeClient({}), { prices: EXAMPLE_PRICES });

async function classify(ticket: Ticket): Promise<Triage> {
  const res = await bedrock.send(
    new ConverseCommand({
      modelId: CLASSIFIER_MODEL_ID,
      system: [{ text: CLASSIFY_SYSTEM }],
      messages: [{ role: 'user', content: [{ text: ticketText(ticket) }] }],
      inferenceConfig: { maxTokens: 40, temperature: 0 },
    }),
  );
  const text = res.output?.message?.content?.map((c) => c.text ?? '').join('') ?? '';
  const triage = parseTriage(text);
  if (triage) return triage;
  // The model did not answer in the shape asked: a default, counted as an abstention.
  addMetric('Abstentions', 1, 'Count');
  return { priority: 'normal', category: 'how-to' };
}

async function answer(ticket: Ticket, triage: Triage, out: Writable): Promise<void> {
  const res = await bedrock.send(
    new ConverseStreamCommand({
      modelId: WRITER_MODEL_ID,
      system: [{ text: ANSWER_SYSTEM }],
      messages: [{ role: 'user', content: [{ text: ticketText(ticket, triage) }] }],
      inferenceConfig: { maxTokens: 300, temperature: 0.3 },
    }),
  );
  // Each piece goes to the caller as it arrives: the user reads while the model writes.
  for await (const event of res.stream ?? []) {
    const text = event.contentBlockDelta?.delta?.text;
    if (text) out.write(text);
  }
}

export const handler = awslambda.streamifyResponse(
  observe(
    async (event: UrlEvent, responseStream: Writable) => {
      const raw =
        event.isBase64Encoded && event.body
          ? Buffer.from(event.body, 'base64').toString('utf8')
          : event.body;
      const request = await stage('preprocess', () => parseTicket(raw ?? undefined));
      if (!request.ok) {
        rejectInput({ field: request.field, reason: request.message });
        responseStream.end(`${JSON.stringify({ message: request.message })}\n`);
        return;
      }
      const triage = await stage('classify', () => classify(request.ticket));
      annotate('priority', triage.priority);
      annotate('category', triage.category);
      responseStream.write(`${JSON.stringify(triage)}\n`);
      await stage('answer', () => answer(request.ticket, triage, responseStream));
      responseStream.end();
    },
    { model: TRIAGE_MODEL },
  ),
);
