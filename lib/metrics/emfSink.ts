import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as PowertoolsUnit } from '@aws-lambda-powertools/metrics/types';
import { DIMENSION } from '../telemetry.js';
import { chunkMetrics, type MetricsRecord, type MetricsSink } from './record.js';

/** EMF allows 100 metric definitions per record. */
const EMF_MAX_METRICS = 100;
/**
 * EMF allows 100 values per metric, but Powertools publishes (and clears the
 * record's metadata) on its own as soon as a metric holds 100, so a chunk stops one short.
 */
const EMF_MAX_VALUES = 99;

/**
 * Writes each record as EMF on stdout through Powertools Metrics: no API call
 * on the hot path; CloudWatch Logs turns the lines into metrics.
 *
 * @example
 * const sink = new EmfSink('ObservedInference', 'fraud-api');
 * sink.publish(record);
 */
export class EmfSink implements MetricsSink {
  /** One Powertools instance per model, so its default dimensions survive its own auto-flushes. */
  readonly #byModel = new Map<string, Metrics>();
  readonly #namespace: string;
  readonly #service: string;

  constructor(namespace: string, service: string) {
    this.#namespace = namespace;
    this.#service = service;
  }

  #metricsFor(dimensions: Readonly<Record<string, string>>): Metrics {
    const name = dimensions[DIMENSION.ModelName] ?? '';
    const version = dimensions[DIMENSION.ModelVersion] ?? '';
    const key = `${name}\u0000${version}`;
    let metrics = this.#byModel.get(key);
    if (!metrics) {
      metrics = new Metrics({
        namespace: this.#namespace,
        serviceName: this.#service,
        defaultDimensions: { [DIMENSION.ModelName]: name, [DIMENSION.ModelVersion]: version },
      });
      this.#byModel.set(key, metrics);
    }
    return metrics;
  }

  publish(record: MetricsRecord): void {
    const metrics = this.#metricsFor(record.dimensions);
    // Synchronous from here to publish: overlapping invocations cannot interleave.
    for (const chunk of chunkMetrics(record.metrics, EMF_MAX_METRICS, EMF_MAX_VALUES)) {
      for (const key in record.metadata) metrics.addMetadata(key, record.metadata[key]!);
      metrics.setTimestamp(record.timestamp);
      for (const [name, { unit, values }] of chunk) {
        for (const value of values) metrics.addMetric(name, unit as PowertoolsUnit, value);
      }
      metrics.publishStoredMetrics();
    }
  }

  async flush(): Promise<void> {}
}
