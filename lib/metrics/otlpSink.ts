import { type BatchSender, HeldBatch } from '../otlpLoader.js';
import type { MetricsRecord, MetricsSink } from './record.js';

/**
 * Metrics as OTLP (`OBSERVED_METRICS=otlp-http`): each record is held until
 * {@link settle}, which the invocation awaits before its response (with the
 * trace export, in parallel), so nothing is held across a Lambda freeze:
 * one request per invocation, bounded by the OTLP timeout. Records
 * published outside an invocation leave with the next one, or at
 * `flush()`.
 *
 * @example
 * const sink = new OtlpMetricsSink(sender);
 * sink.publish(record);
 * await sink.settle();
 */
export class OtlpMetricsSink implements MetricsSink {
  readonly #batch: HeldBatch<MetricsRecord>;

  constructor(sender: BatchSender<MetricsRecord>) {
    this.#batch = new HeldBatch(sender);
  }

  publish(record: MetricsRecord): void {
    if (record.metrics.size > 0) this.#batch.hold(record);
  }

  /** Send what is held, in one request, and wait for its answer. Never rejects. */
  settle(): Promise<void> {
    return this.#batch.settle();
  }

  flush(): Promise<void> {
    return this.#batch.flush();
  }

  get pending(): number {
    return this.#batch.pending;
  }
}
