/**
 * The demo's canary: version 1.1.0 of the fraud model goes out beside 1.0.0
 * the way the example stack deploys a release (`release` prop: a `live`
 * alias that CodeDeploy shifts, 10 % of the traffic first). 1.1.0 carries a
 * deliberate demo regression: the 1.0.0 weights with every logit divided by
 * 3, so it predicts the same labels with less confidence. Both versions then
 * serve the same traffic, 1 request in 10 to the candidate, and CodeDeploy's
 * rollback alarms from the release's synthesized template are evaluated on
 * what each version emitted: first on 1.0.0 alone (the main run), then on
 * the two versions side by side.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { App } from 'aws-cdk-lib';
import type { LocalLambda } from '../../local-lambda/localLambda.js';
import { motoEnv } from '../../local-lambda/moto.js';
import { emfRecords, logRecords } from '../../local-lambda/outputRecords.js';
import { newTraceHeader } from '../../local-lambda/runtimeApi.js';
import { FRAUD, FraudDetectionStack } from '../fraud-detection/cdk/stack.js';
import { generate } from '../fraud-detection/data.js';
import { type AlarmVerdict, evaluateAlarms } from './alarms.js';
import { MetricStore } from './preview/metricStore.js';
import { renderDashboardHtml } from './preview/render.js';
import { summarise } from './summary.js';
import { type Json, type Template, TemplateResolver } from './template.js';
import { apiEvent } from './traffic.js';
import { FUNCTION_NAME, startFraudFunction, type World } from './world.js';

export const BASELINE = FRAUD.model.version;
export const CANDIDATE = '1.1.0';
/** The demo regression: the candidate's logits are the baseline's divided by this. */
export const LOGIT_DIVISOR = 3;
/**
 * Requests of the canary phase; every tenth goes to the candidate, as CANARY_10PERCENT would send it.
 * 100 candidate invocations make its p99 the second slowest, not the slowest: a new environment's
 * first real request (its code paths still cold) alone cannot decide the latency comparison.
 */
