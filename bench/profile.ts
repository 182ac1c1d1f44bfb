/**
 * Where observed-inference's overhead goes, for the findings the benchmark
 * reports when a target is missed. Each profile is a module of bench/profile/:
 *
 * 1. `importTime.ts`: cold start phases, and import time per bundled module
 *    from an unminified build of the layer (layer/build.ts's own esbuild
 *    options, minify off; `devLayer.ts`) whose bundler helpers are
 *    instrumented to time each module's evaluation;
 * 2. `cpu.ts`: `--cpu-prof` of the first invocation and of a warm loop,
 *    attributed to the innermost bundled module on the stack and to leaf
 *    functions;
 * 3. `gc.ts`: `--trace-gc` of the warm loop (allocation per invocation,
 *    scavenge rate and pauses);
 * 4. `alloc.ts`: the warm loop's allocation sites, garbage included;
 * 5. `builtins.ts`: the built-ins the layer imports, timed with and without
 *    Lambda's node flags, and the exec wrapper's own cost;
 * 6. `signals.ts`: the warm loop with each signal turned off, against the bare
 *    handler and the I/O floor, with the datagram send and stdout write timed
 *    in each.
 *
 * Usage: npx tsx bench/profile.ts [--runs=8] [--warm=20000] [--mode=oi-library|oi-zero-code|oi-library-cjs] [--memory=1024] [--scenario=default|independent|sampled-5pct|unsampled] [--keep] [--only=import,cpu,gc,alloc,builtins,signals] [--runtime=nodejs22.x|nodejs24.x]
 * Writes bench/results/<date>-profile-<mode>.md (and prints it); --keep keeps the .cpuprofile files.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureRuntimes } from '../local-lambda/localTools.js';
import { lambdaNodeRuntimes } from '../local-lambda/runtimes.js';
import { BARE, CONTENDERS, type Contender, FLOOR } from './harness/contenders.js';
import { resultsDir } from './harness/paths.js';
import { SCENARIO_IDS, type ScenarioId } from './harness/scenarios.js';
import { startSinks } from './harness/sinks.js';
import { stage } from './harness/stage.js';
import { allocSection, profileAlloc } from './profile/alloc.js';
import { builtinsSection, profileBuiltins } from './profile/builtins.js';
import type { ProfileContext } from './profile/context.js';
import { cpuSection, PROFILE_INTERVAL_US, profileCpu } from './profile/cpu.js';
import { devLayer } from './profile/devLayer.js';
import { gcSection, profileGc } from './profile/gc.js';
import { importSection, profileImport } from './profile/importTime.js';
import { profileSignals, signalsSection } from './profile/signals.js';

const USAGE =
  'npx tsx bench/profile.ts [--runs=8] [--warm=20000] [--mode=oi-library|oi-zero-code|oi-library-cjs] [--memory=1024] [--scenario=default|independent|sampled-5pct|unsampled] [--keep] [--only=import,cpu,gc,alloc,builtins,signals] [--runtime=nodejs22.x|nodejs24.x]';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '8' },
    warm: { type: 'string', default: '20000' },
    mode: { type: 'string', default: 'oi-library' },
    memory: { type: 'string', default: '1024' },
    scenario: { type: 'string', default: 'default' },
    keep: { type: 'boolean', default: false },
    only: { type: 'string', default: 'import,cpu,gc,alloc,builtins,signals' },
    runtime: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

function scenarioId(id: string): ScenarioId {
  if (!(SCENARIO_IDS as readonly string[]).includes(id))
    throw new Error(`--scenario: unknown scenario '${id}' (known: ${SCENARIO_IDS.join(', ')})`);
  return id as ScenarioId;
}

function contender(id: string): Contender {
  const found = CONTENDERS.find((c) => c.id === id);
  if (!found) throw new Error(`unknown contender ${id}`);
  return found;
}

/** `--runtime`: profile on that Lambda runtime's Node, as `npm run bench -- --runtime` measures. */
function selectRuntime(): string | undefined {
  if (args.runtime === undefined) return undefined;
  ensureRuntimes();
  const runtime = lambdaNodeRuntimes().find((r) => r.name === args.runtime);
  if (!runtime) throw new Error(`--runtime: '${args.runtime}' is not nodejs22.x or nodejs24.x`);
  return runtime.nodeBinary;
}

/** Stage the layers (ours also unminified and instrumented) and the telemetry sinks. */
async function prepare(): Promise<ProfileContext> {
  const mode = contender(args.mode);
  const bare = contender(BARE);
  const floor = contender(FLOOR);
  const staged = await stage([bare, floor, mode], { buildLayer: true, withAdot: false });
  const dev = await devLayer(staged);
  const profDir = join(staged.root, 'profiles');
  mkdirSync(profDir);
  return {
    mode,
    bare,
    floor,
    staged,
    devStaged: { ...staged, optDirs: { ...staged.optDirs, ours: dev.dir } },
    modules: dev.map,
    sinks: await startSinks(),
    profDir,
    runs: Number.parseInt(args.runs, 10),
    warm: Number.parseInt(args.warm, 10),
    memoryMb: Number.parseInt(args.memory, 10),
    scenario: scenarioId(args.scenario),
    nodeBinary: selectRuntime(),
  };
}

async function main(): Promise<void> {
  if (args.help) {
    console.log(`Usage: ${USAGE}`);
    return;
  }
  const only = new Set(args.only.split(','));
  const ctx = await prepare();
  const md = [
    `# Profile of ${ctx.mode.label} (scenario ${ctx.scenario}), ${new Date().toISOString()}`,
    '',
    `Node ${ctx.nodeBinary ?? process.version}; ${ctx.runs} cold runs per variant; CPU profiles at ${PROFILE_INTERVAL_US} µs over up to 3 runs of ${ctx.warm} warm invocations.`,
    '',
  ];
  if (only.has('import')) md.push(...importSection(ctx, await profileImport(ctx)));
  if (only.has('cpu')) md.push(...cpuSection(ctx, await profileCpu(ctx)));
  if (only.has('gc')) md.push(...gcSection(ctx, await profileGc(ctx)));
  if (only.has('alloc')) md.push(...allocSection(await profileAlloc(ctx)));
  if (only.has('signals')) md.push(...signalsSection(ctx, await profileSignals(ctx)));
  await ctx.sinks.close();
  if (only.has('builtins')) md.push(...builtinsSection(profileBuiltins(ctx)));
  console.log(md.join('\n'));
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 16).replace(':', '');
  const name = `${stamp}-profile-${ctx.mode.id}-${ctx.scenario}.md`;
  writeFileSync(join(resultsDir, name), md.join('\n'));
  if (args.keep) console.log(`profiles kept in ${ctx.profDir}`);
  else rmSync(ctx.staged.root, { recursive: true, force: true });
  console.log(`\nwrote bench/results/${name}`);
}

await main();
