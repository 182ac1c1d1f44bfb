import { BARE, type Contender, OURS } from './contenders.js';
import type { Figures } from './figures.js';
import type { Health } from './health.js';
import type { LayerSize } from './sizes.js';
import type { Spread } from './stats.js';

/** Our targets (issue 6), checked against both our modes. */
export const BUDGET = [
  {
    name: 'cold-start overhead (median)',
    limit: 15,
    unit: 'ms',
    get: (f: Figures) => f.coldStartOverheadMs.median,
  },
  {
    name: 'warm overhead p50 (median)',
    limit: 40,
    unit: 'µs',
    get: (f: Figures) => f.warmP50OverheadUs.median,
  },
  {
    name: 'warm overhead p99 (median)',
    limit: 250,
    unit: 'µs',
    get: (f: Figures) => f.warmP99OverheadUs.median,
  },
  {
    name: 'RSS after init over bare (median)',
    limit: 6,
    unit: 'MB',
    get: (f: Figures) => f.rssOverheadMb.median,
  },
  {
    name: 'heap growth over the leak run (median)',
    limit: 1,
    unit: 'MB',
    get: (f: Figures) => f.heapGrowthMb.median,
  },
] as const;
export const ZIP_BUDGET_KB = 150;

export interface BudgetLine {
  readonly contender: string;
  readonly target: string;
  readonly value: number;
  readonly limit: number;
  readonly unit: string;
  readonly pass: boolean;
}

export function budgetCheck(
  figures: ReadonlyMap<string, Figures>,
  sizes: ReadonlyMap<string, LayerSize>,
): BudgetLine[] {
  const lines: BudgetLine[] = [];
  for (const id of ['oi-library', 'oi-library-cjs', 'oi-zero-code']) {
    const f = figures.get(id);
    if (!f) continue;
    for (const target of BUDGET) {
      const value = target.get(f);
      lines.push({
        contender: id,
        target: target.name,
        value,
        limit: target.limit,
        unit: target.unit,
        pass: Number.isFinite(value) && value <= target.limit,
      });
    }
  }
  const zip = sizes.get(OURS);
  if (zip) {
    const kb = zip.zipBytes / 1024;
    lines.push({
      contender: 'layer',
      target: 'layer zip',
      value: kb,
      limit: ZIP_BUDGET_KB,
      unit: 'KB',
      pass: kb <= ZIP_BUDGET_KB,
    });
  }
  return lines;
}

