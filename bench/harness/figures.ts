import { baselineOf, type ContenderId } from './contenders.js';
import type { ScenarioId } from './scenarios.js';
import type { RunResult } from './spawnRun.js';
import { type Spread, spread } from './stats.js';

/** Every figure of one contender: absolute values and overheads over bare, each across runs. */
export interface Figures {
  readonly contender: ContenderId;
  readonly runs: number;
  readonly failed: number;
  readonly coldStartMs: Spread;
  readonly coldStartOverheadMs: Spread;
  /** The control without the NODE_PATH resolve hook (imports resolve through node_modules). */
  readonly coldStartNoHookMs: Spread;
  readonly coldStartNoHookOverheadMs: Spread;
  /** RSS over bare without the resolve hook, as Lambda loads layer packages: after init and after the first invocation. */
  readonly rssInitNoHookOverheadMb: Spread;
  readonly rssFirstNoHookOverheadMb: Spread;
  readonly phasesMs: { exec: number; bootstrap: number; preload: number; handlerImport: number };
  readonly firstMs: Spread;
  readonly firstOverheadMs: Spread;
  readonly warmP50Us: Spread;
  readonly warmP99Us: Spread;
  readonly warmP50OverheadUs: Spread;
  readonly warmP99OverheadUs: Spread;
  /** p50 over each warm run's first 2,000 invocations, against bare's: the JIT-cold cost. */
  readonly jitColdP50OverheadUs: Spread;
  readonly warmInvocations: number;
  readonly cpuPerInvocationUs: Spread;
  readonly cpuOverheadUs: Spread;
  readonly rssInitMb: Spread;
  readonly rssOverheadMb: Spread;
  /** RSS over bare once the first invocation has returned. */
  readonly rssFirstOverheadMb: Spread;
  /** Heap after GC at 10% and 100% of the leak run, and the growth between (MB). */
  readonly heapAt10Mb: Spread;
  readonly heapAt100Mb: Spread;
  readonly heapGrowthMb: Spread;
  /** Growth over the second half of the leak run alone: near 0 when the first half was warm-up. */
  readonly heapGrowthSecondHalfMb: Spread;
  readonly leakInvocations: number;
  readonly telemetryBytesPerInvocation: Spread;
  /**
   * Contenders with `extensionsApi`: from each response to the extension's next
   * poll, the work it does after the response (absolute: bare has none). Each
   * warm run's p50 and p99, and the first invocation's, across runs.
   */
  readonly postResponseP50Us: Spread;
  readonly postResponseP99Us: Spread;
  readonly firstPostResponseMs: Spread;
  /** Contenders with `extensionsApi`: the runs whose extension registered, of the runs that ran. */
  readonly extension: { readonly registered: number; readonly runs: number };
  readonly perInvocation: {
    stdoutBytes: number;
    udpBytes: number;
    otlpBytes: number;
    stdoutLines: number;
    udpDatagrams: number;
    otlpRequests: number;
  };
}

const key = (r: RunResult) => `${r.kind}:${r.round}`;
const MB = 1024 * 1024;

function median(values: number[]): number {
  return spread(values).median;
}

/** Differences to bare's run of the same kind and round: paired, so drift between rounds cancels. */
function paired(
  runs: readonly RunResult[],
  bare: ReadonlyMap<string, RunResult>,
  pick: (r: RunResult) => number | undefined,
): Spread {
  const diffs: number[] = [];
  for (const run of runs) {
    const base = bare.get(key(run));
    const a = pick(run);
    const b = base ? pick(base) : undefined;
    if (a !== undefined && b !== undefined) diffs.push(a - b);
  }
  return spread(diffs);
}

const values = (runs: readonly RunResult[], pick: (r: RunResult) => number | undefined) =>
  runs.map(pick).filter((v): v is number => v !== undefined);

/**
 * The figures of `contender` whose warm runs ran under `scenario` (cold
 * starts and leak runs always run under the default one).
 */
