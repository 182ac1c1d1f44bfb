import type { CloudWatchClient, MetricDatum } from '@aws-sdk/client-cloudwatch';
import type { MetricsRecord, MetricsSink } from './record.js';

/** PutMetricData takes at most 1,000 datums and 150 values per datum. */
const MAX_DATUMS_PER_CALL = 1000;
const MAX_VALUES_PER_DATUM = 150;
/** Past this many buffered datums the oldest are dropped (and counted). */
const MAX_BUFFERED = 20_000;

export interface ApiSinkOptions {
  readonly namespace: string;
  readonly region?: string;
  readonly onError: (error: unknown) => void;
  /** Send buffered datums this often; default 10 s. The timer never keeps the process alive. */
  readonly intervalMs?: number;
}

function valueCounts(values: readonly number[]): { Values: number[]; Counts: number[] } {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return { Values: [...counts.keys()], Counts: [...counts.values()] };
}

/**
 * Batches records into `PutMetricData` calls: the metrics path outside Lambda
 * (local runs, containers). The AWS SDK client is imported on first send.
 *
 * @example
 * const sink = new ApiMetricsSink({ namespace: 'ObservedInference', onError: console.error });
 * sink.publish(record);
 * await sink.flush();
 */
export class ApiMetricsSink implements MetricsSink {
  readonly #options: ApiSinkOptions;
  #buffer: MetricDatum[] = [];
  #client:
    | Promise<{ client: CloudWatchClient; send: (d: MetricDatum[]) => Promise<unknown> }>
    | undefined;
  #timer: NodeJS.Timeout | undefined;
  #inFlight = new Set<Promise<void>>();
  #inFlightDatums = 0;

  constructor(options: ApiSinkOptions) {
    this.#options = options;
  }

  publish(record: MetricsRecord): void {
    const dimensions = Object.entries(record.dimensions).map(([Name, Value]) => ({ Name, Value }));
    const timestamp = new Date(record.timestamp);
    for (const [name, { unit, values }] of record.metrics)
      this.#push(name, unit, values, dimensions, timestamp);
    // The EMF record's second directive (model-call metrics by model id): the same values under more dimensions.
    const also = record.also;
    if (also) {
      const more = [
        ...dimensions,
        ...Object.entries(also.dimensions).map(([Name, Value]) => ({ Name, Value })),
      ];
      for (const name of also.names) {
        const metric = record.metrics.get(name);
        if (metric) this.#push(name, metric.unit, metric.values, more, timestamp);
      }
    }
    if (this.#buffer.length > MAX_BUFFERED) {
      const dropped = this.#buffer.length - MAX_BUFFERED;
      this.#buffer.splice(0, dropped);
      this.#options.onError(new Error(`metrics buffer full: dropped the ${dropped} oldest datums`));
    }
    if (this.#buffer.length >= MAX_DATUMS_PER_CALL) this.#sendBuffered();
    else this.#schedule();
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#sendBuffered();
    }, this.#options.intervalMs ?? 10_000);
    this.#timer.unref();
  }

  #sendBuffered(): void {
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.splice(0, MAX_DATUMS_PER_CALL);
      this.#inFlightDatums += batch.length;
      const sent = this.#send(batch).finally(() => {
        this.#inFlight.delete(sent);
        this.#inFlightDatums -= batch.length;
      });
      this.#inFlight.add(sent);
    }
  }

  async #send(batch: MetricDatum[]): Promise<void> {
    try {
      this.#client ??= this.#createClient();
      await (await this.#client).send(batch);
    } catch (error) {
      this.#options.onError(error);
    }
  }

  async #createClient() {
    const { CloudWatchClient, PutMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
    const client = new CloudWatchClient(
      this.#options.region ? { region: this.#options.region } : {},
    );
    const namespace = this.#options.namespace;
    return {
      client,
      send: (MetricData: MetricDatum[]) =>
        client.send(new PutMetricDataCommand({ Namespace: namespace, MetricData })),
    };
  }

  /** Datums buffered or in a call not yet answered: what a process exit now would lose. */
  get pending(): number {
    return this.#buffer.length + this.#inFlightDatums;
  }

  /** Send everything buffered and wait for it; never rejects. */
  #push(
    name: string,
    unit: MetricDatum['Unit'],
    values: readonly number[],
    dimensions: MetricDatum['Dimensions'],
    timestamp: Date,
  ): void {
    for (let i = 0; i < values.length; i += MAX_VALUES_PER_DATUM) {
      const { Values, Counts } = valueCounts(values.slice(i, i + MAX_VALUES_PER_DATUM));
      this.#buffer.push({
        MetricName: name,
        Dimensions: dimensions,
        Timestamp: timestamp,
        Unit: unit,
        Values,
        Counts,
      });
    }
  }

  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#sendBuffered();
    await Promise.all(this.#inFlight);
  }
}
