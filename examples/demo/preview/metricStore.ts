import { computeStatistic, parseStatistic } from './statistics.js';

/** A CloudWatch metric: namespace, name and its exact dimension set with values. */
export interface MetricIdentity {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** A metric query, as `GetMetricData` would take it (times in epoch ms, period in s). */
export interface MetricQuery extends MetricIdentity {
  /** `Sum`, `Average`, `p99`, `TM(10%:90%)`… (see `statistics.ts`). */
  readonly stat: string;
  readonly period: number;
  /** Inclusive. */
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/** One data point: the start of its period (epoch ms) and the statistic's value. */
export interface Datapoint {
  readonly timestamp: number;
  readonly value: number;
}

/** What a parsed EMF line looks like to the store (see `local-lambda/outputRecords.ts`). */
export interface EmfLike {
  readonly _aws?: {
    readonly Timestamp?: unknown;
    readonly CloudWatchMetrics?: ReadonlyArray<{
      readonly Namespace?: unknown;
      readonly Dimensions?: unknown;
      readonly Metrics?: ReadonlyArray<{ readonly Name?: unknown; readonly Unit?: unknown }>;
    }>;
  };
  readonly [key: string]: unknown;
}

interface Samples {
  readonly identity: MetricIdentity;
  unit: string | undefined;
  readonly times: number[];
  readonly values: number[];
}

/** Same metric ⇔ same namespace, name and dimension set (order of dimensions aside). */
function metricKey(m: MetricIdentity): string {
  const dims = Object.entries(m.dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([m.namespace, m.metricName, dims]);
}

/**
 * Raw metric values by CloudWatch metric, built from EMF records, queried the
 * way CloudWatch aggregates them: per period aligned to the epoch, one data
 * point per period that has values.
 *
 * @example
 * const store = MetricStore.fromEmf(records);
 * store.query({ namespace: 'ObservedInference', metricName: 'InferenceLatency',
 *   dimensions: { service: 'fraud-api', ModelName: 'fraud', ModelVersion: '1' },
 *   stat: 'p99', period: 300, start: 0, end: Date.now() });
 */
export class MetricStore {
  readonly #metrics = new Map<string, Samples>();

  /** A store of every metric in `records`; records that are not EMF are skipped. */
  static fromEmf(records: readonly unknown[]): MetricStore {
    const store = new MetricStore();
    for (const record of records) store.addEmf(record);
    return store;
  }

  /**
   * Add one EMF record: every metric of every directive, once per dimension
   * set (CloudWatch makes one metric per set). Returns how many values were added.
   */
  addEmf(record: unknown): number {
    if (typeof record !== 'object' || record === null) return 0;
    const r = record as EmfLike;
    const timestamp = r._aws?.Timestamp;
    if (typeof timestamp !== 'number') return 0;
    let added = 0;
    for (const directive of r._aws?.CloudWatchMetrics ?? []) {
      if (typeof directive.Namespace !== 'string' || !Array.isArray(directive.Dimensions)) continue;
      for (const set of directive.Dimensions as unknown[]) {
        const dimensions = dimensionValues(r, set);
        if (!dimensions) continue;
        for (const m of directive.Metrics ?? []) {
          if (typeof m.Name !== 'string') continue;
          const values = metricValues(r[m.Name]);
          const unit = typeof m.Unit === 'string' ? m.Unit : undefined;
          const identity = { namespace: directive.Namespace, metricName: m.Name, dimensions };
          added += this.put(identity, timestamp, values, unit);
        }
      }
    }
    return added;
  }

  /**
   * Add raw values of a metric at a time (e.g. Lambda's own `AWS/Lambda`
   * metrics, which a local run has no EMF for). Non-finite values are ignored.
   */
  put(
    identity: MetricIdentity,
    timestamp: number,
    values: readonly number[],
    unit?: string,
  ): number {
    const key = metricKey(identity);
    let samples = this.#metrics.get(key);
    if (!samples) {
      samples = {
        identity: { ...identity, dimensions: { ...identity.dimensions } },
        unit,
        times: [],
        values: [],
      };
      this.#metrics.set(key, samples);
    }
    samples.unit ??= unit;
    let added = 0;
    for (const v of values) {
      if (!Number.isFinite(v)) continue;
      samples.times.push(timestamp);
      samples.values.push(v);
      added++;
    }
    return added;
  }

  /** Every metric that has values. */
  metrics(): MetricIdentity[] {
    return [...this.#metrics.values()].map((s) => s.identity);
  }

  /** Whether this exact metric (dimension set included) has values. */
  has(identity: MetricIdentity): boolean {
    return this.#metrics.has(metricKey(identity));
  }

  /** The unit the metric was published with, if any. */
  unit(identity: MetricIdentity): string | undefined {
    return this.#metrics.get(metricKey(identity))?.unit;
  }

  /** First and last timestamp of any value (epoch ms), or undefined when empty. */
  timeRange(): { start: number; end: number } | undefined {
    let start = Number.POSITIVE_INFINITY;
    let end = Number.NEGATIVE_INFINITY;
    for (const s of this.#metrics.values())
      for (const t of s.times) {
        if (t < start) start = t;
        if (t > end) end = t;
      }
    return start <= end ? { start, end } : undefined;
  }

  /**
   * The statistic over every value of a metric, whatever period boundaries
   * its values straddle: what one period holding exactly those values would
   * show. `undefined` when CloudWatch would have no data point (no values, a
   * percentile over negative values). Throws `UnsupportedStatisticError` as
   * {@link MetricStore.query} does.
   *
   * @example
   * store.statistic({ namespace: 'ObservedInference', metricName: 'InferenceLatency',
   *   dimensions: { service: 'fraud-api', ModelName: 'fraud', ModelVersion: '1' } }, 'p99');
   */
  statistic(identity: MetricIdentity, stat: string): number | undefined {
    const parsed = parseStatistic(stat);
    return computeStatistic(parsed, this.#metrics.get(metricKey(identity))?.values ?? []);
  }

  /**
   * The statistic per period in [start, end), oldest first. A metric with one
   * dimension more or less than stored is another metric: no data points.
   * Throws `UnsupportedStatisticError` for a statistic the preview cannot compute.
   */
  query(q: MetricQuery): Datapoint[] {
    const stat = parseStatistic(q.stat);
    if (!(q.period > 0)) throw new RangeError(`period must be positive, got ${q.period}`);
    const samples = this.#metrics.get(metricKey(q));
    if (!samples) return [];
    const periodMs = q.period * 1000;
    const buckets = new Map<number, number[]>();
    samples.times.forEach((t, i) => {
      if (t < q.start || t >= q.end) return;
      const bucket = Math.floor(t / periodMs) * periodMs;
      const values = buckets.get(bucket) ?? [];
      buckets.set(bucket, values);
      values.push(samples.values[i]!);
    });
    const points: Datapoint[] = [];
    for (const [timestamp, values] of [...buckets].sort(([a], [b]) => a - b)) {
      const value = computeStatistic(stat, values);
      if (value !== undefined) points.push({ timestamp, value });
    }
    return points;
  }
}

function dimensionValues(record: EmfLike, set: unknown): Record<string, string> | undefined {
  if (!Array.isArray(set)) return undefined;
  const dimensions: Record<string, string> = {};
  for (const name of set) {
    const value = typeof name === 'string' ? record[name] : undefined;
    if (typeof value !== 'string') return undefined;
    dimensions[name as string] = value;
  }
  return dimensions;
}

function metricValues(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number');
  return [];
}
