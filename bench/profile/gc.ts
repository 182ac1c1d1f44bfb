/**
 * 3. Allocation and GC pauses in the warm loop under `--trace-gc`, our layer
 * as shipped against the bare handler.
 */
import { readFileSync } from 'node:fs';
import { quantile } from '../harness/stats.js';
import { type ProfileContext, profileRun, stampsOf } from './context.js';
import { fmt, med } from './tables.js';

/** `[pid:0x…] 1234 ms: Scavenge 4.1 (5.3) -> 3.6 (6.3) MB, 0.85 / 0.00 ms …` */
const GC_LINE =
  /\]\s+(\d+) ms: (Scavenge|Mark-Compact|Mark-sweep)[^\d]*([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ ([\d.]+) ms/;

interface GcSummary {
  scavenges: number;
  markCompacts: number;
  /** Bytes allocated per invocation, from heap size before each GC minus after the previous one. */
  allocatedPerInvocation: number;
  scavengePauseMs: number[];
  markCompactPauseMs: number[];
}

export type GcProfiles = Record<'bare' | 'ours', GcSummary[]>;

/** The `--trace-gc` lines inside the warm loop, whose bounds are in ms since the process's time origin. */
function gcSummary(text: string, fromMs: number, toMs: number, invocations: number): GcSummary {
  const summary: GcSummary = {
    scavenges: 0,
    markCompacts: 0,
    allocatedPerInvocation: 0,
    scavengePauseMs: [],
    markCompactPauseMs: [],
  };
  let allocatedMb = 0;
  let previousAfter: number | undefined;
  for (const raw of text.split('\n')) {
    const m = GC_LINE.exec(raw);
    if (!m) continue;
    const at = Number(m[1]);
    const [before, after, pause] = [Number(m[3]), Number(m[5]), Number(m[7])];
    if (at >= fromMs && at <= toMs) {
      if (previousAfter !== undefined) allocatedMb += Math.max(0, before - previousAfter);
      if (m[2] === 'Scavenge') {
        summary.scavenges++;
        summary.scavengePauseMs.push(pause);
      } else {
        summary.markCompacts++;
        summary.markCompactPauseMs.push(pause);
      }
    }
    previousAfter = after;
  }
  summary.allocatedPerInvocation = (allocatedMb * 1024 * 1024) / invocations;
  return summary;
}

/**
 * A few warm loops each of the bare handler and ours, under `--trace-gc`.
 *
 * @example
 * const gc = await profileGc(ctx);
 */
export async function profileGc(ctx: ProfileContext): Promise<GcProfiles> {
  const gc: GcProfiles = { bare: [], ours: [] };
  for (let round = 0; round < Math.min(ctx.runs, 3); round++) {
    for (const [key, contender] of [
      ['bare', ctx.bare],
      ['ours', ctx.mode],
    ] as const) {
      const run = await profileRun(ctx, ctx.staged, {
        contender,
        round,
        warm: ctx.warm,
        nodeArgs: ['--trace-gc'],
        keepOutput: true,
      });
      const hr = stampsOf(run, 'GC');
      if (!run.output) throw new Error('GC run kept no output');
      const ms = (at: string) => Number(BigInt(at) - BigInt(hr.origin)) / 1e6;
      const text = readFileSync(run.output.stdout, 'utf8');
      gc[key].push(gcSummary(text, ms(hr.loopStart), ms(hr.loopEnd), ctx.warm));
    }
  }
  return gc;
}

function gcLine(label: string, runs: GcSummary[], invocations: number): string {
  const m = (pick: (g: GcSummary) => number) => med(runs.map(pick));
  const pauses = runs.flatMap((g) => g.scavengePauseMs);
  const every = m((g) => (g.scavenges > 0 ? invocations / g.scavenges : Number.NaN));
  const allocatedKb = m((g) => g.allocatedPerInvocation / 1024);
  const pause = `${fmt(med(pauses))} / ${fmt(quantile(pauses, 0.9))}`;
  return `| ${label} | ${fmt(allocatedKb)} | ${fmt(
    m((g) => g.scavenges),
    0,
  )} | ${fmt(every, 0)} | ${pause} | ${fmt(
    m((g) => g.markCompacts),
    0,
  )} |`;
}

/** The report's allocation and GC section. */
export function gcSection(ctx: ProfileContext, gc: GcProfiles): string[] {
  return [
    '## Allocation and GC in the warm loop (layer as shipped, --trace-gc)',
    '',
    `Over ${ctx.warm} warm invocations per run, medians of ${gc.ours.length} runs. A scavenge pause lands inside one invocation; when scavenges come more often than every 100 invocations, they set the p99.`,
    '',
    '| variant | KB allocated / invocation | scavenges | one every … invocations | scavenge pause ms (median / p90) | mark-compacts |',
    '| --- | --- | --- | --- | --- | --- |',
    gcLine('bare handler', gc.bare, ctx.warm),
    gcLine(ctx.mode.label, gc.ours, ctx.warm),
    '',
  ];
}
