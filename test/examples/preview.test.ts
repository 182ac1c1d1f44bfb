import { describe, expect, it } from 'vitest';
import { LogQueryError, runLogQuery } from '../../examples/demo/preview/logQuery.js';
import { MetricMathError, mathExpression } from '../../examples/demo/preview/metricMath.js';
import { MetricStore } from '../../examples/demo/preview/metricStore.js';
import {
  computeStatistic,
  parseStatistic,
  UnsupportedStatisticError,
} from '../../examples/demo/preview/statistics.js';
import { parseWidgetMetrics } from '../../examples/demo/preview/widgetMetrics.js';

const NS = 'ObservedInference';
const DIMS = { service: 'fraud-api', ModelName: 'fraud', ModelVersion: '1' };
const T0 = Date.parse('2026-11-26T13:00:00Z');
const MINUTE = 60_000;

/** One EMF record in the shape the runtime writes. */
function emf(timestamp: number, metrics: Record<string, number | number[]>, dims = DIMS) {
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: NS,
          Dimensions: [Object.keys(dims)],
          Metrics: Object.keys(metrics).map((Name) => ({ Name, Unit: 'Milliseconds' })),
        },
      ],
    },
    ...dims,
    ...metrics,
  };
}

const query = (store: MetricStore, metricName: string, stat: string, period = 300) =>
  store.query({
    namespace: NS,
    metricName,
    dimensions: DIMS,
    stat,
    period,
    start: T0,
    end: T0 + 3600_000,
  });

const statOf = (store: MetricStore, metricName: string, stat: string) =>
  query(store, metricName, stat)[0]?.value;

describe('preview statistics', () => {
  // Ten values spread over four records (single values and EMF arrays), one 5-minute period.
  // Sorted: 1 3 5 7 9 12 15 18 20 30.
  const store = MetricStore.fromEmf([
    emf(T0, { InferenceLatency: [12, 3, 7] }),
    emf(T0 + 10_000, { InferenceLatency: 20 }),
    emf(T0 + 20_000, { InferenceLatency: [15, 9, 1, 30] }),
    emf(T0 + 4 * MINUTE, { InferenceLatency: [18, 5] }),
  ]);

  it('computes percentiles by nearest rank of the raw values, sorted[ceil(p/100·n) − 1]', () => {
    const expected: Record<string, number> = {
      p0: 1, // rank clamped to 1: the minimum
      p10: 1, // ceil(1.0) = 1
      'p10.5': 3, // ceil(1.05) = 2
      p25: 5, // ceil(2.5) = 3
      p50: 9, // ceil(5) = 5
      p90: 20, // ceil(9) = 9
      p95: 30, // ceil(9.5) = 10
      p99: 30,
      'p99.9': 30,
      p100: 30,
    };
    for (const [stat, value] of Object.entries(expected))
      expect([stat, statOf(store, 'InferenceLatency', stat)]).toEqual([stat, value]);
  });

  it('computes percentiles of 1..100 as the value at that rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    const s = MetricStore.fromEmf([emf(T0, { InferenceLatency: values })]);
    expect(statOf(s, 'InferenceLatency', 'p50')).toBe(50);
    expect(statOf(s, 'InferenceLatency', 'p95')).toBe(95);
    expect(statOf(s, 'InferenceLatency', 'p99')).toBe(99);
    expect(statOf(s, 'InferenceLatency', 'p99.5')).toBe(100);
  });

  it('computes trimmed means, counting a boundary inside a rank by the covered fraction', () => {
    // TM(10%:90%) drops 1 and 30: (3+5+7+9+12+15+18+20) / 8.
    expect(statOf(store, 'InferenceLatency', 'TM(10%:90%)')).toBe(89 / 8);
    // tm90 = TM(:90%) drops 30: 90 / 9.
    expect(statOf(store, 'InferenceLatency', 'tm90')).toBe(10);
    // IQM = ranks [2.5, 7.5]: half of 5, 7 9 12 15, half of 18 → 54.5 / 5.
    expect(statOf(store, 'InferenceLatency', 'IQM')).toBeCloseTo(10.9, 10);
    // TM(5:15): values > 5 and ≤ 15 → 7 9 12 15.
    expect(statOf(store, 'InferenceLatency', 'TM(5:15)')).toBe(43 / 4);
  });

  it('has no percentile for a period with a negative value (CloudWatch has none either)', () => {
    const s = MetricStore.fromEmf([emf(T0, { DriftScore: [0.2, -0.1, 0.4] })]);
    expect(query(s, 'DriftScore', 'p50')).toEqual([]);
    expect(statOf(s, 'DriftScore', 'Maximum')).toBe(0.4);
  });

  it('rejects statistics it cannot compute with a message naming them', () => {
    expect(() => parseStatistic('WM(10%:90%)')).toThrow(UnsupportedStatisticError);
    expect(() => parseStatistic('p101')).toThrow(/"p101" is not supported/);
    expect(parseStatistic('average')).toEqual({ kind: 'Average' });
    expect(computeStatistic({ kind: 'Sum' }, [])).toBeUndefined();
  });
});

