import type { BudgetLine } from './budget.js';
import {
  BARE,
  type Contender,
  FLOOR,
  FLOOR_WOKEN,
  OURS,
  OURS_AFTER_RESPONSE,
  RECORDS_FLOOR,
} from './contenders.js';
import type { Figures } from './figures.js';
import type { Health } from './health.js';
import { cell, num, ratio, table } from './markdown.js';
import {
  ABSOLUTE_HEADER,
  absoluteRow,
  OVERHEAD_HEADER,
  overheadRow,
  RATIO_HEADER,
  ratioRow,
} from './reportTables.js';
import { SCENARIOS, type ScenarioId } from './scenarios.js';
import type { LayerSize } from './sizes.js';

export interface ReportMeta {
  readonly date: string;
  readonly command: string;
  readonly machine: string;
  readonly node: string;
  readonly commit: string;
  readonly plan: string;
  readonly memoryMb: number;
  readonly durationS: number;
  readonly loadAverage: string;
  readonly notes: readonly string[];
}

/** What every section of the report reads. */
interface ReportInput {
  readonly meta: ReportMeta;
  /** The contenders with figures, in the order asked for. */
  readonly present: readonly Contender[];
  readonly figures: ReadonlyMap<string, Figures>;
  readonly sizes: ReadonlyMap<string, LayerSize>;
  readonly budget: readonly BudgetLine[];
  readonly health: ReadonlyMap<string, Health>;
  /** Every contender's figures with its warm runs under each scenario. */
  readonly byScenario: ReadonlyMap<ScenarioId, ReadonlyMap<string, Figures>>;
}

function headerSection({ meta, health }: ReportInput): string[] {
  const out = [
    `# observed-inference benchmark, ${meta.date}`,
    '',
    `- command: \`${meta.command}\``,
    `- machine: ${meta.machine}; load average at start / end: ${meta.loadAverage}`,
    `- Node.js ${meta.node}; function memory setting ${meta.memoryMb} MB (heap flags as Lambda's bootstrap sets them)`,
    `- commit: ${meta.commit}`,
    `- plan: ${meta.plan}; took ${Math.round(meta.durationS)} s`,
    '',
  ];
  for (const h of [...health.values()].filter((h) => !h.ok)) {
    out.push(
      `> **WARNING: ${h.contender} did not emit what it should** (${h.problems.join('; ')})` +
        (h.stderr.length > 0 ? `; stderr: \`${h.stderr[0]!.slice(0, 300)}\`` : '') +
        '. Its figures do not describe a working set-up.',
      '',
    );
  }
  return out;
}

/**
 * What a contender that writes after the response (`extensionsApi`) does
 * after it, which its warm figures (the response's latency) leave out.
 */
function postResponseNote(c: Contender, f: Figures): string {
  if (f.extension.registered === 0) {
    return (
      `${c.label}: **its extension did not register** (${f.extension.runs} runs), so it wrote its ` +
      'telemetry before the response: these are the figures of that mode, not of this one.'
    );
  }
  const partly =
    f.extension.registered < f.extension.runs
      ? ` **Its extension registered in only ${f.extension.registered} of ${f.extension.runs} runs.**`
      : '';
  return (
    `${c.label}: its warm figures time the response; the telemetry is written after it, until the ` +
    `extension's next poll of the Extensions API: post-response p50 ${cell(f.postResponseP50Us)} µs, ` +
    `p99 ${cell(f.postResponseP99Us)} µs, after the first invocation ${cell(f.firstPostResponseMs)} ms ` +
    '(absolute, median (p90) across runs). Lambda bills that time (PostRuntimeExtensionsDuration) and ' +
    'holds the next invocation until it ends. Its CPU/invocation includes it. The Extensions API ' +
    "stand-in runs in a process of its own, as Lambda's does, and the runner sleeps until the " +
    "extension's poll has reached it: its overheads are taken against the bare handler woken the " +
    "same way before each invocation (bare-woken), whose own overhead over bare is that wakeup's " +
    `cost (bench/README.md, "Writes after the response").${partly}`
  );
}

