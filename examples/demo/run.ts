/**
 * `npm run demo`: the fraud-detection example run locally the way Lambda runs
 * it (the built layer, the real aws-lambda-ric, the code and environment of
 * the synthesized CDK stack), realistic traffic, then a terminal report of
 * what the telemetry shows and a preview of the prebuilt CloudWatch dashboard
 * drawn from the metrics the function really emitted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLayer, LAYER_ZIP } from '../../layer/build.js';
import { DIMENSION } from '../../lib/telemetry.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { FRAUD } from '../fraud-detection/cdk/stack.js';
import { evaluateAlarms } from './alarms.js';
import { runCanary } from './canary.js';
import { MetricStore } from './preview/metricStore.js';
import { renderDashboardHtml } from './preview/render.js';
import { screenshot } from './preview/screenshot.js';
import { renderReport } from './report.js';
import { summarise } from './summary.js';
import { synthesizeExample } from './synth.js';
import { runTraffic, type TrafficResult } from './traffic.js';
import { runTriageDemo } from './triage.js';
import { waterfall } from './waterfall.js';
import { FUNCTION_NAME, startWorld, type World } from './world.js';

const OUT_DIR = fileURLToPath(new URL('../../dist/demo/', import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

type Doc = Record<string, unknown>;

function traceOf(world: World, traceHeader: string): Doc[] {
  const root = /Root=([^;]+)/.exec(traceHeader)?.[1];
  return world.daemon.documents().filter((d) => d.trace_id === root) as Doc[];
}

function traces(world: World, traffic: TrafficResult) {
  const cold = traffic.calls.find((c) => c.env === 'A');
  const warm = traffic.calls.filter((c) => c.env === 'A' && c.kind === 'single')[10];
  return {
    cold: cold ? waterfall(traceOf(world, cold.traceHeader)) : ['(none)'],
    warm: warm ? waterfall(traceOf(world, warm.traceHeader)) : ['(none)'],
    clientErrors: world.daemon.documents().filter((d) => d.error === true).length,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  say(
    '\x1b[1mobserved-inference demo\x1b[0m: the fraud-detection model on a local Lambda, no AWS account\n',
  );
  // The stack's layer asset is dist/layer.zip: it has to exist before the synth, even on a fresh clone.
  const layer = await buildLayer();
  say(
    `  layer built: ${relative(process.cwd(), LAYER_ZIP)} ${kb(layer.zipBytes)} zipped, ${kb(layer.unzippedBytes)} unzipped`,
  );
  const example = synthesizeExample(FUNCTION_NAME);
  say(
    `  cdk synth: ${Object.keys(example.template.Resources).length} resources (function, layer, ${example.resolver.resources('AWS::CloudWatch::Alarm').length} alarms, dashboard, HTTP API)`,
  );
  const world = await startWorld(example, (line) => say(`  ${line}`));
  try {
    say('');
    const traffic = await runTraffic(world);
    await world.daemon.flush();
    const records = emfRecords(traffic.lines);
    const logs = logRecords(traffic.lines);
    const store = MetricStore.fromEmf(records);
    putLambdaMetrics(store, traffic);
    const alarms = evaluateAlarms(example.resolver, store);
    const summary = summarise(records, logs, {
      service: FRAUD.serviceName,
      model: FRAUD.model.name,
      version: FRAUD.model.version,
    });
    const t = traces(world, traffic);
    const lowConfidence = Number(example.env.OBSERVED_LOW_CONFIDENCE ?? 0.5);
    for (const line of renderReport({
      summary,
      clientErrors: t.clientErrors,
      environments: traffic.environments,
      alarms,
      coldTrace: t.cold,
      warmTrace: t.warm,
      lowConfidenceThreshold: lowConfidence,
    }))
      say(line);
    for (const line of (await runCanary(world, store)).lines) say(line);
    await writePreview(example, store, logs, alarms);
    // The second example: an LLM-backed function (examples/demo/triage.ts).
    for (const line of await runTriageDemo(world.optDir, world.daemon.address)) say(line);
    if (world.moto)
      say(
        `\n  X-Ray on moto holds ${world.daemon.documents().length} segment documents (BatchGetTraces)`,
      );
    say(
      `\n  ${traffic.calls.length} requests and ${traffic.outcomes.resolutions} case resolutions in ${traffic.outcomes.batches} SQS batches, ${records.length} EMF records with dimensions ${DIMENSION.Service}=${FRAUD.serviceName}, ${DIMENSION.ModelName}=${FRAUD.model.name}, ${DIMENSION.ModelVersion}=${FRAUD.model.version}; done in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await world.stop();
  }
}

/**
 * What Lambda itself would report for these invocations (`AWS/Lambda`
 * `Invocations`, `Errors`, `Duration`), measured by the local Runtime API from
 * handing out the event to receiving the response. Throttles stay without
 * data: the local runtime never throttles, so it has nothing to say about them.
 */
function putLambdaMetrics(store: MetricStore, traffic: TrafficResult): void {
  const metric = (metricName: string) => ({
    namespace: 'AWS/Lambda',
    metricName,
    dimensions: { FunctionName: FUNCTION_NAME },
  });
  for (const call of traffic.calls) {
    store.put(metric('Invocations'), call.endedAt, [1], 'Count');
    store.put(metric('Errors'), call.endedAt, [call.error ? 1 : 0], 'Count');
    store.put(metric('Duration'), call.endedAt, [call.durationMs], 'Milliseconds');
  }
}

/** Seconds per graph point: the run's span in about 15 periods, at least 1 s. */
function previewPeriod(store: MetricStore): number {
  const range = store.timeRange();
  return range ? Math.max(1, Math.round((range.end - range.start) / 1000 / 15)) : 5;
}

async function writePreview(
  example: ReturnType<typeof synthesizeExample>,
  store: MetricStore,
  logs: ReturnType<typeof logRecords>,
  alarms: ReturnType<typeof evaluateAlarms>,
): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const [dashboard] = example.resolver.resources('AWS::CloudWatch::Dashboard');
  if (!dashboard) throw new Error('the synthesized stack has no dashboard');
  const body = JSON.parse(String(dashboard.properties.DashboardBody)) as unknown;
  const html = renderDashboardHtml({
    dashboardBody: body,
    metrics: store,
    logs,
    alarms,
    title: `${String(dashboard.properties.DashboardName ?? 'fraud-detection')} (local preview)`,
    generatedAt: new Date(),
    // A run of well under two minutes is one CloudWatch period; about 15 shorter periods show its shape (the page says so).
    period: previewPeriod(store),
  });
  const htmlPath = join(OUT_DIR, 'dashboard.html');
  writeFileSync(htmlPath, html);
  say('\n\x1b[1mDashboard preview\x1b[0m');
  say(`  ${relative(process.cwd(), htmlPath)}  (self-contained: open it in a browser)`);
  const shot = await screenshot(htmlPath, join(OUT_DIR, 'dashboard.png'));
  say(
    'skipped' in shot
      ? `  no PNG: ${shot.skipped}`
      : `  ${relative(process.cwd(), shot.path)}  (${(shot.bytes / 1024).toFixed(0)} KB, headless Chromium)`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `\ndemo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
