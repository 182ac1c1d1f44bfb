import type { HrTime } from '@opentelemetry/api';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';
import {
  METRIC,
  type MetricUnit,
  OTLP_CONFIDENCE_BOUNDARIES,
  OTLP_GAUGE_COUNTS,
  OTLP_LATENCY_BOUNDARIES_MS,
  OTLP_SUMMED_VALUES,
  OTLP_UNIT,
  UNIT,
} from '../telemetry.js';
import type { OtlpSignal } from '../tracing/otlpHttp.js';
import type { MetricsRecord, MetricValues } from './record.js';

/*
 * Metrics records as OTLP metrics, built as the SDK's `ResourceMetrics`
 * data directly (no MeterProvider: one record is already aggregated, and an
 * SDK pipeline per invocation would cost more than the record). The types
 * are read off the serializer, so nothing here names `sdk-metrics`.
 */
type ResourceMetrics = Parameters<typeof ProtobufMetricsSerializer.serializeRequest>[0];
type MetricData = ResourceMetrics['scopeMetrics'][number]['metrics'][number];
type Descriptor = MetricData['descriptor'];

/** `@opentelemetry/sdk-metrics`' `DataPointType` and `AggregationTemporality`, and the API's `ValueType`. */
const HISTOGRAM = 0;
const GAUGE = 2;
const SUM = 3;
const DELTA = 0;
const DOUBLE = 1;

const TIME_IN_MS: Partial<Record<MetricUnit, number>> = {
  [UNIT.Milliseconds]: 1,
  [UNIT.Seconds]: 1_000,
  [UNIT.Microseconds]: 0.001,
};
const SUM_UNITS: ReadonlySet<string> = new Set<MetricUnit>([
  UNIT.Count,
  UNIT.Bytes,
  UNIT.Kilobytes,
  UNIT.Megabytes,
  UNIT.Gigabytes,
  UNIT.Terabytes,
  UNIT.Bits,
  UNIT.Kilobits,
  UNIT.Megabits,
  UNIT.Gigabits,
  UNIT.Terabits,
]);

/** How one metric is sent: its OTLP kind and, for histograms, the scale and buckets. */
type Kind =
  | { readonly type: 'histogram'; readonly scale: number; readonly boundaries: readonly number[] }
  | { readonly type: 'sum' }
  | { readonly type: 'gauge' };

/**
 * The OTLP kind of a contract metric: durations (a time unit) and
 * `Confidence` are histograms; counts and sizes in bytes monotonic delta
 * sums, except the counts that are sizes (`BatchSize`, `DriftWindowSize`)
 * and levels (`MaxMemoryUsed`); `ComputeCost` a sum too; everything else
 * (scores, percentages, rates) a gauge.
 *
 * @example
 * otlpKind('InferenceLatency', 'Milliseconds').type; // 'histogram'
 */
export function otlpKind(name: string, unit: MetricUnit): Kind {
  const scale = TIME_IN_MS[unit];
  if (scale !== undefined)
    return { type: 'histogram', scale, boundaries: OTLP_LATENCY_BOUNDARIES_MS };
  if (name === METRIC.Confidence)
    return { type: 'histogram', scale: 1, boundaries: OTLP_CONFIDENCE_BOUNDARIES };
  if (SUM_UNITS.has(unit) && !OTLP_GAUGE_COUNTS.has(name)) return { type: 'sum' };
  if (OTLP_SUMMED_VALUES.has(name)) return { type: 'sum' };
  return { type: 'gauge' };
}

function hrTime(epochMs: number): HrTime {
  const seconds = Math.floor(epochMs / 1000);
  return [seconds, Math.round((epochMs - seconds * 1000) * 1e6)];
}

