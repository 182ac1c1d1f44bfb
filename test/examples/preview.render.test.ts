import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findChromium,
  MetricStore,
  type PreviewData,
  renderDashboardHtml,
  screenshot,
} from '../../examples/demo/preview/index.js';
import { sampleTelemetry } from '../../examples/demo/preview/sampleTelemetry.js';

const START = Date.parse('2026-11-26T13:00:00Z');
/** The prebuilt dashboard for one model, synthesized from cdk/ with its tokens resolved. */
const cdkBody = JSON.parse(
  readFileSync(
    new URL('../../examples/demo/preview/fixtures/dashboard-body.json', import.meta.url),
    'utf8',
  ),
) as { widgets: Array<{ type: string; properties: Record<string, unknown> }> };

const sample = sampleTelemetry({ start: START });
const store = MetricStore.fromEmf(sample.records);

/** Widgets the CDK body does not have: stacked, shorthand, broken pieces. */
const extraWidgets = [
  {
    type: 'metric',
    x: 0,
    y: 40,
    width: 12,
    height: 6,
    properties: {
      title: 'Stacked stages',
      view: 'timeSeries',
      stacked: true,
      stat: 'Average',
      period: 300,
      metrics: [
        [
          'ObservedInference',
          'PreprocessDuration',
          'ModelName',
          'fraud',
          'ModelVersion',
          '1',
          'service',
          'fraud-api',
        ],
        ['.', 'PredictDuration', '.', '.', '.', '.', '.', '.'],
        [{ expression: "SEARCH('{ObservedInference}', 'Average')", label: 'search', id: 's1' }],
        [
          'ObservedInference',
          'InferenceLatency',
          'ModelName',
          'fraud',
          { stat: 'p99', label: 'missing dimension' },
        ],
      ],
    },
  },
  {
    type: 'log',
    x: 12,
    y: 40,
    width: 12,
    height: 6,
    properties: { title: 'Bad query', query: "SOURCE 'x' | dedup level" },
  },
  { type: 'explorer', x: 0, y: 46, width: 6, height: 3, properties: { title: 'Explorer' } },
];

function render(widgets: unknown[]) {
  return renderDashboardHtml({
    dashboardBody: { widgets },
    metrics: store,
    logs: sample.logs,
    alarms: sample.alarms,
    title: 'fraud <preview>',
    generatedAt: new Date(START + 4 * 3600_000),
  });
}

function embedded(html: string): PreviewData {
  const m = /<script type="application\/json" id="preview-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!) as PreviewData;
}