describe('preview metric store', () => {
  const store = MetricStore.fromEmf([
    emf(T0, { Errors: 10 }),
    emf(T0 + 20_000, { Errors: 20 }),
    emf(T0 + 59_999, { Errors: [30, 40] }),
    emf(T0 + 60_000, { Errors: 5 }), // first instant of the second minute
    emf(T0 + 180_000, { Errors: 7 }),
    { message: 'not an EMF record' },
  ]);

  it('computes SampleCount, Sum, Average, Minimum and Maximum per period, periods without values absent', () => {
    const stats = ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'];
    const rows = stats.map((stat) => [
      stat,
      query(store, 'Errors', stat, 60).map((p) => [p.timestamp - T0, p.value]),
    ]);
    expect(Object.fromEntries(rows)).toEqual({
      SampleCount: [
        [0, 4],
        [60_000, 1],
        [180_000, 1],
      ],
      Sum: [
        [0, 100],
        [60_000, 5],
        [180_000, 7],
      ],
      Average: [
        [0, 25],
        [60_000, 5],
        [180_000, 7],
      ],
      Minimum: [
        [0, 10],
        [60_000, 5],
        [180_000, 7],
      ],
      Maximum: [
        [0, 40],
        [60_000, 5],
        [180_000, 7],
      ],
    });
    expect(query(store, 'Errors', 'Sum', 300)).toEqual([{ timestamp: T0, value: 112 }]);
  });

  it('keeps the time range half-open: start inclusive, end exclusive', () => {
    const points = store.query({
      namespace: NS,
      metricName: 'Errors',
      dimensions: DIMS,
      stat: 'Sum',
      period: 60,
      start: T0 + 60_000,
      end: T0 + 180_000,
    });
    expect(points).toEqual([{ timestamp: T0 + 60_000, value: 5 }]);
  });

  it('finds nothing for a dimension set with one dimension too many or too few', () => {
    const base = {
      namespace: NS,
      metricName: 'Errors',
      stat: 'Sum',
      period: 60,
      start: T0,
      end: T0 + 3600_000,
    };
    expect(store.query({ ...base, dimensions: { ...DIMS, FunctionName: 'fraud-api' } })).toEqual(
      [],
    );
    expect(
      store.query({ ...base, dimensions: { service: 'fraud-api', ModelName: 'fraud' } }),
    ).toEqual([]);
    expect(store.query({ ...base, dimensions: { ...DIMS, ModelVersion: '2' } })).toEqual([]);
    // The order of dimensions does not make another metric.
    const reordered = { ModelVersion: '1', service: 'fraud-api', ModelName: 'fraud' };
    expect(store.query({ ...base, dimensions: reordered })).toHaveLength(3);
  });

  it('makes one metric per dimension set of a directive', () => {
    const record = emf(T0, { Predictions: 3 });
    record._aws.CloudWatchMetrics[0]!.Dimensions = [['service'], ['service', 'ModelName']];
    const s = MetricStore.fromEmf([record]);
    expect(s.metrics().map((m) => m.dimensions)).toEqual([
      { service: 'fraud-api' },
      { service: 'fraud-api', ModelName: 'fraud' },
    ]);
    expect(s.has({ namespace: NS, metricName: 'Predictions', dimensions: DIMS })).toBe(false);
  });
});

