/**
 * Benchmarks observed-inference against a bare handler and its peers, each run
 * the way Lambda runs it: a fresh Node process per execution environment with
 * Lambda's environment and bootstrap flags, the contender's layer as /opt, its
 * exec wrapper where it has one, and telemetry really sent to local sinks.
 *
 * Usage (repository root):
 *   npm run bench                 full run (≈ 10-15 min here), ADOT included
 *   npm run bench -- --quick      ≈ 1 min smoke run (CI), ADOT skipped
 *   npm run bench -- --only=bare,oi-library,powertools --no-build --no-adot
 *   npm run bench -- --model-calls   also what observeModelCalls() adds to a Bedrock call (bench/modelCalls.ts, ≈ 20 s)
 *
 * Prints the tables and writes bench/results/<date>.md and .json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureRuntimes } from '../local-lambda/localTools.js';
import { lambdaNodeRuntimes, type NodeRuntime } from '../local-lambda/runtimes.js';
import { budgetCheck } from './harness/budget.js';
import {
  BARE,
  BARE_WOKEN,
  CONTENDER_IDS,
  CONTENDERS,
  type Contender,
  FLOOR,
  FLOOR_WOKEN,
  RECORDS_FLOOR,
} from './harness/contenders.js';
import { computeFigures, type Figures } from './harness/figures.js';
import { checkHealth, type Health } from './harness/health.js';
import { repoRoot, resultsDir } from './harness/paths.js';
import { renderReport } from './harness/report.js';
import { SCENARIO_IDS, type ScenarioId } from './harness/scenarios.js';
import { startSinks } from './harness/sinks.js';
import { layerSizes } from './harness/sizes.js';
import { type RunKind, type RunResult, type RunSpec, runOnce } from './harness/spawnRun.js';
import { stage } from './harness/stage.js';
import { benchModelCalls, renderModelCallBench } from './modelCalls.js';

interface Plan {
  readonly coldRounds: number;
  /** Cold starts without the NODE_PATH resolve hook: the control for what the hook costs. */
  readonly noHookColdRounds: number;
  readonly warmRounds: number;
  /** Warm rounds under each scenario other than the default (bench/harness/scenarios.ts). */
  readonly scenarioRounds: number;
  /** Warm invocations per warm run (after the first invocation). */
  readonly warmInvocations: number;
  readonly leakRounds: number;
  /** Invocations of a leak run, first included; heap sampled after GC at 10% and 100%. */
  readonly leakInvocations: number;
}