function overheadSection({ present, figures, sizes }: ReportInput): string[] {
  const ours = figures.get(OURS);
  const bare = figures.get(BARE);
  const rows = present
    .filter((c) => c.id !== BARE)
    .map((c) => overheadRow(c, figures.get(c.id)!, sizes.get(c.id)));
  const out = [
    '## Overhead over the bare handler',
    '',
    'Each cell: median (p90) across runs of the difference to the bare handler run in the same round. ' +
      `Warm figures over ${ours?.warmInvocations ?? 0} invocations per run; heap growth between ` +
      `10% and 100% of a ${ours?.leakInvocations ?? 0}-invocation run.`,
    '',
    table(OVERHEAD_HEADER, rows),
    '',
  ];
  if (bare) {
    out.push(
      `Bare handler (absolute, medians): cold start ${num(bare.coldStartMs.median)} ms, first invocation ` +
        `${num(bare.firstMs.median)} ms, warm p50 ${num(bare.warmP50Us.median)} µs, p99 ` +
        `${num(bare.warmP99Us.median)} µs, CPU ${num(bare.cpuPerInvocationUs.median)} µs/invocation, ` +
        `RSS after init ${num(bare.rssInitMb.median)} MB.`,
      '',
    );
  }
  for (const c of present.filter((c) => c.extensionsApi)) {
    out.push(postResponseNote(c, figures.get(c.id)!), '');
  }
  return out;
}

function ratioSection({ present, figures, sizes }: ReportInput): string[] {
  const ours = figures.get(OURS);
  if (!ours) return [];
  const rows = present
    .filter((c) => c.id !== BARE && c.id !== OURS)
    .map((c) => ratioRow(c, figures.get(c.id)!, ours, sizes.get(c.id), sizes.get(OURS)));
  return [
    '## Ratio to observed-inference (library mode)',
    '',
    table(RATIO_HEADER, rows),
    '',
    'Ratios of the overhead medians above (— where ours is ≤ 0 or a figure is missing). ' +
      'Contenders emitting fewer signals than ours (OpenTelemetry: traces only; aws-embedded-metrics: metrics only) do less work.',
    '',
  ];
}

function absoluteSection({ present, figures }: ReportInput): string[] {
  const rows = present.map((c) => absoluteRow(c, figures.get(c.id)!));
  return ['## Absolute figures', '', table(ABSOLUTE_HEADER, rows), ''];
}

const CONTROL_HEADER = [
  'contender',
  'cold start ms (hook)',
  'cold start ms (no hook)',
  'overhead +ms (hook)',
  'overhead +ms (no hook)',
  'RSS after init +MB (no hook)',
  'RSS after 1st invocation +MB (no hook)',
] as const;

function controlSection({ present, figures }: ReportInput): string[] {
  const controlled = present.filter((c) => figures.get(c.id)!.coldStartNoHookMs.n > 0);
  if (controlled.length === 0) return [];
  const rows = controlled.map((c) => {
    const f = figures.get(c.id)!;
    return [
      c.label,
      cell(f.coldStartMs),
      cell(f.coldStartNoHookMs),
      c.id === BARE ? '—' : cell(f.coldStartOverheadMs),
      c.id === BARE ? '—' : cell(f.coldStartNoHookOverheadMs),
      c.id === BARE ? '—' : cell(f.rssInitNoHookOverheadMb),
      c.id === BARE ? '—' : cell(f.rssFirstNoHookOverheadMb),
    ];
  });
  return [
    '## Control: cold start without the NODE_PATH resolve hook',
    '',
    'Every run above preloads the resolve hook that lets ES modules import layer packages from NODE_PATH ' +
      '(local-lambda/lambdaNodePath.mjs, a module.register() hook on its own thread); it costs each process a ' +
      'fixed start-up time and each module resolution a round trip, and its thread memory. In these runs the hook ' +
      "is left out and the function directory links the layer's node_modules instead, as close as this machine " +
      'comes to how Lambda resolves them.',
    '',
    table(CONTROL_HEADER, rows),
    '',
  ];
}

const SCENARIO_HEADER = [
  'contender',
  'warm p50 +µs',
  '× I/O floor',
  'warm p99 +µs',
  'p50 of the first 2,000 +µs',
  'CPU/invocation +µs',
  'datagrams/invocation',
] as const;

/** The modes of ours checked against the targets, and how each line names it. */
const TARGETED = [
  { id: OURS, name: 'library mode' },
  { id: OURS_AFTER_RESPONSE, name: 'library mode, writes after the response' },
] as const;

