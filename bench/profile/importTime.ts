/**
 * 1. Import time: cold starts of the bare handler and of our layer as
 * shipped, and the instrumented build's timeline of each bundled module's
 * evaluation (self time, nested modules subtracted), plus the time before
 * evaluation starts (read, parse, link).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDir } from '../harness/paths.js';
import type { RunResult } from '../harness/spawnRun.js';
import { type ProfileContext, profileRun, stampsOf } from './context.js';
import { fmt, med, topTable } from './tables.js';

/** What bench/child/importTimer.mjs records: `[kind, module, hrtime ns]`. */
type TimelineEvent = ['enter' | 'leave' | 'mark', string, string];

export interface ImportProfile {
  readonly phases: Record<'bare' | 'ours' | 'dev', RunResult[]>;
  /** Per run: self time (ms) per module. */
  readonly timelines: Array<Map<string, number>>;
  /** Per run: ms from the runner starting the import to the first bundled module evaluating. */
  readonly beforeEval: number[];
}

/** Self time (ms) per module from one process's timeline; `end` closes the last top-level segment. */
function selfTimes(events: TimelineEvent[], end: bigint): Map<string, number> {
  const self = new Map<string, number>();
  const add = (name: string, ns: bigint) =>
    self.set(name, (self.get(name) ?? 0) + Number(ns) / 1e6);
  const stack: Array<{ name: string; start: bigint; children: bigint }> = [];
  let segment: { name: string; start: bigint; nested: bigint } | undefined;
  for (const [kind, name, at] of events) {
    const t = BigInt(at);
    if (kind === 'enter') stack.push({ name, start: t, children: 0n });
    else if (kind === 'leave') {
      const frame = stack.pop();
      if (!frame) continue;
      const total = t - frame.start;
      add(frame.name, total - frame.children);
      const parent = stack.at(-1);
      if (parent) parent.children += total;
      else if (segment) segment.nested += total;
    } else if (stack.length === 0) {
      if (segment) add(segment.name, t - segment.start - segment.nested);
      const label = name.startsWith('after ')
        ? `${name}: later layer files, then the handler module's top level (its observe() call)`
        : `${name} (top level)`;
      segment = { name: label, start: t, nested: 0n };
    }
  }
  if (segment && end > segment.start) add(segment.name, end - segment.start - segment.nested);
  return self;
}

/**
 * Cold starts, round-robin: bare, ours as shipped, ours instrumented (with the timeline).
 *
 * @example
 * const imports = await profileImport(ctx);
 */
export async function profileImport(ctx: ProfileContext): Promise<ImportProfile> {
  const timer = pathToFileURL(join(benchDir, 'child', 'importTimer.mjs')).href;
  const profile: ImportProfile = {
    phases: { bare: [], ours: [], dev: [] },
    timelines: [],
    beforeEval: [],
  };
  for (let round = 0; round < ctx.runs; round++) {
    profile.phases.bare.push(await profileRun(ctx, ctx.staged, { contender: ctx.bare, round }));
    profile.phases.ours.push(await profileRun(ctx, ctx.staged, { contender: ctx.mode, round }));
    const out = join(ctx.profDir, `timeline-${round}.json`);
    const dev = await profileRun(ctx, ctx.devStaged, {
      contender: ctx.mode,
      round,
      nodeArgs: [`--import=${timer}`],
      env: { OI_PROFILE_TIMELINE: out },
    });
    profile.phases.dev.push(dev);
    const hr = stampsOf(dev, 'import timeline');
    const events = JSON.parse(readFileSync(out, 'utf8')) as TimelineEvent[];
    profile.timelines.push(selfTimes(events, BigInt(hr.ready)));
    const first = events[0];
    if (first) profile.beforeEval.push(Number(BigInt(first[2]) - BigInt(hr.main)) / 1e6);
  }
  return profile;
}

function phaseLine(label: string, runs: RunResult[]): string {
  const ok = runs.filter((r) => r.ok);
  const p = (pick: (r: RunResult) => number | undefined) =>
    fmt(med(ok.map(pick).filter((v): v is number => v !== undefined)));
  return `| ${label} | ${p((r) => r.coldStartMs)} | ${p((r) => r.phasesMs?.exec)} | ${p((r) => r.phasesMs?.bootstrap)} | ${p((r) => r.phasesMs?.preload)} | ${p((r) => r.phasesMs?.handlerImport)} | ${p((r) => r.firstMs)} |`;
}

/** `node_modules/@scope/pkg/x.js` → `@scope/pkg`; `lib/x.ts` stays. */
function packageOf(path: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return m ? m[1]! : path;
}

function groupByPackage(m: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of m) {
    const pkg = packageOf(k.replace(/ \(top level\)$/, ''));
    out.set(pkg, (out.get(pkg) ?? 0) + v);
  }
  return out;
}

/** The report's cold start and import sections. */
export function importSection(ctx: ProfileContext, profile: ImportProfile): string[] {
  const label = ctx.mode.label;
  return [
    '## Cold start phases (ms, medians)',
    '',
    '| variant | cold start | exec (+ wrapper) | Node bootstrap | preload (--import) | handler import | first invocation |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    phaseLine('bare handler', profile.phases.bare),
    phaseLine(`${label}, layer as shipped (minified)`, profile.phases.ours),
    phaseLine(`${label}, unminified + instrumented (for the breakdown)`, profile.phases.dev),
    '',
    `In the instrumented build, ${fmt(med(profile.beforeEval))} ms (median) pass between the runner starting the import and the first bundled module evaluating: resolving, reading, parsing and linking the layer's files (and the handler's).`,
    '',
    '## Import: evaluation self time per bundled module (ms)',
    '',
    topTable('module', 'ms', profile.timelines, 1, 30),
    '',
    '### The same, per package',
    '',
    topTable('package', 'ms', profile.timelines.map(groupByPackage), 1, 15),
    '',
  ];
}
