import type { Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ResolvedConfig } from './config.js';
import { Containment, containment } from './containment.js';
import { flushOnExit, type Unsent } from './exitFlush.js';
import { JsonLogWriter, type LogWriter } from './logs/logger.js';
import { type LogSettings, resolveLogSettings } from './logs/logLevel.js';
import { OtlpLogWriter, TeeLogWriter } from './logs/otlpWriter.js';
import type { LineOutput } from './logs/output.js';
import { ApiMetricsSink } from './metrics/apiSink.js';
import { EmfSink } from './metrics/emfSink.js';
import { OtlpMetricsSink } from './metrics/otlpSink.js';
import type { MetricsSink } from './metrics/record.js';
import { lazyOtlpSender } from './otlpLoader.js';
import { LOGS_MODE, METRICS_MODE, TRACES_MODE } from './telemetry.js';
import { createTraceExporter, type TraceExporter } from './traceExporter.js';
import { activeContext, getProcessTracer, TRACER_NAME } from './tracer.js';
import { globalProviderExporter } from './tracing/globalProvider.js';
import type { XRaySpanProcessor } from './tracing/xrayProcessor.js';
import { toSegmentDocuments } from './tracing/xraySegments.js';

/**
 * Where one observe() call's telemetry goes, made once from its config: the
 * trace exporter, the metrics sink and the log writer of the modes it asked
 * for. Two observe() calls with different modes each get their own; the
 * tracer (which users' own OpenTelemetry spans join) and the containment of
 * our failures are the process's.
 */
export interface Sinks {
  readonly config: ResolvedConfig;
  readonly containment: Containment;
  /** Starts this observe()'s invocation spans (and their siblings): recorded only when it exports traces. */
  readonly rootTracer: Tracer;
  /** Every span inside an invocation, recorded when its parent is (see `tracer.ts`). */
  readonly tracer: Tracer;
  /** A global provider not ours records the spans: invocations nest under the span active at their start. */
  readonly globalProvider: boolean;
  /** Undefined when traces are `off`: the invocation's spans are not even recorded. */
  readonly traces: TraceExporter | undefined;
  readonly metrics: MetricsSink | undefined;
  readonly log: LogWriter;
}

/** The exporters and writers of a config: shared by every observe() whose config sends to the same places. */
type Outputs = Pick<Sinks, 'traces' | 'metrics' | 'log'>;

/**
 * The outputs made so far, by where they send: for flush() and the flush at
 * exit only (helpers reach theirs through the invocation). Keyed, so that
 * observe() called per request reuses them: a new set per call grew the heap
 * without end and opened a UDP socket each time.
 */
const made = new Map<string, Outputs>();
let spanBuffer: XRaySpanProcessor | undefined;

const SCOPE = { name: TRACER_NAME };

