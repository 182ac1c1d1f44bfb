/**
 * The `metrics` array of a CloudWatch metric widget, as the dashboard body
 * JSON spells it: `[namespace, name, dimName, dimValue, …, {options}]`, the
 * `"."` shorthand (the previous metric's item at that position) and `"..."`
 * (the previous metric's items up to the ones that follow), and
 * `[{ expression, label, id }]` entries.
 */

/** Options a metric or expression entry may carry. */
interface EntryOptions {
  /** Set in the body; entries without one get `m1`, `m2`… (CloudWatch's own ids). */
  readonly id: string;
  readonly label: string;
  readonly period: number;
  readonly yAxis: 'left' | 'right';
  /** `false` for inputs of an expression that are not drawn themselves. */
  readonly visible: boolean;
  readonly color: string | undefined;
}

/** A metric entry of a widget. */
export interface MetricEntry extends EntryOptions {
  readonly kind: 'metric';
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: string;
}

/** A metric-math entry of a widget. */
export interface ExpressionEntry extends EntryOptions {
  readonly kind: 'expression';
  readonly expression: string;
}

export type WidgetEntry = MetricEntry | ExpressionEntry;

/** Widget-level defaults: CloudWatch's are `Average` over 300 s. */
export interface EntryDefaults {
  readonly stat: string;
  readonly period: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function options(
  raw: Record<string, unknown>,
  fallbackLabel: string,
  autoId: string,
  defaults: EntryDefaults,
): EntryOptions {
  return {
    id: typeof raw.id === 'string' && raw.id !== '' ? raw.id : autoId,
    label: typeof raw.label === 'string' && raw.label !== '' ? raw.label : fallbackLabel,
    period: typeof raw.period === 'number' && raw.period > 0 ? raw.period : defaults.period,
    yAxis: raw.yAxis === 'right' ? 'right' : 'left',
    visible: raw.visible !== false,
    color: typeof raw.color === 'string' ? raw.color : undefined,
  };
}

/** Expand `"."` and `"..."` against the previous metric's items. */
function expand(items: readonly unknown[], previous: readonly unknown[] | undefined): unknown[] {
  const dots = items.indexOf('...');
  let out = [...items];
  if (dots >= 0) {
    if (!previous) throw new Error('"..." needs a metric before it');
    const after = items.slice(dots + 1);
    out = [...previous.slice(0, Math.max(0, previous.length - after.length)), ...after];
  }
  return out.map((item, i) => {
    if (item !== '.') return item;
    if (previous?.[i] === undefined) throw new Error(`"." at position ${i} has no previous value`);
    return previous[i];
  });
}

/**
 * Parse a widget's `metrics` array. An entry that cannot be read is skipped and
 * reported in `errors` (the widget shows them); the others are still drawn.
 *
 * @example
 * parseWidgetMetrics([['NS', 'Errors', 'service', 'a', { stat: 'Sum' }], ['.', 'Timeouts', '.', '.']],
 *   { stat: 'Average', period: 300 });
 */
export function parseWidgetMetrics(
  metrics: unknown,
  defaults: EntryDefaults,
): { entries: WidgetEntry[]; errors: string[] } {
  const entries: WidgetEntry[] = [];
  const errors: string[] = [];
  if (!Array.isArray(metrics)) return { entries, errors: ['properties.metrics is not an array'] };
  let previous: unknown[] | undefined;
  metrics.forEach((raw, index) => {
    const autoId = `m${index + 1}`;
    try {
      if (!Array.isArray(raw) || raw.length === 0) throw new Error('not a non-empty array');
      const last = raw.at(-1);
      const opts = isRecord(last) ? last : {};
      const items = isRecord(last) ? raw.slice(0, -1) : raw;
      if (items.length === 0) {
        if (typeof opts.expression !== 'string')
          throw new Error('an options object without expression');
        const o = options(opts, opts.expression, `e${index + 1}`, defaults);
        entries.push({ kind: 'expression', ...o, expression: opts.expression });
        return;
      }
      const full = expand(items, previous);
      previous = full;
      const [namespace, metricName, ...dims] = full;
      if (typeof namespace !== 'string' || typeof metricName !== 'string')
        throw new Error('namespace and metric name must be strings');
      if (dims.length % 2 !== 0) throw new Error('dimension names and values must come in pairs');
      const dimensions: Record<string, string> = {};
      for (let i = 0; i < dims.length; i += 2) {
        const [name, value] = [dims[i], dims[i + 1]];
        if (typeof name !== 'string' || typeof value !== 'string')
          throw new Error(`dimension ${JSON.stringify(name)} must be a string pair`);
        dimensions[name] = value;
      }
      const stat = typeof opts.stat === 'string' ? opts.stat : defaults.stat;
      const o = options(opts, metricName, autoId, defaults);
      entries.push({ kind: 'metric', ...o, namespace, metricName, dimensions, stat });
    } catch (error) {
      errors.push(`metrics[${index}]: ${(error as Error).message}`);
    }
  });
  return { entries, errors };
}