const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
/** Round to a precision that suits the magnitude (1.23, 12.3, 123). */
function num(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  return fixed(value, abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
}
const cell = (s: Spread) => (s.n === 0 ? 'n/a' : `${num(s.median)} (${num(s.p90)})`);
const kb = (bytes: number) => fixed(bytes / 1024, 1);

function ratio(value: number, ours: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(ours) || ours <= 0) return '—';
  return `×${num(value / ours)}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

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

const OVERHEAD_HEADER = [
  'contender',
  'signals',
  'cold start +ms',
  'first invocation +ms',
  'warm p50 +µs',
  'warm p99 +µs',
  'CPU/invocation +µs',
  'RSS after init +MB',
  'heap growth MB',
  'layer zip KB',
  'unzipped KB',
  'telemetry B/invocation',
] as const;

function overheadRow(c: Contender, f: Figures, size: LayerSize | undefined): string[] {
  return [
    c.label,
    c.signals,
    cell(f.coldStartOverheadMs),
    cell(f.firstOverheadMs),
    cell(f.warmP50OverheadUs),
    cell(f.warmP99OverheadUs),
    cell(f.cpuOverheadUs),
    cell(f.rssOverheadMb),
    cell(f.heapGrowthMb),
    size ? kb(size.zipBytes) : '—',
    size ? kb(size.unzippedBytes) : '—',
    num(f.telemetryBytesPerInvocation.median),
  ];
}

function ratioRow(c: Contender, f: Figures, ours: Figures, size?: LayerSize, ourSize?: LayerSize) {
  return [
    c.label,
    ratio(f.coldStartOverheadMs.median, ours.coldStartOverheadMs.median),
    ratio(f.firstOverheadMs.median, ours.firstOverheadMs.median),
    ratio(f.warmP50OverheadUs.median, ours.warmP50OverheadUs.median),
    ratio(f.warmP99OverheadUs.median, ours.warmP99OverheadUs.median),
    ratio(f.cpuOverheadUs.median, ours.cpuOverheadUs.median),
    ratio(f.rssOverheadMb.median, ours.rssOverheadMb.median),
    ratio(size?.zipBytes ?? Number.NaN, ourSize?.zipBytes ?? Number.NaN),
    ratio(f.telemetryBytesPerInvocation.median, ours.telemetryBytesPerInvocation.median),
  ];
}

function absoluteRow(c: Contender, f: Figures): string[] {
  const p = f.phasesMs;
  const per = f.perInvocation;
  return [
    c.label,
    cell(f.coldStartMs),
    `${num(p.exec)} / ${num(p.bootstrap)} / ${num(p.preload)} / ${num(p.handlerImport)}`,
    cell(f.firstMs),
    cell(f.warmP50Us),
    cell(f.warmP99Us),
    cell(f.cpuPerInvocationUs),
    cell(f.rssInitMb),
    `${num(f.heapAt10Mb.median)} → ${num(f.heapAt100Mb.median)} (+${num(f.heapGrowthSecondHalfMb.median)} in the 2nd half)`,
    `${num(per.stdoutLines)} / ${num(per.udpDatagrams)} / ${num(per.otlpRequests)}`,
    `${num(per.stdoutBytes)} / ${num(per.udpBytes)} / ${num(per.otlpBytes)}`,
  ];
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
  const ours = figures.get(OURS);
  const bare = figures.get(BARE);
  const out: string[] = [];
  out.push(`# observed-inference benchmark, ${meta.date}`, '');
  out.push(
    `- command: \`${meta.command}\``,
    `- machine: ${meta.machine}; load average at start / end: ${meta.loadAverage}`,
    `- Node.js ${meta.node}; function memory setting ${meta.memoryMb} MB (heap flags as Lambda's bootstrap sets them)`,
    `- commit: ${meta.commit}`,
    `- plan: ${meta.plan}; took ${Math.round(meta.durationS)} s`,
    '',
  );
  const unhealthy = [...health.values()].filter((h) => !h.ok);
  for (const h of unhealthy) {
    out.push(
      `> **WARNING: ${h.contender} did not emit what it should** (${h.problems.join('; ')})` +
        (h.stderr.length > 0 ? `; stderr: \`${h.stderr[0]!.slice(0, 300)}\`` : '') +
        '. Its figures do not describe a working set-up.',
      '',
    );
  }
  out.push(
    '## Overhead over the bare handler',
    '',
    'Each cell: median (p90) across runs of the difference to the bare handler run in the same round. ' +
      `Warm figures over ${ours?.warmInvocations ?? 0} invocations per run; heap growth between ` +
      `10% and 100% of a ${ours?.leakInvocations ?? 0}-invocation run.`,
    '',
  );
  out.push(
    table(
      OVERHEAD_HEADER,
      present
        .filter((c) => c.id !== BARE)
        .map((c) => overheadRow(c, figures.get(c.id)!, sizes.get(c.id))),
    ),
    '',
  );
  if (bare) {
    out.push(
      `Bare handler (absolute, medians): cold start ${num(bare.coldStartMs.median)} ms, first invocation ` +
        `${num(bare.firstMs.median)} ms, warm p50 ${num(bare.warmP50Us.median)} µs, p99 ` +
        `${num(bare.warmP99Us.median)} µs, CPU ${num(bare.cpuPerInvocationUs.median)} µs/invocation, ` +
        `RSS after init ${num(bare.rssInitMb.median)} MB.`,
      '',
    );
  }
  if (ours) {
    out.push('## Ratio to observed-inference (library mode)', '');
    out.push(
      table(
        [
          'contender',
          'cold start',
          'first invocation',
          'warm p50',
          'warm p99',
          'CPU',
          'RSS',
          'layer zip',
          'telemetry bytes',
        ],
        present
          .filter((c) => c.id !== BARE && c.id !== OURS)
          .map((c) => ratioRow(c, figures.get(c.id)!, ours, sizes.get(c.id), sizes.get(OURS))),
      ),
      '',
      'Ratios of the overhead medians above (— where ours is ≤ 0 or a figure is missing). ' +
        'Contenders emitting fewer signals than ours (OpenTelemetry: traces only; aws-embedded-metrics: metrics only) do less work.',
      '',
    );
  }
  out.push('## Absolute figures', '');
  out.push(
    table(
      [
        'contender',
        'cold start ms',
        'exec / bootstrap / preload / import ms',
        'first invocation ms',
        'warm p50 µs',
        'warm p99 µs',
        'CPU µs/invocation',
        'RSS after init MB',
        'heap after GC MB (10% → 100%)',
        'per invocation: stdout lines / UDP datagrams / OTLP requests',
        'per invocation bytes: stdout+stderr / UDP / OTLP',
      ],
      present.map((c) => absoluteRow(c, figures.get(c.id)!)),
    ),
    '',
  );
  const controlled = present.filter((c) => figures.get(c.id)!.coldStartNoHookMs.n > 0);
  if (controlled.length > 0) {
    out.push('## Control: cold start without the NODE_PATH resolve hook', '');
    out.push(
      'Every run above preloads the resolve hook that lets ES modules import layer packages from NODE_PATH ' +
        '(local-lambda/lambdaNodePath.mjs, a module.register() hook on its own thread); it costs each process a ' +
        'fixed start-up time and each module resolution a round trip. In these runs the hook is left out and the ' +
        "function directory links the layer's node_modules instead.",
      '',
    );
    out.push(
      table(
        [
          'contender',
          'cold start ms (hook)',
          'cold start ms (no hook)',
          'overhead +ms (hook)',
          'overhead +ms (no hook)',
        ],
        controlled.map((c) => {
          const f = figures.get(c.id)!;
          return [
            c.label,
            cell(f.coldStartMs),
            cell(f.coldStartNoHookMs),
            c.id === BARE ? '—' : cell(f.coldStartOverheadMs),
            c.id === BARE ? '—' : cell(f.coldStartNoHookOverheadMs),
          ];
        }),
      ),
      '',
    );
  }
  out.push('## Budget (observed-inference targets, issue 6)', '');
  out.push(
    table(
      ['mode', 'target', 'measured', 'limit', 'result'],
      budget.map((b) => [
        b.contender,
        b.target,
        `${num(b.value)} ${b.unit}`,
        `${b.limit} ${b.unit}`,
        b.pass ? 'PASS' : 'MISS',
      ]),
    ),
    '',
  );
  out.push('## What each contender emitted (per warm invocation)', '');
  out.push(
    table(
      [
        'contender',
        'stdout lines',
        'UDP datagrams',
        'OTLP requests',
        'expected (lines / datagrams / requests)',
        'stderr (first line)',
        'check',
      ],
      present.map((c) => {
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
      }),
    ),
    '',
  );
  out.push('## Layer sizes: how they were obtained', '');
  for (const c of present) {
    const size = sizes.get(c.id);
    if (size) out.push(`- ${c.label}: ${size.method} (${size.files} files)`);
  }
  out.push('');
  if (meta.notes.length > 0) {
    out.push('## Notes', '', ...meta.notes.map((n) => `- ${n}`), '');
  }
  return out.join('\n');
}
