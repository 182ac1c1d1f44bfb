import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { layoutWidgets } from './layout.js';
import type { LogRecord } from './logQuery.js';
import { escapeHtml } from './markdown.js';
import type { MetricStore } from './metricStore.js';
import { PAGE_CSS } from './pageStyle.js';
import { type AlarmState, type WidgetModel, widgetModel } from './widgetModels.js';

/** What {@link renderDashboardHtml} draws. */
export interface RenderOptions {
  /** The CloudWatch dashboard body (`{ widgets: [...] }`), as an object or its JSON. */
  readonly dashboardBody: unknown;
  readonly metrics: MetricStore;
  readonly logs: readonly LogRecord[];
  /** States of the alarms the alarm widget lists, by alarm name. */
  readonly alarms?: readonly AlarmState[];
  readonly title: string;
  readonly generatedAt: Date | string;
  /**
   * Time range in epoch ms (`end` exclusive).
   * @default - the metrics' first to last value, widened to whole periods
   */
  readonly start?: number;
  readonly end?: number;
  /**
   * Every graph's period in seconds instead of the dashboard's: a two-minute
   * local run is one 5-minute period. `'auto'`: the shortest of 1, 5, 10, 30,
   * 60, 300… seconds that makes at most {@link AUTO_PERIODS} periods of the
   * data's time range. The page says when it is set.
   * @default - each metric's own period, else the widget's, else 300
   */
  readonly period?: number | 'auto';
}

/** The JSON embedded in the page (`<script id="preview-data">`), what the charts draw. */
export interface PreviewData {
  readonly title: string;
  readonly generatedAt: string;
  readonly start: number;
  readonly end: number;
  readonly period: number | undefined;
  readonly widgets: WidgetModel[];
}

const DEFAULT_PERIOD = 300;
/** `period: 'auto'` draws at most this many periods. */
export const AUTO_PERIODS = 60;
const PERIODS = [1, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400];

/** The period `'auto'` resolves to for the store's data (300 s without data). */
function resolvePeriod(o: RenderOptions): number | undefined {
  if (o.period !== 'auto') return o.period;
  const data = o.metrics.timeRange();
  if (!data) return DEFAULT_PERIOD;
  const span = (o.end ?? data.end + 1) - (o.start ?? data.start);
  return PERIODS.find((p) => span / (p * 1000) <= AUTO_PERIODS) ?? PERIODS.at(-1)!;
}
const require = createRequire(import.meta.url);

/** Chart.js' UMD build, inlined so the page fetches nothing. */
function chartJs(): string {
  const dist = dirname(require.resolve('chart.js'));
  return readFileSync(join(dist, 'chart.umd.js'), 'utf8');
}

function browserScript(): string {
  return readFileSync(new URL('./browser.js', import.meta.url), 'utf8');
}

/** Inline `<script>` content cannot contain `</script`. */
const scriptSafe = (code: string) => code.replace(/<\/(script)/gi, '<\\/$1');

function widgetsOf(body: unknown): unknown[] {
  const parsed = typeof body === 'string' ? (JSON.parse(body) as unknown) : body;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !Array.isArray((parsed as { widgets?: unknown }).widgets)
  )
    throw new TypeError('dashboardBody has no widgets array');
  return (parsed as { widgets: unknown[] }).widgets;
}

function timeRange(o: RenderOptions, period: number | undefined): { start: number; end: number } {
  const step = (period ?? DEFAULT_PERIOD) * 1000;
  const data = o.metrics.timeRange();
  const end = o.end ?? (data ? (Math.floor(data.end / step) + 1) * step : Date.now());
  const start = o.start ?? (data ? Math.floor(data.start / step) * step : end - 3 * 3600_000);
  return { start, end };
}

