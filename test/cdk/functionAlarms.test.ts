import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { InvalidPropError, ObservedInferenceFunction } from '../../cdk/index.js';
import { renderString } from '../support/templateMetrics.js';
import { functionProps, resourcesOf, templateOf, testStack } from './support.js';

type Props = Parameters<typeof functionProps>[1];

function synth(overrides: Props = {}) {
  const { stack, layer } = testStack();
  const fn = new ObservedInferenceFunction(stack, 'Fn', functionProps(layer, overrides));
  const template = templateOf(stack);
  const names = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((r) =>
    String(r.Properties.AlarmName),
  );
  const dashboards = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard')).map((r) =>
    renderString(r.Properties.DashboardBody as never),
  );
  return { fn, names, dashboard: dashboards[0] ?? '', template };
}

describe('ObservedInferenceFunction with InferenceAlarms props', () => {
  it('passes the opt-in alarms through to its own alarms', () => {
    const { fn, names } = synth({
      abstentionRateCeiling: 0.1,
      invalidInputRateCeiling: 0.05,
      telemetryErrorRateCeiling: 0.01,
      predictionFloor: 5,
      latencyAnomalyStdDevs: 3,
      predictionVolumeStdDevs: 3,
      exclude: ['modelReloads'],
      alarmNamePrefix: 'ml',
    });
    const kinds = Object.keys(fn.alarms!.forModel(fn.target.model));
    expect(kinds).toEqual(
      expect.arrayContaining([
        'abstentionRate',
        'invalidInputRate',
        'telemetryErrorRate',
        'silentModel',
        'latencyAnomaly',
        'predictionVolume',
      ]),
    );
    expect(kinds).not.toContain('modelReloads');
    expect(names.every((n) => n.startsWith('ml/'))).toBe(true);
  });

  it('alarms on broken data quality when it has a baseline, unless told not to', () => {
    const kinds = (p: Props) => {
      const { fn } = synth(p);
      return Object.keys(fn.alarms!.forModel(fn.target.model));
    };
    expect(kinds({})).not.toContain('dataQuality');
    expect(kinds({ drift: { baseline: 'model/baseline.json' } })).toContain('dataQuality');
    expect(
      kinds({ drift: { baseline: 'model/baseline.json' }, dataQualityAlarm: false }),
    ).not.toContain('dataQuality');
  });

  it('refuses alarm props with createAlarms: false, naming the prop', () => {
    expect(() => synth({ createAlarms: false, predictionFloor: 3 })).toThrow(InvalidPropError);
    expect(() => synth({ createAlarms: false, predictionFloor: 3 })).toThrow(/predictionFloor/);
  });

  it('keeps the alarm props out of the Lambda function', () => {
    const { template } = synth({ predictionFloor: 3 });
    const fn = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find(
      (r) => (r.Properties as { Layers?: unknown }).Layers,
    );
    expect(JSON.stringify(fn)).not.toContain('predictionFloor');
  });

  it('graphs memory against its memory setting, CPU time and cost per 1,000 predictions', () => {
    const { dashboard } = synth({ memorySize: 1536 });
    const body = JSON.parse(dashboard) as {
      widgets: { properties: { title?: string; annotations?: cloudwatch.HorizontalAnnotation } }[];
    };
    const byTitle = (t: string) => body.widgets.find((w) => w.properties.title === t);
    expect(JSON.stringify(byTitle('Max memory used (MB)'))).toMatch(
      /"MaxMemoryUsed".*"value":1536,"label":"memory setting"|"value":1536.*MaxMemoryUsed/s,
    );
    expect(JSON.stringify(byTitle('CPU time and latency (ms)'))).toContain('CpuTime');
    expect(JSON.stringify(byTitle('Estimated cost per 1,000 predictions'))).toContain(
      '1000 * cost / predictions',
    );
  });
});