function histogramValue(values: readonly number[], scale: number, boundaries: readonly number[]) {
  const counts = new Array<number>(boundaries.length + 1).fill(0);
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const raw of values) {
    const v = raw * scale;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    // OTLP's explicit buckets are upper-inclusive: (b[i-1], b[i]].
    let i = 0;
    while (i < boundaries.length && v > boundaries[i]!) i++;
    counts[i]!++;
  }
  return { buckets: { boundaries: [...boundaries], counts }, sum, count: values.length, min, max };
}

/** One metric's data point of one record, into `out` (by name: several records share one metric). */
function addPoint(
  out: Map<string, MetricData>,
  name: string,
  { unit, values }: MetricValues,
  record: MetricsRecord,
  startTime: HrTime,
): void {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return;
  const kind = otlpKind(name, unit);
  const endTime = hrTime(record.timestamp);
  // A metric EMF states twice (again under the model id) is one stream here, with
  // every attribute: a second point would count its tokens twice in any sum.
  const also = record.also;
  const attributes = also?.names.includes(name)
    ? { ...record.dimensions, ...also.dimensions }
    : record.dimensions;
  let metric = out.get(name);
  if (metric === undefined) {
    const descriptor = { name, description: '', unit: OTLP_UNIT[unit], valueType: DOUBLE };
    metric = newMetric(kind, descriptor as Descriptor);
    out.set(name, metric);
  }
  const points = metric.dataPoints as unknown[];
  if (kind.type === 'histogram') {
    const value = histogramValue(finite, kind.scale, kind.boundaries);
    points.push({ attributes, startTime, endTime, value });
  } else if (kind.type === 'sum') {
    const value = finite.reduce((a, b) => a + b, 0);
    points.push({ attributes, startTime, endTime, value });
  } else {
    points.push({ attributes, startTime: endTime, endTime, value: finite[finite.length - 1] });
  }
}

function newMetric(kind: Kind, descriptor: Descriptor): MetricData {
  const common = { descriptor, aggregationTemporality: DELTA, dataPoints: [] };
  if (kind.type === 'histogram')
    return { ...common, dataPointType: HISTOGRAM, isMonotonic: true } as unknown as MetricData;
  if (kind.type === 'sum')
    return { ...common, dataPointType: SUM, isMonotonic: true } as unknown as MetricData;
  return { ...common, dataPointType: GAUGE } as unknown as MetricData;
}

/** Options of {@link otlpMetricsSignal}. */
export interface OtlpMetricsOptions {
  /** The traces' resource, built once at init. */
  readonly resource: Resource;
  /** The instrumentation scope. */
  readonly scope: { readonly name: string; readonly version?: string };
  /** Where the first delta interval starts: the process start, in epoch ms. */
  readonly startMs: number;
}

/**
 * The metrics signal of the OTLP sender: records become one
 * `ExportMetricsServiceRequest` (a metric per name, a data point per record
 * with its dimensions as attributes). Delta intervals are contiguous per
 * sender: each starts where the last record sent ended.
 *
 * @example
 * new OtlpHttpSender({ ...config.otlpMetrics, signal: otlpMetricsSignal(options), onError });
 */
export function otlpMetricsSignal(options: OtlpMetricsOptions): OtlpSignal<MetricsRecord> {
  let intervalStart = options.startMs;
  return {
    items: 'metrics records',
    serialize(records) {
      const metrics = new Map<string, MetricData>();
      for (const record of records) {
        const start = hrTime(Math.min(intervalStart, record.timestamp));
        for (const [name, values] of record.metrics) addPoint(metrics, name, values, record, start);
        intervalStart = Math.max(intervalStart, record.timestamp);
      }
      return ProtobufMetricsSerializer.serializeRequest({
        resource: options.resource,
        scopeMetrics: [{ scope: options.scope, metrics: [...metrics.values()] }],
      });
    },
    rejected(body) {
      const { partialSuccess } = ProtobufMetricsSerializer.deserializeResponse(body);
      return {
        count: Number(partialSuccess?.rejectedDataPoints ?? 0),
        message: partialSuccess?.errorMessage,
      };
    },
  };
}
