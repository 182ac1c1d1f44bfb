import type { ResolvedConfig } from './config.js';
import { Containment } from './containment.js';
import { flushOnExit, type Unsent } from './exitFlush.js';
import { JsonLogWriter, type LogWriter } from './logs/logger.js';
import { type LogSettings, resolveLogSettings } from './logs/logLevel.js';
import { ApiMetricsSink } from './metrics/apiSink.js';
import { EmfSink } from './metrics/emfSink.js';
import type { MetricsSink } from './metrics/record.js';
import { METRICS_MODE, TRACES_MODE } from './telemetry.js';
import { getTracing, type Tracing } from './tracer.js';

/** The writers one observe() call uses; tracing and containment are per process. */
export interface Runtime {
  readonly config: ResolvedConfig;
  readonly containment: Containment;
  readonly tracing: Tracing;
  readonly metrics: MetricsSink | undefined;
  readonly log: LogWriter;
}

/** Failures inside our code, for the whole process. */
export const containment = new Containment();

const runtimes = new Set<Runtime>();

function createMetricsSink(config: ResolvedConfig): MetricsSink | undefined {
  if (config.metrics === METRICS_MODE.Emf) return new EmfSink(config.namespace);
  if (config.metrics === METRICS_MODE.Api) {
    return new ApiMetricsSink({
      namespace: config.namespace,
      region: config.region,
      onError: (error) => containment.report('metrics export', error),
    });
  }
  return undefined;
}

let logSettings: LogSettings | undefined;

/** A log writer for `service`; the level (and its sampling draw) is resolved once per process. */
function createLogWriter(service: string): LogWriter {
  logSettings ??= resolveLogSettings(process.env);
  return new JsonLogWriter({
    service,
    settings: logSettings,
    onError: (error) => containment.report('log field', error),
  });
}

/** Build (once per observe() call) the sinks for a resolved config. */
export function createRuntime(config: ResolvedConfig): Runtime {
  const runtime: Runtime = {
    config,
    containment,
    tracing: getTracing(config, containment),
    metrics: createMetricsSink(config),
    log: createLogWriter(config.serviceName),
  };
  runtimes.add(runtime);
  if (config.metrics === METRICS_MODE.Api || config.traces === TRACES_MODE.XrayApi) watchExit();
  return runtime;
}

/** Every runtime created so far. */
export function allRuntimes(): Iterable<Runtime> {
  return runtimes;
}

/**
 * Send everything buffered by every runtime and wait for it: the one core of
 * `flush()` and of the flush at process exit. Never rejects: each sink
 * contains its own failures.
 *
 * @example
 * await flushRuntimes();
 */
export async function flushRuntimes(): Promise<void> {
  const pending: Array<Promise<void>> = [];
  for (const runtime of runtimes) {
    if (runtime.metrics) pending.push(runtime.metrics.flush());
    pending.push(runtime.tracing.flush());
  }
  await Promise.all(pending);
}

/** What the batching (api) sinks hold: lost if the process exits now. */
function unsent(): Unsent {
  let datums = 0;
  for (const runtime of runtimes) datums += runtime.metrics?.pending ?? 0;
  return { datums, segments: activeTracing()?.pending() ?? 0 };
}

let exitWatched = false;
/** Once per process, and only once an api mode batches: Lambda writes before each response. */
function watchExit(): void {
  if (exitWatched) return;
  exitWatched = true;
  flushOnExit({ containment, unsent, flush: flushRuntimes });
}

let fallbackLog: LogWriter | undefined;

/** A log writer for messages outside any invocation (e.g. a model reload before observe()). */
export function internalLog(): LogWriter {
  const first = runtimes.values().next();
  if (!first.done) return first.value.log;
  fallbackLog ??= createLogWriter(
    process.env.POWERTOOLS_SERVICE_NAME ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local',
  );
  return fallbackLog;
}

/** The tracer of this process, once an observe() created it. */
export function activeTracing(): Tracing | undefined {
  const first = runtimes.values().next();
  return first.done ? undefined : first.value.tracing;
}
