import { MAX_CAPTURED_PROMPT_CHARS } from '../telemetry.js';
import { streamInvocationMetrics } from './bedrock.js';
import { isObject } from './targets.js';

/** What a model call's answer said, as far as it was read: a response at once, or a stream event by event. */
export interface AnswerSeen {
  /** `performance.now()` at the first content of a streamed answer. */
  firstTokenPerf: number | undefined;
  chunks: number;
  /** Payload bytes of InvokeModelWithResponseStream and InvokeEndpointWithResponseStream chunks. */
  bytes: number;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  finishReasons: string[] | undefined;
  /** ConverseStream's text, only with `capturePrompts`, kept up to the capture bound. */
  completion: string;
}

/**
 * An answer with nothing read yet.
 *
 * @example
 * const answer = newAnswer(); // answer.chunks === 0
 */
export function newAnswer(): AnswerSeen {
  return {
    firstTokenPerf: undefined,
    chunks: 0,
    bytes: 0,
    inputTokens: undefined,
    outputTokens: undefined,
    finishReasons: undefined,
    completion: '',
  };
}

const decoder = new TextDecoder();

/**
 * One event of ConverseStream (`contentBlockDelta` is content, `metadata`
 * carries usage, `messageStop` the stop reason), or one chunk of
 * InvokeModelWithResponseStream or InvokeEndpointWithResponseStream, into
 * `answer`. `bedrock`: the chunks are a Bedrock model's own JSON.
 *
 * @example
 * readStreamEvent(answer, { metadata: { usage: { outputTokens: 7 } } }, true, false); // answer.outputTokens === 7
 */
export function readStreamEvent(
  answer: AnswerSeen,
  event: unknown,
  bedrock: boolean,
  capture: boolean,
): void {
  answer.chunks++;
  if (!isObject(event)) return;
  const delta = isObject(event.contentBlockDelta) ? event.contentBlockDelta : undefined;
  if (delta) {
    answer.firstTokenPerf ??= performance.now();
    // Kept up to the bound only: the capture cuts the whole visibly when it is written.
    if (
      capture &&
      isObject(delta.delta) &&
      typeof delta.delta.text === 'string' &&
      answer.completion.length <= MAX_CAPTURED_PROMPT_CHARS
    )
      answer.completion += delta.delta.text;
    return;
  }
  if (isObject(event.metadata)) {
    const usage = isObject(event.metadata.usage) ? event.metadata.usage : {};
    if (typeof usage.inputTokens === 'number') answer.inputTokens = usage.inputTokens;
    if (typeof usage.outputTokens === 'number') answer.outputTokens = usage.outputTokens;
    return;
  }
  if (isObject(event.messageStop)) {
    const reason = event.messageStop.stopReason;
    if (typeof reason === 'string') answer.finishReasons = [reason];
    return;
  }
  const part = isObject(event.chunk)
    ? event.chunk
    : isObject(event.PayloadPart)
      ? event.PayloadPart
      : undefined;
  const bytes = part ? (part.bytes ?? part.Bytes) : undefined;
  if (bytes instanceof Uint8Array) readPayloadChunk(answer, bytes, bedrock);
}

/** A chunk of a model's own streamed JSON: its first content is the first token. */
function readPayloadChunk(answer: AnswerSeen, bytes: Uint8Array, bedrock: boolean): void {
  answer.bytes += bytes.byteLength;
  if (!bedrock) {
    answer.firstTokenPerf ??= performance.now();
    return;
  }
  const text = decoder.decode(bytes);
  // Anthropic opens with message_start and content_block_start: no content yet.
  if (
    answer.firstTokenPerf === undefined &&
    !/"type"\s*:\s*"(message_start|content_block_start)"/.test(text)
  )
    answer.firstTokenPerf = performance.now();
  const usage = streamInvocationMetrics(text);
  if (usage) {
    answer.inputTokens = usage.inputTokens ?? answer.inputTokens;
    answer.outputTokens = usage.outputTokens ?? answer.outputTokens;
  }
  const stop = /"(?:stop_reason|stopReason|completionReason)"\s*:\s*"([^"]+)"/.exec(text);
  if (stop?.[1]) answer.finishReasons = [stop[1]];
}
