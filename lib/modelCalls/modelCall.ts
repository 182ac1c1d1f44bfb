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
import { type AnswerSeen, newAnswer, readStreamEvent } from './answerStream.js';
import {
  type BedrockRequest,
  type BedrockResponse,
  converseRequest,
  converseResponse,
  invokeModelRequest,
  invokeModelResponse,
} from './bedrock.js';
import type { ModelCallsRecord, OpenModelStream } from './record.js';
import { type StreamEnd, watchStream } from './stream.js';
import {
  isObject,
  isThrottle,
  type Json,
  type ModelCallOptions,
  type ModelService,
} from './targets.js';

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    isObject(value) &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

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
  readonly #answer: AnswerSeen = newAnswer();

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
            readStreamEvent(
              this.#answer,
              event,
              this.#kind === 'bedrock',
              this.#options.capturePrompts === true,
            );
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
    this.#answer.inputTokens = response.inputTokens;
    this.#answer.outputTokens = response.outputTokens;
    this.#answer.finishReasons = response.finishReasons;
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
      [ATTR.ModelCallStreamChunks]: this.#answer.chunks,
      [ATTR.ModelCallStreamBytes]: this.#answer.bytes > 0 ? this.#answer.bytes : undefined,
      [ATTR.ModelCallStreamAborted]: aborted,
      [ATTR.ModelCallStreamOpen]: open ? true : undefined,
    });
    if (this.#bedrock) {
      this.span.setAttribute(GEN_AI_ATTR.ResponseModel, this.#model ?? '');
      if (this.#options.capturePrompts && this.#answer.completion)
        this.span.setAttribute(GEN_AI_ATTR.OutputMessages, this.#captured(this.#answer.completion));
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
    const inputTokens = this.#answer.inputTokens;
    const outputTokens = this.#answer.outputTokens;
    const bedrockModelId = this.#bedrock ? this.#model : undefined;
    const price = bedrockModelId ? this.#options.prices?.[bedrockModelId] : undefined;
    const cost =
      price && (inputTokens !== undefined || outputTokens !== undefined)
        ? ((inputTokens ?? 0) * price.inputPer1kTokens +
            (outputTokens ?? 0) * price.outputPer1kTokens) /
          1000
        : undefined;
    const firstToken = this.#answer.firstTokenPerf;
    const ttft = firstToken === undefined ? undefined : firstToken - this.#startPerf;
    const tpot =
      firstToken !== undefined && outputTokens !== undefined && outputTokens > 1 && !stream?.open
        ? (endPerf - firstToken) / (outputTokens - 1)
        : undefined;
    span.setAttributes({
      [GEN_AI_ATTR.UsageInputTokens]: inputTokens,
      [GEN_AI_ATTR.UsageOutputTokens]: outputTokens,
      [GEN_AI_ATTR.ResponseFinishReasons]: this.#answer.finishReasons,
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
