import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  InferenceAlarms,
  InferenceDashboard,
  type InferenceTarget,
  InvalidPropError,
} from '../../cdk/index.js';
import { testApp } from './support.js';

/*
 * Fleets of 1, 17 and 100 models against the CloudWatch and CloudFormation
 * limits a synth alone does not check (sources in cdk/cloudwatchLimits.ts).
 * A model here has no function (no throttles alarm, no Lambda resources), so
 * the resources are the constructs' own.
 */

type Json = Record<string, unknown>;
interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Json }>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** The longest ARN around an alarm name: partition, a 20-character region, an account. */
const arnFor = (name: string) =>
  `arn:aws-iso-b:cloudwatch:${'r'.repeat(20)}:123456789012:alarm:${name}`;

function fleet(n: number, modelsPerStack?: number, pagesPerStack?: number) {
  const app = testApp();
  const stack = new Stack(app, 'Fleet', { env: { account: '123456789012', region: 'eu-west-1' } });
  const models: InferenceTarget[] = Array.from({ length: n }, (_, i) => ({
    model: { name: `recommendation-model-${i}`, version: '2026-12-01' },
    serviceName: `recommendations-${i}`,
  }));
  const alarms = new InferenceAlarms(stack, 'Alarms', { models, modelsPerStack });
  const dashboard = new InferenceDashboard(stack, 'Dashboard', {
    dashboardName: 'fleet',
    models,
    alarms: [alarms],
    pagesPerStack,
  });
  const assembly = app.synth();
  const templates = readdirSync(assembly.directory)
    .filter((f) => f.endsWith('.template.json'))
    .map((f) => ({
      file: join(assembly.directory, f),
      template: JSON.parse(readFileSync(join(assembly.directory, f), 'utf8')) as CfnTemplate,
    }));
  return { alarms, dashboard, templates };
}