export function computeFigures(
  contender: ContenderId,
  allResults: readonly RunResult[],
  scenario: ScenarioId = 'default',
): Figures | undefined {
  const results = allResults.filter(
    (r) => r.scenario === (r.kind === 'warm' ? scenario : 'default'),
  );
  const all = results.filter((r) => r.contender === contender);
  const runs = all.filter((r) => r.ok && r.kind !== 'profile' && r.kind !== 'cold-no-hook');
  const noHook = all.filter((r) => r.ok && r.kind === 'cold-no-hook');
  if (runs.length === 0) return undefined;
  const baseline = baselineOf(contender);
  const bare = new Map(
    results.filter((r) => r.contender === baseline && r.ok).map((r) => [key(r), r] as const),
  );
  const warm = runs.filter((r) => r.kind === 'warm');
  const leak = runs.filter((r) => r.kind === 'leak');

  const cold = (r: RunResult) => r.coldStartMs;
  const first = (r: RunResult) => r.firstMs;
  const rss = (r: RunResult) => r.rssInitMb;
  const rssFirst = (r: RunResult) => r.rssFirstMb;
  const p50 = (r: RunResult) => (r.warm && r.warm.n > 0 ? r.warm.p50Ns / 1000 : undefined);
  const p99 = (r: RunResult) => (r.warm && r.warm.n > 0 ? r.warm.p99Ns / 1000 : undefined);
  const jitCold = (r: RunResult) =>
    r.warm && r.warm.n > 0 ? r.warm.jitColdP50Ns / 1000 : undefined;
  const cpu = (r: RunResult) => (r.warm && r.warm.n > 0 ? r.warm.cpuUs / r.warm.n : undefined);
  /** Heap after GC at `fraction` of the leak run's invocations. */
  const heapAt = (r: RunResult, fraction: number) => {
    const n = r.telemetry?.invocations ?? 0;
    const sample = r.heap?.find((h) => h.at === Math.round(n * fraction));
    return sample ? sample.heapUsed / MB : undefined;
  };
  const growth = (r: RunResult, from: number) => {
    const a = heapAt(r, from);
    const b = heapAt(r, 1);
    return a !== undefined && b !== undefined ? b - a : undefined;
  };
  const telemetryBytes = (r: RunResult) => {
    const t = r.telemetry;
    return t
      ? (t.stdoutBytes + t.stderrBytes + t.udpBytes + t.otlpBytes) / t.invocations
      : undefined;
  };
  const perInv = (pick: (t: NonNullable<RunResult['telemetry']>) => number) =>
    median(
      values(warm, (r) => (r.telemetry ? pick(r.telemetry) / r.telemetry.invocations : undefined)),
    );

  return {
    contender,
    runs: runs.length,
    failed: all.length - runs.length,
    coldStartMs: spread(values(runs, cold)),
    coldStartOverheadMs: paired(runs, bare, cold),
    coldStartNoHookMs: spread(values(noHook, cold)),
    coldStartNoHookOverheadMs: paired(noHook, bare, cold),
    rssInitNoHookOverheadMb: paired(noHook, bare, rss),
    rssFirstNoHookOverheadMb: paired(noHook, bare, rssFirst),
    phasesMs: {
      exec: median(values(runs, (r) => r.phasesMs?.exec)),
      bootstrap: median(values(runs, (r) => r.phasesMs?.bootstrap)),
      preload: median(values(runs, (r) => r.phasesMs?.preload)),
      handlerImport: median(values(runs, (r) => r.phasesMs?.handlerImport)),
    },
    firstMs: spread(values(runs, first)),
    firstOverheadMs: paired(runs, bare, first),
    warmP50Us: spread(values(warm, p50)),
    warmP99Us: spread(values(warm, p99)),
    warmP50OverheadUs: paired(warm, bare, p50),
    warmP99OverheadUs: paired(warm, bare, p99),
    jitColdP50OverheadUs: paired(warm, bare, jitCold),
    warmInvocations: warm[0]?.warm?.n ?? 0,
    cpuPerInvocationUs: spread(values(warm, cpu)),
    cpuOverheadUs: paired(warm, bare, cpu),
    rssInitMb: spread(values(runs, rss)),
    rssOverheadMb: paired(runs, bare, rss),
    rssFirstOverheadMb: paired(runs, bare, rssFirst),
    heapAt10Mb: spread(values(leak, (r) => heapAt(r, 0.1))),
    heapAt100Mb: spread(values(leak, (r) => heapAt(r, 1))),
    heapGrowthMb: spread(values(leak, (r) => growth(r, 0.1))),
    heapGrowthSecondHalfMb: spread(values(leak, (r) => growth(r, 0.5))),
    leakInvocations: leak[0]?.telemetry?.invocations ?? 0,
    telemetryBytesPerInvocation: spread(values(warm, telemetryBytes)),
    postResponseP50Us: spread(
      values(warm, (r) => (r.postResponse?.n ? r.postResponse.p50Ns / 1000 : undefined)),
    ),
    postResponseP99Us: spread(
      values(warm, (r) => (r.postResponse?.n ? r.postResponse.p99Ns / 1000 : undefined)),
    ),
    firstPostResponseMs: spread(values(runs, (r) => r.firstPostResponseMs)),
    extension: {
      registered: runs.filter((r) => r.extension === true).length,
      runs: runs.filter((r) => r.extension !== undefined).length,
    },
    perInvocation: {
      stdoutBytes: perInv((t) => t.stdoutBytes + t.stderrBytes),
      udpBytes: perInv((t) => t.udpBytes),
      otlpBytes: perInv((t) => t.otlpBytes),
      stdoutLines: perInv((t) => t.stdoutLines),
      udpDatagrams: perInv((t) => t.udpDatagrams),
      otlpRequests: perInv((t) => t.otlpRequests),
    },
  };
}