const FULL: Plan = {
  coldRounds: 60,
  noHookColdRounds: 20,
  warmRounds: 10,
  scenarioRounds: 5,
  warmInvocations: 20_000,
  leakRounds: 2,
  leakInvocations: 100_000,
};
const QUICK: Plan = {
  coldRounds: 5,
  noHookColdRounds: 2,
  warmRounds: 2,
  scenarioRounds: 1,
  warmInvocations: 3_000,
  leakRounds: 1,
  leakInvocations: 10_000,
};

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    build: { type: 'boolean', default: true },
    'no-build': { type: 'boolean', default: false },
    adot: { type: 'boolean' },
    'no-adot': { type: 'boolean', default: false },
    only: { type: 'string' },
    scenarios: { type: 'string' },
    memory: { type: 'string', default: '1024' },
    runtime: { type: 'string' },
    'cold-rounds': { type: 'string' },
    'no-hook-rounds': { type: 'string' },
    'warm-rounds': { type: 'string' },
    'scenario-rounds': { type: 'string' },
    'warm-invocations': { type: 'string' },
    'leak-invocations': { type: 'string' },
    'leak-rounds': { type: 'string' },
    'model-calls': { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

function planFromArgs(): Plan {
  const base = args.quick ? QUICK : FULL;
  const int = (value: string | undefined, fallback: number) =>
    value === undefined ? fallback : Math.max(0, Number.parseInt(value, 10));
  return {
    coldRounds: int(args['cold-rounds'], base.coldRounds),
    noHookColdRounds: int(args['no-hook-rounds'], base.noHookColdRounds),
    warmRounds: int(args['warm-rounds'], base.warmRounds),
    scenarioRounds: int(args['scenario-rounds'], base.scenarioRounds),
    warmInvocations: int(args['warm-invocations'], base.warmInvocations),
    leakRounds: int(args['leak-rounds'], base.leakRounds),
    leakInvocations: int(args['leak-invocations'], base.leakInvocations),
  };
}

function selectContenders(adotInstalled: boolean, withAdot: boolean): Contender[] {
  const only = args.only?.split(',').map((s) => s.trim());
  for (const id of only ?? []) {
    if (!(CONTENDER_IDS as readonly string[]).includes(id)) {
      throw new Error(`--only: unknown contender '${id}' (known: ${CONTENDER_IDS.join(', ')})`);
    }
  }
  const chosen = CONTENDERS.filter((c) => {
    // Every overhead is measured against bare, and set beside the two floors'.
    if (c.id === BARE || c.id === FLOOR || c.id === RECORDS_FLOOR) return true;
    if (c.id === BARE_WOKEN || c.id === FLOOR_WOKEN) return false;
    if (only && !only.includes(c.id)) return false;
    if (c.optional) return withAdot && adotInstalled;
    return true;
  });
  // A contender with an extension is measured against bare woken as it is,
  // and set beside the I/O floor woken the same way.
  if (chosen.some((c) => c.extensionsApi)) {
    const woken = CONTENDERS.filter((c) => c.id === BARE_WOKEN || c.id === FLOOR_WOKEN);
    chosen.splice(1, 0, ...woken);
  }
  return chosen;
}

/** Round-robin: every round runs each contender once, starting one further each round. */
function schedule(
  contenders: readonly Contender[],
  plan: Plan,
  memoryMb: number,
  scenarios: readonly ScenarioId[],
): RunSpec[] {
  const specs: RunSpec[] = [];
  const rounds = (
    kind: RunKind,
    count: number,
    warm: number,
    heapAt: number[],
    scenario: ScenarioId = 'default',
  ) => {
    const resolution = kind === 'cold-no-hook' ? ('node_modules' as const) : ('hook' as const);
    for (let round = 0; round < count; round++) {
      for (let i = 0; i < contenders.length; i++) {
        const contender = contenders[(i + round) % contenders.length]!;
        specs.push({ contender, kind, round, scenario, warm, heapAt, memoryMb, resolution });
      }
    }
  };
  rounds('cold', plan.coldRounds, 0, []);
  rounds('cold-no-hook', plan.noHookColdRounds, 0, []);
  rounds('warm', plan.warmRounds, plan.warmInvocations, []);
  for (const scenario of scenarios) {
    if (scenario !== 'default')
      rounds('warm', plan.scenarioRounds, plan.warmInvocations, [], scenario);
  }
  const leak = plan.leakInvocations;
  // 10% and 100% give the leak figure; the points between show whether growth levels off.
  const marks = [0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.round(leak * f));
  rounds('leak', plan.leakRounds, leak - 1, marks);
  return specs;
}

/** `--scenarios`, else all of them (the quick run: the default and the 5 %-sampled one). */
function selectScenarios(): ScenarioId[] {
  const asked = args.scenarios?.split(',').map((s) => s.trim());
  if (!asked) return args.quick ? ['default', 'sampled-5pct'] : [...SCENARIO_IDS];
  for (const id of asked) {
    if (!(SCENARIO_IDS as readonly string[]).includes(id)) {
      throw new Error(`--scenarios: unknown scenario '${id}' (known: ${SCENARIO_IDS.join(', ')})`);
    }
  }
  return asked as ScenarioId[];
}

/**
 * `--runtime=nodejs22.x|nodejs24.x`: run every function on that Lambda
 * runtime's Node (installed into local-lambda/runtimes on first use), where
 * AsyncLocalStorage and the JIT differ from this machine's Node.
 */
function selectRuntime(): NodeRuntime | undefined {
  if (args.runtime === undefined) return undefined;
  ensureRuntimes();
  const runtime = lambdaNodeRuntimes().find((r) => r.name === args.runtime);
  if (!runtime) throw new Error(`--runtime: '${args.runtime}' is not nodejs22.x or nodejs24.x`);
  return runtime;
}

function nodeVersion(nodeBinary: string): string {
  return execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim();
}

function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GB RAM, Linux ${release()}`;
}

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'lib', 'layer'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${sha} (lib/ or layer/ modified in the working tree)` : sha;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadStart = loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  const plan = planFromArgs();
  const memoryMb = Number.parseInt(args.memory ?? '1024', 10);
  const withAdot = args['no-adot'] ? false : (args.adot ?? !args.quick);
  const staged = await stage(CONTENDERS, {
    buildLayer: args.build && !args['no-build'],
    withAdot,
  });
  const contenders = selectContenders(staged.adotInstalled, withAdot);
  const sinks = await startSinks();
  const scenarios = selectScenarios();
  const runtime = selectRuntime();
  const specs = schedule(contenders, plan, memoryMb, scenarios).map((spec) =>
    runtime ? { ...spec, nodeBinary: runtime.nodeBinary } : spec,
  );
  console.log(
    `${specs.length} runs: ${contenders.map((c) => c.id).join(', ')} (work dir ${staged.root})`,
  );

  const results: RunResult[] = [];
  let line: string[] = [];
  for (const [i, spec] of specs.entries()) {
    const result = await runOnce(spec, staged, sinks);
    results.push(result);
    if (!result.ok)
      console.error(`  ${spec.contender.id} ${spec.kind} #${spec.round} FAILED: ${result.error}`);
    line.push(
      `${spec.contender.id} ${result.coldStartMs?.toFixed(0) ?? '✗'}ms` +
        (spec.warm > 0 && result.warm ? ` p50 ${(result.warm.p50Ns / 1000).toFixed(1)}µs` : ''),
    );
    const next = specs[i + 1];
    if (
      !next ||
      next.round !== spec.round ||
      next.kind !== spec.kind ||
      next.scenario !== spec.scenario
    ) {
      const where = spec.scenario === 'default' ? '' : ` (${spec.scenario})`;
      console.log(`${spec.kind}${where} round ${spec.round + 1}: ${line.join(', ')}`);
      line = [];
    }
  }
  await sinks.close();
  // In this process, after the runs: it sets the Lambda environment it needs.
  const modelCalls = args['model-calls'] ? await benchModelCalls() : undefined;

  const figures = new Map<string, Figures>();
  for (const c of contenders) {
    const f = computeFigures(c.id, results);
    if (f) figures.set(c.id, f);
  }
  const byScenario = new Map<ScenarioId, Map<string, Figures>>();
  for (const scenario of scenarios) {
    const inScenario = new Map<string, Figures>();
    for (const c of contenders) {
      const f = computeFigures(c.id, results, scenario);
      if (f) inScenario.set(c.id, f);
    }
    byScenario.set(scenario, inScenario);
  }
  const health = new Map<string, Health>(
    contenders.map((c) => [c.id, checkHealth(c, figures.get(c.id), results)]),
  );
  const sizes = layerSizes(contenders, staged);
  const budget = budgetCheck(figures, sizes);
  const now = new Date();
  const durationS = (performance.now() - started) / 1000;
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const notes = [
    "Cold start = the parent spawning the runtime process (the exec wrapper, when the contender has one) → the handler module imported and its export in hand (for zero-code: the wrapper exec'd, the zero-code entry and the user handler imported). Every process also has NODE_OPTIONS=--import of the test bootstrap's NODE_PATH resolve hook (what lets ES modules import layer packages), the same for all contenders.",
    "First invocation = the first handler call (process.hrtime around it). Warm = every later call, each timed alone; the runner yields to the event loop (setImmediate) between calls, as the runtime client's poll would.",
    'CPU = process.cpuUsage() (user + system, all threads) over the warm loop / invocations, GC sampling excluded.',
    'Telemetry bytes = stdout + stderr file bytes + UDP datagram bytes (X-Ray daemon stand-in) + OTLP/HTTP request body bytes, over the warm runs / invocations.',
  ];
  if (args.quick) {
    notes.unshift(
      `Quick run (smoke test): few samples, and the heap window (${Math.round(plan.leakInvocations / 10)} → ${plan.leakInvocations} invocations) still holds JIT warm-up, so the budget lines below are indicative only; the full run (npm run bench) is what the budget is judged on.`,
    );
  }
  if (withAdot && !staged.adotInstalled)
    notes.push('ADOT was requested but bench/adot is not installed.');
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0)
    notes.push(`${failed.length} runs failed (see the JSON): their figures are left out.`);
  const meta = {
    date: now.toISOString(),
    command,
    machine: machine(),
    node: runtime ? `${runtime.name} (${nodeVersion(runtime.nodeBinary)})` : process.version,
    commit: commit(),
    plan: `${plan.coldRounds} cold rounds (+ ${plan.noHookColdRounds} without the resolve hook), ${plan.warmRounds} warm rounds × ${plan.warmInvocations} invocations (+ ${plan.scenarioRounds} per other scenario: ${scenarios.filter((s) => s !== 'default').join(', ') || 'none'}), ${plan.leakRounds} leak round × ${plan.leakInvocations} invocations; contenders interleaved round-robin`,
    memoryMb,
    durationS,
    loadAverage: `${loadStart} / ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
    notes,
  };
  const markdown = [
    renderReport(meta, contenders, figures, sizes, budget, health, byScenario),
    ...(modelCalls ? [renderModelCallBench(modelCalls)] : []),
  ].join('\n');
  console.log(`\n${markdown}`);
  for (const h of health.values()) {
    if (!h.ok) console.log(`WARNING ${h.contender}: ${h.problems.join('; ')} ${h.stderr[0] ?? ''}`);
  }
  if (args.quick) console.log('quick run: budget lines are indicative only (see the notes)');
  for (const b of budget) {
    console.log(
      `${b.pass ? 'PASS' : 'MISS'} ${b.contender}: ${b.target} ${b.value.toFixed(2)} ${b.unit} (≤ ${b.limit} ${b.unit})`,
    );
  }

  mkdirSync(resultsDir, { recursive: true });
  const stamp = now.toISOString().slice(0, 16).replace(':', '');
  const name = `${stamp}${args.quick ? '-quick' : ''}`;
  writeFileSync(join(resultsDir, `${name}.md`), markdown);
  writeFileSync(
    join(resultsDir, `${name}.json`),
    `${JSON.stringify({ meta, plan, figures: Object.fromEntries(figures), scenarios: Object.fromEntries([...byScenario].map(([id, f]) => [id, Object.fromEntries(f)])), sizes: Object.fromEntries(sizes), budget, health: Object.fromEntries(health), modelCalls, runs: results }, null, 2)}\n`,
  );
  console.log(`\nwrote bench/results/${name}.md and .json`);
  rmSync(staged.root, { recursive: true, force: true });
}

await main();
