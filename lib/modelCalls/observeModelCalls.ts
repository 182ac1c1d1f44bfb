import { type Containment, containment as processContainment } from '../containment.js';
import { currentInvocation, type Invocation } from '../invocation.js';
import { runInContext } from '../tracer.js';
import { toXRayTraceId } from '../tracing/xrayDocument.js';
import { ModelCall } from './modelCall.js';
import { ModelCallsRecord } from './record.js';
import { type ModelCallOptions, OBSERVED_CALLS } from './targets.js';

/*
 * Structural types of the AWS SDK v3 middleware stack, so that the runtime
 * (and the layer) never imports a client package: the user's own client
 * instance is what gets the middleware.
 */
type Next = (args: {
  input: unknown;
  request?: unknown;
}) => Promise<{ output: unknown; response?: unknown }>;
type Middleware = (next: Next, context: Record<PropertyKey, unknown>) => Next;

/** What `observeModelCalls()` needs of a client: its middleware stack (every AWS SDK v3 client has one). */
export interface ClientWithMiddleware {
  readonly middlewareStack: {
    // biome-ignore lint/suspicious/noExplicitAny: the SDK's own middleware and options types; we pass compatible values.
    add(middleware: any, options?: any): void;
    /** `<name> - <step>` of each middleware (every AWS SDK v3 stack has it). */
    identify?(): string[];
  };
}

/** The middleware aws-xray-sdk-core adds (Powertools Tracer's `captureAWSv3Client`). */
const XRAY_SDK_MIDDLEWARE = 'XRaySDKInstrumentation';

/**
 * A client that Tracer's `captureAWSv3Client` records too: each call would
 * be recorded twice (its subsegment, our span) with two trace headers. Said
 * once, wherever the two were added in either order.
 */
function warnIfAlsoCaptured(client: ClientWithMiddleware): void {
  try {
    const names = client.middlewareStack.identify?.() ?? [];
    if (!names.some((name) => name.startsWith(XRAY_SDK_MIDDLEWARE))) return;
    processContainment.warnOnce(
      'model calls captured twice',
      'observed-inference: a client passed to observeModelCalls() is also captured by Powertools Tracer (captureAWSv3Client): each call is recorded twice; keep one of them per client',
    );
  } catch {
    // Only a warning: never the caller's problem.
  }
}

/** The call in progress, on the SDK's per-command context, for the trace-header middleware. */
const CALL = Symbol.for('observed-inference.modelCall');

const INITIALIZE = {
  step: 'initialize',
  name: 'observedInferenceModelCall',
  tags: ['OBSERVED_INFERENCE'],
  override: true,
} as const;

/** Before the SDK's own recursion-detection middleware (build, priority low), which keeps a header it finds. */
const TRACE_HEADER = {
  step: 'build',
  priority: 'high',
  name: 'observedInferenceTraceHeader',
  tags: ['OBSERVED_INFERENCE', 'TRACE_CONTEXT_PROPAGATION'],
  override: true,
} as const;

function containmentOf(inv: Invocation | undefined): Containment {
  return inv?.sinks.containment ?? processContainment;
}

/** The call to observe, or undefined: another operation, or our own failure. */
function begin(
  inv: Invocation,
  options: ModelCallOptions,
  context: Record<PropertyKey, unknown>,
  input: unknown,
): ModelCall | undefined {
  try {
    const target = OBSERVED_CALLS[String(context.clientName)];
    const operation = String(context.commandName).replace(/Command$/, '');
    if (!target?.operations.has(operation)) return undefined;
    inv.modelCalls ??= new ModelCallsRecord();
    const json =
      typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
    const call = new ModelCall(inv, inv.modelCalls, options, target, operation, json);
    context[CALL] = call;
    return call;
  } catch (error) {
    containmentOf(inv).report('model call', error);
    return undefined;
  }
}

function modelCallMiddleware(options: ModelCallOptions, client: ClientWithMiddleware): Middleware {
  let checked = false;
  return (next, context) => async (args) => {
    if (!checked) {
      // At the first call: Tracer may capture the client after observeModelCalls() did.
      checked = true;
      warnIfAlsoCaptured(client);
    }
    let inv: Invocation | undefined;
    try {
      inv = currentInvocation();
    } catch (error) {
      processContainment.report('model call', error);
    }
    const call = inv && begin(inv, options, context, args.input);
    if (!call) return next(args);
    const contained = containmentOf(inv);
    let result: { output: unknown; response?: unknown };
    try {
      result = await runInContext(call.context, () => next(args));
    } catch (error) {
      try {
        call.fail(error);
      } catch (e) {
        contained.report('model call', e);
      }
      throw error;
    }
    try {
      call.succeed(result.output, result.response, contained);
    } catch (error) {
      contained.report('model call', error);
    }
    return result;
  };
}

/**
 * The downstream `X-Amzn-Trace-Id` names our call's span as its parent. The
 * SDK's own header is `_X_AMZN_TRACE_ID`'s (the Lambda function segment as
 * Parent): the service's segment would hang beside the call, not under it.
 */
const traceHeaderMiddleware: Middleware = (next, context) => (args) => {
  const call = context[CALL];
  if (call instanceof ModelCall) {
    try {
      const request = args.request as { headers?: Record<string, string> } | undefined;
      const span = call.span;
      if (request?.headers && span.isRecording()) {
        const { traceId, spanId } = span.spanContext();
        for (const key of Object.keys(request.headers))
          if (key.toLowerCase() === 'x-amzn-trace-id') delete request.headers[key];
        request.headers['X-Amzn-Trace-Id'] =
          `Root=${toXRayTraceId(traceId)};Parent=${spanId};Sampled=1`;
      }
    } catch (error) {
      processContainment.report('model call trace header', error);
    }
  }
  return next(args);
};

/** Public; documented where `index.ts` exports it. */
export function observeModelCalls<C extends ClientWithMiddleware>(
  client: C,
  options: ModelCallOptions = {},
): C {
  try {
    client.middlewareStack.add(modelCallMiddleware({ ...options }, client), INITIALIZE);
    client.middlewareStack.add(traceHeaderMiddleware, TRACE_HEADER);
  } catch (error) {
    processContainment.report('observeModelCalls', error);
  }
  return client;
}
