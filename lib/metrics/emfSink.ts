import { jsonKey, jsonValue } from '../logs/json.js';
import { type LineOutput, processOutput } from '../logs/output.js';
import { EMF_MAX_METRICS, EMF_MAX_VALUES } from '../telemetry.js';
import { chunkMetrics, type MetricsRecord, type MetricsSink, type MetricValues } from './record.js';

/** The directive of one metric-name sequence: `,"CloudWatchMetrics":[…]}` (closing `_aws`), and the units it was built for. */
interface Directive {
  readonly text: string;
  readonly units: readonly string[];
}

/** Directives by metric name, a path per name sequence, so the hot path allocates no key. */
interface DirectiveNode {
  readonly next: Map<string, DirectiveNode>;
  directive?: Directive;
}

/** What is constant for one dimensions object: the `Dimensions` array and the `"k":"v"` members. */
interface DimensionsCache {
  /** `,"CloudWatchMetrics":[{"Namespace":…,"Dimensions":[[…]],"Metrics":[` */
  readonly head: string;
  /** `,"service":"…","ModelName":"…"…` */
  readonly members: string;
  readonly root: DirectiveNode;
}

const MAX_DIRECTIVES = 256;

function numberJson(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

function valuesJson(values: readonly number[]): string {
  if (values.length === 1) return numberJson(values[0]!);
  let out = '[';
  for (let i = 0; i < values.length; i++) out += (i > 0 ? ',' : '') + numberJson(values[i]!);
  return `${out}]`;
}

function withinLimits(metrics: ReadonlyMap<string, MetricValues>): boolean {
  if (metrics.size > EMF_MAX_METRICS) return false;
  for (const { values } of metrics.values()) if (values.length > EMF_MAX_VALUES) return false;
  return true;
}

/**
 * Writes each record as one CloudWatch Embedded Metric Format line on stdout
 * (CloudWatch Logs turns it into metrics; no API call on the hot path), with
 * the structure and key order Powertools Metrics wrote: `_aws` (Timestamp,
 * one `CloudWatchMetrics` directive), then metadata, dimensions and values
 * (a number, or an array past one value). What is constant is built once:
 * the dimensions part per dimensions object and the directive per sequence
 * of metric names. A record past EMF's limits (100 metrics, 100 values per
 * metric) is split across lines, never cut.
 *
 * @example
 * const sink = new EmfSink('ObservedInference');
 * sink.publish(record);
 */
export class EmfSink implements MetricsSink {
  readonly #namespace: string;
  readonly #output: LineOutput;
  /** By object first (the wrapper passes the same one every time), then by content. */
  readonly #byDimensions = new WeakMap<object, DimensionsCache>();
  readonly #byDimensionValues = new Map<string, DimensionsCache>();
  #directives = 0;

  constructor(namespace: string, output: LineOutput = processOutput) {
    this.#namespace = namespace;
    this.#output = output;
  }

  publish(record: MetricsRecord): void {
    if (record.metrics.size === 0) return;
    const dims = this.#dimensionsCache(record.dimensions);
    if (withinLimits(record.metrics)) {
      this.#output.stdout(this.#line(record, record.metrics, dims));
      return;
    }
    for (const chunk of chunkMetrics(record.metrics, EMF_MAX_METRICS, EMF_MAX_VALUES)) {
      this.#output.stdout(this.#line(record, chunk, dims));
    }
  }

  async flush(): Promise<void> {}

  #line(
    record: MetricsRecord,
    metrics: ReadonlyMap<string, MetricValues>,
    dims: DimensionsCache,
  ): string {
    const { dimensions, metadata, also } = record;
    let directive = this.#directive(metrics, dims);
    if (also) directive = this.#withAlso(directive, also, metrics, dimensions);
    let line = `{"_aws":{"Timestamp":${numberJson(record.timestamp)}${directive}`;
    // Members after `_aws` each start with ','; `_aws` itself ends with '}', so the first needs it too.
    for (const key in metadata) {
      // A dimension or metric of the same name wins, as in Powertools' output.
      if (key in dimensions || metrics.has(key)) continue;
      const value = jsonValue(metadata[key]);
      if (value !== undefined) line += `,${jsonKey(key)}${value}`;
    }
    line += dims.members;
    if (also)
      for (const key in also.dimensions)
        if (!(key in dimensions)) line += `,${jsonKey(key)}${JSON.stringify(also.dimensions[key])}`;
    for (const [name, { values }] of metrics) line += `,${jsonKey(name)}${valuesJson(values)}`;
    return `${line}}`;
  }

  /** The cached `,"CloudWatchMetrics":[…]},` for this sequence of names (and units). */
  #directive(metrics: ReadonlyMap<string, MetricValues>, dims: DimensionsCache): string {
    let node = dims.root;
    for (const name of metrics.keys()) {
      let next = node.next.get(name);
      if (next === undefined) {
        if (this.#directives >= MAX_DIRECTIVES) return buildDirective(metrics, dims).text;
        next = { next: new Map() };
        node.next.set(name, next);
      }
      node = next;
    }
    let directive = node.directive;
    if (directive === undefined || !sameUnits(directive.units, metrics)) {
      directive = buildDirective(metrics, dims);
      if (node.directive === undefined && this.#directives < MAX_DIRECTIVES) {
        node.directive = directive;
        this.#directives++;
      }
    }
    return directive.text;
  }

  /**
   * The directive with a second entry: `also.names` (those in this line)
   * under the record's dimensions plus `also.dimensions`. Built per record:
   * only invocations that called a Bedrock model have one.
   */
  #withAlso(
    directive: string,
    also: NonNullable<MetricsRecord['also']>,
    metrics: ReadonlyMap<string, MetricValues>,
    dimensions: Readonly<Record<string, string>>,
  ): string {
    const definitions: string[] = [];
    for (const name of also.names) {
      const metric = metrics.get(name);
      if (metric) definitions.push(JSON.stringify({ Name: name, Unit: metric.unit }));
    }
    if (definitions.length === 0) return directive;
    const names = [...Object.keys(dimensions), ...Object.keys(also.dimensions)];
    // The directive ends with `]}` (closing CloudWatchMetrics and _aws).
    return `${directive.slice(0, -2)},{"Namespace":${JSON.stringify(this.#namespace)},"Dimensions":[${JSON.stringify(names)}],"Metrics":[${definitions.join(',')}]}]}`;
  }

  #dimensionsCache(dimensions: Readonly<Record<string, string>>): DimensionsCache {
    let cache = this.#byDimensions.get(dimensions);
    if (cache !== undefined) return cache;
    const names = Object.keys(dimensions);
    let members = '';
    for (const name of names) members += `,${jsonKey(name)}${JSON.stringify(dimensions[name])}`;
    cache = this.#byDimensionValues.get(members);
    if (cache === undefined) {
      cache = {
        head: `,"CloudWatchMetrics":[{"Namespace":${JSON.stringify(this.#namespace)},"Dimensions":[${JSON.stringify(names)}],"Metrics":[`,
        members,
        root: { next: new Map() },
      };
      if (this.#byDimensionValues.size < MAX_DIRECTIVES)
        this.#byDimensionValues.set(members, cache);
    }
    this.#byDimensions.set(dimensions, cache);
    return cache;
  }
}

function sameUnits(units: readonly string[], metrics: ReadonlyMap<string, MetricValues>): boolean {
  let i = 0;
  for (const { unit } of metrics.values()) if (units[i++] !== unit) return false;
  return true;
}

function buildDirective(
  metrics: ReadonlyMap<string, MetricValues>,
  dims: DimensionsCache,
): Directive {
  const units: string[] = [];
  const definitions: string[] = [];
  for (const [name, { unit }] of metrics) {
    units.push(unit);
    definitions.push(JSON.stringify({ Name: name, Unit: unit }));
  }
  return { text: `${dims.head}${definitions.join(',')}]}]}`, units };
}