const REQUESTS = 1000;
const CANARY_EVERY = 10;
const EXAMPLE = fileURLToPath(new URL('../fraud-detection/', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../../dist/demo/', import.meta.url));

/** The baseline's weights, relabelled as the candidate, with the demo regression. */
export function regressedWeights(baseline: {
  model: { name: string; version: string };
  coefficients: readonly number[];
  intercept: number;
}): unknown {
  return {
    ...baseline,
    model: { ...baseline.model, version: CANDIDATE },
    coefficients: baseline.coefficients.map((c) => c / LOGIT_DIVISOR),
    intercept: baseline.intercept / LOGIT_DIVISOR,
  };
}

/** The release's template: the example stack deploying CANDIDATE over BASELINE (no bundling: the code is the same). */
function synthesizeRelease() {
  const outdir = mkdtempSync(join(tmpdir(), 'oi-demo-canary-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  new FraudDetectionStack(app, 'FraudDetectionRelease', {
    release: { version: CANDIDATE, previousVersion: BASELINE },
  });
  const template = app.synth().getStackByName('FraudDetectionRelease').template as Template;
  const fnId = Object.keys(template.Resources).find(
    (id) => template.Resources[id]!.Type === 'AWS::Lambda::Function' && id.startsWith('Fraud'),
  )!;
  const resolver = new TemplateResolver(template, { [fnId]: FUNCTION_NAME });
  const props = resolver.resolve(template.Resources[fnId]!.Properties as Json) as {
    Environment?: { Variables?: Record<string, string> };
  };
  const [group] = resolver.resources('AWS::CodeDeploy::DeploymentGroup');
  const alarms = (
    group!.properties.AlarmConfiguration as { Alarms: Array<{ Name: string }> }
  ).Alarms.map((a) => a.Name);
  return { resolver, env: props.Environment?.Variables ?? {}, rollbackAlarms: alarms };
}

async function uploadCandidate(world: World): Promise<string> {
  const key = `${FRAUD.model.name}/${CANDIDATE}/weights.json`;
  const baseline = JSON.parse(readFileSync(join(EXAMPLE, 'model', 'weights.json'), 'utf8'));
  const s3 = new S3Client({
    endpoint: world.moto!.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await s3.send(
    new PutObjectCommand({
      Bucket: world.env.MODEL_BUCKET,
      Key: key,
      Body: JSON.stringify(regressedWeights(baseline)),
    }),
  );
  return key;
}

/** What the canary showed. */
export interface CanaryResult {
  readonly lines: string[];
  /** The rollback alarms on the baseline alone, then on both versions. */
  readonly before: readonly AlarmVerdict[];
  readonly during: readonly AlarmVerdict[];
}

/** Run the canary phase against the world the main run used; `baseline` is the main run's metrics. */
export async function runCanary(world: World, baseline: MetricStore): Promise<CanaryResult> {
  const started = Date.now();
  const title = `\n\x1b[1mCanary: ${FRAUD.model.name} ${CANDIDATE} beside ${BASELINE} (CodeDeploy rollback alarms)\x1b[0m`;
  if (!world.moto)
    return {
      lines: [
        title,
        '  skipped: the candidate’s weights go to S3, and moto_server is not installed',
      ],
      before: [],
      during: [],
    };
  const release = synthesizeRelease();
  const lines = await serveCanary(world, release.env, await uploadCandidate(world));
  const records = emfRecords(lines);
  const store = MetricStore.fromEmf(records);
  const rollback = (verdicts: readonly AlarmVerdict[]) =>
    verdicts.filter((v) => release.rollbackAlarms.includes(v.name));
  const before = rollback(evaluateAlarms(release.resolver, baseline));
  const during = rollback(evaluateAlarms(release.resolver, store));
  const logs = logRecords(lines);
  const out = [title, ...reportLines(records, logs, before, during)];
  const page = writeDashboard(
    release.resolver,
    store,
    logs,
    evaluateAlarms(release.resolver, store),
  );
  out.push(
    `  the release's dashboard, both versions side by side: ${relative(process.cwd(), page)}`,
  );
  out.push(`  (canary phase: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return { lines: out, before, during };
}

/**
 * Both versions in environments of their own, each warmed, then REQUESTS
 * requests, every CANARY_EVERY-th to the candidate; their stdout lines.
 */
async function serveCanary(
  world: World,
  releaseEnv: Readonly<Record<string, string>>,
  weightsKey: string,
): Promise<string[]> {
  const start = (env: Readonly<Record<string, string>>) => startFraudFunction(world, env);
  const fns: LocalLambda[] = [];
  try {
    fns.push(await start(world.env));
    fns.push(
      await start({
        ...releaseEnv,
        ...motoEnv(world.moto!.endpoint),
        MODEL_BUCKET: world.env.MODEL_BUCKET!,
        MODEL_KEY: weightsKey,
      }),
    );
    for (const [i, fn] of fns.entries())
      if (fn.initError)
        throw new Error(
          `${i === 0 ? BASELINE : CANDIDATE} failed to initialise: ${JSON.stringify(fn.initError)}`,
        );
    const [old, candidate] = fns as [LocalLambda, LocalLambda];
    // Both environments are new: a keep-warm ping takes each one's cold start (model load), as
    // provisioned concurrency would, so that the versions' latencies compare warm with warm.
    for (const fn of fns) await fn.invoke({ warmup: true }, { traceHeader: newTraceHeader() });
    const txs = generate(REQUESTS, 44).map((r) => r.transaction);
    for (const [i, tx] of txs.entries()) {
      const fn = i % CANARY_EVERY === CANARY_EVERY - 1 ? candidate : old;
      const r = await fn.invoke(apiEvent(JSON.stringify(tx), 5000 + i), {
        traceHeader: newTraceHeader(),
      });
      if (r.error) throw new Error(`canary request ${i} failed: ${r.error.errorMessage}`);
    }
  } finally {
    await Promise.allSettled(fns.map((fn) => fn.stop()));
  }
  return fns.flatMap((fn) => fn.lines());
}

/** The release's own dashboard (the version comparison rows included), drawn from the canary's telemetry. */
function writeDashboard(
  resolver: TemplateResolver,
  store: MetricStore,
  logs: ReturnType<typeof logRecords>,
  alarms: readonly AlarmVerdict[],
): string {
  const [dashboard] = resolver.resources('AWS::CloudWatch::Dashboard');
  mkdirSync(OUT_DIR, { recursive: true });
  const path = join(OUT_DIR, 'canary-dashboard.html');
  const html = renderDashboardHtml({
    dashboardBody: JSON.parse(String(dashboard!.properties.DashboardBody)) as unknown,
    metrics: store,
    logs,
    alarms,
    title: `fraud-detection release ${CANDIDATE} (local preview of the canary)`,
    generatedAt: new Date(),
    // The canary's traffic takes seconds: 5-second periods show its shape (the page says so), and
    // the candidate's tenth of it still reaches the comparison's 20 invocations in most of them.
    period: 5,
  });
  writeFileSync(path, html);
  return path;
}

/** Each version's figures, the rollback alarms before and during the canary, and CodeDeploy's verdict. */
function reportLines(
  records: ReturnType<typeof emfRecords>,
  logs: ReturnType<typeof logRecords>,
  before: readonly AlarmVerdict[],
  during: readonly AlarmVerdict[],
): string[] {
  const out = [
    `  ${REQUESTS} requests, 1 in ${CANARY_EVERY} to ${CANDIDATE}: a deliberate demo regression, ${BASELINE}'s weights with every logit divided by ${LOGIT_DIVISOR} (same labels, less confidence)`,
  ];
  for (const version of [BASELINE, CANDIDATE]) {
    const s = summarise(records, logs, {
      service: FRAUD.serviceName,
      model: FRAUD.model.name,
      version,
    });
    out.push(
      `  ${version.padEnd(8)} ${String(s.invocations).padStart(4)} invocations   p99 ${s.latency.p99?.toFixed(2) ?? '–'} ms   errors ${s.errors}   mean confidence ${s.confidenceAverage?.toFixed(3) ?? '–'}`,
    );
  }
  out.push(`  ${BASELINE} alone (the run above):`, ...verdictLines(before));
  out.push(`  ${BASELINE} and ${CANDIDATE} side by side:`, ...verdictLines(during));
  const fired = during.filter((v) => v.state === 'ALARM').length;
  out.push(
    fired > 0
      ? `  → ${fired} rollback alarm${fired === 1 ? '' : 's'} in ALARM: CodeDeploy stops the canary and moves \`live\` back to ${BASELINE}`
      : `  → no rollback alarm in ALARM: CodeDeploy would shift the rest of the traffic to ${CANDIDATE}`,
  );
  return out;
}

function verdictLines(verdicts: readonly AlarmVerdict[]): string[] {
  return verdicts.flatMap((a) => [
    `    ${a.state === 'ALARM' ? '\x1b[31mALARM\x1b[0m' : a.state === 'OK' ? '\x1b[32mOK\x1b[0m   ' : 'NO DATA'}  ${a.name}`,
    `           ${a.reason}`,
  ]);
}
