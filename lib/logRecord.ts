import { roundMs } from './clock.js';
import type { ResolvedConfig } from './config.js';
import type { Ending } from './ending.js';
import { describeError } from './errors.js';
import { isServerErrorResponse } from './events.js';
import type { LogWriter } from './logs/logger.js';
import { redact } from './payload.js';
import { LOG_KEY } from './telemetry.js';
import { toXRayTraceId } from './tracing/xrayDocument.js';

/** The fields of an invocation's log line (docs/telemetry.md), before its level and message. */
function fieldsOf(
  { inv, f, summary, batch, latencyMs }: Ending,
  config: ResolvedConfig,
): Record<string, unknown> {
  return {
    cold_start: inv.start.coldStart,
    function_name: config.functionName,
    function_memory_size: config.memoryMb,
    function_arn: f.lambda.invokedFunctionArn,
    function_request_id: f.lambda.awsRequestId,
    xray_trace_id: toXRayTraceId(inv.span.spanContext().traceId),
    [LOG_KEY.ModelName]: config.model.name,
    [LOG_KEY.ModelVersion]: config.model.version,
    [LOG_KEY.LatencyMs]: roundMs(latencyMs),
    [LOG_KEY.Stages]: roundStages(inv.stages),
    [LOG_KEY.BatchSize]: batch,
    [LOG_KEY.Prediction]: summary?.logPrediction,
    [LOG_KEY.Confidence]: summary?.logConfidence,
    [LOG_KEY.InputHash]: f.inputHash,
    [LOG_KEY.PredictionId]: summary ? f.predictionId : undefined,
    [LOG_KEY.Abstentions]: summary && summary.abstentions > 0 ? summary.abstentions : undefined,
    [LOG_KEY.InvalidInput]: inv.invalidInput,
    [LOG_KEY.CorrelationId]: f.correlationId,
    [LOG_KEY.ClientId]: f.clientId,
    [LOG_KEY.Warmup]: inv.warmup,
    ...(inv.start.first ? { [LOG_KEY.StartType]: inv.start.type } : {}),
    ...inv.annotations,
    ...inv.metadata,
  };
}

/**
 * Write the one log line of an invocation: INFO, ERROR on failure or timeout
 * (with `error`), DEBUG for a warmup ping; sampled payloads redacted.
 */
export function writeLogRecord(ending: Ending, config: ResolvedConfig, log: LogWriter): void {
  const fields = fieldsOf(ending, config);
  if (config.logPayloadRate > 0 && Math.random() < config.logPayloadRate) {
    fields.payload = {
      input: redact(ending.f.input, config.redactKeys),
      output: redact(ending.outcome.result, config.redactKeys),
    };
  }
  emit(log, ending, fields);
}

function emit(log: LogWriter, ending: Ending, fields: Record<string, unknown>): void {
  const { inv, outcome, clientError } = ending;
  if (outcome.timedOut) {
    log.write('error', 'inference timed out', { ...fields, [LOG_KEY.Error]: timeoutError(fields) });
  } else if (outcome.error !== undefined && clientError) {
    // A thrown InvalidInputError: the caller's mistake, logged like a 400 (no stack).
    const { name, message } = describeError(outcome.error);
    log.write('info', 'inference', { ...fields, [LOG_KEY.Error]: { name, message } });
  } else if (outcome.error !== undefined) {
    log.write('error', 'inference failed', {
      ...fields,
      [LOG_KEY.Error]: describeError(outcome.error),
    });
  } else if (inv.warmup) {
    log.write('debug', 'warmup ping', fields);
  } else {
    log.write(isServerErrorResponse(outcome.result) ? 'error' : 'info', 'inference', fields);
  }
}

function timeoutError(fields: Record<string, unknown>) {
  return {
    name: 'InvocationTimeoutError',
    message: `invocation about to reach the Lambda timeout after ${String(fields[LOG_KEY.LatencyMs])} ms`,
  };
}

function roundStages(stages: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key in stages) out[key] = roundMs(stages[key]!);
  return out;
}
