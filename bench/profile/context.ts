/** What the profiles of one `bench/profile.ts` run share, and how each starts a measured process. */
import type { Contender } from '../harness/contenders.js';
import type { ScenarioId } from '../harness/scenarios.js';
import type { Sinks } from '../harness/sinks.js';
import { type RunResult, type RunSpec, runOnce } from '../harness/spawnRun.js';
import type { Staged } from '../harness/stage.js';
import type { ModuleMap } from './devLayer.js';

export interface ProfileContext {
  /** The contender profiled (one of ours). */
  readonly mode: Contender;
  readonly bare: Contender;
  /** The I/O floor: one stdout write and one datagram, nothing built. */
  readonly floor: Contender;
  /** The layers as shipped (minified). */
  readonly staged: Staged;
  /** The same, with our layer replaced by the unminified, instrumented build. */
  readonly devStaged: Staged;
  readonly modules: ModuleMap;
  readonly sinks: Sinks;
  /** Where timelines and CPU profiles are written. */
  readonly profDir: string;
  /** Cold runs per variant. */
  readonly runs: number;
  /** Warm invocations per profiled run. */
  readonly warm: number;
  readonly memoryMb: number;
  /** The conditions of every profiled invocation (bench/harness/scenarios.ts). */
  readonly scenario: ScenarioId;
  /** The Lambda runtime's Node binary (`--runtime`); this process's when undefined. */
  readonly nodeBinary: string | undefined;
}

/** What a profiling run sets beyond the contender and round (no warm loop unless `warm`). */
type ProfileSpec = Pick<RunSpec, 'contender' | 'round'> &
  Partial<Omit<RunSpec, 'contender' | 'round' | 'kind'>>;

/**
 * One execution environment of `spec.contender` against `staged`.
 *
 * @example
 * const run = await profileRun(ctx, ctx.staged, { contender: ctx.bare, round: 0 });
 */
export function profileRun(
  ctx: ProfileContext,
  staged: Staged,
  spec: ProfileSpec,
): Promise<RunResult> {
  const defaults = {
    kind: 'profile',
    warm: 0,
    heapAt: [],
    memoryMb: ctx.memoryMb,
    scenario: ctx.scenario,
    ...(ctx.nodeBinary ? { nodeBinary: ctx.nodeBinary } : {}),
  } as const;
  return runOnce({ ...defaults, ...spec }, staged, ctx.sinks);
}

/**
 * The hrtime stamps of a run whose profile is read: a failed run has none.
 *
 * @example
 * const hr = stampsOf(run, 'CPU profile');
 */
export function stampsOf(run: RunResult, what: string): NonNullable<RunResult['hr']> {
  if (!run.ok || !run.hr) throw new Error(`${what} run failed: ${run.error}`);
  return run.hr;
}
