import { containment } from './containment.js';
import { currentInvocation, type Invocation } from './invocation.js';
import type { LogLevel, LogWriter } from './logs/logger.js';
import { createLogWriter } from './sinks.js';
import { ECOSYSTEM_ENV, POWERTOOLS_LOG_KEY as KEY, LOG_KEY } from './telemetry.js';
import { toXRayTraceId } from './tracing/xrayDocument.js';

/**
 * What a line may add: fields, or an error (logged as `error`).
 *
 * @example
 * log.warn('feature store slow', { ms: 40 });
 * log.error('fallback used', new Error('feature store down'));
 */
export type LogFields = Readonly<Record<string, unknown>> | Error;

/**
 * The invocation-scoped logger: `log.info/debug/warn/error(message, fields?)`.
 *
 * @example
 * log.debug('features', { count: features.length });
 */
export interface InvocationLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** The context every line of an invocation carries, read when the line is logged. */
function contextOf(inv: Invocation): Record<string, unknown> {
  const { config } = inv.sinks;
  return {
    [KEY.ColdStart]: inv.start.coldStart,
    [KEY.FunctionName]: config.functionName,
    [KEY.FunctionMemorySize]: config.memoryMb,
    [KEY.FunctionArn]: inv.lambda.invokedFunctionArn,
    [KEY.RequestId]: inv.lambda.awsRequestId,
    [KEY.XrayTraceId]: toXRayTraceId(inv.span.spanContext().traceId),
    [LOG_KEY.ModelName]: config.model.name,
    [LOG_KEY.ModelVersion]: config.model.version,
    [LOG_KEY.PredictionId]: inv.predictionId,
    [LOG_KEY.CorrelationId]: inv.correlationId,
  };
}

function fieldsOf(fields: LogFields | undefined): Readonly<Record<string, unknown>> | undefined {
  return fields instanceof Error ? { [LOG_KEY.Error]: fields } : fields;
}

let outside: LogWriter | undefined;
/** Lines logged outside any observed invocation (at init): the level's, with no invocation context. */
function outsideWriter(): LogWriter {
  outside ??= createLogWriter(
    process.env[ECOSYSTEM_ENV.ServiceName] || process.env.AWS_LAMBDA_FUNCTION_NAME || 'local',
  );
  return outside;
}

function write(level: LogLevel, message: string, fields: LogFields | undefined): void {
  try {
    const inv = currentInvocation();
    const own = fieldsOf(fields);
    if (!inv) {
      outsideWriter().write(level, message, { ...own });
      return;
    }
    // The invocation's context wins over a field of the same name: it is what the lines are found by.
    const line = { ...own, ...contextOf(inv) };
    if (level === 'debug') {
      if (inv.debugLines === undefined) inv.debugLines = inv.sinks.log.debugLines?.() ?? null;
      if (inv.debugLines) {
        inv.debugLines.add(message, line);
        return;
      }
    }
    inv.sinks.log.write(level, message, line, inv.span.spanContext());
  } catch (error) {
    // A line of the user's never throws into the handler.
    containment.report('log', error);
  }
}

/** Public; documented where `index.ts` exports it. */
export const log: InvocationLogger = {
  debug: (message, fields) => write('debug', message, fields),
  info: (message, fields) => write('info', message, fields),
  warn: (message, fields) => write('warn', message, fields),
  error: (message, fields) => write('error', message, fields),
};