describe('preview page', () => {
  const html = render([...cdkBody.widgets, ...extraWidgets]);
  const data = embedded(html);
  const byTitle = (title: string) => data.widgets.find((w) => w.title === title)!;

  it('has a container on the 24-column grid for every widget of the body', () => {
    expect(data.widgets).toHaveLength(cdkBody.widgets.length + extraWidgets.length);
    for (const w of data.widgets) {
      const { x, y, width, height } = w.box;
      expect(html).toContain(
        `id="widget-${w.index}" data-widget="${w.index}" style="grid-column:${x + 1} / span ${width};grid-row:${y + 1} / span ${height}"`,
      );
    }
    expect(data.widgets.map((w) => w.kind)).toEqual(
      expect.arrayContaining(['alarm', 'text', 'timeSeries', 'singleValue', 'log', 'unsupported']),
    );
  });

  it('draws every time series of the CDK dashboard that the runtime emits, with data', () => {
    for (const w of data.widgets.filter(
      (w) => w.kind === 'timeSeries' && w.index < cdkBody.widgets.length,
    )) {
      if (w.kind !== 'timeSeries') continue;
      expect(w.problems, w.title).toEqual([]);
      for (const s of w.series) {
        expect(s.error, `${w.title}: ${s.label}`).toBeUndefined();
        // Timeouts are only emitted on a timeout; AWS/Lambda metrics come from Lambda, not EMF.
        if (!['timeouts', 'p50 Duration', 'p99 Duration'].includes(s.label))
          expect(s.points.length, `${w.title}: ${s.label}`).toBeGreaterThan(0);
      }
    }
    const latency = byTitle('Inference latency (ms)');
    expect(latency.kind === 'timeSeries' && latency.annotations).toEqual([
      { value: 250, label: 'p99 objective', color: '#d62728', yAxis: 'left' },
    ]);
    const confidence = byTitle('Confidence');
    expect(confidence.kind === 'timeSeries' && confidence.series[1]?.lower?.length).toBeGreaterThan(
      0,
    );
    const lambda = byTitle('Lambda Duration (ms)');
    expect(lambda.kind === 'timeSeries' && lambda.series[0]?.note).toMatch(
      /AWS\/Lambda Duration .* was not emitted/,
    );
  });

  it('shows the last period of each single-value metric', () => {
    const single = byTitle('Last period');
    expect(single.kind).toBe('singleValue');
    if (single.kind === 'singleValue')
      expect(single.series.map((s) => [s.label, s.points.length > 0])).toEqual([
        ['predictions', true],
        ['error rate', true],
        ['p99 latency', true],
      ]);
    expect(html).toMatch(/<div class="sv-label">p99 latency<\/div><div class="sv-value">\d/);
  });

  it('renders text as markdown, log queries as tables and alarm states by name', () => {
    expect(html).toContain('<h2>fraud @ 1</h2><p>service <code>fraud-api</code>');
    const errors = byTitle('Latest errors');
    expect(errors.kind === 'log' && errors.rows.length).toBeGreaterThan(0);
    expect(
      errors.kind === 'log' && errors.rows.every((r) => r['error.name'] === 'ValidationError'),
    ).toBe(true);
    const slowest = byTitle('Slowest invocations');
    const latencies = slowest.kind === 'log' ? slowest.rows.map((r) => r.latency_ms as number) : [];
    expect(latencies).toHaveLength(20);
    expect(latencies).toEqual([...latencies].sort((a, b) => b - a));
    const alarms = byTitle('Alarms');
    expect(
      alarms.kind === 'alarm' && alarms.alarms.map((a) => [a.name.split(': ')[1], a.state]),
    ).toContainEqual(['drift > 0.25', 'ALARM']);
    expect(html).toContain(
      '<span class="badge">ALARM</span><span class="alarm-name">FraudDemo/fraud-api/fraud@1: drift &gt; 0.25</span>',
    );
  });

  it('says why a widget or a line cannot be drawn instead of failing', () => {
    const stacked = byTitle('Stacked stages');
    expect(stacked.kind === 'timeSeries' && stacked.stacked).toBe(true);
    if (stacked.kind === 'timeSeries') {
      expect(stacked.series.map((s) => s.label)).toEqual([
        'PreprocessDuration',
        'PredictDuration',
        'search',
        'missing dimension',
      ]);
      expect(stacked.series[1]!.points.length).toBeGreaterThan(0);
      expect(stacked.series[2]!.error).toMatch(/SEARCH\(\) is not supported/);
      expect(stacked.series[3]!.note).toMatch(/was not emitted/);
    }
    const bad = byTitle('Bad query');
    expect(bad.kind === 'log' && bad.problems).toEqual([
      'command "dedup" is not supported by the preview',
    ]);
    expect(html).toContain('widget type &quot;explorer&quot; is not drawn by the preview');
  });

  it('is self-contained: no script, stylesheet or image fetched from anywhere', () => {
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]*\shref=/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('Chart.js v4');
    expect(html).toContain('<title>fraud &lt;preview&gt;</title>');
  });

  it("picks a period for a short run with period: 'auto'", () => {
    const short = MetricStore.fromEmf(
      sample.records.filter((r) => (r._aws as { Timestamp: number }).Timestamp < START + 90_000),
    );
    const page = embedded(
      renderDashboardHtml({
        dashboardBody: { widgets: [] },
        metrics: short,
        logs: [],
        title: 't',
        generatedAt: 'now',
        period: 'auto',
      }),
    );
    // Values from 0 s to 84 s: 1-second periods would be 85 of them, 5-second ones 17 (at most 60),
    // and the range ends with the period of the last value.
    expect(page.period).toBe(5);
    expect([page.start, page.end]).toEqual([START, START + 85_000]);
  });

  it('rejects a body without widgets', () => {
    expect(() =>
      renderDashboardHtml({
        dashboardBody: '{}',
        metrics: store,
        logs: [],
        title: 't',
        generatedAt: 'now',
      }),
    ).toThrow(/no widgets array/);
  });
});

describe('preview screenshot', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'preview-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is skipped with a reason when Chromium is missing', async () => {
    const result = await screenshot(join(dir, 'none.html'), join(dir, 'none.png'), {
      executablePath: join(dir, 'no-chromium'),
    });
    expect(result).toEqual({ skipped: expect.stringMatching(/no-chromium not found/) });
  });

  it.skipIf('missing' in findChromium())(
    'is a full-page PNG 1600 px wide of the drawn page',
    async () => {
      const htmlPath = join(dir, 'dashboard.html');
      await writeFile(htmlPath, render(cdkBody.widgets));
      const result = await screenshot(htmlPath, join(dir, 'dashboard.png'));
      expect(result).toMatchObject({ path: join(dir, 'dashboard.png') });
      const png = await readFile(join(dir, 'dashboard.png'));
      expect(png.subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      );
      const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      expect(width).toBe(1600);
      // Seven rows of widgets: taller than the viewport, and charts are not blank.
      expect(height).toBeGreaterThan(1500);
      expect(png.length).toBeGreaterThan(100_000);
    },
  );
});
