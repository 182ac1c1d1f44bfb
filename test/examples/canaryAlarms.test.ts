/**
 * The demo's alarm evaluator (`examples/demo/alarms.ts`) on the synthesized
 * version-comparison alarms: their metric math (IF, AND, FILL, ABS over two
 * versions' metrics) evaluated on EMF records of two ModelVersions; and the
 * demo's deliberate regression, which keeps the labels and lowers confidence.
 */
import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { InferenceVersionComparison } from '../../cdk/index.js';
import { evaluateAlarms } from '../../examples/demo/alarms.js';
import { CANDIDATE, regressedWeights } from '../../examples/demo/canary.js';
import { MetricStore } from '../../examples/demo/preview/metricStore.js';
import { type Template, TemplateResolver } from '../../examples/demo/template.js';
import { generate } from '../../examples/fraud-detection/data.js';
import { parseWeights, predict } from '../../examples/fraud-detection/model.js';
import { DEFAULT_NAMESPACE, DIMENSION, METRIC } from '../../lib/telemetry.js';

/** 13:02:00Z: the start of a one-minute period. */
const START = Date.parse('2026-11-26T13:02:00Z');

function resolver(): TemplateResolver {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Release');
  new InferenceVersionComparison(stack, 'Canary', {
    target: { model: { name: 'fraud', version: '2' }, serviceName: 'fraud-api' },
    baseline: '1',
    minInvocations: 10,
  });
  return new TemplateResolver(app.synth().getStackByName('Release').template as Template);
}

interface Invocation {
  readonly latency: number;
  readonly error?: boolean;
  readonly confidence: number;
}

/** One EMF record per invocation of `version`, in the shape the runtime writes, within one minute. */
function records(version: string, invocations: readonly Invocation[]) {
  const dims = {
    [DIMENSION.Service]: 'fraud-api',
    [DIMENSION.ModelName]: 'fraud',
    [DIMENSION.ModelVersion]: version,
  };
  return invocations.map((inv, i) => {
    const metrics: Record<string, number> = {
      [METRIC.InferenceLatency]: inv.latency,
      [METRIC.Errors]: inv.error ? 1 : 0,
      ...(inv.error ? {} : { [METRIC.Predictions]: 1, [METRIC.Confidence]: inv.confidence }),
    };
    return {
      _aws: {
        Timestamp: START + 1000 + i * 100,
        CloudWatchMetrics: [
          {
            Namespace: DEFAULT_NAMESPACE,
            Dimensions: [Object.keys(dims)],
            Metrics: Object.keys(metrics).map((Name) => ({ Name })),
          },
        ],
      },
      ...dims,
      ...metrics,
    };
  });
}

const many = (n: number, make: (i: number) => Invocation) =>
  Array.from({ length: n }, (_, i) => make(i));
const healthy = (i: number): Invocation => ({ latency: 4 + (i % 5), confidence: 0.95 });

function states(store: MetricStore): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of evaluateAlarms(resolver(), store)) out[v.name.split(': ')[1]!] = v.state;
  return out;
}

describe('the version-comparison alarms, evaluated by the demo on two versions’ EMF', () => {
  it('fire when the candidate is slower, fails more and is less sure than the baseline', () => {
    const store = MetricStore.fromEmf([
      ...records('1', many(30, healthy)),
      ...records(
        '2',
        many(30, (i) => ({ latency: 20 + (i % 5), error: i < 3, confidence: 0.8 })),
      ),
    ]);
    expect(states(store)).toEqual({
      'p99 latency > 1.25x baseline': 'ALARM',
      'error rate > baseline + 1%': 'ALARM',
      'mean confidence shifted > 0.05': 'ALARM',
    });
  });

  it('stay OK when the candidate answers like the baseline', () => {
    const store = MetricStore.fromEmf([
      ...records('1', many(30, healthy)),
      ...records('2', many(30, healthy)),
    ]);
    const verdicts = evaluateAlarms(resolver(), store);
    expect(verdicts.map((v) => v.state)).toEqual(['OK', 'OK', 'OK']);
    // Evaluated, not missing: ratio 1, no error-rate difference, no confidence shift.
    expect(verdicts.map((v) => v.reason)).toEqual([
      'datapoints 1, threshold > 1.25',
      'datapoints 0, threshold > 0.01',
      'datapoints 0, threshold > 0.05',
    ]);
  });

  it('say nothing while a version served fewer than minInvocations, or only the baseline ran', () => {
    const worse = (i: number): Invocation => ({ latency: 50 + i, error: true, confidence: 0.6 });
    for (const store of [
      MetricStore.fromEmf([...records('1', many(30, healthy)), ...records('2', many(9, worse))]),
      MetricStore.fromEmf(records('1', many(30, healthy))),
    ])
      for (const v of evaluateAlarms(resolver(), store)) {
        expect(v.state).toBe('OK');
        expect(v.reason).toMatch(/no datapoints; missing data is treated as notBreaching/);
      }
  });
});

describe('the demo regression', () => {
  it('predicts the same labels as the baseline with less confidence', () => {
    const doc = JSON.parse(
      readFileSync(
        new URL('../../examples/fraud-detection/model/weights.json', import.meta.url),
        'utf8',
      ),
    );
    const baseline = parseWeights(doc);
    const candidate = parseWeights(regressedWeights(doc));
    expect(candidate.model.version).toBe(CANDIDATE);
    let less = 0;
    const txs = generate(300, 7).map((r) => r.transaction);
    for (const tx of txs) {
      const [b, c] = [predict(baseline, tx), predict(candidate, tx)];
      expect(c.label).toBe(b.label);
      expect(c.confidence).toBeLessThanOrEqual(b.confidence);
      if (c.confidence < b.confidence) less++;
    }
    expect(less).toBeGreaterThan(290);
  });
});
