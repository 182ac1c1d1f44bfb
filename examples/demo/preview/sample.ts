/**
 * Writes a sample preview from synthetic telemetry and the prebuilt dashboard
 * body in `fixtures/` (synthesized from `cdk/` for a fraud model, tokens
 * resolved): `npx tsx examples/demo/preview/sample.ts [outDir]` (default
 * `dist/preview-sample`) → `dashboard.html` and, with Chromium, `dashboard.png`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MetricStore } from './metricStore.js';
import { renderDashboardHtml } from './render.js';
import { sampleTelemetry } from './sampleTelemetry.js';
import { screenshot } from './screenshot.js';

const outDir = process.argv[2] ?? 'dist/preview-sample';
const body = await readFile(new URL('./fixtures/dashboard-body.json', import.meta.url), 'utf8');
const hour = 3600_000;
const start = Math.floor(Date.now() / hour) * hour - 3 * hour;
const sample = sampleTelemetry({ start });
const metrics = MetricStore.fromEmf(sample.records);
for (const d of sample.lambdaDurations)
  metrics.put(
    { namespace: 'AWS/Lambda', metricName: 'Duration', dimensions: { FunctionName: 'fraud-api' } },
    d.timestamp,
    [d.ms],
    'Milliseconds',
  );
const html = renderDashboardHtml({
  dashboardBody: body,
  metrics,
  logs: sample.logs,
  alarms: sample.alarms,
  title: 'fraud @ 1 — dashboard preview (synthetic sample)',
  generatedAt: new Date(),
});
await mkdir(outDir, { recursive: true });
const htmlPath = join(outDir, 'dashboard.html');
await writeFile(htmlPath, html);
const png = await screenshot(htmlPath, join(outDir, 'dashboard.png'));
console.log(`${htmlPath} (${Math.round(html.length / 1024)} KB)`);
console.log(
  'skipped' in png
    ? `no screenshot: ${png.skipped}`
    : `${png.path} (${Math.round(png.bytes / 1024)} KB)`,
);
