/**
 * The prebuilt alarms of the synthesized template evaluated against the
 * metrics the demo emitted: each alarm's metric (or metric math) per period,
 * compared with its threshold over the periods that have data.
 */
import { type MathResult, mathExpression } from './preview/metricMath.js';
import type { MetricStore } from './preview/metricStore.js';
import type { Json, TemplateResolver } from './template.js';

export interface AlarmVerdict {
  readonly name: string;
  readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  readonly reason: string;
}

type Props = Record<string, Json>;
type Series = Array<{ timestamp: number; value: number }>;

const COMPARE: Record<string, (v: number, t: number) => boolean> = {
  GreaterThanThreshold: (v, t) => v > t,
  GreaterThanOrEqualToThreshold: (v, t) => v >= t,
  LessThanThreshold: (v, t) => v < t,
  LessThanOrEqualToThreshold: (v, t) => v <= t,
};
const SYMBOL: Record<string, string> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '≥',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

function dims(list: Json | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of (list as Array<{ Name: string; Value: string }> | undefined) ?? [])
    out[d.Name] = String(d.Value);
  return out;
}

interface Window {
  readonly start: number;
  readonly end: number;
}

function stat(
  store: MetricStore,
  metric: Props,
  statName: string,
  period: number,
  w: Window,
): Series {
  return store.query({
    namespace: String(metric.Namespace),
    metricName: String(metric.MetricName),
    dimensions: dims(metric.Dimensions),
    stat: statName,
    period,
    start: w.start,
    end: w.end,
  });
}

/** A metric AWS publishes itself (`AWS/Lambda`…), not one of the function's EMF metrics. */
const isLambdaOwn = (metric: Props): boolean => String(metric.Namespace).startsWith('AWS/');

/** Why such a metric has no data here: the demo only stands in for `Invocations`, `Errors` and `Duration`. */
const lambdaOwnGap = (metric: Props): string =>
  `${String(metric.Namespace)} ${String(metric.MetricName)} is reported by Lambda itself; the local runtime has nothing to stand for it`;

/** The series an alarm compares with its threshold; a string says why there is none. */
function alarmSeries(store: MetricStore, p: Props, w: Window): Series | string {
  if (p.ThresholdMetricId !== undefined)
    return 'anomaly-detection band: CloudWatch trains it on two weeks of history';
  if (Array.isArray(p.Metrics)) return mathSeries(store, p.Metrics as Props[], w);
  const statName = String(p.ExtendedStatistic ?? p.Statistic ?? 'Average');
  const series = stat(store, p, statName, Number(p.Period ?? 60), w);
  return series.length === 0 && isLambdaOwn(p) ? lambdaOwnGap(p) : series;
}

function mathSeries(store: MetricStore, queries: Props[], w: Window): Series | string {
  const byId: Record<string, Series> = {};
  for (const q of queries) {
    const ms = q.MetricStat as Props | undefined;
    if (!ms) continue;
    const metric = ms.Metric as Props;
    const series = stat(store, metric, String(ms.Stat), Number(ms.Period ?? 60), w);
    if (series.length === 0 && isLambdaOwn(metric)) return lambdaOwnGap(metric);
    byId[String(q.Id)] = series;
  }
  const result = queries.find((q) => q.ReturnData !== false && q.Expression !== undefined);
  if (!result) return Object.values(byId)[0] ?? 'no metric';
  try {
    const out: MathResult = mathExpression(String(result.Expression), byId);
    return out.kind === 'series' ? out.points : 'the expression is a band, not a series';
  } catch (error) {
    return `expression not evaluated: ${(error as Error).message}`;
  }
}

function verdict(name: string, p: Props, series: Series | string): AlarmVerdict {
  if (typeof series === 'string') return { name, state: 'INSUFFICIENT_DATA', reason: series };
  if (series.length === 0) return missing(name, String(p.TreatMissingData ?? 'missing'));
  const op = String(p.ComparisonOperator);
  const threshold = Number(p.Threshold);
  const compare = COMPARE[op];
  if (!compare)
    return { name, state: 'INSUFFICIENT_DATA', reason: `comparison ${op} is not evaluated here` };
  const periods = Number(p.EvaluationPeriods ?? 1);
  const recent = series.slice(-periods);
  const breaching = recent.filter((d) => compare(d.value, threshold));
  const needed = Math.min(Number(p.DatapointsToAlarm ?? periods), recent.length);
  const values = recent.map((d) => Number(d.value.toPrecision(4))).join(', ');
  const rule = `${SYMBOL[op] ?? op} ${threshold}`;
  return breaching.length >= needed
    ? {
        name,
        state: 'ALARM',
        reason: `${breaching.length} of ${recent.length} datapoints ${rule} (values ${values})`,
      }
    : { name, state: 'OK', reason: `datapoints ${values}, threshold ${rule}` };
}

/** No datapoint at all: the alarm's TreatMissingData decides, as in CloudWatch. */
function missing(name: string, treat: string): AlarmVerdict {
  const reason = `no datapoints; missing data is treated as ${treat}`;
  if (treat === 'notBreaching') return { name, state: 'OK', reason };
  if (treat === 'breaching') return { name, state: 'ALARM', reason };
  return { name, state: 'INSUFFICIENT_DATA', reason };
}

/** Evaluate a composite rule `ALARM("arn") OR ALARM("arn")…` from its children's states. */
function composite(
  name: string,
  rule: string,
  states: ReadonlyMap<string, AlarmVerdict>,
): AlarmVerdict {
  // Children are named by ARN: arn:aws:cloudwatch:<region>:<account>:alarm:<name> (names may contain ':').
  const children = [...rule.matchAll(/ALARM\("?([^")]+)"?\)/g)].map((m) =>
    m[1]!.replace(/^arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:/, ''),
  );
  const firing = children.filter((c) => states.get(c)?.state === 'ALARM');
  const all = /\bAND\b/.test(rule) && !/\bOR\b/.test(rule);
  const alarm = all ? firing.length === children.length && children.length > 0 : firing.length > 0;
  return {
    name,
    state: alarm ? 'ALARM' : 'OK',
    reason:
      firing.length > 0
        ? `children in ALARM: ${firing.join(', ')}`
        : `none of its ${children.length} alarms is in ALARM`,
  };
}

/** Every alarm of the template, then every composite alarm over them. */
export function evaluateAlarms(resolver: TemplateResolver, store: MetricStore): AlarmVerdict[] {
  const range = store.timeRange();
  const w = range ? { start: range.start - 60_000, end: range.end + 60_000 } : { start: 0, end: 0 };
  const states = new Map<string, AlarmVerdict>();
  for (const { id, properties } of resolver.resources('AWS::CloudWatch::Alarm')) {
    const name = resolver.nameOf(id);
    states.set(name, verdict(name, properties, alarmSeries(store, properties, w)));
  }
  const composites = resolver
    .resources('AWS::CloudWatch::CompositeAlarm')
    .map(({ id, properties }) =>
      composite(resolver.nameOf(id), String(properties.AlarmRule), states),
    );
  return [...states.values(), ...composites];
}