function createMetricsSink(config: ResolvedConfig, resource: Resource): MetricsSink | undefined {
  if (config.metrics === METRICS_MODE.Emf) return new EmfSink(config.namespace);
  const otlp = config.otlpMetrics;
  if (config.metrics === METRICS_MODE.OtlpHttp && otlp) {
    const area = 'metrics export';
    // Delta intervals start at the process start: the first record covers init too.
    const startMs = performance.timeOrigin;
    const sender = lazyOtlpSender(
      ({ OtlpHttpSender, otlpMetricsSignal }) =>
        new OtlpHttpSender({
          ...otlp,
          signal: otlpMetricsSignal({ resource, scope: SCOPE, startMs }),
          onError: (error, lost) => containment.report(area, error, lost),
        }),
      containment,
      area,
    );
    return new OtlpMetricsSink(sender);
  }
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

/** The log writer of a config's logs mode: the JSON line, OTLP log records, or both. */
function createInvocationLogWriter(config: ResolvedConfig, resource: Resource): LogWriter {
  const json = createLogWriter(config.serviceName);
  const otlp = config.otlpLogs;
  if (config.logs === LOGS_MODE.Stdout || !otlp) return json;
  const area = 'log export';
  const sender = lazyOtlpSender(
    ({ OtlpHttpSender, otlpLogsSignal }) =>
      new OtlpHttpSender({
        ...otlp,
        signal: otlpLogsSignal({ resource, scope: SCOPE, service: config.serviceName }),
        onError: (error, lost) => containment.report(area, error, lost),
      }),
    containment,
    area,
  );
  logSettings ??= resolveLogSettings(process.env);
  const writer = new OtlpLogWriter(sender, logSettings);
  // Our own warnings go where the log lines go (and to stderr, as always).
  containment.listen((message, fields) => writer.write('warn', message, fields));
  return config.logs === LOGS_MODE.Both ? new TeeLogWriter(json, writer) : writer;
}

/**
 * A log writer for `service`; the level (and its sampling draw) is resolved once per process.
 *
 * @example
 * createLogWriter('fraud-api').write('warn', 'model reloaded', {});
 */
export function createLogWriter(service: string): LogWriter {
  logSettings ??= resolveLogSettings(process.env);
  return new JsonLogWriter({
    service,
    settings: logSettings,
    onError: (error) => containment.report('log field', error),
  });
}

/**
 * The sinks of a resolved config (once per observe() call).
 *
 * @example
 * const sinks = createSinks(resolveConfig(process.env, options).config);
 */
export function createSinks(config: ResolvedConfig): Sinks {
  const { tracer, tracedRoot, untracedRoot, spans, resource, global } = getProcessTracer(
    config,
    containment,
  );
  spanBuffer = spans;
  const outputs = outputsOf(config, spans, resource, global);
  const batches =
    config.metrics === METRICS_MODE.Api ||
    config.metrics === METRICS_MODE.OtlpHttp ||
    config.logs !== LOGS_MODE.Stdout ||
    config.traces === TRACES_MODE.XrayApi;
  if (batches) watchExit();
  return {
    config,
    containment,
    rootTracer: outputs.traces ? tracedRoot : untracedRoot,
    tracer,
    globalProvider: global,
    ...outputs,
  };
}

/** Where a priming run's lines go: nowhere. */
const DISCARD: LineOutput = { stdout() {}, stderr() {}, flush() {} };

/**
 * Sinks shaped like `sinks` whose outputs write nothing, for the priming run
 * of `priming.ts`: the same tracer (its spans are taken back out of the
 * process's buffer and turned into documents, which are dropped), an EMF sink
 * and a log writer on a discarding output, and a containment of their own
 * that reports nowhere. Undefined where priming would not compile what the
 * invocations run, or could leave something behind: outside Lambda, under a
 * global provider not ours (its exporter would send the spans), and for the
 * api and OTLP modes (they batch, or load their exporters on first use).
 *
 * @example
 * const quiet = createPrimingSinks(sinks); // then new Observation(quiet, options, true)
 */
export function createPrimingSinks(sinks: Sinks): Sinks | undefined {
  const { config } = sinks;
  if (!config.inLambda || sinks.globalProvider || config.logs !== LOGS_MODE.Stdout)
    return undefined;
  const emf = config.metrics === METRICS_MODE.Emf;
  if (!emf && config.metrics !== METRICS_MODE.Off) return undefined;
  const xray = config.traces === TRACES_MODE.XrayUdp;
  if (!xray && config.traces !== TRACES_MODE.Off) return undefined;
  const { spans } = getProcessTracer(config, containment);
  const traces: TraceExporter | undefined = xray
    ? {
        async exportTrace(traceId) {
          try {
            toSegmentDocuments(spans.takeTrace(traceId));
          } catch {
            // Priming only: what the invocations would report is theirs to report.
          }
        },
        flush: () => Promise.resolve(),
        pending: 0,
      }
    : undefined;
  logSettings ??= resolveLogSettings(process.env);
  const quiet = new Containment(() => {});
  return {
    ...sinks,
    containment: quiet,
    traces,
    metrics: emf ? new EmfSink(config.namespace, DISCARD) : undefined,
    log: new JsonLogWriter({
      service: config.serviceName,
      settings: logSettings,
      output: DISCARD,
      onError: () => {},
    }),
  };
}

/** Everything the outputs are made from (the config's other fields only shape records). */
function outputsKey(config: ResolvedConfig): string {
  const { traces, daemon, otlp, region, metrics, namespace, serviceName } = config;
  const { otlpMetrics, logs, otlpLogs } = config;
  return JSON.stringify([
    traces,
    daemon,
    otlp,
    region,
    metrics,
    namespace,
    serviceName,
    otlpMetrics,
    logs,
    otlpLogs,
  ]);
}

function outputsOf(
  config: ResolvedConfig,
  spans: XRaySpanProcessor,
  resource: Resource,
  global: boolean,
): Outputs {
  const key = outputsKey(config);
  let outputs = made.get(key);
  if (!outputs) {
    // The global provider's own exporter sends the spans it records: ours would have none.
    const theirs = global && config.traces !== TRACES_MODE.Off;
    outputs = {
      traces: theirs
        ? globalProviderExporter(containment, activeContext)
        : createTraceExporter(config, containment, spans),
      metrics: createMetricsSink(config, resource),
      log: createInvocationLogWriter(config, resource),
    };
    made.set(key, outputs);
  }
  return outputs;
}

/**
 * Send everything buffered by every set of sinks and wait for it: the one core
 * of `flush()` and of the flush at process exit. Never rejects: each sink
 * contains its own failures.
 */
async function flushAll(): Promise<void> {
  const pending: Array<Promise<void>> = [];
  for (const sinks of made.values()) {
    if (sinks.metrics) pending.push(sinks.metrics.flush());
    if (sinks.traces) pending.push(sinks.traces.flush());
    if (sinks.log.flush) pending.push(sinks.log.flush());
  }
  await Promise.all(pending);
}

/** What the batching (api) sinks hold: lost if the process exits now. */
function unsent(): Unsent {
  let metrics = 0;
  let logs = 0;
  // Every span recorded waits for an exporter to take it (no other is recorded).
  let traces = spanBuffer?.size ?? 0;
  for (const sinks of made.values()) {
    metrics += sinks.metrics?.pending ?? 0;
    logs += sinks.log.pending ?? 0;
    traces += sinks.traces?.pending ?? 0;
  }
  return { metrics, logs, traces };
}

let exitWatched = false;
/** Once per process, and only once an api mode batches: Lambda writes before each response. */
function watchExit(): void {
  if (exitWatched) return;
  exitWatched = true;
  flushOnExit({ containment, unsent, flush: flushAll });
}

/** Public; documented where `index.ts` exports it. */
export async function flush(): Promise<void> {
  await flushAll();
}