/** Alarm names behind `GetAtt X.Arn` and behind nested-stack outputs of one. */
function alarmNames(templates: readonly CfnTemplate[]) {
  const byId = new Map<string, string>();
  const byOutput = new Map<string, string>();
  for (const t of templates) {
    for (const [id, r] of Object.entries(t.Resources))
      if (typeof r.Properties?.AlarmName === 'string') byId.set(id, r.Properties.AlarmName);
    for (const [output, { Value }] of Object.entries(t.Outputs ?? {})) {
      const ref = (Value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      const name = ref && byId.get(ref[0]);
      if (name) byOutput.set(output, name);
    }
  }
  return (ref: unknown): string => {
    const [id, attr] = (ref as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    const name = attr === 'Arn' ? byId.get(id) : byOutput.get(attr.replace(/^Outputs\./, ''));
    if (name === undefined) throw new Error(`unresolved alarm reference ${JSON.stringify(ref)}`);
    return name;
  };
}

/** A rule or body as deployed: literal parts as they are, alarm ARNs at their longest. */
function render(value: unknown, nameOf: (ref: unknown) => string): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((part) => render(part, nameOf)).join(join[0]);
  if ((value as Json)['Fn::GetAtt']) return arnFor(nameOf(value));
  return 'x'.repeat(64); // a Ref or pseudo parameter: a name or a region
}

describe.each([
  [1, undefined, undefined],
  [17, undefined, undefined],
  [100, 40, 6],
])(
  'a fleet of %i models (modelsPerStack %s, pagesPerStack %s)',
  (n, modelsPerStack, pagesPerStack) => {
    const { alarms, dashboard, templates } = fleet(n, modelsPerStack, pagesPerStack);
    const all = templates.map((t) => t.template);
    const nameOf = alarmNames(all);
    const resources = all.flatMap((t) => Object.values(t.Resources));
    const composites = resources.filter((r) => r.Type === 'AWS::CloudWatch::CompositeAlarm');
    const dashboards = resources.filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');

    it('keeps every stack within 500 resources and a 1 MB template', () => {
      for (const t of all) expect(Object.keys(t.Resources).length).toBeLessThanOrEqual(500);
      for (const t of templates) expect(readFileSync(t.file).length).toBeLessThanOrEqual(1_000_000);
    });

    it('names at most 100 alarms in 10,240 characters in every composite rule', () => {
      for (const c of composites) {
        const rule = render(c.Properties?.AlarmRule, nameOf);
        expect(rule.match(/ALARM\(/g)?.length).toBeLessThanOrEqual(100);
        expect(rule.length).toBeLessThanOrEqual(10_240);
        expect(String(c.Properties?.AlarmDescription).length).toBeLessThanOrEqual(1024);
      }
    });

    it('rolls every alarm up to the one composite that notifies', () => {
      const children = new Map<string, string[]>();
      for (const c of composites)
        children.set(
          String(c.Properties?.AlarmName),
          (c.Properties!.AlarmRule as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
            .filter((p) => typeof p !== 'string')
            .map(nameOf),
        );
      const reached = new Set<string>();
      const walk = (name: string) => {
        reached.add(name);
        for (const child of children.get(name) ?? []) walk(child);
      };
      const notifying = composites.filter((c) => c.Properties?.AlarmActions);
      expect(notifying).toHaveLength(1);
      walk(String(notifying[0]?.Properties?.AlarmName));
      const metricAlarms = resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
      for (const a of metricAlarms) expect(reached).toContain(a.Properties?.AlarmName);
      expect(reached.size).toBe(metricAlarms.length + composites.length);
      expect(alarms.healthAlarms).toHaveLength(composites.length);
    });

    it('keeps every dashboard page within its widgets, metrics and body budget', () => {
      expect(dashboards).toHaveLength(dashboard.dashboards.length);
      const pages = dashboard.dashboards.map((_, i) => (i === 0 ? 'fleet' : `fleet-${i + 1}`));
      expect(dashboards.map((d) => String(d.Properties?.DashboardName)).sort()).toEqual(
        pages.sort(),
      );
      if (n > 1) expect(pages.length).toBeGreaterThan(1);
      for (const d of dashboards) {
        const body = render(d.Properties?.DashboardBody, nameOf);
        const widgets = (
          JSON.parse(body) as {
            widgets: { properties: { metrics?: unknown[]; alarms?: unknown[] } }[];
          }
        ).widgets;
        expect(widgets.length).toBeLessThanOrEqual(100);
        expect(widgets.flatMap((w) => w.properties.metrics ?? []).length).toBeLessThanOrEqual(2500);
        for (const w of widgets) expect(w.properties.alarms?.length ?? 0).toBeLessThanOrEqual(100);
        expect(body.length).toBeLessThanOrEqual(100_000);
      }
    });

    it.runIf(n === 100)(
      'passes cfn-lint with no error',
      (ctx) => {
        const run = spawnSync('cfn-lint', [...templates.map((t) => t.file), '--format', 'json'], {
          encoding: 'utf8',
        });
        if (run.error) ctx.skip();
        const findings = JSON.parse(run.stdout || '[]') as { Level: string }[];
        expect(findings.filter((f) => f.Level === 'Error')).toEqual([]);
      },
      240_000,
    );
  },
);

describe('fleet limits at synth time', () => {
  const models = (n: number): InferenceTarget[] =>
    Array.from({ length: n }, (_, i) => ({
      model: { name: `m${i}`, version: '1' },
      serviceName: 's',
    }));

  it('names modelsPerStack when the alarms cannot fit in one stack', () => {
    const stack = new Stack(testApp(), 'Big');
    expect(() => new InferenceAlarms(stack, 'Alarms', { models: models(80) })).toThrow(
      /modelsPerStack.*500 resources per stack/,
    );
  });

  it('rejects a modelsPerStack whose nested stacks break 500 resources', () => {
    const stack = new Stack(testApp(), 'Big');
    expect(
      () => new InferenceAlarms(stack, 'Alarms', { models: models(80), modelsPerStack: 80 }),
    ).toThrow(InvalidPropError);
  });

  it('names pagesPerStack when the pages cannot fit in one template', () => {
    const stack = new Stack(testApp(), 'Big');
    expect(() => new InferenceDashboard(stack, 'D', { models: models(100) })).toThrow(
      /pagesPerStack.*1000000-byte template/,
    );
  });

  it('rejects widgetsPerPage over CloudWatch’s 500 widgets a dashboard', () => {
    const stack = new Stack(testApp(), 'Big');
    expect(() => new InferenceDashboard(stack, 'D', { widgetsPerPage: 501 })).toThrow(
      /widgetsPerPage.*500/,
    );
  });
});
