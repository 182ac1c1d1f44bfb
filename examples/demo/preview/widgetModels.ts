import type { GridBox } from './layout.js';
import { type LogRecord, runLogQuery, splitSource } from './logQuery.js';
import { markdownToHtml } from './markdown.js';
import { type SeriesContext, type SeriesView, widgetSeries } from './widgetSeries.js';

/** An alarm's state as the caller evaluated it (the demo from its own data). */
export interface AlarmState {
  readonly name: string;
  readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  readonly reason?: string;
}

/** A horizontal annotation (an objective, a threshold). */
export interface Annotation {
  readonly value: number;
  readonly label: string;
  readonly color: string | undefined;
  readonly yAxis: 'left' | 'right';
}

/** A y axis' bounds and label from `properties.yAxis`. */
export interface AxisView {
  readonly min?: number;
  readonly max?: number;
  readonly label?: string;
}

/** What the page draws for one widget. */
export type WidgetView =
  | {
      readonly kind: 'timeSeries' | 'singleValue';
      readonly stacked: boolean;
      readonly series: SeriesView[];
      readonly annotations: Annotation[];
      readonly yAxis: { readonly left: AxisView; readonly right: AxisView };
      readonly problems: string[];
    }
  | { readonly kind: 'text'; readonly html: string }
  | {
      readonly kind: 'log';
      readonly logGroups: string[];
      readonly columns: readonly string[];
      readonly rows: ReadonlyArray<Readonly<Record<string, unknown>>>;
      readonly problems: string[];
    }
  | { readonly kind: 'alarm'; readonly alarms: AlarmState[]; readonly problems: string[] }
  | { readonly kind: 'unsupported'; readonly problems: string[] };

/** One widget of the page: where it goes, its title and what it shows. */
export type WidgetModel = {
  readonly index: number;
  readonly type: string;
  readonly title: string;
  readonly box: GridBox;
} & WidgetView;

/** Everything a widget can be drawn from. */
export interface ModelContext extends SeriesContext {
  readonly logs: readonly LogRecord[];
  readonly alarms: readonly AlarmState[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

function axis(raw: unknown): AxisView {
  if (!isRecord(raw)) return {};
  return {
    ...(num(raw.min) !== undefined ? { min: num(raw.min) } : {}),
    ...(num(raw.max) !== undefined ? { max: num(raw.max) } : {}),
    ...(typeof raw.label === 'string' ? { label: raw.label } : {}),
  };
}

function annotations(raw: unknown): Annotation[] {
  const horizontal = isRecord(raw) && Array.isArray(raw.horizontal) ? raw.horizontal : [];
  // A band annotation is two items ([{…}, {…}]); its edges are drawn as lines.
  return horizontal.flat().flatMap((a: unknown) => {
    const value = isRecord(a) ? num(a.value) : undefined;
    if (!isRecord(a) || value === undefined || a.visible === false) return [];
    return [
      {
        value,
        label: typeof a.label === 'string' ? a.label : String(value),
        color: typeof a.color === 'string' ? a.color : undefined,
        yAxis: a.yAxis === 'right' ? 'right' : 'left',
      } as const,
    ];
  });
}

function metricView(p: Record<string, unknown>, ctx: ModelContext): WidgetView {
  const view = typeof p.view === 'string' ? p.view : 'timeSeries';
  const stat = typeof p.stat === 'string' ? p.stat : ctx.stat;
  const period = num(p.period) ?? ctx.period;
  const { series, errors } = widgetSeries(p.metrics, { ...ctx, stat, period });
  const problems = [...errors];
  if (view !== 'timeSeries' && view !== 'singleValue')
    problems.push(`view "${view}" is drawn as numbers by the preview`);
  const yAxis = isRecord(p.yAxis) ? p.yAxis : {};
  return {
    kind: view === 'timeSeries' ? 'timeSeries' : 'singleValue',
    stacked: p.stacked === true,
    series,
    annotations: annotations(p.annotations),
    yAxis: { left: axis(yAxis.left), right: axis(yAxis.right) },
    problems,
  };
}

function logView(p: Record<string, unknown>, ctx: ModelContext): WidgetView {
  if (typeof p.query !== 'string')
    return { kind: 'log', logGroups: [], columns: [], rows: [], problems: ['no properties.query'] };
  const { logGroups } = splitSource(p.query);
  try {
    const result = runLogQuery(p.query, ctx.logs);
    return { kind: 'log', logGroups, ...result, problems: [] };
  } catch (error) {
    return { kind: 'log', logGroups, columns: [], rows: [], problems: [(error as Error).message] };
  }
}

/** `arn:aws:cloudwatch:region:account:alarm:NAME` → `NAME` (names may contain `:`). */
export function alarmNameOfArn(arn: string): string {
  const marker = ':alarm:';
  const at = arn.indexOf(marker);
  return at >= 0 ? arn.slice(at + marker.length) : arn;
}

function alarmView(p: Record<string, unknown>, ctx: ModelContext): WidgetView {
  const arns = Array.isArray(p.alarms) ? p.alarms.filter((a) => typeof a === 'string') : [];
  const problems = arns.length === 0 ? ['no alarms in properties.alarms'] : [];
  const alarms = arns.map((arn): AlarmState => {
    const name = alarmNameOfArn(arn);
    return (
      ctx.alarms.find((a) => a.name === name) ?? {
        name,
        state: 'INSUFFICIENT_DATA',
        reason: 'no state given to the preview',
      }
    );
  });
  return { kind: 'alarm', alarms, problems };
}

/**
 * The model of one widget of a dashboard body. Never throws: a widget that
 * cannot be drawn says why in `problems`.
 *
 * @example
 * widgetModel(body.widgets[0], 0, box, ctx);
 */
export function widgetModel(
  widget: unknown,
  index: number,
  box: GridBox,
  ctx: ModelContext,
): WidgetModel {
  const w = isRecord(widget) ? widget : {};
  const type = typeof w.type === 'string' ? w.type : 'unknown';
  const p = isRecord(w.properties) ? w.properties : {};
  const title = typeof p.title === 'string' ? p.title : '';
  const base = { index, type, title, box };
  try {
    switch (type) {
      case 'metric':
        return { ...base, ...metricView(p, ctx) };
      case 'text':
        return { ...base, kind: 'text', html: markdownToHtml(String(p.markdown ?? '')) };
      case 'log':
        return { ...base, ...logView(p, ctx) };
      case 'alarm':
        return { ...base, ...alarmView(p, ctx) };
      default:
        return {
          ...base,
          kind: 'unsupported',
          problems: [`widget type "${type}" is not drawn by the preview`],
        };
    }
  } catch (error) {
    return { ...base, kind: 'unsupported', problems: [(error as Error).message] };
  }
}
