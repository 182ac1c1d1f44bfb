/** The demo's terminal report. */
import type { AlarmVerdict } from './alarms.js';
import type { DemoSummary, Percentiles } from './summary.js';

const fmt = (v: number | undefined, digits = 1) => (v === undefined ? '–' : v.toFixed(digits));
const pct = (num: number, den: number) => (den > 0 ? `${((100 * num) / den).toFixed(1)} %` : '–');
const median = (values: readonly number[]) => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

function heading(title: string): string {
  return `\n\x1b[1m${title}\x1b[0m`;
}

function row(label: string, value: string): string {
  return `  ${label.padEnd(46)}${value}`;
}

function percentileRow(label: string, p: Percentiles): string {
  return row(
    label,
    `p50 ${fmt(p.p50, 2).padStart(7)}   p95 ${fmt(p.p95, 2).padStart(7)}   p99 ${fmt(p.p99, 2).padStart(7)}  ms`,
  );
}

export interface ReportInput {
  readonly summary: DemoSummary;
  readonly clientErrors: number;
  readonly environments: ReadonlyArray<{ name: string; initDurationMs: number | undefined }>;
  readonly alarms: readonly AlarmVerdict[];
  readonly coldTrace: readonly string[];
  readonly warmTrace: readonly string[];
  readonly lowConfidenceThreshold: number;
}

/** The report as lines of text (ANSI bold headings). */
export function renderReport(input: ReportInput): string[] {
  const s = input.summary;
  const out: string[] = [];
  out.push(heading('Traffic'));
  out.push(row('invocations (InferenceLatency count)', String(s.invocations)));
  out.push(row('predictions (Predictions sum)', String(s.predictions)));
  out.push(row('warmup pings (WarmupPings)', String(s.warmups)));
  out.push(row('errors (Errors) / error rate', `${s.errors} / ${pct(s.errors, s.invocations)}`));
  out.push(row('client errors (4xx, X-Ray "error")', String(input.clientErrors)));
  out.push(heading('Latency (CloudWatch percentiles of the EMF values)'));
  out.push(percentileRow('InferenceLatency', s.latency));
  for (const [stage, p] of Object.entries(s.stages)) out.push(percentileRow(`  ${stage}`, p));
  out.push(heading('Cold starts'));
  out.push(
    row(
      'cold starts (ColdStart sum)',
      `${s.coldStarts} in ${input.environments.length} environments`,
    ),
  );
  out.push(
    row(
      'ColdStartDuration (load → model ready)',
      `median ${fmt(median(s.coldStartDurations), 2)} ms  [${s.coldStartDurations.map((v) => v.toFixed(1)).join(', ')}]`,
    ),
  );
  out.push(
    row(
      'ModelLoadTime',
      `median ${fmt(median(s.modelLoadTimes), 1)} ms  [${s.modelLoadTimes.map((v) => v.toFixed(1)).join(', ')}]`,
    ),
  );
  out.push(row('ModelLoads (more than cold starts = reloads)', String(s.modelLoads)));
  out.push(
    row(
      'runtime init (process start → ready)',
      input.environments.map((e) => `${e.name} ${fmt(e.initDurationMs, 0)} ms`).join(', '),
    ),
  );
  out.push(heading('Model quality'));
  out.push(row('average confidence', fmt(s.confidenceAverage, 3)));
  out.push(
    row(
      `low confidence (< ${input.lowConfidenceThreshold})`,
      `${s.lowConfidence} / ${pct(s.lowConfidence, s.predictions)}`,
    ),
  );
  const mix = s.labels.map(([label, n]) => `${label} ${pct(n, s.predictions)}`).join(', ');
  out.push(row('label mix (PredictedLabel.<label>)', mix || 'no labels'));
  out.push(row('abstentions / invalid inputs', `${s.abstentions} / ${s.invalidInputs}`));
  out.push(
    row('drift windows (DriftScore = largest PSI)', s.drift.length === 0 ? 'none closed' : ''),
  );
  s.drift.forEach((w, i) => {
    const reading = w.score > 0.25 ? 'major shift' : w.score >= 0.1 ? 'moderate shift' : 'stable';
    const moved = w.moved.length > 0 ? `  moved: ${w.moved.join(', ')}` : '';
    out.push(
      row(
        `  window ${i + 1} (${w.windowSize} predictions)`,
        `${w.score.toFixed(3)}  ${reading}${moved}`,
      ),
    );
  });
  out.push(
    row(
      'accuracy (PredictionCorrect, ground truth)',
      s.outcomes === 0
        ? 'no outcomes recorded'
        : `${fmt(s.accuracy, 3)} over ${s.outcomes} case resolutions`,
    ),
  );
  out.push(heading('Prebuilt alarms, evaluated on this data'));
  if (input.alarms.length === 0) out.push('  (no alarms found in the synthesized template)');
  for (const a of input.alarms) {
    const state =
      a.state === 'ALARM'
        ? '\x1b[31mALARM\x1b[0m'
        : a.state === 'OK'
          ? '\x1b[32mOK\x1b[0m   '
          : 'NO DATA';
    out.push(`  ${state}  ${a.name}`);
    out.push(`         ${a.reason}`);
  }
  out.push(heading('A cold invocation (X-Ray)'));
  out.push(...input.coldTrace.map((l) => `  ${l}`));
  out.push(heading('A warm invocation (X-Ray)'));
  out.push(...input.warmTrace.map((l) => `  ${l}`));
  return out;
}
