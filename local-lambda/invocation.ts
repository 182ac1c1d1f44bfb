/**
 * What passes between a caller, the Runtime API and the runtime in one
 * invocation: the inputs Lambda sends as headers, the result or error the
 * caller learns, and how init ended.
 */

/** An error as the runtime reports it (`formatError` in aws-lambda-ric). */
export interface FunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/** An init error: the body of `POST /runtime/init/error` plus its error-type header. */
export interface InitError extends FunctionError {
  /** The `Lambda-Runtime-Function-Error-Type` header, when the runtime sent one. */
  readonly functionErrorType?: string;
}

/**
 * What an (internal) extension posted to `/2020-01-01/extension/init/error` or
 * `/extension/exit/error`: the body's message and stack trace, its error-type header.
 */
export interface ExtensionError extends FunctionError {
  /** Its `Lambda-Extension-Name`. */
  readonly extension: string;
  readonly phase: 'init' | 'exit';
  /** The `Lambda-Extension-Function-Error-Type` header (also the `errorType`). */
  readonly functionErrorType: string;
}

/** How init ended: the runtime asked for its first event, or it posted an init error. */
export type InitOutcome = { readonly ok: true } | { readonly ok: false; readonly error: InitError };

/** Per-invocation inputs that Lambda passes as headers of `/invocation/next`. */
export interface InvokeOptions {
  /** `Lambda-Runtime-Trace-Id`; generated (sampled) when absent. */
  readonly traceHeader?: string;
  /** Overrides the server's timeout for this invocation. */
  readonly timeoutMs?: number;
  /** Sent JSON-encoded as `Lambda-Runtime-Client-Context`. */
  readonly clientContext?: unknown;
  /** Sent JSON-encoded as `Lambda-Runtime-Cognito-Identity`. */
  readonly cognitoIdentity?: unknown;
}

/** One chunk of a streamed response as the Runtime API received it. */
export interface StreamedChunk {
  /** Since the event was handed to the runtime. */
  readonly atMs: number;
  readonly bytes: number;
}

/** What a caller of `Invoke` would learn, plus what only the platform sees. */
export interface InvokeResult {
  readonly requestId: string;
  readonly traceHeader: string;
  /** The parsed JSON response (raw text when it is not JSON, e.g. a streamed body). */
  readonly result?: unknown;
  readonly error?: FunctionError;
  /** `Lambda-Runtime-Function-Error-Type` of the error post, when sent (ric 4 sends none). */
  readonly functionErrorType?: string;
  /** `Lambda-Runtime-Function-XRay-Error-Cause`, parsed, when the runtime sent one. */
  readonly xrayErrorCause?: unknown;
  readonly timedOut: boolean;
  /** From handing the event to the runtime until its answer, like Lambda's Duration. */
  readonly durationMs: number;
  /** A streamed response (`Lambda-Runtime-Function-Response-Mode: streaming`): its chunks as they came. */
  readonly chunks?: readonly StreamedChunk[];
  /**
   * Present when extensions took this invocation's INVOKE event. The result settles
   * when the runtime answers, as Lambda answers the caller; the extensions may still
   * be working then. This settles (`performance.now()`) when the last of them has
   * asked for its next event, the end of Lambda's post-runtime phase, or with
   * `undefined` if the sandbox was aborted, timed out or closed first.
   */
  readonly extensionsDone?: Promise<number | undefined>;
}
