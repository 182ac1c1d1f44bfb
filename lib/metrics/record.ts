import type { MetricUnit } from '../telemetry.js';

/** One metric's unit and the values recorded in one invocation. */
export interface MetricValues {
  readonly unit: MetricUnit;
  readonly values: number[];
}

/** Everything one invocation records: written as one EMF record (split only past EMF limits). */
export interface MetricsRecord {
  /** `service`, `ModelName`, `ModelVersion`. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly metrics: ReadonlyMap<string, MetricValues>;
  /** High-cardinality context (request and trace ids): EMF properties, not dimensions. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly timestamp: number;
  /**
   * Some of the metrics stated a second time under more dimensions (the
   * model-call metrics by `BedrockModelId`): a second directive of the same
   * EMF record. `dimensions` are the added ones; absent on most records.
   */
  readonly also?: {
    readonly dimensions: Readonly<Record<string, string>>;
    readonly names: readonly string[];
  };
}

/** A destination for metrics records: EMF on stdout in Lambda, PutMetricData elsewhere, or OTLP. */
export interface MetricsSink {
  publish(record: MetricsRecord): void;
  /** Send what is held before the invocation's response (OTLP); absent where records leave at once or batch. */
  settle?(): Promise<void>;
  flush(): Promise<void>;
  /**
   * Write what the invocation's records added, where the sink holds them per
   * invocation (a user's Powertools Metrics: its one `publishStoredMetrics()`).
   */
  endInvocation?(): void;
  /** Datums accepted but not yet sent; absent where records are written at once (EMF). */
  readonly pending?: number;
}

/** Add a value to a per-invocation metrics map. */
export function addValue(
  metrics: Map<string, MetricValues>,
  name: string,
  unit: MetricUnit,
  value: number,
): void {
  const existing = metrics.get(name);
  if (existing) existing.values.push(value);
  else metrics.set(name, { unit, values: [value] });
}

/**
 * Split a record's metrics into chunks within per-record limits: at most
 * `maxMetrics` names and `maxValues` values per name in each chunk. Data is
 * split, never dropped.
 *
 * @example
 * chunkMetrics(new Map([['Confidence', { unit: 'None', values: Array(250).fill(0.9) }]]), 100, 99).length; // 3
 */
export function chunkMetrics(
  metrics: ReadonlyMap<string, MetricValues>,
  maxMetrics: number,
  maxValues: number,
): Array<Map<string, MetricValues>> {
  const chunks: Array<Map<string, MetricValues>> = [];
  for (const [name, { unit, values }] of metrics) {
    for (let offset = 0; offset < values.length; offset += maxValues) {
      const slice = values.length <= maxValues ? values : values.slice(offset, offset + maxValues);
      // Each slice of one metric lands in a different chunk: the first with room that lacks it.
      let chunk = chunks.find((c) => c.size < maxMetrics && !c.has(name));
      if (!chunk) {
        chunk = new Map();
        chunks.push(chunk);
      }
      chunk.set(name, { unit, values: slice });
    }
  }
  return chunks;
}
