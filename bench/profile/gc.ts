/**
 * 3. Allocation and GC pauses in the warm loop under `--trace-gc-nvp`, our layer
 * as shipped against the bare handler.
 */
import { readFileSync } from 'node:fs';
import { quantile } from '../harness/stats.js';
import { type ProfileContext, profileRun, stampsOf } from './context.js';
import { fmt, med } from './tables.js';

/** One `--trace-gc-nvp` line: `[pid:0x…]  4763 ms: pause=7.3 mutator=192.3 gc=s … allocated=… promoted=… new_space_survived=…`. */
const NVP_LINE = /\]\s+(\d+) ms: pause=([\d.]+) .*?\bgc=(\w+)/;

/** A numeric `name=value` field of an nvp line (NaN when absent). */
function field(line: string, name: string): number {
  const m = new RegExp(`\\b${name}=(\\d+)`).exec(line);
  return m ? Number(m[1]) : Number.NaN;
}

interface GcSummary {
  scavenges: number;
  markCompacts: number;
  /** Bytes allocated per invocation: V8's `allocated` (since the previous GC) summed over the loop's GCs. */
  allocatedPerInvocation: number;
  scavengePauseMs: number[];
  markCompactPauseMs: number[];
  /** Bytes still live in the young generation after each scavenge: what it had to copy. */
  survivedBytes: number[];
  /** Bytes each scavenge moved to the old generation (live across two scavenges). */
  promotedBytes: number[];
}

export type GcProfiles = Record<'bare' | 'ours', GcSummary[]>;

/** The `--trace-gc-nvp` lines inside the warm loop, whose bounds are in ms since the process's time origin. */
function gcSummary(text: string, fromMs: number, toMs: number, invocations: number): GcSummary {
  const summary: GcSummary = {
    scavenges: 0,
    markCompacts: 0,
    allocatedPerInvocation: 0,
    scavengePauseMs: [],
    markCompactPauseMs: [],
    survivedBytes: [],
    promotedBytes: [],
  };
  let allocated = 0;
  for (const raw of text.split('\n')) {
    const m = NVP_LINE.exec(raw);
    if (!m) continue;
    const at = Number(m[1]);
    if (at < fromMs || at > toMs) continue;
    const pause = Number(m[2]);
    allocated += field(raw, 'allocated') || 0;
    if (m[3] === 's') {
      summary.scavenges++;
      summary.scavengePauseMs.push(pause);
      summary.survivedBytes.push(field(raw, 'new_space_survived'));
      summary.promotedBytes.push(field(raw, 'promoted'));
    } else if (m[3] === 'mc' || m[3] === 'ms') {
      summary.markCompacts++;
      summary.markCompactPauseMs.push(pause);
    }
  }
  summary.allocatedPerInvocation = allocated / invocations;
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
        nodeArgs: ['--trace-gc-nvp'],
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
  const mb = (pick: (g: GcSummary) => number[]) => fmt(med(runs.flatMap(pick)) / (1024 * 1024));
  const cells = [
    label,
    fmt(allocatedKb),
    fmt(
      m((g) => g.scavenges),
      0,
    ),
    fmt(every, 0),
    pause,
    mb((g) => g.survivedBytes),
    mb((g) => g.promotedBytes),
    fmt(
      m((g) => g.markCompacts),
      0,
    ),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** The report's allocation and GC section. */
export function gcSection(ctx: ProfileContext, gc: GcProfiles): string[] {
  return [
    '## Allocation and GC in the warm loop (layer as shipped, --trace-gc-nvp)',
    '',
    `Over ${ctx.warm} warm invocations per run, medians of ${gc.ours.length} runs. A scavenge pause lands inside one invocation; when scavenges come more often than every 100 invocations, they set the p99. What survives a scavenge is what it copies (its pause grows with it); what survives two is promoted, and promotion is what brings mark-compacts.`,
    '',
    '| variant | KB allocated / invocation | scavenges | one every … invocations | scavenge pause ms (median / p90) | MB surviving a scavenge (median) | MB promoted per scavenge (median) | mark-compacts |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    gcLine('bare handler', gc.bare, ctx.warm),
    gcLine(ctx.mode.label, gc.ours, ctx.warm),
    '',
  ];
}
