import type { BudgetLine } from './budget.js';
import { BARE, type Contender, OURS } from './contenders.js';
import type { Figures } from './figures.js';
import type { Health } from './health.js';
import { cell, num, table } from './markdown.js';
import {
  ABSOLUTE_HEADER,
  absoluteRow,
  OVERHEAD_HEADER,
  overheadRow,
  RATIO_HEADER,
  ratioRow,
} from './reportTables.js';
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
    ];
  });
  return [
    '## Control: cold start without the NODE_PATH resolve hook',
    '',
    'Every run above preloads the resolve hook that lets ES modules import layer packages from NODE_PATH ' +
      '(local-lambda/lambdaNodePath.mjs, a module.register() hook on its own thread); it costs each process a ' +
      'fixed start-up time and each module resolution a round trip. In these runs the hook is left out and the ' +
      "function directory links the layer's node_modules instead.",
    '',
    table(CONTROL_HEADER, rows),
    '',
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
): string {
  const present = contenders.filter((c) => figures.has(c.id));
  const input: ReportInput = { meta, present, figures, sizes, budget, health };
  return [
    headerSection,
    overheadSection,
    ratioSection,
    absoluteSection,
    controlSection,
    budgetSection,
    emittedSection,
    sizesSection,
  ]
    .flatMap((section) => section(input))
    .join('\n');
}
