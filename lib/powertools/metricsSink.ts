import { containment } from '../containment.js';
import { DIMENSION } from '../contract/metrics.js';
import type { MetricsRecord, MetricsSink } from '../metrics/record.js';
import type { PowertoolsMetrics } from './types.js';

const OUR_DIMENSIONS: ReadonlySet<string> = new Set(Object.values(DIMENSION));
/** Powertools publishes on its own at 100 values of a metric (or 100 names), and then drops the dimensions. */
const POWERTOOLS_LIMIT = 100;

/**
 * Take Powertools' cold-start flag (true once, on an on-demand environment's
 * first call): `captureColdStartMetric` then writes nothing. The flag's
 * getter is protected in Powertools' types (v2), public in its JavaScript.
 */
function takeColdStart(metrics: PowertoolsMetrics): void {
  try {
    const take = (metrics as { getColdStart?: unknown }).getColdStart;
    if (typeof take === 'function') take.call(metrics);
  } catch (error) {
    containment.report('powertools cold start', error);
  }
}

/**
 * Our metrics into the user's Powertools Metrics, to leave in its one EMF
 * flush: each record's metrics by `addMetric`, `ModelName` and
 * `ModelVersion` by `addDimension` (its `service` and default dimensions
 * complete the set), the request and trace ids by `addMetadata`. The flush
 * itself is `endInvocation()`, called once per invocation unless Powertools'
 * own `logMetrics` middleware will flush after us.
 *
 * `ColdStart`: ours counts the environment's cold start under the model's
 * dimensions; Powertools' cold-start flag on the instance is taken when the
 * sink is made (at init), so its `captureColdStartMetric` writes no second one.
 *
 * @example
 * const sink = new PowertoolsMetricsSink(new Metrics({ namespace: 'ObservedInference' }));
 * sink.publish(record);
 * sink.endInvocation();
 */
export class PowertoolsMetricsSink implements MetricsSink {
  readonly #metrics: PowertoolsMetrics;

  constructor(metrics: PowertoolsMetrics) {
    this.#metrics = metrics;
    takeColdStart(metrics);
  }

  publish(record: MetricsRecord): void {
    // The per-Bedrock-model copies need a dimension set of their own: a Powertools record has one.
    for (const key in record.dimensions) if (!OUR_DIMENSIONS.has(key)) return;
    const m = this.#metrics;
    this.#context(record);
    for (const [name, { unit, values }] of record.metrics) {
      for (const value of values) {
        m.addMetric(name, unit, value);
        // Powertools flushed on its own at 100 values: what follows needs the dimensions again.
        if (values.length >= POWERTOOLS_LIMIT && !m.hasStoredMetrics()) this.#context(record);
      }
    }
  }

  #context(record: MetricsRecord): void {
    const m = this.#metrics;
    for (const key in record.dimensions)
      if (key !== DIMENSION.Service) m.addDimension(key, record.dimensions[key]!);
    for (const key in record.metadata) m.addMetadata(key, record.metadata[key]!);
  }

  /** The invocation's one flush: its metrics, the user's and ours, in one EMF record. */
  endInvocation(): void {
    this.#metrics.publishStoredMetrics();
  }

  async flush(): Promise<void> {}
}
