/**
 * Local preview of a CloudWatch dashboard body drawn from the telemetry a run
 * actually emitted: EMF metrics, JSON log lines and alarm states in, one
 * self-contained HTML page (and a PNG of it) out.
 *
 * @example
 * import { MetricStore, renderDashboardHtml, screenshot } from './preview/index.js';
 * const html = renderDashboardHtml({ dashboardBody, metrics: MetricStore.fromEmf(records), logs,
 *   title: 'fraud demo', generatedAt: new Date() });
 */
export { GRID_COLUMNS, type GridBox, layoutWidgets } from './layout.js';
export {
  LogQueryError,
  type LogQueryResult,
  type LogRecord,
  runLogQuery,
  splitSource,
} from './logQuery.js';
export { markdownToHtml } from './markdown.js';
export { type MathResult, MetricMathError, mathExpression } from './metricMath.js';
export {
  type Datapoint,
  type MetricIdentity,
  type MetricQuery,
  MetricStore,
} from './metricStore.js';
export { type PreviewData, type RenderOptions, renderDashboardHtml } from './render.js';
export {
  CHROMIUM_NAMES,
  CHROMIUM_PATH_ENV,
  type ChromiumLookup,
  findChromium,
  type ScreenshotOptions,
  type ScreenshotResult,
  screenshot,
} from './screenshot.js';
export {
  computeStatistic,
  parseStatistic,
  percentile,
  type Statistic,
  UnsupportedStatisticError,
} from './statistics.js';
export {
  type ExpressionEntry,
  type MetricEntry,
  parseWidgetMetrics,
  type WidgetEntry,
} from './widgetMetrics.js';
export {
  type AlarmState,
  alarmNameOfArn,
  type WidgetModel,
  type WidgetView,
} from './widgetModels.js';
export { type SeriesView, widgetSeries } from './widgetSeries.js';
