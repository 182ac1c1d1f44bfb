/**
 * The Lambda environment and `Context` for a handler run in the caller's own
 * process, as the Node.js runtime would set them up (`localLambda.ts` runs the
 * real runtime client in a process of its own instead). One place, so every in-process test sees the variables Lambda
 * really sets and a `Context` with every member the runtime gives.
 *
 * @example
 * useLambdaEnvironment({ functionName: 'fraud-fn', daemonAddress: udp.address });
 * const context = lambdaContexts('fraud-fn');
 * process.env._X_AMZN_TRACE_ID = traceHeader().header;
 * await handler(event, context());
 */
import type { Context } from 'aws-lambda';

/** How a test's function is deployed. */
export interface LambdaFunctionOptions {
  readonly functionName: string;
  /** `AWS_XRAY_DAEMON_ADDRESS`: a test's UDP collector. Unset: the variable is left alone. */
  readonly daemonAddress?: string;
  /** `AWS_LAMBDA_INITIALIZATION_TYPE`. @default 'on-demand' */
  readonly initializationType?:
    | 'on-demand'
    | 'provisioned-concurrency'
    | 'snap-start'
    | 'lambda-managed-instances';
  /** @default 512 */
  readonly memoryMb?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
}

const DEFAULT_REGION = 'us-east-1';
const DEFAULT_MEMORY_MB = 512;
const ACCOUNT = '123456789012';

/**
 * The variables the Lambda Node.js runtime sets that observe() reads. The
 * Runtime API address is never dialled by in-process tests; observe() takes
 * its presence (with the function name) as "inside Lambda".
 *
 * @example
 * lambdaEnvironment({ functionName: 'fraud-fn' }).AWS_LAMBDA_FUNCTION_VERSION; // '$LATEST'
 */
export function lambdaEnvironment(options: LambdaFunctionOptions): Record<string, string> {
  return {
    AWS_LAMBDA_FUNCTION_NAME: options.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb ?? DEFAULT_MEMORY_MB),
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    AWS_LAMBDA_INITIALIZATION_TYPE: options.initializationType ?? 'on-demand',
    AWS_REGION: options.region ?? DEFAULT_REGION,
    ...(options.daemonAddress ? { AWS_XRAY_DAEMON_ADDRESS: options.daemonAddress } : {}),
  };
}

/**
 * Set the function's environment on `process.env`, plus the test's own
 * variables (`POWERTOOLS_SERVICE_NAME`, …): what the runtime has done before
 * the handler module is imported.
 *
 * @example
 * useLambdaEnvironment({ functionName: 'fraud-fn' }, { POWERTOOLS_LOG_LEVEL: 'DEBUG' });
 */
export function useLambdaEnvironment(
  options: LambdaFunctionOptions,
  extra: Readonly<Record<string, string>> = {},
): void {
  Object.assign(process.env, lambdaEnvironment(options), extra);
}

/** What a test may set on one invocation's `Context`. */
export interface InvocationOptions {
  /** @default `<prefix>-<n>`, a new one per call */
  readonly requestId?: string;
  /** Time left before the deadline, counted from the call. @default 30000 */
  readonly remainingMs?: number;
  /** The invocation's own trace header (Lambda Managed Instances hand it on the context). */
  readonly xRayTraceId?: string;
}

/**
 * A maker of `Context` objects for one function, each with a new request id
 * and a deadline counted from its creation, as the runtime client builds them.
 *
 * @example
 * const context = lambdaContexts('fraud-fn');
 * context().awsRequestId; // 'req-1'
 * context({ remainingMs: 250 }).getRemainingTimeInMillis(); // ≤ 250
 */
export function lambdaContexts(
  functionName: string,
  prefix = 'req',
): (options?: InvocationOptions) => Context {
  let invocations = 0;
  return (options = {}) => {
    const deadline = Date.now() + (options.remainingMs ?? 30_000);
    const context: Context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${DEFAULT_REGION}:${ACCOUNT}:function:${functionName}`,
      memoryLimitInMB: String(DEFAULT_MEMORY_MB),
      awsRequestId: options.requestId ?? `${prefix}-${++invocations}`,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: '2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    return options.xRayTraceId
      ? Object.assign(context, { xRayTraceId: options.xRayTraceId })
      : context;
  };
}

/** A trace header as Lambda passes it (`_X_AMZN_TRACE_ID`), and its parts. */
export interface TraceHeader {
  readonly header: string;
  /** `1-<epoch hex>-<24 hex>`: the X-Ray trace id. */
  readonly root: string;
  /** The Lambda function segment's id: the parent of the invocation's subsegment. */
  readonly parent: string;
}

const hex = (digits: number) =>
  Array.from({ length: digits }, () => Math.floor(Math.random() * 16).toString(16)).join('');

/**
 * A header for a new trace, sampled unless `sampled` is false.
 *
 * @example
 * process.env._X_AMZN_TRACE_ID = traceHeader().header;
 */
export function traceHeader(sampled = true): TraceHeader {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  const root = `1-${epoch}-${hex(24)}`;
  const parent = hex(16);
  return { header: `Root=${root};Parent=${parent};Sampled=${sampled ? 1 : 0}`, root, parent };
}
