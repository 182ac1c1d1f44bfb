import type { BatchSender } from '../otlpLoader.js';
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
  readonly #sender: BatchSender<MetricsRecord>;
  #held: MetricsRecord[] = [];

  constructor(sender: BatchSender<MetricsRecord>) {
    this.#sender = sender;
  }

  publish(record: MetricsRecord): void {
    if (record.metrics.size > 0) this.#held.push(record);
  }

  /** Send what is held, in one request, and wait for its answer. Never rejects. */
  settle(): Promise<void> {
    if (this.#held.length === 0) return Promise.resolve();
    const records = this.#held;
    this.#held = [];
    return this.#sender.send(records);
  }

  async flush(): Promise<void> {
    await this.settle();
    await this.#sender.flush?.();
  }

  get pending(): number {
    return this.#held.length + (this.#sender.pending ?? 0);
  }
}
