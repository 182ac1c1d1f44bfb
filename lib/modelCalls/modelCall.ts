import {
  type Attributes,
  type Context as OtelContext,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { Containment } from '../containment.js';
import { asException, describeError } from '../errors.js';
import { boundText } from '../fieldBounds.js';
import type { Invocation } from '../invocation.js';
import { redact } from '../redact.js';
import {
  ATTR,
  GEN_AI_ATTR,
  GEN_AI_PROVIDER_BEDROCK,
  MAX_CAPTURED_PROMPT_CHARS,
  SPAN,
} from '../telemetry.js';
import { activeContext } from '../tracer.js';
import {
  type BedrockRequest,
  type BedrockResponse,
  converseRequest,
  converseResponse,
  invokeModelRequest,
  invokeModelResponse,
  streamInvocationMetrics,
} from './bedrock.js';
import type { ModelCallsRecord, OpenModelStream } from './record.js';
import { type StreamEnd, watchStream } from './stream.js';

/** A user's price of a Bedrock model, per 1,000 tokens, in any one currency. */
export interface ModelPrice {
  readonly inputPer1kTokens: number;
  readonly outputPer1kTokens: number;
}

/** Options of `observeModelCalls()`. */
export interface ModelCallOptions {
  /**
   * Prices by Bedrock model id, for the estimated `InferenceCost`; none ship
   * (prices change and differ by region and contract).
   * @default none: no `InferenceCost`
   */
  readonly prices?: Readonly<Record<string, ModelPrice>>;
  /**
   * Record prompts and completions on the span (`gen_ai.input.messages`,
   * `gen_ai.output.messages`), redacted like logged payloads and bounded.
   * @default false
   */
  readonly capturePrompts?: boolean;
}

/** Which service a call went to. */
export type ModelService = 'bedrock' | 'sagemaker' | 's3';

/** The calls observed, by client and operation; every other passes through untouched. */
export const OBSERVED_CALLS: Readonly<
  Record<
    string,
    {
      readonly kind: ModelService;
      readonly service: string;
      readonly operations: ReadonlySet<string>;
    }
  >
> = {
  BedrockRuntimeClient: {
    kind: 'bedrock',
    service: 'BedrockRuntime',
    operations: new Set([
      'Converse',
      'ConverseStream',
      'InvokeModel',
      'InvokeModelWithResponseStream',
    ]),
  },
  SageMakerRuntimeClient: {
    kind: 'sagemaker',
    service: 'SageMakerRuntime',
    operations: new Set([
      'InvokeEndpoint',
      'InvokeEndpointWithResponseStream',
      'InvokeEndpointAsync',
    ]),
  },
  S3Client: { kind: 's3', service: 'S3', operations: new Set(['GetObject']) },
};

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    isObject(value) &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/**
 * The SDK's `ThrottlingException` (Bedrock, SageMaker; also a stream's
 * throttling event), or HTTP 429 from any of them.
 *
 * @example
 * isThrottle({ name: 'Error', $metadata: { httpStatusCode: 429 } }); // true
 */
export function isThrottle(error: unknown): boolean {
  if (!isObject(error)) return false;
  const status = isObject(error.$metadata) ? error.$metadata.httpStatusCode : undefined;
  const name = error.name;
  return (
    status === 429 ||
    name === 'ThrottlingException' ||
    name === 'ThrottledException' ||
    name === 'TooManyRequestsException'
  );
}

const decoder = new TextDecoder();

/**
 * One call to a model, from the request to its response, or to the end of
 * its stream: a CLIENT span under the context it was made in, and the values
 * its invocation's record adds up. Every method is called inside containment
 * by the middleware; the call's result and error never pass through here.
 *
 * @example
 * const call = new ModelCall(invocation, record, options, target, 'Converse', input);
 * const result = await runInContext(call.context, () => next(args));
 * call.succeed(result.output, result.response);
 */
export class ModelCall implements OpenModelStream {
  readonly span: Span;
  /** The context the SDK sends the request in: our span current. */
  readonly context: OtelContext;
  readonly #inv: Invocation;
  readonly #record: ModelCallsRecord;
  readonly #options: ModelCallOptions;
  readonly #kind: ModelService;
  readonly #startPerf = performance.now();
  readonly #bedrock: BedrockRequest | undefined;
  readonly #model: string | undefined;
  #ended = false;
  // A streamed answer, as read so far.
  #firstTokenPerf: number | undefined;
  #chunks = 0;
  #bytes = 0;
  #inputTokens: number | undefined;
  #outputTokens: number | undefined;
  #finishReasons: string[] | undefined;
  #completion = '';

  constructor(
    inv: Invocation,
    record: ModelCallsRecord,
    options: ModelCallOptions,
    target: { readonly kind: ModelService; readonly service: string },
    operation: string,
    input: Json,
  ) {
    this.#inv = inv;
    this.#record = record;
    this.#options = options;
    this.#kind = target.kind;
    const attributes: Attributes = {
      [GEN_AI_ATTR.RpcSystem]: 'aws-api',
      [GEN_AI_ATTR.RpcService]: target.service,
      [GEN_AI_ATTR.RpcMethod]: operation,
    };
    let name: string;
    if (target.kind === 'bedrock') {
      const request = operation.startsWith('Converse')
        ? converseRequest(input)
        : invokeModelRequest(input);
      this.#bedrock = request;
      this.#model = request.model;
      name = SPAN.genAi(request.operation, request.model);
      Object.assign(attributes, request.attributes, {
        [GEN_AI_ATTR.OperationName]: request.operation,
        [GEN_AI_ATTR.ProviderName]: GEN_AI_PROVIDER_BEDROCK,
        [GEN_AI_ATTR.System]: GEN_AI_PROVIDER_BEDROCK,
        [GEN_AI_ATTR.RequestModel]: request.model,
      });
      if (options.capturePrompts)
        attributes[GEN_AI_ATTR.InputMessages] = this.#captured(request.prompt);
    } else {
      name = SPAN.awsCall(target.service, operation);
      if (target.kind === 'sagemaker') {
        this.#model = typeof input.EndpointName === 'string' ? input.EndpointName : undefined;
        attributes[GEN_AI_ATTR.SageMakerEndpoint] = this.#model;
      } else {
        this.#model = typeof input.Bucket === 'string' ? input.Bucket : undefined;
        attributes[GEN_AI_ATTR.S3Bucket] = this.#model;
        if (typeof input.Key === 'string') attributes[GEN_AI_ATTR.S3Key] = input.Key;
      }
    }
    const parent = activeContext();
    this.span = inv.sinks.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    this.context = trace.setSpan(parent, this.span);
  }

  #captured(value: unknown): string {
    const json = JSON.stringify(redact(value, this.#inv.sinks.config.redactKeys)) ?? '';
    return boundText(json, MAX_CAPTURED_PROMPT_CHARS);
  }

  /** The SDK answered: record it, or, for a streamed answer, watch the stream it hands over. */
  succeed(output: unknown, response: unknown, containment: Containment): void {
    if (!isObject(output)) {
      this.#finish(false, false, undefined);
      return;
    }
    const meta = isObject(output.$metadata) ? output.$metadata : {};
    this.span.setAttributes({
      [GEN_AI_ATTR.AwsRequestId]: typeof meta.requestId === 'string' ? meta.requestId : undefined,
      [GEN_AI_ATTR.HttpStatusCode]:
        typeof meta.httpStatusCode === 'number' ? meta.httpStatusCode : undefined,
    });
    if (this.#kind === 'sagemaker' && typeof output.InvokedProductionVariant === 'string')
      this.span.setAttribute(GEN_AI_ATTR.SageMakerVariant, output.InvokedProductionVariant);
    if (this.#kind === 's3' && typeof output.ContentLength === 'number')
      this.span.setAttribute(ATTR.ModelCallBytes, output.ContentLength);
    const streamKey =
      this.#kind === 'bedrock' ? (isAsyncIterable(output.stream) ? 'stream' : 'body') : 'Body';
    const stream = output[streamKey];
    if (this.#kind !== 's3' && isAsyncIterable(stream) && !(stream instanceof Uint8Array)) {
      this.#record.open.add(this);
      output[streamKey] = watchStream(stream, {
        item: (event) => {
          try {
            this.#streamItem(event);
          } catch (error) {
            containment.report('model stream', error);
          }
        },
        end: (how, error) => {
          try {
            this.#streamEnd(how, error);
          } catch (e) {
            containment.report('model stream', e);
          }
        },
      });
      return;
    }
    if (this.#bedrock) {
      const headers =
        isObject(response) && isObject(response.headers) ? response.headers : undefined;
      this.#bedrockResponse(
        this.#bedrock.operation === 'chat' && 'usage' in output
          ? converseResponse(output)
          : invokeModelResponse(output, headers as Record<string, string> | undefined),
      );
    }
    this.#finish(false, false, undefined);
  }

  #bedrockResponse(response: BedrockResponse): void {
    this.#inputTokens = response.inputTokens;
    this.#outputTokens = response.outputTokens;
    this.#finishReasons = response.finishReasons;
    this.span.setAttribute(GEN_AI_ATTR.ResponseModel, response.model ?? this.#model ?? '');
    if (this.#options.capturePrompts && response.completion !== undefined)
      this.span.setAttribute(GEN_AI_ATTR.OutputMessages, this.#captured(response.completion));
  }

  /** The SDK threw: the same error goes on to the caller. */
  fail(error: unknown): void {
    const throttled = isThrottle(error);
    const { name, message } = describeError(error);
    this.span.recordException(asException(error));
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
    this.span.setAttribute(GEN_AI_ATTR.ErrorType, name);
    const status =
      isObject(error) && isObject(error.$metadata) ? error.$metadata.httpStatusCode : undefined;
    if (typeof status === 'number') this.span.setAttribute(GEN_AI_ATTR.HttpStatusCode, status);
    if (throttled) this.span.setAttribute(ATTR.ModelCallThrottled, true);
    this.#finish(true, throttled, undefined);
  }

  /** One event of ConverseStream, one chunk of InvokeModelWithResponseStream or InvokeEndpointWithResponseStream. */
  #streamItem(event: unknown): void {
    this.#chunks++;
    if (!isObject(event)) return;
    const delta = isObject(event.contentBlockDelta) ? event.contentBlockDelta : undefined;
    if (delta) {
      this.#firstTokenPerf ??= performance.now();
      if (
        this.#options.capturePrompts &&
        isObject(delta.delta) &&
        typeof delta.delta.text === 'string'
      )
        this.#completion = boundText(
          this.#completion + delta.delta.text,
          MAX_CAPTURED_PROMPT_CHARS,
        );
      return;
    }
    if (isObject(event.metadata)) {
      const usage = isObject(event.metadata.usage) ? event.metadata.usage : {};
      if (typeof usage.inputTokens === 'number') this.#inputTokens = usage.inputTokens;
      if (typeof usage.outputTokens === 'number') this.#outputTokens = usage.outputTokens;
      return;
    }
    if (isObject(event.messageStop)) {
      const reason = event.messageStop.stopReason;
      if (typeof reason === 'string') this.#finishReasons = [reason];
      return;
    }
    const part = isObject(event.chunk)
      ? event.chunk
      : isObject(event.PayloadPart)
        ? event.PayloadPart
        : undefined;
    const bytes = part ? (part.bytes ?? part.Bytes) : undefined;
    if (bytes instanceof Uint8Array) this.#payloadChunk(bytes);
  }

  /** A chunk of a model's own streamed JSON: its first content is the first token. */
  #payloadChunk(bytes: Uint8Array): void {
    this.#bytes += bytes.byteLength;
    if (this.#kind !== 'bedrock') {
      this.#firstTokenPerf ??= performance.now();
      return;
    }
    const text = decoder.decode(bytes);
    if (
      this.#firstTokenPerf === undefined &&
      !/"type"\s*:\s*"(message_start|content_block_start)"/.test(text)
    )
      this.#firstTokenPerf = performance.now();
    const usage = streamInvocationMetrics(text);
    if (usage) {
      this.#inputTokens = usage.inputTokens ?? this.#inputTokens;
      this.#outputTokens = usage.outputTokens ?? this.#outputTokens;
    }
    const stop = /"(?:stop_reason|stopReason|completionReason)"\s*:\s*"([^"]+)"/.exec(text);
    if (stop?.[1]) this.#finishReasons = [stop[1]];
  }

  #streamEnd(how: StreamEnd, error: unknown): void {
    this.#record.open.delete(this);
    if (how === 'failed') {
      const throttled = isThrottle(error);
      this.span.recordException(asException(error));
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error).message });
      this.span.setAttribute(GEN_AI_ATTR.ErrorType, describeError(error).name);
      if (throttled) this.span.setAttribute(ATTR.ModelCallThrottled, true);
      this.#streamDone(true, throttled, true, false);
    } else this.#streamDone(false, false, how === 'stopped', false);
  }

  /** The invocation ended with the stream still being read: what was seen so far. */
  endOpen(): void {
    this.#streamDone(false, false, true, true);
  }

  #streamDone(failed: boolean, throttled: boolean, aborted: boolean, open: boolean): void {
    if (this.#ended) return;
    this.span.setAttributes({
      [ATTR.ModelCallStreamChunks]: this.#chunks,
      [ATTR.ModelCallStreamBytes]: this.#bytes > 0 ? this.#bytes : undefined,
      [ATTR.ModelCallStreamAborted]: aborted,
      [ATTR.ModelCallStreamOpen]: open ? true : undefined,
    });
    if (this.#bedrock) {
      this.span.setAttribute(GEN_AI_ATTR.ResponseModel, this.#model ?? '');
      if (this.#options.capturePrompts && this.#completion)
        this.span.setAttribute(GEN_AI_ATTR.OutputMessages, this.#captured(this.#completion));
    }
    this.#finish(failed, throttled, { aborted, open });
  }

  #finish(
    failed: boolean,
    throttled: boolean,
    stream: { aborted: boolean; open: boolean } | undefined,
  ): void {
    if (this.#ended) return;
    this.#ended = true;
    const endPerf = performance.now();
    const span = this.span;
    const inputTokens = this.#inputTokens;
    const outputTokens = this.#outputTokens;
    const bedrockModelId = this.#bedrock ? this.#model : undefined;
    const price = bedrockModelId ? this.#options.prices?.[bedrockModelId] : undefined;
    const cost =
      price && (inputTokens !== undefined || outputTokens !== undefined)
        ? ((inputTokens ?? 0) * price.inputPer1kTokens +
            (outputTokens ?? 0) * price.outputPer1kTokens) /
          1000
        : undefined;
    const firstToken = this.#firstTokenPerf;
    const ttft = firstToken === undefined ? undefined : firstToken - this.#startPerf;
    const tpot =
      firstToken !== undefined && outputTokens !== undefined && outputTokens > 1 && !stream?.open
        ? (endPerf - firstToken) / (outputTokens - 1)
        : undefined;
    span.setAttributes({
      [GEN_AI_ATTR.UsageInputTokens]: inputTokens,
      [GEN_AI_ATTR.UsageOutputTokens]: outputTokens,
      [GEN_AI_ATTR.ResponseFinishReasons]: this.#finishReasons,
      [ATTR.ModelCallCost]: cost,
      [ATTR.ModelCallTimeToFirstTokenMs]: ttft,
    });
    span.end();
    this.#record.add(this.#inv.metrics, {
      bedrockModelId,
      model: this.#model,
      latencyMs: endPerf - this.#startPerf,
      failed,
      throttled,
      inputTokens,
      outputTokens,
      timeToFirstTokenMs: ttft,
      timePerOutputTokenMs: tpot,
      cost,
      streamAborted: stream?.aborted ?? false,
      streamOpen: stream?.open ?? false,
    });
  }
}
