import type { Attributes } from '@opentelemetry/api';
import { GEN_AI_ATTR, GEN_AI_OPERATION } from '../telemetry.js';

/*
 * What a Bedrock runtime request and response say, in the OpenTelemetry
 * GenAI conventions' terms. Converse has one shape for every model;
 * InvokeModel's body is the model family's own JSON, read for the few fields
 * the conventions name (and only when it is small: it is the user's bytes).
 */

/** Request and response bodies longer than this are not parsed for attributes. */
const MAX_PARSED_BODY_BYTES = 65_536;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function first(...values: unknown[]): number | undefined {
  for (const value of values) {
    const n = num(value);
    if (n !== undefined) return n;
  }
  return undefined;
}

const decoder = new TextDecoder();

/**
 * An InvokeModel body (string or bytes) as JSON, when it is small and is JSON.
 *
 * @example
 * parseBody(new TextEncoder().encode('{"max_tokens":5}')); // { max_tokens: 5 }
 */
export function parseBody(body: unknown): Json | undefined {
  let text: string | undefined;
  if (typeof body === 'string') text = body.length <= MAX_PARSED_BODY_BYTES ? body : undefined;
  else if (body instanceof Uint8Array && body.byteLength <= MAX_PARSED_BODY_BYTES)
    text = decoder.decode(body);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The request side of a Bedrock call: operation, model and sampling parameters. */
export interface BedrockRequest {
  readonly operation: string;
  readonly model: string | undefined;
  readonly attributes: Attributes;
  /** The request's messages for `capturePrompts`. */
  readonly prompt: unknown;
}

/**
 * Converse and ConverseStream: `inferenceConfig` is the same for every model.
 *
 * @example
 * converseRequest({ modelId: 'm', inferenceConfig: { maxTokens: 64 } }).operation; // 'chat'
 */
export function converseRequest(input: Json): BedrockRequest {
  const config = isObject(input.inferenceConfig) ? input.inferenceConfig : {};
  return {
    operation: GEN_AI_OPERATION.Chat,
    model: str(input.modelId),
    attributes: {
      [GEN_AI_ATTR.RequestMaxTokens]: num(config.maxTokens),
      [GEN_AI_ATTR.RequestTemperature]: num(config.temperature),
      [GEN_AI_ATTR.RequestTopP]: num(config.topP),
    },
    prompt:
      input.system === undefined
        ? input.messages
        : { system: input.system, messages: input.messages },
  };
}

/**
 * InvokeModel and InvokeModelWithResponseStream: the operation is `chat` for
 * a body of `messages`, `embeddings` for an embedding model, else
 * `text_completion`; the parameters under each family's spelling
 * (Anthropic, Titan, Llama, Mistral, Cohere, Nova).
 *
 * @example
 * invokeModelRequest({ modelId: 'amazon.titan-text-express-v1', body: '{"inputText":"hi"}' }).operation; // 'text_completion'
 */
export function invokeModelRequest(input: Json): BedrockRequest {
  const model = str(input.modelId);
  const body = parseBody(input.body);
  const titan = body && isObject(body.textGenerationConfig) ? body.textGenerationConfig : {};
  const nova = body && isObject(body.inferenceConfig) ? body.inferenceConfig : {};
  const operation = body?.messages
    ? GEN_AI_OPERATION.Chat
    : model?.includes('embed') || body?.texts
      ? GEN_AI_OPERATION.Embeddings
      : GEN_AI_OPERATION.TextCompletion;
  return {
    operation,
    model,
    attributes: body
      ? {
          [GEN_AI_ATTR.RequestMaxTokens]: first(
            body.max_tokens,
            body.max_tokens_to_sample,
            body.max_gen_len,
            titan.maxTokenCount,
            nova.maxTokens,
            nova.max_new_tokens,
          ),
          [GEN_AI_ATTR.RequestTemperature]: first(
            body.temperature,
            titan.temperature,
            nova.temperature,
          ),
          [GEN_AI_ATTR.RequestTopP]: first(body.top_p, body.p, titan.topP, nova.topP, nova.top_p),
        }
      : {},
    prompt: body,
  };
}

/** The response side: usage, finish reasons, the model that answered. */
export interface BedrockResponse {
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  readonly finishReasons: string[] | undefined;
  readonly model: string | undefined;
  readonly completion: unknown;
}

/**
 * Converse's answer: `usage`, `stopReason`, the message.
 *
 * @example
 * converseResponse({ usage: { inputTokens: 3, outputTokens: 2 }, stopReason: 'end_turn' }).outputTokens; // 2
 */
export function converseResponse(output: Json): BedrockResponse {
  const usage = isObject(output.usage) ? output.usage : {};
  const reason = str(output.stopReason);
  const message = isObject(output.output) ? output.output.message : undefined;
  return {
    inputTokens: num(usage.inputTokens),
    outputTokens: num(usage.outputTokens),
    finishReasons: reason ? [reason] : undefined,
    model: undefined,
    completion: message,
  };
}

/**
 * Token counts from InvokeModel's `X-Amzn-Bedrock-*-Token-Count` headers; the rest from its body.
 *
 * @example
 * invokeModelResponse({ body }, { 'x-amzn-bedrock-input-token-count': '11' }).inputTokens; // 11
 */
export function invokeModelResponse(
  output: Json,
  headers: Readonly<Record<string, string>> | undefined,
): BedrockResponse {
  const body = parseBody(output.body);
  return {
    inputTokens: headerNumber(headers, 'x-amzn-bedrock-input-token-count'),
    outputTokens: headerNumber(headers, 'x-amzn-bedrock-output-token-count'),
    finishReasons: body ? finishReasonsOf(body) : undefined,
    model: body ? str(body.model) : undefined,
    completion: body,
  };
}

function headerNumber(
  headers: Readonly<Record<string, string>> | undefined,
  name: string,
): number | undefined {
  if (!headers) return undefined;
  for (const key in headers) {
    if (key.toLowerCase() === name) {
      const n = Number(headers[key]);
      return Number.isFinite(n) ? n : undefined;
    }
  }
  return undefined;
}

/** Each family's stop reason: Anthropic, Llama, Nova, Titan, Mistral, Cohere. */
function finishReasonsOf(body: Json): string[] | undefined {
  const direct = str(body.stop_reason) ?? str(body.stopReason) ?? str(body.finish_reason);
  if (direct) return [direct];
  const list = Array.isArray(body.results)
    ? body.results
    : Array.isArray(body.outputs)
      ? body.outputs
      : Array.isArray(body.generations)
        ? body.generations
        : undefined;
  if (!list) return undefined;
  const reasons = list
    .map((r: unknown) =>
      isObject(r)
        ? (str(r.completionReason) ?? str(r.stop_reason) ?? str(r.finish_reason))
        : undefined,
    )
    .filter((r): r is string => r !== undefined);
  return reasons.length > 0 ? reasons : undefined;
}

/**
 * InvokeModelWithResponseStream's last chunk: Bedrock's own token counts for the whole answer.
 *
 * @example
 * streamInvocationMetrics('{"amazon-bedrock-invocationMetrics":{"outputTokenCount":7}}')?.outputTokens; // 7
 */
export function streamInvocationMetrics(
  text: string,
): { inputTokens: number | undefined; outputTokens: number | undefined } | undefined {
  if (!text.includes('amazon-bedrock-invocationMetrics')) return undefined;
  const body = parseBody(text);
  const metrics = body?.['amazon-bedrock-invocationMetrics'];
  if (!isObject(metrics)) return undefined;
  return { inputTokens: num(metrics.inputTokenCount), outputTokens: num(metrics.outputTokenCount) };
}