describe('preview metric math', () => {
  const at = (minute: number) => T0 + minute * 5 * MINUTE;
  const series = (values: Record<number, number>) =>
    Object.entries(values).map(([m, value]) => ({ timestamp: at(Number(m)), value }));
  const grid = [0, 1, 2, 3].map(at);
  const values = (r: ReturnType<typeof mathExpression>) =>
    r.kind === 'series' ? r.points.map((p) => [(p.timestamp - T0) / (5 * MINUTE), p.value]) : r;

  it('divides series at the timestamps both have, dropping divisions by zero', () => {
    const errors = series({ 0: 1, 1: 0, 2: 3 });
    const invocations = series({ 0: 4, 1: 0, 3: 10 });
    expect(values(mathExpression('errors / invocations', { errors, invocations }, grid))).toEqual([
      [0, 0.25],
    ]);
  });

  it('evaluates the reload expression of the dashboard with FILL and IF', () => {
    const loads = series({ 0: 1, 2: 3 });
    const coldStarts = series({ 0: 1, 1: 1 });
    const excess = 'FILL(loads, 0) - 1 * FILL(coldStarts, 0)';
    const result = mathExpression(`IF(${excess} > 0, ${excess}, 0)`, { loads, coldStarts }, grid);
    expect(values(result)).toEqual([
      [0, 0],
      [1, 0],
      [2, 3],
      [3, 0],
    ]);
  });

  it('follows precedence, parentheses and unary minus; a constant is drawn over the range', () => {
    expect(values(mathExpression('1 + 2 * 3 - -1', {}, grid))).toEqual([
      [0, 8],
      [1, 8],
      [2, 8],
      [3, 8],
    ]);
    const m = series({ 0: 2, 1: 4 });
    expect(values(mathExpression('(m + 2) * 2 ^ 2', { m }, grid))).toEqual([
      [0, 16],
      [1, 24],
    ]);
    expect(values(mathExpression('FILL(m, REPEAT)', { m }, grid))).toEqual([
      [0, 2],
      [1, 4],
      [2, 4],
      [3, 4],
    ]);
  });

  it('approximates ANOMALY_DETECTION_BAND as mean ± k standard deviations', () => {
    const m = series({ 0: 1, 1: 3 });
    const band = mathExpression('ANOMALY_DETECTION_BAND(m, 2)', { m }, grid);
    expect(band.kind).toBe('band');
    if (band.kind === 'band') {
      expect(band.lower.map((p) => p.value)).toEqual([0, 0]);
      expect(band.upper.map((p) => p.value)).toEqual([4, 4]);
    }
  });

  it('reports unsupported functions, unknown ids and bad syntax as MetricMathError', () => {
    expect(() => mathExpression('METRICS()', {})).toThrow(/METRICS\(\) is not supported/);
    expect(() => mathExpression('a / b', { a: [] })).toThrow(/unknown id "b"/);
    expect(() => mathExpression('a +', { a: [] })).toThrow(MetricMathError);
  });
});

describe('preview widget metrics', () => {
  it('expands the "." and "..." shorthands and reads expression entries', () => {
    const { entries, errors } = parseWidgetMetrics(
      [
        [NS, 'Errors', 'service', 'a', { stat: 'Sum', id: 'errors' }],
        ['.', 'Timeouts', '.', '.', { yAxis: 'right' }],
        ['...', 'b'],
        [{ expression: 'errors * 2', label: 'double', id: 'e1' }],
        ['only-a-namespace'],
      ],
      { stat: 'Average', period: 300 },
    );
    expect(
      entries.map((e) =>
        e.kind === 'metric'
          ? [e.metricName, e.dimensions, e.stat, e.yAxis]
          : [e.expression, e.label],
      ),
    ).toEqual([
      ['Errors', { service: 'a' }, 'Sum', 'left'],
      ['Timeouts', { service: 'a' }, 'Average', 'right'],
      ['Timeouts', { service: 'b' }, 'Average', 'left'],
      ['errors * 2', 'double'],
    ]);
    expect(errors).toEqual(['metrics[4]: namespace and metric name must be strings']);
  });
});

