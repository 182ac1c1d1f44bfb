import { expressionIds, mathExpression } from './metricMath.js';
import type { Datapoint, MetricStore } from './metricStore.js';
import { type MetricEntry, parseWidgetMetrics, type WidgetEntry } from './widgetMetrics.js';

/** One drawn line (or band) of a metric widget, ready for the page. */
export interface SeriesView {
  readonly id: string;
  readonly label: string;
  readonly yAxis: 'left' | 'right';
  readonly color: string | undefined;
  /** `[epoch ms, value]` per period with data. */
  readonly points: ReadonlyArray<readonly [number, number]>;
  /** Set for `ANOMALY_DETECTION_BAND`: the lower edge (`points` is the upper one). */
  readonly lower?: ReadonlyArray<readonly [number, number]>;
  /** Why there is nothing to draw, or what is approximate. */
  readonly note?: string;
  /** Why this entry could not be computed at all. */
  readonly error?: string;
}

/** What one metric widget's entries evaluate to. */
export interface WidgetSeries {
  readonly series: SeriesView[];
  /** Entries that could not be read. */
  readonly errors: string[];
}

/** The shared time range and period handling of a dashboard. */
export interface SeriesContext {
  readonly store: MetricStore;
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, exclusive. */
  readonly end: number;
  /** Replaces every entry's period (a short local run has too few 5-minute periods). */
  readonly periodOverride?: number;
  /** Widget defaults. */
  readonly stat: string;
  readonly period: number;
}

type Computed =
  | { readonly points: Datapoint[]; readonly lower?: Datapoint[]; readonly note?: string }
  | { readonly error: string };

const pairs = (points: readonly Datapoint[]) => points.map((p) => [p.timestamp, p.value] as const);

function grid(start: number, end: number, period: number): number[] {
  const step = period * 1000;
  const times: number[] = [];
  for (let t = Math.floor(start / step) * step; t < end; t += step) times.push(t);
  return times;
}

function describe(m: MetricEntry): string {
  const dims = Object.entries(m.dimensions).map(([k, v]) => `${k}=${v}`);
  return `${m.namespace} ${m.metricName}${dims.length ? ` {${dims.join(', ')}}` : ''}`;
}

function computeMetric(m: MetricEntry, ctx: SeriesContext, period: number): Computed {
  try {
    const points = ctx.store.query({ ...m, period, start: ctx.start, end: ctx.end });
    if (points.length > 0) return { points };
    const note = ctx.store.has(m)
      ? 'no data in this range'
      : `no data: ${describe(m)} was not emitted in this run`;
    return { points, note };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * Evaluate a metric widget's `metrics` against the store: metrics queried with
 * their statistic and period, expressions evaluated over them (in dependency
 * order). One failing entry does not stop the others.
 *
 * @example
 * widgetSeries(widget.properties.metrics, { store, start, end, stat: 'Average', period: 300 });
 */
export function widgetSeries(metrics: unknown, ctx: SeriesContext): WidgetSeries {
  const { entries, errors } = parseWidgetMetrics(metrics, ctx);
  const byId = new Map(entries.map((e) => [e.id, e]));
  const done = new Map<string, Computed>();
  const periodOf = (e: WidgetEntry) => ctx.periodOverride ?? e.period;
  const compute = (entry: WidgetEntry, stack: readonly string[]): Computed => {
    const cached = done.get(entry.id);
    if (cached) return cached;
    if (stack.includes(entry.id))
      return { error: `expression ids refer to each other: ${[...stack, entry.id].join(' → ')}` };
    const result =
      entry.kind === 'metric'
        ? computeMetric(entry, ctx, periodOf(entry))
        : computeExpression(entry.expression, periodOf(entry), [...stack, entry.id]);
    done.set(entry.id, result);
    return result;
  };
  const computeExpression = (expression: string, period: number, stack: string[]): Computed => {
    try {
      const inputs: Record<string, Datapoint[]> = {};
      for (const id of expressionIds(expression)) {
        const input = byId.get(id);
        if (!input) return { error: `${expression}: no metric or expression with id "${id}"` };
        const value = compute(input, stack);
        if ('error' in value) return { error: `${id}: ${value.error}` };
        inputs[id] = value.points;
      }
      const result = mathExpression(expression, inputs, grid(ctx.start, ctx.end, period));
      if (result.kind === 'series') return { points: result.points };
      return {
        points: result.upper,
        lower: result.lower,
        note: 'band approximated: mean ± k·sd of the shown data (CloudWatch trains on 2 weeks)',
      };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
  const series = entries
    .filter((e) => e.visible)
    .map((e): SeriesView => {
      const c = compute(e, []);
      const base = { id: e.id, label: e.label, yAxis: e.yAxis, color: e.color };
      if ('error' in c) return { ...base, points: [], error: c.error };
      return {
        ...base,
        points: pairs(c.points),
        ...(c.lower ? { lower: pairs(c.lower) } : {}),
        ...(c.note ? { note: c.note } : {}),
      };
    });
  return { series, errors };
}
