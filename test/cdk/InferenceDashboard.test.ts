import { Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { InferenceDashboard } from '../../cdk/index.js';
import {
  DEFAULT_NAMESPACE,
  DIMENSION_SET,
  driftMetricName,
  METRIC,
  MODEL_CALL_METRICS,
  MODEL_CALL_METRICS_BY_MODEL,
  OUTCOME_METRIC,
  stageMetricName,
} from '../../lib/telemetry.js';
import {
  renderString,
  type TemplateMetricRef,
  templateMetrics,
} from '../support/templateMetrics.js';
import { fullStack, resourcesOf, TRIAGE_MODELS, templateOf, testApp } from './support.js';

interface Widget {
  type: string;
  width: number;
  properties: {
    title?: string;
    markdown?: string;
    query?: string;
    alarms?: string[];
    metrics?: unknown[][];
    stacked?: boolean;
  };
}

const STREAMING_METRICS: readonly string[] = [
  METRIC.TimeToFirstByte,
  METRIC.BytesStreamed,
  METRIC.StreamsAborted,
];

let full: ReturnType<typeof fullStack>;
let bodies: Record<string, { widgets: Widget[] }>;
let refs: TemplateMetricRef[];

beforeAll(() => {
  full = fullStack();
  const template = templateOf(full.stack);
  bodies = {};
  for (const [id, r] of Object.entries(resourcesOf(template, 'AWS::CloudWatch::Dashboard')))
    bodies[id] = JSON.parse(renderString(r.Properties.DashboardBody as never));
  refs = templateMetrics(template.toJSON()).filter((r) => r.source === 'dashboard');
});

const logicalId = (c: InferenceDashboard) =>
  full.stack.getLogicalId(c.dashboard.node.defaultChild as never);
const bodyOf = (c: InferenceDashboard) => {
  const body = bodies[full.stack.resolve(logicalId(c)) as string];
  if (!body) throw new Error('no dashboard body');
  return body;
};
const titles = (c: InferenceDashboard) =>
  bodyOf(c).widgets.map((w) => w.properties.title ?? w.type);

describe('InferenceDashboard', () => {
  it('graphs every contract metric of each model with the exact dimension set', () => {
    const modelCallMetrics: readonly string[] = MODEL_CALL_METRICS;
    const byModel: readonly string[] = MODEL_CALL_METRICS_BY_MODEL;
    for (const [dashboard, service, name, version, streams, callsModels] of [
      ['TeamDashboard', 'fraud-api', 'fraud', '2026-11-01', true, false],
      ['TeamDashboard', 'churn-api', 'churn', '7', false, false],
      ['TriageDashboard', 'triage-api', 'triage', '2026-12-01', true, true],
    ] as const) {
      const ours = refs.filter(
        (r) => r.resource.startsWith(dashboard) && r.dimensions.ModelName === name,
      );
      const graphed = ours.map((r) => r.metricName);
      for (const metricName of [...Object.values(METRIC), ...Object.values(OUTCOME_METRIC)]) {
        // A buffered function never emits the streaming metrics: graphed only with responseStreaming;
        // the model-call metrics only with modelCalls.
        const emitted = STREAMING_METRICS.includes(metricName)
          ? streams
          : modelCallMetrics.includes(metricName)
            ? callsModels
            : true;
        if (emitted) expect(graphed, `${name} ${metricName}`).toContain(metricName);
        else expect(graphed, `${name} ${metricName}`).not.toContain(metricName);
      }
      for (const ref of ours) {
        expect(ref.namespace).toBe(DEFAULT_NAMESPACE);
        const { BedrockModelId, ...dimensions } = ref.dimensions;
        expect(Object.keys(dimensions).sort()).toEqual([...DIMENSION_SET].sort());
        expect(dimensions).toEqual({ service, ModelName: name, ModelVersion: version });
        // The per-model statement: only the metrics the runtime states per model, only the ids named.
        if (BedrockModelId !== undefined) {
          expect(byModel, ref.metricName).toContain(ref.metricName);
          expect(TRIAGE_MODELS).toContain(BedrockModelId);
        }
      }
    }
  });

  it('graphs the p95 of each stage given, and p50/p95/p99 latency', () => {
    const fraudOwn = refs.filter((r) => r.resource.startsWith('FraudDashboard'));
    const stages = fraudOwn.filter(
      (r) =>
        r.namespace === DEFAULT_NAMESPACE &&
        r.metricName.endsWith('Duration') &&
        r.metricName !== METRIC.ColdStartDuration,
    );
    expect(stages.map((r) => [r.metricName, r.stat])).toEqual(
      ['preprocess', 'predict', 'postprocess'].map((s) => [stageMetricName(s), 'p95']),
    );
    const latency = fraudOwn
      .filter((r) => r.metricName === METRIC.InferenceLatency)
      .map((r) => r.stat);
    expect(latency).toEqual(expect.arrayContaining(['p50', 'p95', 'p99', 'SampleCount']));
  });

  it('graphs the drift signals given beside DriftScore', () => {
    const fraudOwn = refs.filter((r) => r.resource.startsWith('FraudDashboard'));
    expect(fraudOwn.map((r) => r.metricName)).toContain(driftMetricName('amount'));
  });

  it('stacks the share of each label given, the rest as (other), and rates of abstentions and invalid inputs', () => {
    const fraudOwn = refs.filter((r) => r.resource.startsWith('FraudDashboard'));
    const labelRefs = fraudOwn.filter((r) => r.metricName.startsWith('PredictedLabel.'));
    expect([...new Set(labelRefs.map((r) => `${r.metricName}:${r.stat}`))].sort()).toEqual([
      'PredictedLabel.fraud:Sum',
      'PredictedLabel.legit:Sum',
    ]);
    const names = fraudOwn.map((r) => r.metricName);
    expect(names).toEqual(expect.arrayContaining([METRIC.Abstentions, METRIC.InvalidInputs]));
    const mix = bodyOf(full.fraud.dashboard!).widgets.find((w) =>
      w.properties.title?.startsWith('Label mix'),
    );
    const expressions = JSON.stringify(mix?.properties.metrics);
    expect(expressions).toContain('FILL(l0, 0) / predictions');
    expect(expressions).toContain('(predictions - FILL(l0, 0) - FILL(l1, 0)) / predictions');
    expect(mix?.properties.stacked).toBe(true);
  });

  it('says how to get the label-mix graph when no labels are given', () => {
    const notes = bodyOf(full.teamDashboard).widgets.filter((w) =>
      w.properties.markdown?.startsWith('### Label mix'),
    );
    expect(notes).toHaveLength(2);
    expect(notes[0]?.properties.markdown).toContain('`labels`');
  });

  it("adds Lambda's own Duration for a known function", () => {
    const lambdaRefs = refs.filter((r) => r.namespace === 'AWS/Lambda');
    expect(lambdaRefs.map((r) => r.metricName)).toContain('Duration');
    expect(lambdaRefs.every((r) => Object.keys(r.dimensions).join() === 'FunctionName')).toBe(true);
  });

  it('queries the function log group for the latest errors and the slowest invocations', () => {
    const queries = bodyOf(full.teamDashboard).widgets.filter((w) => w.type === 'log');
    expect(queries).toHaveLength(4);
    const fraudErrors = queries.find(
      (w) => w.properties.title === 'Latest errors' && w.properties.query?.includes('"fraud"'),
    );
    expect(fraudErrors?.properties.query).toMatch(/^SOURCE '\{\{Ref:FraudLogGroup[0-9A-F]+\}\}'/);
    for (const field of ['input_hash', 'xray_trace_id', 'error.name', 'error.message'])
      expect(fraudErrors?.properties.query).toContain(field);
    expect(fraudErrors?.properties.query).toContain(
      'model_name = "fraud" and model_version = "2026-11-01"',
    );
    const slowest = queries.find((w) => w.properties.title === 'Slowest invocations');
    expect(slowest?.properties.query).toContain('sort latency_ms desc');
    expect(slowest?.properties.query).toContain('stages.predict');
  });

  it('shows the status of the alarms added, composites first (the root first), at the top', () => {
    const [first] = bodyOf(full.teamDashboard).widgets;
    expect(first?.type).toBe('alarm');
    expect(first?.properties.alarms).toHaveLength(
      full.teamAlarms.healthAlarms.length + full.teamAlarms.alarms.length,
    );
    expect(first?.properties.alarms?.[0]).toContain('TeamAlarmsModelHealth');
  });

  it('lays out one block of rows per model on a shared dashboard', () => {
    const headers = bodyOf(full.teamDashboard).widgets.filter(
      (w) => w.type === 'text' && w.properties.markdown?.startsWith('## '),
    );
    expect(headers.map((w) => w.properties.markdown?.split('\n')[0])).toEqual([
      '## fraud @ 2026-11-01',
      '## churn @ 7',
    ]);
    for (const w of bodyOf(full.teamDashboard).widgets) expect(w.width).toBeLessThanOrEqual(24);
  });

  it('names the widgets of a model (snapshot)', () => {
    expect(titles(full.fraud.dashboard!)).toMatchSnapshot();
  });

  it('says so when no alarm is added', () => {
    const stack = new Stack(testApp(), 'Bare');
    const dashboard = new InferenceDashboard(stack, 'D', {
      models: [{ model: { name: 'm', version: '1' }, serviceName: 's' }],
    });
    const body = JSON.parse(
      renderString(
        stack.resolve(
          (dashboard.dashboard.node.defaultChild as cloudwatch.CfnDashboard).dashboardBody,
        ),
      ),
    ) as { widgets: Widget[] };
    expect(body.widgets[0]?.properties.markdown).toContain('No alarms');
    expect(body.widgets.some((w) => w.type === 'log')).toBe(false);
  });
});