/**
 * Ours against the issue-13 targets under one scenario: p50 ≤ 1.5× the
 * floor's, p99 below Powertools'; and what the records floor says of the first.
 * The mode that writes after the response is held to the same targets with
 * its response's latency, beside what it does after the response.
 */
function scenarioTargets(figures: ReadonlyMap<string, Figures>): string[] {
  const floor = figures.get(FLOOR);
  const records = figures.get(RECORDS_FLOOR);
  const powertools = figures.get('powertools');
  const lines: string[] = [];
  const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');
  for (const { id, name } of TARGETED) {
    const ours = figures.get(id);
    if (!ours || ours.warmP50OverheadUs.n === 0) continue;
    const after = id === OURS_AFTER_RESPONSE;
    // Its p50 and p99 time the response; its telemetry is written after it.
    const of = after ? ' (the response)' : '';
    if (after) {
      const registered = ours.extension.registered > 0 && ours.postResponseP50Us.n > 0;
      lines.push(
        registered
          ? `${name}: its warm p50 and p99 are the response's latency; its telemetry is written after it (post-response p50 ${num(ours.postResponseP50Us.median)} µs, p99 ${num(ours.postResponseP99Us.median)} µs, billed, before the next invocation), and its CPU/invocation +${num(ours.cpuOverheadUs.median)} µs (over bare-woken) includes that work${powertools ? ` (Powertools' +${num(powertools.cpuOverheadUs.median)} µs)` : ''}`
          : `${name}: **its extension did not register**: the lines below are the before-return mode's figures`,
      );
    }
    if (floor) {
      const limit = 1.5 * floor.warmP50OverheadUs.median;
      lines.push(
        `${name}: ${verdict(ours.warmP50OverheadUs.median <= limit)} warm p50${of} +${num(ours.warmP50OverheadUs.median)} µs ≤ 1.5 × the floor's +${num(floor.warmP50OverheadUs.median)} µs (${num(limit)} µs)`,
      );
      const woken = after ? figures.get(FLOOR_WOKEN) : undefined;
      if (woken && woken.warmP50OverheadUs.n > 0) {
        const w = woken.warmP50OverheadUs.median;
        lines.push(
          `like with like, the I/O floor woken before each invocation as this mode is (over bare-woken): +${num(w)} µs, ${ratio(w, floor.warmP50OverheadUs.median)} the I/O floor's; ours ${ratio(ours.warmP50OverheadUs.median, w)} it (${ours.warmP50OverheadUs.median <= 1.5 * w ? 'within' : 'above'} 1.5 ×, ${num(1.5 * w)} µs)`,
        );
      }
      if (records && !after) {
        const r = records.warmP50OverheadUs.median;
        lines.push(
          `the records floor (the same records from templates, nothing else): warm p50 +${num(r)} µs, ${ratio(r, floor.warmP50OverheadUs.median)} the I/O floor's; ours ${ratio(ours.warmP50OverheadUs.median, r)} the records floor's`,
        );
      }
    }
    if (powertools) {
      lines.push(
        `${name}: ${verdict(ours.warmP99OverheadUs.median < powertools.warmP99OverheadUs.median)} warm p99${of} +${num(ours.warmP99OverheadUs.median)} µs < Powertools' +${num(powertools.warmP99OverheadUs.median)} µs`,
      );
    }
  }
  return lines.map((line) => `- ${line}`);
}

function scenarioSection({ present, byScenario }: ReportInput): string[] {
  const out: string[] = [];
  // A column for the work done after the response, when a contender writes after it.
  const afterResponse = present.some((c) => c.extensionsApi);
  const header = afterResponse ? [...SCENARIO_HEADER, 'post-response p50 µs'] : SCENARIO_HEADER;
  for (const [id, figures] of byScenario) {
    const floor = figures.get(FLOOR);
    const rows = present
      .filter((c) => c.id !== BARE && figures.has(c.id))
      .map((c) => {
        const f = figures.get(c.id)!;
        const row = [
          c.label,
          cell(f.warmP50OverheadUs),
          ratio(f.warmP50OverheadUs.median, floor?.warmP50OverheadUs.median ?? Number.NaN),
          cell(f.warmP99OverheadUs),
          cell(f.jitColdP50OverheadUs),
          cell(f.cpuOverheadUs),
          num(f.perInvocation.udpDatagrams),
        ];
        if (afterResponse) {
          row.push(
            !c.extensionsApi
              ? '—'
              : f.extension.registered > 0
                ? cell(f.postResponseP50Us)
                : 'not registered',
          );
        }
        return row;
      });
    if (rows.length === 0 || figures.get(OURS)?.warmP50OverheadUs.n === 0) continue;
    out.push(
      `### Warm, ${id}: ${SCENARIOS[id].label}`,
      '',
      table(header, rows),
      '',
      ...scenarioTargets(figures),
      '',
    );
  }
  if (out.length === 0) return [];
  return [
    '## Warm invocations under each scenario',
    '',
    'The conditions of bench/harness/scenarios.ts, each against the bare handler of the same round ' +
      'and scenario; "× I/O floor" is the overhead as a multiple of the I/O floor\'s (a handler that does ' +
      'nothing but one stdout write of our size and, when sampled, one prebuilt datagram of our size).' +
      (afterResponse
        ? ' For a contender that writes after the response, the warm figures time the response and ' +
          '"post-response p50" is the absolute time from the response to its extension\'s next poll ' +
          '(no overhead: bare has none); its CPU includes that work, and its overheads are taken ' +
          'against bare-woken, the bare handler woken before each invocation as it is.'
        : ''),
    '',
    ...out,
  ];
}

function budgetSection({ budget }: ReportInput): string[] {
  const rows = budget.map((b) => [
    b.contender,
    b.target,
    `${num(b.value)} ${b.unit}`,
    `${b.limit} ${b.unit}`,
    b.pass ? 'PASS' : 'MISS',
  ]);
  return [
    '## Budget (observed-inference targets, issue 6)',
    '',
    table(['mode', 'target', 'measured', 'limit', 'result'], rows),
    '',
  ];
}

const EMITTED_HEADER = [
  'contender',
  'stdout lines',
  'UDP datagrams',
  'OTLP requests',
  'expected (lines / datagrams / requests)',
  'stderr (first line)',
  'check',
] as const;

function emittedSection({ present, figures, health }: ReportInput): string[] {
  const rows = present.map((c) => {
    const per = figures.get(c.id)!.perInvocation;
    const h = health.get(c.id);
    const e = c.expect;
    return [
      c.label,
      num(per.stdoutLines),
      num(per.udpDatagrams),
      num(per.otlpRequests),
      `${e.stdoutLines} / ${e.udpDatagrams} / ${e.otlpRequests}`,
      h?.stderr[0] ? `\`${h.stderr[0].slice(0, 120).replace(/\|/g, '\\|')}\`` : '',
      h?.ok === false ? `WARN: ${h.problems.join('; ')}` : 'OK',
    ];
  });
  return [
    '## What each contender emitted (per warm invocation)',
    '',
    table(EMITTED_HEADER, rows),
    '',
  ];
}

function sizesSection({ present, sizes, meta }: ReportInput): string[] {
  const out = ['## Layer sizes: how they were obtained', ''];
  for (const c of present) {
    const size = sizes.get(c.id);
    if (size) out.push(`- ${c.label}: ${size.method} (${size.files} files)`);
  }
  out.push('');
  if (meta.notes.length > 0) out.push('## Notes', '', ...meta.notes.map((n) => `- ${n}`), '');
  return out;
}

/** The Markdown report: overheads, ratios to ours, absolute figures, budget, how it was measured. */
export function renderReport(
  meta: ReportMeta,
  contenders: readonly Contender[],
  figures: ReadonlyMap<string, Figures>,
  sizes: ReadonlyMap<string, LayerSize>,
  budget: readonly BudgetLine[],
  health: ReadonlyMap<string, Health>,
  byScenario: ReadonlyMap<ScenarioId, ReadonlyMap<string, Figures>> = new Map(),
): string {
  const present = contenders.filter((c) => figures.has(c.id));
  const input: ReportInput = { meta, present, figures, sizes, budget, health, byScenario };
  return [
    headerSection,
    overheadSection,
    ratioSection,
    absoluteSection,
    scenarioSection,
    controlSection,
    budgetSection,
    emittedSection,
    sizesSection,
  ]
    .flatMap((section) => section(input))
    .join('\n');
}
