/*
 * What observeModelCalls() observes and how it is configured: the calls of
 * interest by client and operation, what counts as a throttle, the options.
 */

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

/** A field bag of an SDK input, output, error or stream event: any non-null object. */
export type Json = Record<string, unknown>;

/** Whether `value` can be read as a {@link Json} field bag (arrays included, as the SDK's shapes need not exclude them). */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null;
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
