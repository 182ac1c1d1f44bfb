import { roundMs } from './clock.js';
import type { ResolvedConfig } from './config.js';
import { describeError } from './errors.js';
import type { Invocation } from './invocation.js';
import type { LogWriter } from './logs/logger.js';
import { redact } from './payload.js';
import { STATUS } from './status.js';
import type { StreamRecord } from './streaming.js';
import { LOG_KEY } from './telemetry.js';
import { toXRayTraceId } from './tracing/xrayDocument.js';

/**
 * The one log line of each invocation of one observe() (docs/telemetry.md):
 * INFO, ERROR for a fault, a timeout or a 5xx response (with `error` for the
 * first two), DEBUG for a warmup ping; sampled payloads redacted.
 *
 * @example
 * const log = new InvocationLog(config, sinks.log);
 * log.write(invocation);
 */
export class InvocationLog {
  readonly #config: ResolvedConfig;
  readonly #log: LogWriter;

  constructor(config: ResolvedConfig, log: LogWriter) {
    this.#config = config;
    this.#log = log;
  }

  write(inv: Invocation): void {
    const config = this.#config;
    const fields = fieldsOf(inv, config);
    // Only an invocation that called a model pays for its summary.
    if (inv.modelCalls) fields[LOG_KEY.ModelCalls] = inv.modelCalls.summary();
    if (config.logPayloadRate > 0 && Math.random() < config.logPayloadRate) {
      fields.payload = {
        input: redact(inv.input, config.redactKeys),
        output: redact(inv.result, config.redactKeys),
      };
    }
    const log = this.#log;
    const { status, error } = inv;
    const span = inv.span.spanContext();
    if (status === STATUS.Timeout) {
      const { name, message } = describeError(error);
      const errorFields = { ...fields, [LOG_KEY.Error]: { name, message } };
      log.write('error', 'inference timed out', errorFields, span);
    } else if (status === STATUS.ClientError && inv.threw) {
      // A thrown InvalidInputError: the caller's mistake, logged like a 400 (no stack).
      const { name, message } = describeError(error);
      log.write('info', 'inference', { ...fields, [LOG_KEY.Error]: { name, message } }, span);
    } else if (status === STATUS.Fault) {
      const errorFields = { ...fields, [LOG_KEY.Error]: describeError(error) };
      log.write('error', 'inference failed', errorFields, span);
    } else if (inv.warmup) {
      log.write('debug', 'warmup ping', fields, span);
    } else {
      const level = status === STATUS.ServerErrorResponse ? 'error' : 'info';
      log.write(level, 'inference', fields, span);
    }
  }
}

/** The fields of an invocation's log line, before its level and message. */
function fieldsOf(inv: Invocation, config: ResolvedConfig): Record<string, unknown> {
  const { summary } = inv;
  // POWERTOOLS_LOG_KEY's names, spelled as literal keys: V8 then builds the object
  // from its literal's template; starting it with computed keys cost ~450 bytes a line.
  return {
    cold_start: inv.start.coldStart,
    function_name: config.functionName,
    function_memory_size: config.memoryMb,
    function_arn: inv.lambda.invokedFunctionArn,
    function_request_id: inv.lambda.awsRequestId,
    xray_trace_id: toXRayTraceId(inv.span.spanContext().traceId),
    [LOG_KEY.ModelName]: config.model.name,
    [LOG_KEY.ModelVersion]: config.model.version,
    [LOG_KEY.LatencyMs]: roundMs(inv.latencyMs),
    [LOG_KEY.Stages]: roundStages(inv.stages),
    [LOG_KEY.BatchSize]: inv.batch,
    [LOG_KEY.Prediction]: summary?.logPrediction,
    [LOG_KEY.Confidence]: summary?.logConfidence,
    [LOG_KEY.InputHash]: inv.inputHash,
    [LOG_KEY.PredictionId]: summary ? inv.predictionId : undefined,
    [LOG_KEY.Abstentions]: summary && summary.abstentions > 0 ? summary.abstentions : undefined,
    [LOG_KEY.InvalidInput]: inv.invalidInput,
    [LOG_KEY.CorrelationId]: inv.correlationId,
    [LOG_KEY.ClientId]: inv.clientId,
    [LOG_KEY.Warmup]: inv.warmup,
    [LOG_KEY.DebugFlushed]: inv.debugFlushed || undefined,
    [LOG_KEY.DebugLinesDropped]: inv.debugLines?.dropped || undefined,
    [LOG_KEY.CpuMs]: inv.usage?.cpuMs,
    [LOG_KEY.MaxMemoryUsedMb]: inv.usage?.maxMemoryMb,
    [LOG_KEY.ComputeCost]: inv.usage?.cost,
    ...(inv.start.first ? firstInvocationFields(inv) : {}),
    ...(inv.stream ? streamFields(inv.stream) : {}),
    ...inv.annotations,
    ...inv.metadata,
  };
}

/** How the environment started; on a cold start, how long it took and its parts. */
function firstInvocationFields(inv: Invocation): Record<string, unknown> {
  const cold = inv.coldStart;
  if (!cold) return { [LOG_KEY.StartType]: inv.start.type };
  return {
    [LOG_KEY.StartType]: inv.start.type,
    [LOG_KEY.ColdStartMs]: cold.durationMs,
    [LOG_KEY.InitMs]: cold.initMs,
    [LOG_KEY.ModelWaitMs]: cold.modelWaitMs,
  };
}

/** A streamed response: to the first byte (`latency_ms` is to the end), bytes, aborted. */
function streamFields(stream: StreamRecord): Record<string, unknown> {
  return {
    [LOG_KEY.FirstByteMs]:
      stream.firstByteMs === undefined ? undefined : roundMs(stream.firstByteMs),
    [LOG_KEY.StreamedBytes]: stream.bytes,
    [LOG_KEY.StreamAborted]: stream.aborted,
  };
}

function roundStages(stages: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key in stages) out[key] = roundMs(stages[key]!);
  return out;
}
