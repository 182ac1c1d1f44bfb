import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from './config.js';
import type { Containment } from './containment.js';
import { type BatchSender, lazyOtlpSender } from './otlpLoader.js';
import { TRACES_MODE } from './telemetry.js';
import { ApiSegmentSender } from './tracing/apiSender.js';
import { UdpSegmentSender, UdpSender } from './tracing/udpSender.js';
import type { XRaySpanProcessor } from './tracing/xrayProcessor.js';
import { toSegmentDocuments } from './tracing/xraySegments.js';

/** Where one observe() sends its invocations' traces: one of the exporters of `TRACES_MODE`. */
export interface TraceExporter {
  /**
   * Send the finished spans of `traceId`, and any span that ended after its
   * own trace was sent; never rejects.
   */
  exportTrace(traceId: string): Promise<void>;
  /** Send every span still buffered, and whatever the sender batches; never rejects. */
  flush(): Promise<void>;
  /** Documents or spans the sender holds for a later call or an answer: what an exit now would lose. */
  readonly pending: number;
}

/**
 * How one exporter turns spans into what it sends, and sends it: the span
 * model is the same for all (the buffer's `ReadableSpan`s); only this differs.
 */
type SpanSender = BatchSender<ReadableSpan>;

const AREA = 'trace export';

/** X-Ray segment documents, by UDP to the daemon or by PutTraceSegments. */
function xraySender(sender: UdpSegmentSender | ApiSegmentSender): SpanSender {
  return {
    send: (spans) => sender.send(toSegmentDocuments(spans)),
    flush: () => ('flush' in sender ? sender.flush() : Promise.resolve()),
    get pending() {
      return 'pending' in sender ? sender.pending : 0;
    },
  };
}

function otlpUdpSender(config: ResolvedConfig, containment: Containment): SpanSender {
  return lazyOtlpSender(
    ({ OTLP_DAEMON_HEADER, toOtlpDatagrams }) => {
      const udp = new UdpSender({
        ...config.daemon,
        prefix: OTLP_DAEMON_HEADER,
        onError: (error) => containment.report(AREA, error),
      });
      const onOversize = (error: Error) => containment.report('otlp datagram', error);
      return { send: (spans) => udp.send(toOtlpDatagrams(spans, { onOversize })) };
    },
    containment,
    AREA,
  );
}

function otlpHttpSender(config: ResolvedConfig, containment: Containment): SpanSender {
  const otlp = config.otlp;
  if (!otlp) throw new Error('otlp-http without its resolved endpoint');
  return lazyOtlpSender(
    ({ OtlpHttpSender, OTLP_TRACES }) =>
      new OtlpHttpSender({
        ...otlp,
        signal: OTLP_TRACES,
        onError: (error, lost) => containment.report(AREA, error, lost),
      }),
    containment,
    AREA,
  );
}

function createSender(config: ResolvedConfig, containment: Containment): SpanSender | undefined {
  const onError = (error: unknown) => containment.report(AREA, error);
  switch (config.traces) {
    case TRACES_MODE.XrayUdp: {
      const udp = new UdpSegmentSender({ ...config.daemon, onError });
      // In Lambda the socket connects at init, where its built-ins load once, not in the first invocation.
      if (config.inLambda) udp.open();
      return xraySender(udp);
    }
    case TRACES_MODE.XrayApi:
      return xraySender(new ApiSegmentSender({ region: config.region, onError }));
    case TRACES_MODE.OtlpUdp:
      return otlpUdpSender(config, containment);
    case TRACES_MODE.OtlpHttp:
      return otlpHttpSender(config, containment);
    default:
      return undefined;
  }
}

/**
 * The exporter of a config's traces mode, taking traces from the process's
 * span buffer; undefined for `off`.
 *
 * @example
 * await createTraceExporter(config, containment, spans)?.exportTrace(traceId);
 */
export function createTraceExporter(
  config: ResolvedConfig,
  containment: Containment,
  spans: XRaySpanProcessor,
): TraceExporter | undefined {
  const sender = createSender(config, containment);
  if (!sender) return undefined;
  return {
    async exportTrace(traceId) {
      // An unsampled invocation buffers nothing: no work, not even remembering its id.
      if (spans.size === 0) return;
      try {
        const taken = spans.takeTrace(traceId);
        if (taken.length > 0) await sender.send(taken);
      } catch (error) {
        containment.report(AREA, error);
      }
    },
    async flush() {
      try {
        const taken = spans.takeAll();
        if (taken.length > 0) await sender.send(taken);
        await sender.flush?.();
      } catch (error) {
        containment.report(AREA, error);
      }
    },
    get pending() {
      return sender.pending ?? 0;
    },
  };
}