describe('preview Logs Insights subset', () => {
  const logs = [
    {
      level: 'INFO',
      timestamp: '2026-11-26T13:00:01.000Z',
      model_name: 'fraud',
      model_version: '1',
      latency_ms: 40,
      stages: { predict: 30 },
      logGroup: '/aws/lambda/fraud-api',
    },
    {
      level: 'ERROR',
      timestamp: '2026-11-26T13:00:02.000Z',
      model_name: 'fraud',
      model_version: '1',
      latency_ms: 12,
      error: { name: 'ValidationError', message: 'amount missing' },
    },
    {
      level: 'INFO',
      timestamp: '2026-11-26T13:00:03.000Z',
      model_name: 'fraud',
      model_version: '1',
      latency_ms: 90,
      stages: { predict: 80 },
    },
    {
      level: 'ERROR',
      timestamp: '2026-11-26T13:00:04.000Z',
      model_name: 'fraud',
      model_version: '2',
      latency_ms: 5,
      error: { name: 'TypeError', message: 'x' },
    },
    {
      level: 'INFO',
      timestamp: '2026-11-26T13:00:05.000Z',
      model_name: 'churn',
      model_version: '1',
      latency_ms: 300,
    },
    {
      level: 'INFO',
      timestamp: '2026-11-26T13:00:06.000Z',
      model_name: 'fraud',
      model_version: '1',
      latency_ms: 70,
      logGroup: '/aws/lambda/other',
    },
  ];

  it('runs the dashboard "latest errors" query: filter with and, ispresent, sort desc, limit', () => {
    const q =
      "SOURCE '/aws/lambda/fraud-api' | fields @timestamp, error.name, error.message, latency_ms\n" +
      '| filter model_name = "fraud" and model_version = "1" and level = "ERROR" and ispresent(error.name)\n' +
      '| sort @timestamp desc\n| limit 20';
    const result = runLogQuery(q, logs);
    expect(result.columns).toEqual(['@timestamp', 'error.name', 'error.message', 'latency_ms']);
    expect(result.rows).toEqual([
      {
        '@timestamp': Date.parse('2026-11-26T13:00:02.000Z'),
        'error.name': 'ValidationError',
        'error.message': 'amount missing',
        latency_ms: 12,
      },
    ]);
  });

  it('runs the dashboard "slowest invocations" query; SOURCE leaves out records of other log groups', () => {
    const q =
      "SOURCE '/aws/lambda/fraud-api' | fields @timestamp, latency_ms, stages.predict\n" +
      '| filter model_name = "fraud" and model_version = "1" and ispresent(latency_ms)\n' +
      '| sort latency_ms desc\n| limit 2';
    expect(runLogQuery(q, logs).rows.map((r) => [r.latency_ms, r['stages.predict']])).toEqual([
      [90, 80],
      [40, 30],
    ]);
  });

  it('filters with !=, <, >, like /regex/, or, not and parentheses', () => {
    const count = (filter: string) =>
      runLogQuery(`filter ${filter} | sort latency_ms asc`, logs).rows.map((r) => r['@timestamp'])
        .length;
    expect(count('level != "INFO"')).toBe(2);
    expect(count('latency_ms < 40 or latency_ms > 100')).toBe(3);
    expect(count('error.message like /^amount/')).toBe(1);
    expect(count('not (model_name = "fraud") and latency_ms >= 300')).toBe(1);
    expect(count('model_name like "ur"')).toBe(1);
  });

  it('computes stats by a field', () => {
    const result = runLogQuery('stats count(*) as n, max(latency_ms) by level', logs);
    expect(result.columns).toEqual(['level', 'n', 'max(latency_ms)']);
    expect(result.rows).toEqual([
      { level: 'INFO', n: 4, 'max(latency_ms)': 300 },
      { level: 'ERROR', n: 2, 'max(latency_ms)': 12 },
    ]);
  });

  it('reports syntax it does not know as LogQueryError', () => {
    expect(() => runLogQuery('fields @timestamp | dedup model_name', logs)).toThrow(
      /command "dedup" is not supported/,
    );
    expect(() => runLogQuery('filter strlen(message) > 3', logs)).toThrow(LogQueryError);
    expect(() => runLogQuery('sort latency_ms sideways', logs)).toThrow(/not asc or desc/);
  });
});
