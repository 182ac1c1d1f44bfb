/**
 * 2. CPU: `--cpu-prof` of the first invocation and of a warm loop on the
 * instrumented build, each sample attributed to the innermost bundled module
 * on the stack (so the built-ins it calls count for it) and to its leaf
 * function.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../harness/spawnRun.js';
import { type ProfileContext, profileRun, stampsOf } from './context.js';
import { type ModuleMap, moduleOfFrame, outsideOwner } from './devLayer.js';
import { fmt, med, topTable } from './tables.js';

/** The sampling interval of the CPU profiles. */
export const PROFILE_INTERVAL_US = 50;
/** Each thread writes its own profile (the resolve hook runs on a worker): the main thread's. */
const MAIN_THREAD_PROFILE = /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/;

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}
type ProfileNode = CpuProfile['nodes'][number];

/** Sampled µs by module and by leaf function, inside one time window. */
interface Attribution {
  byModule: Map<string, number>;
  byFunction: Map<string, number>;
  totalUs: number;
}

export interface CpuProfiles {
  readonly first: Attribution[];
  readonly warm: Attribution[];
  readonly warmRuns: RunResult[];
}

/** The innermost bundled module on the sample's stack, else what the leaf frame is. */
function ownerOf(
  leafId: number,
  nodes: Map<number, ProfileNode>,
  parent: Map<number, number>,
  map: ModuleMap,
): string {
  for (let id: number | undefined = leafId; id !== undefined; id = parent.get(id)) {
    const { url, lineNumber } = nodes.get(id)!.callFrame;
    const module = moduleOfFrame(map, url, lineNumber);
    if (module) return module;
  }
  const { url, functionName } = nodes.get(leafId)!.callFrame;
  return outsideOwner(url, functionName);
}

function attribute(profile: CpuProfile, map: ModuleMap, fromNs: bigint, toNs: bigint): Attribution {
  const parent = new Map<number, number>();
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out: Attribution = { byModule: new Map(), byFunction: new Map(), totalUs: 0 };
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const from = Number(fromNs / 1000n);
  const to = Number(toNs / 1000n);
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const duration = profile.timeDeltas[i + 1] ?? 0;
    if (t < from || t > to) continue;
    out.totalUs += duration;
    const leafId = profile.samples[i]!;
    const leaf = nodes.get(leafId)!.callFrame;
    const leafModule =
      moduleOfFrame(map, leaf.url, leaf.lineNumber) ?? (leaf.url || leaf.functionName);
    add(out.byFunction, `${leaf.functionName || '(anonymous)'} — ${leafModule}`, duration);
    add(out.byModule, ownerOf(leafId, nodes, parent, map), duration);
  }
  return out;
}

/**
 * A few runs of the warm loop under `--cpu-prof` (the timeline hooks are init-only).
 *
 * @example
 * const cpu = await profileCpu(ctx);
 */
export async function profileCpu(ctx: ProfileContext): Promise<CpuProfiles> {
  const profiles: CpuProfiles = { first: [], warm: [], warmRuns: [] };
  for (let round = 0; round < Math.min(ctx.runs, 3); round++) {
    const dir = join(ctx.profDir, `cpu-${round}`);
    const run = await profileRun(ctx, ctx.devStaged, {
      contender: ctx.mode,
      round,
      warm: ctx.warm,
      nodeArgs: [
        '--cpu-prof',
        `--cpu-prof-dir=${dir}`,
        `--cpu-prof-interval=${PROFILE_INTERVAL_US}`,
      ],
    });
    const hr = stampsOf(run, 'CPU profile');
    profiles.warmRuns.push(run);
    const main = readdirSync(dir).find((f) => MAIN_THREAD_PROFILE.test(f));
    if (!main) throw new Error(`no main-thread profile in ${dir}: ${readdirSync(dir).join(', ')}`);
    const profile = JSON.parse(readFileSync(join(dir, main), 'utf8')) as CpuProfile;
    const firstStart = BigInt(hr.firstStart);
    const firstEnd = firstStart + BigInt(Math.round((run.firstMs ?? 0) * 1e6));
    profiles.first.push(attribute(profile, ctx.modules, firstStart, firstEnd));
    profiles.warm.push(attribute(profile, ctx.modules, BigInt(hr.loopStart), BigInt(hr.loopEnd)));
  }
  return profiles;
}

/** The report's CPU sections: the first invocation (ms) and warm invocations (µs each). */
export function cpuSection(ctx: ProfileContext, cpu: CpuProfiles): string[] {
  const n = ctx.warm;
  const perRun = (runs: RunResult[], pick: (r: RunResult) => number) => fmt(med(runs.map(pick)));
  return [
    '## First invocation: CPU by innermost bundled module on the stack (ms)',
    '',
    topTable(
      'module',
      'ms',
      cpu.first.map((a) => a.byModule),
      1 / 1000,
      25,
    ),
    '',
    '### Leaf functions (ms)',
    '',
    topTable(
      'function — module',
      'ms',
      cpu.first.map((a) => a.byFunction),
      1 / 1000,
      25,
    ),
    '',
    '## Warm invocations: CPU per invocation by innermost bundled module (µs)',
    '',
    `Loop wall time ${perRun(cpu.warmRuns, (r) => (r.warm?.loopNs ?? 0) / n / 1000)} µs/invocation, handler p50 ${perRun(cpu.warmRuns, (r) => (r.warm?.p50Ns ?? 0) / 1000)} µs (profiler on); sampled CPU ${fmt(med(cpu.warm.map((a) => a.totalUs / n)))} µs/invocation.`,
    '',
    topTable(
      'module',
      'µs/invocation',
      cpu.warm.map((a) => a.byModule),
      1 / n,
      30,
    ),
    '',
    '### Leaf functions (µs per invocation)',
    '',
    topTable(
      'function — module',
      'µs/invocation',
      cpu.warm.map((a) => a.byFunction),
      1 / n,
      40,
    ),
    '',
  ];
}