export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toPrecision(3)}k`;
  if (abs === 0 || Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(3)));
}

function formatCell(column: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (column === '@timestamp' && typeof value === 'number')
    return new Date(value).toISOString().replace('T', ' ').replace('Z', '');
  if (typeof value === 'number') return formatNumber(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const problemsHtml = (problems: readonly string[]) =>
  problems.map((p) => `<p class="problem">⚠ ${escapeHtml(p)}</p>`).join('');

function bodyHtml(w: WidgetModel): string {
  switch (w.kind) {
    case 'timeSeries': {
      const notes = w.series
        .filter((s) => s.error || s.note)
        .map((s) => `<li>${escapeHtml(s.label)}: ${escapeHtml(s.error ?? s.note ?? '')}</li>`);
      return `<div class="chart"><canvas aria-label="${escapeHtml(w.title)}"></canvas></div>${notes.length ? `<ul class="notes">${notes.join('')}</ul>` : ''}${problemsHtml(w.problems)}`;
    }
    case 'singleValue': {
      const cells = w.series.map((s) => {
        const last = s.points.at(-1);
        const value = s.error ? 'error' : last ? formatNumber(last[1]) : '–';
        const why = s.error ?? (last ? undefined : s.note);
        return `<div class="sv"><div class="sv-label">${escapeHtml(s.label)}</div><div class="sv-value">${escapeHtml(value)}</div>${why ? `<div class="sv-note">${escapeHtml(why)}</div>` : ''}</div>`;
      });
      return `<div class="single-values">${cells.join('')}</div>${problemsHtml(w.problems)}`;
    }
    case 'text':
      return `<div class="markdown">${w.html}</div>`;
    case 'log': {
      if (w.problems.length) return problemsHtml(w.problems);
      if (w.rows.length === 0) return '<p class="empty">No data found.</p>';
      const head = w.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
      const rows = w.rows.map((r) => {
        const cells = w.columns.map((c) => {
          const text = escapeHtml(formatCell(c, r[c]));
          const cls = c === '@timestamp' ? ' class="timestamp"' : '';
          return `<td${cls} title="${text}">${text}</td>`;
        });
        return `<tr>${cells.join('')}</tr>`;
      });
      return `<div class="table"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
    }
    case 'alarm': {
      const items = w.alarms.map(
        (a) =>
          `<li class="state-${a.state}"><span class="badge">${a.state.replace('_', ' ')}</span><span class="alarm-name">${escapeHtml(a.name)}</span>${a.reason ? `<span class="reason">${escapeHtml(a.reason)}</span>` : ''}</li>`,
      );
      return `<ul class="alarms">${items.join('')}</ul>${problemsHtml(w.problems)}`;
    }
    default:
      return problemsHtml(w.problems);
  }
}

function widgetHtml(w: WidgetModel): string {
  const { x, y, width, height } = w.box;
  const style = `grid-column:${x + 1} / span ${width};grid-row:${y + 1} / span ${height}`;
  const title = w.title ? `<h2>${escapeHtml(w.title)}</h2>` : '';
  return `<section class="widget widget-${escapeHtml(w.type)} view-${w.kind}" id="widget-${w.index}" data-widget="${w.index}" style="${style}">${title}<div class="widget-body">${bodyHtml(w)}</div></section>`;
}

const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/**
 * One self-contained HTML page showing a CloudWatch dashboard body drawn from
 * local telemetry: widgets on CloudWatch's 24-column grid, Chart.js, the CSS and
 * the data inline, a Content-Security-Policy that lets it fetch nothing. Sets
 * `window.__previewReady` once every chart is drawn.
 *
 * @example
 * const html = renderDashboardHtml({ dashboardBody, metrics: MetricStore.fromEmf(records),
 *   logs, title: 'fraud demo', generatedAt: new Date(), period: 10 });
 */
export function renderDashboardHtml(options: RenderOptions): string {
  const period = resolvePeriod(options);
  const { start, end } = timeRange(options, period);
  const widgets = widgetsOf(options.dashboardBody);
  const boxes = layoutWidgets(widgets.map((w) => (typeof w === 'object' && w !== null ? w : {})));
  const ctx = {
    store: options.metrics,
    logs: options.logs,
    alarms: options.alarms ?? [],
    start,
    end,
    stat: 'Average',
    period: DEFAULT_PERIOD,
    ...(period !== undefined ? { periodOverride: period } : {}),
  };
  const models = widgets.map((w, i) => widgetModel(w, i, boxes[i]!, ctx));
  const generatedAt =
    typeof options.generatedAt === 'string'
      ? options.generatedAt
      : options.generatedAt.toISOString();
  const data: PreviewData = {
    title: options.title,
    generatedAt,
    start,
    end,
    period,
    widgets: models,
  };
  const periodNote =
    period === undefined
      ? ''
      : ` · every graph at a ${period}-second period (the dashboard's own periods are longer than this run)`;
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(options.title)}</title>
<style>${PAGE_CSS}</style></head>
<body><header><h1>${escapeHtml(options.title)}</h1><p>${utc(start)} – ${utc(end)} UTC${escapeHtml(periodNote)} · generated ${escapeHtml(generatedAt)} · percentiles: nearest rank of the raw EMF values, as CloudWatch defines them</p></header>
<main class="grid">${models.map(widgetHtml).join('')}</main>
<script type="application/json" id="preview-data">${json}</script>
<script>${scriptSafe(chartJs())}</script>
<script>${scriptSafe(browserScript())}</script>
</body></html>
`;
}
