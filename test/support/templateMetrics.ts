/**
 * Every CloudWatch metric a synthesized template's alarms and dashboards
 * reference — namespace, name, and the full dimension set with its values —
 * so a test can check each against the EMF records the runtime really wrote.
 * A metric is identified by its exact dimension set: one dimension too many
 * or too few and CloudWatch shows nothing.
 */
import type { EmfRecord } from '../../local-lambda/outputRecords.js';

/** One metric as an alarm or a dashboard widget names it. */
export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension name → value; an unresolved value reads `{{Ref:Logical}}` and the like. */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Where a template references a metric. */
export interface TemplateMetricRef extends MetricRef {
  readonly source: 'alarm' | 'dashboard';
  /** The logical id of the alarm or dashboard. */
  readonly resource: string;
  /** The statistic, when the reference gives one. */
  readonly stat?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An intrinsic (`{ Ref }`, `{ Fn::GetAtt }`, …) as a placeholder that is safe inside a JSON string. */
function placeholder(value: Json): string {
  if (isObject(value)) {
    if (typeof value.Ref === 'string') return `{{Ref:${value.Ref}}}`;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `{{GetAtt:${getAtt.join('.')}}}`;
  }
  return `{{${JSON.stringify(value).replace(/["\\]/g, '')}}}`;
}

/**
 * A template string value as text: a literal, or an `Fn::Join` with its
 * intrinsics replaced by placeholders.
 */
export function renderString(value: Json | undefined): string {
  if (typeof value === 'string') return value;
  if (isObject(value) && Array.isArray(value['Fn::Join'])) {
    const [separator, parts] = value['Fn::Join'];
    if (typeof separator === 'string' && Array.isArray(parts))
      return parts.map((p) => (typeof p === 'string' ? p : placeholder(p))).join(separator);
  }
  return placeholder(value ?? null);
}

function dimensionsOf(list: Json | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of Array.isArray(list) ? list : []) {
    if (isObject(d) && typeof d.Name === 'string') out[d.Name] = renderString(d.Value);
  }
  return out;
}

function alarmMetrics(resource: string, props: Record<string, Json>): TemplateMetricRef[] {
  const refs: TemplateMetricRef[] = [];
  if (typeof props.MetricName === 'string') {
    const stat = props.ExtendedStatistic ?? props.Statistic;
    refs.push({
      source: 'alarm',
      resource,
      namespace: renderString(props.Namespace),
      metricName: props.MetricName,
      dimensions: dimensionsOf(props.Dimensions),
      ...(typeof stat === 'string' ? { stat } : {}),
    });
  }
  for (const query of Array.isArray(props.Metrics) ? props.Metrics : []) {
    const stat = isObject(query) ? query.MetricStat : undefined;
    const metric = isObject(stat) ? stat.Metric : undefined;
    if (!isObject(stat) || !isObject(metric) || typeof metric.MetricName !== 'string') continue;
    refs.push({
      source: 'alarm',
      resource,
      namespace: renderString(metric.Namespace),
      metricName: metric.MetricName,
      dimensions: dimensionsOf(metric.Dimensions),
      ...(typeof stat.Stat === 'string' ? { stat: stat.Stat } : {}),
    });
  }
  return refs;
}

/**
 * A widget's `metrics` rows: `[namespace, name, dim1, value1, …, { options }]`,
 * where `"."` repeats the previous row's item at that position; rows that are
 * only `[{ expression }]` name no metric.
 */
function widgetMetrics(resource: string, rows: Json[]): TemplateMetricRef[] {
  const refs: TemplateMetricRef[] = [];
  let previous: Json[] = [];
  for (const row of rows) {
    if (!Array.isArray(row)) continue;
    const items = row.map((item, i) => (item === '.' ? (previous[i] ?? item) : item));
    previous = items;
    const last = items[items.length - 1];
    const options = isObject(last) ? last : undefined;
    const positional = options ? items.slice(0, -1) : items;
    if (positional.length < 2) continue;
    const [namespace, metricName, ...pairs] = positional.map((p) => renderString(p));
    const dimensions: Record<string, string> = {};
    for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i]!] = pairs[i + 1]!;
    const stat = options?.stat;
    refs.push({
      source: 'dashboard',
      resource,
      namespace: namespace!,
      metricName: metricName!,
      dimensions,
      ...(typeof stat === 'string' ? { stat } : {}),
    });
  }
  return refs;
}

function dashboardMetrics(resource: string, props: Record<string, Json>): TemplateMetricRef[] {
  const body = JSON.parse(renderString(props.DashboardBody)) as { widgets?: Json[] };
  const refs: TemplateMetricRef[] = [];
  for (const widget of body.widgets ?? []) {
    if (!isObject(widget) || !isObject(widget.properties)) continue;
    const rows = widget.properties.metrics;
    if (Array.isArray(rows)) refs.push(...widgetMetrics(resource, rows));
  }
  return refs;
}

/**
 * Every metric referenced by the template's `AWS::CloudWatch::Alarm`s (plain
 * or metric-math, anomaly bands included) and `AWS::CloudWatch::Dashboard`
 * bodies.
 *
 * @example
 * const refs = templateMetrics(Template.fromStack(stack).toJSON());
 * refs.filter((r) => r.namespace === 'ObservedInference');
 */
export function templateMetrics(template: unknown): TemplateMetricRef[] {
  const resources = isObject(template) && isObject(template.Resources) ? template.Resources : {};
  const refs: TemplateMetricRef[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource) || !isObject(resource.Properties)) continue;
    if (resource.Type === 'AWS::CloudWatch::Alarm')
      refs.push(...alarmMetrics(logicalId, resource.Properties));
    else if (resource.Type === 'AWS::CloudWatch::Dashboard')
      refs.push(...dashboardMetrics(logicalId, resource.Properties));
  }
  return refs;
}

/**
 * Every metric the EMF records define: one per metric × dimension set of each directive.
 *
 * @example
 * emfMetrics(emfRecords(lines));
 */
export function emfMetrics(records: readonly EmfRecord[]): MetricRef[] {
  const refs: MetricRef[] = [];
  for (const record of records) {
    for (const directive of record._aws.CloudWatchMetrics) {
      for (const set of directive.Dimensions) {
        const dimensions: Record<string, string> = {};
        for (const name of set) dimensions[name] = String(record[name]);
        for (const metric of directive.Metrics)
          refs.push({ namespace: directive.Namespace, metricName: metric.Name, dimensions });
      }
    }
  }
  return refs;
}

/**
 * A metric's identity: namespace, name and the dimension set with its values,
 * independent of dimension order.
 *
 * @example
 * metricKey({ namespace: 'ObservedInference', metricName: 'Errors', dimensions: { service: 'a' } });
 * // 'ObservedInference|Errors|service=a'
 */
export function metricKey(ref: MetricRef): string {
  const dims = Object.keys(ref.dimensions)
    .sort()
    .map((name) => `${name}=${ref.dimensions[name]}`);
  return [ref.namespace, ref.metricName, ...dims].join('|');
}

/**
 * The template's metric references (in `namespace`) that no EMF record defines:
 * empty when every alarm and widget would show data.
 *
 * @example
 * expect(unemittedMetrics(templateMetrics(template), emfMetrics(records), 'ObservedInference')).toEqual([]);
 */
export function unemittedMetrics(
  referenced: readonly TemplateMetricRef[],
  emitted: readonly MetricRef[],
  namespace: string,
): TemplateMetricRef[] {
  const keys = new Set(emitted.map(metricKey));
  return referenced.filter((ref) => ref.namespace === namespace && !keys.has(metricKey(ref)));
}
