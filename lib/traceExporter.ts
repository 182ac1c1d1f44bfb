import type { ResolvedConfig } from './config.js';
import type { Containment } from './containment.js';
import { TRACES_MODE } from './telemetry.js';
import { ApiSegmentSender } from './tracing/apiSender.js';
import { UdpSegmentSender } from './tracing/udpSender.js';
import type { XRaySpanProcessor } from './tracing/xrayProcessor.js';
import { toSegmentDocuments } from './tracing/xraySegments.js';

/** Where one observe() sends its invocations' traces (`xray-udp` or `xray-api`). */
export interface TraceExporter {
  /**
   * Send the finished spans of `traceId` (one document per trace where it
   * fits), and any span that ended after its own trace was sent; never rejects.
   */
  exportTrace(traceId: string): Promise<void>;
  /** Send every span still buffered, and whatever the sender batches; never rejects. */
  flush(): Promise<void>;
  /** Documents the sender holds for a later call: what an exit now would lose. */
  readonly pending: number;
}

interface Sender {
  send(docs: string[]): Promise<void>;
  flush?(): Promise<void>;
  /** Documents held for a later call (the API sender batches; UDP sends at once). */
  readonly pending?: number;
}

function createSender(config: ResolvedConfig, containment: Containment): Sender | undefined {
  const onError = (error: unknown) => containment.report('trace export', error);
  if (config.traces === TRACES_MODE.XrayUdp) {
    return new UdpSegmentSender({ ...config.daemon, onError });
  }
  if (config.traces === TRACES_MODE.XrayApi) {
    return new ApiSegmentSender({ region: config.region, onError });
  }
  return undefined;
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
        if (taken.length > 0) await sender.send(toSegmentDocuments(taken));
      } catch (error) {
        containment.report('trace export', error);
      }
    },
    async flush() {
      try {
        const taken = spans.takeAll();
        if (taken.length > 0) await sender.send(toSegmentDocuments(taken));
        await sender.flush?.();
      } catch (error) {
        containment.report('trace export', error);
      }
    },
    get pending() {
      return sender.pending ?? 0;
    },
  };
}
