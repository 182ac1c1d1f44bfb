/**
 * Where observed-inference's overhead goes, for the findings the benchmark
 * reports when a target is missed:
 *
 * 1. import time per bundled module: an unminified build of the layer (the
 *    esbuild options of layer/build.ts, minify off) whose bundler helpers are
 *    instrumented to time each module's evaluation (self time, nested modules
 *    subtracted), plus the time before evaluation starts (read, parse, link);
 * 2. `--cpu-prof` of the first invocation and of a warm loop, attributed to the
 *    innermost bundled module on the stack (so built-ins it calls count for it)
 *    and to leaf functions;
 * 3. `--trace-gc` of the warm loop (allocation per invocation, scavenge rate
 *    and pauses), the built-ins the layer imports timed with and without
 *    Lambda's node flags, and the exec wrapper's own cost.
 *
 * Usage: npx tsx bench/profile.ts [--runs=8] [--warm=20000] [--mode=oi-library|oi-zero-code] [--keep]
 * Writes bench/results/<date>-profile-<mode>.md (and prints it); --keep keeps the .cpuprofile files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { WRAPPER_NAME } from '../layer/build.js';
import { bootstrapPlan } from '../local-lambda/lambdaBootstrap.js';
import { BARE, CONTENDERS, type Contender, type ContenderId } from './harness/contenders.js';
import { benchDir, repoRoot, resultsDir } from './harness/paths.js';
import { startSinks } from './harness/sinks.js';
import { type RunResult, runOnce } from './harness/spawnRun.js';
import { type Staged, stage } from './harness/stage.js';
import { quantile } from './harness/stats.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '8' },
    warm: { type: 'string', default: '20000' },
    mode: { type: 'string', default: 'oi-library' },
    memory: { type: 'string', default: '1024' },
    keep: { type: 'boolean', default: false },
  },
});
const RUNS = Number.parseInt(args.runs ?? '8', 10);
const WARM = Number.parseInt(args.warm ?? '20000', 10);
const MEMORY_MB = Number.parseInt(args.memory ?? '1024', 10);
const PROFILE_INTERVAL_US = 50;

function contender(id: string): Contender {
  const found = CONTENDERS.find((c) => c.id === id);
  if (!found) throw new Error(`unknown contender ${id}`);
  return found;
}

// ---------- the instrumented, unminified layer ----------

/** esbuild's helpers, instrumented to report each lazily initialised module. */
const HELPERS: Array<[RegExp, string]> = [
  [
    /var __esm = \(fn, res, err\) => function __init\(\) \{\n/,
    'var __esm = (fn, res, err) => function __init() {\n  if (fn && !err) { const __n = __getOwnPropNames(fn)[0]; globalThis.__oiEnter?.(__n); try { return (res = (0, fn[__n])(fn = 0)), res; } catch (e) { throw err = [e], e; } finally { globalThis.__oiLeave?.(__n); } }\n',
  ],
  [
    /var __commonJS = \(cb, mod\) => function (__require\d*)\(\) \{\n/,
    'var __commonJS = (cb, mod) => function $1() {\n  if (!mod) { const __n = __getOwnPropNames(cb)[0]; globalThis.__oiEnter?.(__n); try { (0, cb[__n])((mod = { exports: {} }).exports, mod); } catch (e) { throw mod = 0, e; } finally { globalThis.__oiLeave?.(__n); } }\n',
  ],
];
const MODULE_COMMENT = /^\/\/ (\S+\.(?:[cm]?[jt]s|json))$/;

interface ModuleMap {
  /** Per file: start line (0-based) → module path, sorted. */
  readonly files: Map<string, Array<[number, string]>>;
}

function instrument(file: string, map: ModuleMap): boolean {
  let text = readFileSync(file, 'utf8');
  let patched = false;
  for (const [pattern, replacement] of HELPERS) {
    if (pattern.test(text)) {
      text = text.replace(pattern, replacement);
      patched = true;
    }
  }
  // Code hoisted to the top level (not wrapped) is timed between module comments.
  const lines = text.split('\n');
  const starts: Array<[number, string]> = [];
  const out: string[] = [];
  for (const line of lines) {
    const m = MODULE_COMMENT.exec(line);
    if (m) {
      out.push(`globalThis.__oiMark?.(${JSON.stringify(m[1])});`);
      starts.push([out.length, m[1]!]);
    }
    out.push(line);
  }
  // Closes the file's last module: what runs after is the next file, or the handler's own top level.
  out.push(`globalThis.__oiMark?.(${JSON.stringify(`after ${basename(file)}`)});`);
  writeFileSync(file, out.join('\n'));
  map.files.set(file, starts);
  return patched;
}

/** Our layer, unminified and instrumented, in `<root>/opt-ours-dev` (same layout as the zip). */
async function devLayer(staged: Staged): Promise<{ dir: string; map: ModuleMap }> {
  const dir = join(staged.root, 'opt-ours-dev');
  const pkgDir = join(dir, 'nodejs', 'node_modules', 'observed-inference');
  mkdirSync(pkgDir, { recursive: true });
  // The options of layer/build.ts, without minification.
  await build({
    absWorkingDir: repoRoot,
    entryPoints: { index: 'lib/index.ts', 'zero-code': 'layer/zeroCode.ts' },
    outdir: pkgDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: false,
    legalComments: 'none',
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    banner: {
      js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  const ours = staged.optDirs.ours!;
  copyFileSync(
    join(ours, 'nodejs', 'node_modules', 'observed-inference', 'package.json'),
    join(pkgDir, 'package.json'),
  );
  copyFileSync(join(ours, WRAPPER_NAME), join(dir, WRAPPER_NAME));
  const { chmodSync } = await import('node:fs');
  chmodSync(join(dir, WRAPPER_NAME), 0o755);
  const map: ModuleMap = { files: new Map() };
  let patched = false;
  for (const name of readdirSync(pkgDir).filter((n) => n.endsWith('.mjs'))) {
    patched = instrument(join(pkgDir, name), map) || patched;
  }
  if (!patched) throw new Error('esbuild helpers not found: the import timer needs updating');
  return { dir, map };
}

/** A profile frame's url as a file path (the map's key). */
const pathOf = (url: string) => (url.startsWith('file://') ? fileURLToPath(url) : url);

function moduleAt(map: ModuleMap, file: string, line: number): string | undefined {
  const starts = map.files.get(file);
  if (!starts) return undefined;
  let found: string | undefined;
  for (const [start, name] of starts) {
    if (start > line) break;
    found = name;
  }
  return found ?? `${basename(file)} (bundle runtime)`;
}

/** `node_modules/@scope/pkg/x.js` → `@scope/pkg`; `lib/x.ts` stays. */
function packageOf(path: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return m ? m[1]! : path;
}

// ---------- import timeline ----------

type TimelineEvent = ['enter' | 'leave' | 'mark', string, string];

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

// ---------- CPU profiles ----------

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

interface Attribution {
  byModule: Map<string, number>;
  byFunction: Map<string, number>;
  totalUs: number;
}

function attribute(profile: CpuProfile, map: ModuleMap, fromNs: bigint, toNs: bigint): Attribution {
  const parent = new Map<number, number>();
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let t = profile.startTime;
  let totalUs = 0;
  const from = Number(fromNs / 1000n);
  const to = Number(toNs / 1000n);
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const duration = profile.timeDeltas[i + 1] ?? 0;
    if (t < from || t > to) continue;
    totalUs += duration;
    let id: number | undefined = profile.samples[i];
    const leaf = nodes.get(id!)!;
    const leafFile = pathOf(leaf.callFrame.url);
    const leafModule = map.files.has(leafFile)
      ? moduleAt(map, leafFile, leaf.callFrame.lineNumber)
      : leaf.callFrame.url || leaf.callFrame.functionName;
    add(byFunction, `${leaf.callFrame.functionName || '(anonymous)'} — ${leafModule}`, duration);
    let owner: string | undefined;
    while (id !== undefined) {
      const node = nodes.get(id)!;
      const file = pathOf(node.callFrame.url);
      if (map.files.has(file)) {
        owner = moduleAt(map, file, node.callFrame.lineNumber);
        break;
      }
      id = parent.get(id);
    }
    if (!owner) {
      const url = leaf.callFrame.url;
      owner = url.endsWith('runner.mjs')
        ? 'harness (bench/child/runner.mjs)'
        : url.includes('/task/')
          ? 'the handler (index.mjs, model.mjs)'
          : url
            ? `not under our code: ${url.replace(/^node:internal\//, 'node:')}`
            : leaf.callFrame.functionName;
    }
    add(byModule, owner, duration);
  }
  return { byModule, byFunction, totalUs };
}

// ---------- built-ins and the exec wrapper ----------

/** Node built-ins the layer's entry loads statically (following its chunk imports). */
function staticBuiltins(pkgDir: string, entry: string): string[] {
  const seen = new Set<string>();
  const builtins: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(pkgDir, file), 'utf8');
    for (const m of text.matchAll(/(?:import|export)[^;"']*?from\s*["']([^"']+)["']/g)) {
      const spec = m[1]!;
      if (spec.startsWith('./')) visit(spec.slice(2));
      else if (!spec.startsWith('@') && !builtins.includes(spec)) builtins.push(spec);
    }
  };
  visit(entry);
  return builtins;
}

/** Median ms to import each built-in in a fresh process (after what the runner loads), with `flags`. */
function builtinCosts(script: string, builtins: string[], flags: string[], runs: number) {
  const samples: Array<Record<string, number>> = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [...flags, script, builtins.join(',')], {
      encoding: 'utf8',
    });
    samples.push(JSON.parse(out) as Record<string, number>);
  }
  return new Map(builtins.map((b) => [b, med(samples.map((s) => s[b] ?? Number.NaN))]));
}

const BUILTIN_TIMER = `import 'node:fs'; import 'node:path'; import 'node:url';
const out = {};
for (const name of process.argv[2].split(',')) { const t = performance.now(); await import(name); out[name] = performance.now() - t; }
process.stdout.write(JSON.stringify(out));
`;

/** Median ms of running /bin/true directly and through an exec wrapper script. */
function wrapperCost(wrapper: string, runs: number): { direct: number; wrapped: number } {
  const time = (command: string, args: string[]) => {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      spawnSync(command, args, { env: { ...process.env, _HANDLER: 'index.handler' } });
      samples.push(performance.now() - t);
    }
    return med(samples);
  };
  return { direct: time('/bin/true', []), wrapped: time(wrapper, ['/bin/true']) };
}

// ---------- GC ----------

interface GcSummary {
  scavenges: number;
  markCompacts: number;
  /** Bytes allocated per invocation, from heap size before each GC minus after the previous one. */
  allocatedPerInvocation: number;
  scavengePauseMs: number[];
  markCompactPauseMs: number[];
}

/**
 * `--trace-gc` lines (`[pid:0x…] 1234 ms: Scavenge 4.1 (5.3) -> 3.6 (6.3) MB, 0.85 / 0.00 ms …`)
 * inside the warm loop, whose bounds are given in ms since the process's time origin.
 */
function gcSummary(text: string, fromMs: number, toMs: number, invocations: number): GcSummary {
  const line =
    /\]\s+(\d+) ms: (Scavenge|Mark-Compact|Mark-sweep)[^\d]*([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ ([\d.]+) ms/;
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
    const m = line.exec(raw);
    if (!m) continue;
    const at = Number(m[1]);
    const before = Number(m[3]);
    const after = Number(m[5]);
    const pause = Number(m[7]);
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

// ---------- report ----------

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const med = (values: number[]) => quantile(values, 0.5);

function topTable(
  title: string,
  unit: string,
  perRun: Array<Map<string, number>>,
  scale: number,
  limit: number,
): string {
  const keys = new Set(perRun.flatMap((m) => [...m.keys()]));
  const rows = [...keys]
    .map((k) => [k, med(perRun.map((m) => (m.get(k) ?? 0) * scale))] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit);
  return [
    `| ${title} | ${unit} (median of ${perRun.length}) |`,
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k.replace(/\|/g, '\\|')} | ${fmt(v)} |`),
  ].join('\n');
}

function groupByPackage(m: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of m) {
    const pkg = packageOf(k.replace(/ \(top level\)$/, ''));
    out.set(pkg, (out.get(pkg) ?? 0) + v);
  }
  return out;
}

async function main(): Promise<void> {
  const mode = contender(args.mode ?? 'oi-library');
  const bare = contender(BARE);
  const staged = await stage([bare, mode], { buildLayer: true, withAdot: false });
  const dev = await devLayer(staged);
  const devStaged: Staged = { ...staged, optDirs: { ...staged.optDirs, ours: dev.dir } };
  const sinks = await startSinks();
  const profDir = join(staged.root, 'profiles');
  mkdirSync(profDir);
  const timer = pathToFileURL(join(benchDir, 'child', 'importTimer.mjs')).href;

  // 1. Import time: real (minified) layer vs bare, and the instrumented build's timeline.
  const phases: Record<'bare' | 'ours' | 'dev', RunResult[]> = { bare: [], ours: [], dev: [] };
  const timelines: Array<Map<string, number>> = [];
  const beforeEval: number[] = [];
  for (let round = 0; round < RUNS; round++) {
    const common = { kind: 'profile' as const, round, warm: 0, heapAt: [], memoryMb: MEMORY_MB };
    phases.bare.push(await runOnce({ ...common, contender: bare }, staged, sinks));
    phases.ours.push(await runOnce({ ...common, contender: mode }, staged, sinks));
    const out = join(profDir, `timeline-${round}.json`);
    const dev = await runOnce(
      {
        ...common,
        contender: mode,
        nodeArgs: [`--import=${timer}`],
        env: { OI_PROFILE_TIMELINE: out },
      },
      devStaged,
      sinks,
    );
    phases.dev.push(dev);
    if (!dev.ok || !dev.hr) throw new Error(`profile run failed: ${dev.error}`);
    const events = JSON.parse(readFileSync(out, 'utf8')) as TimelineEvent[];
    timelines.push(selfTimes(events, BigInt(dev.hr.ready)));
    const firstEvent = events[0];
    if (firstEvent) beforeEval.push(Number(BigInt(firstEvent[2]) - BigInt(dev.hr.main)) / 1e6);
  }

  // 2. CPU profiles of the first invocation and the warm loop (instrumented build; the hooks are init-only).
  const first: Attribution[] = [];
  const warm: Attribution[] = [];
  const warmRuns: RunResult[] = [];
  for (let round = 0; round < Math.min(RUNS, 3); round++) {
    // Each thread writes its own profile (the resolve hook runs on a worker): keep the main thread's.
    const dir = join(profDir, `cpu-${round}`);
    const run = await runOnce(
      {
        contender: mode,
        kind: 'profile',
        round,
        warm: WARM,
        heapAt: [],
        memoryMb: MEMORY_MB,
        nodeArgs: [
          '--cpu-prof',
          `--cpu-prof-dir=${dir}`,
          `--cpu-prof-interval=${PROFILE_INTERVAL_US}`,
        ],
      },
      devStaged,
      sinks,
    );
    if (!run.ok || !run.hr) throw new Error(`profile run failed: ${run.error}`);
    warmRuns.push(run);
    const main = readdirSync(dir).find((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
    if (!main) throw new Error(`no main-thread profile in ${dir}: ${readdirSync(dir).join(', ')}`);
    const profile = JSON.parse(readFileSync(join(dir, main), 'utf8')) as CpuProfile;
    const firstStart = BigInt(run.hr.firstStart);
    first.push(
      attribute(
        profile,
        dev.map,
        firstStart,
        firstStart + BigInt(Math.round((run.firstMs ?? 0) * 1e6)),
      ),
    );
    warm.push(attribute(profile, dev.map, BigInt(run.hr.loopStart), BigInt(run.hr.loopEnd)));
  }
  // 3. Allocation and GC pauses in the warm loop, shipped (minified) layer vs bare.
  const gc: Record<'bare' | 'ours', GcSummary[]> = { bare: [], ours: [] };
  for (let round = 0; round < Math.min(RUNS, 3); round++) {
    for (const [key, who] of [
      ['bare', bare],
      ['ours', mode],
    ] as const) {
      const run = await runOnce(
        {
          contender: who,
          kind: 'profile',
          round,
          warm: WARM,
          heapAt: [],
          memoryMb: MEMORY_MB,
          nodeArgs: ['--trace-gc'],
          keepOutput: true,
        },
        staged,
        sinks,
      );
      if (!run.ok || !run.hr || !run.output) throw new Error(`GC run failed: ${run.error}`);
      const origin = BigInt(run.hr.origin);
      const ms = (at: string) => Number(BigInt(at) - origin) / 1e6;
      const text = readFileSync(run.output.stdout, 'utf8');
      gc[key].push(gcSummary(text, ms(run.hr.loopStart), ms(run.hr.loopEnd), WARM));
    }
  }
  await sinks.close();

  // 4. What the layer's static built-in imports cost, with Lambda's node flags and without.
  const pkgDir = join(staged.optDirs.ours!, 'nodejs', 'node_modules', 'observed-inference');
  const entry = mode.id === 'oi-zero-code' ? 'zero-code.mjs' : 'index.mjs';
  const builtins = staticBuiltins(pkgDir, entry);
  const timerScript = join(staged.root, 'builtin-timer.mjs');
  writeFileSync(timerScript, BUILTIN_TIMER);
  const lambdaFlags = bootstrapPlan(
    { taskRoot: staged.taskRoot(bare), handler: 'index.handler', memoryMb: MEMORY_MB },
    '127.0.0.1:9001',
  ).args.slice(0, -1);
  const withFlags = builtinCosts(timerScript, builtins, lambdaFlags, 11);
  const withoutFlags = builtinCosts(timerScript, builtins, [], 11);
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const wrapper = wrapperCost(join(staged.optDirs.ours!, WRAPPER_NAME), 40);

  const gcLine = (label: string, runs: GcSummary[]) => {
    const m = (pick: (g: GcSummary) => number) => med(runs.map(pick));
    const pauses = runs.flatMap((g) => g.scavengePauseMs);
    const every = m((g) => (g.scavenges > 0 ? WARM / g.scavenges : Number.NaN));
    return `| ${label} | ${fmt(m((g) => g.allocatedPerInvocation / 1024))} | ${fmt(
      m((g) => g.scavenges),
      0,
    )} | ${fmt(every, 0)} | ${fmt(med(pauses))} / ${fmt(quantile(pauses, 0.9))} | ${fmt(
      m((g) => g.markCompacts),
      0,
    )} |`;
  };

  const phaseLine = (label: string, runs: RunResult[]) => {
    const ok = runs.filter((r) => r.ok);
    const p = (pick: (r: RunResult) => number | undefined) =>
      fmt(med(ok.map(pick).filter((v): v is number => v !== undefined)));
    return `| ${label} | ${p((r) => r.coldStartMs)} | ${p((r) => r.phasesMs?.exec)} | ${p((r) => r.phasesMs?.bootstrap)} | ${p((r) => r.phasesMs?.preload)} | ${p((r) => r.phasesMs?.handlerImport)} | ${p((r) => r.firstMs)} |`;
  };
  const n = WARM;
  const md = [
    `# Profile of ${mode.label}, ${new Date().toISOString()}`,
    '',
    `Node ${process.version}; ${RUNS} cold runs per variant; CPU profiles at ${PROFILE_INTERVAL_US} µs over ${warm.length} runs of ${n} warm invocations.`,
    '',
    '## Cold start phases (ms, medians)',
    '',
    '| variant | cold start | exec (+ wrapper) | Node bootstrap | preload (--import) | handler import | first invocation |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    phaseLine('bare handler', phases.bare),
    phaseLine(`${mode.label}, layer as shipped (minified)`, phases.ours),
    phaseLine(`${mode.label}, unminified + instrumented (for the breakdown)`, phases.dev),
    '',
    `In the instrumented build, ${fmt(med(beforeEval))} ms (median) pass between the runner starting the import and the first bundled module evaluating: resolving, reading, parsing and linking the layer's files (and the handler's).`,
    '',
    `## Node built-ins the layer loads at import (${entry}), ms (median of 11 fresh processes)`,
    '',
    `Loaded in this order after what the runner loads (fs, path, url). With Lambda's node flags (${lambdaFlags.join(' ')}; --expose-gc or a heap flag alone does it) each built-in costs 2-3× what it costs under a plain \`node\` (likely Node's embedded code cache for built-ins is not used once V8 flags differ from its build's): what the layer imports at init, it pays at this rate in Lambda.`,
    '',
    "| built-in | with Lambda's node flags | without flags |",
    '| --- | --- | --- |',
    ...builtins.map(
      (b) =>
        `| ${b} | ${fmt(withFlags.get(b) ?? Number.NaN)} | ${fmt(withoutFlags.get(b) ?? Number.NaN)} |`,
    ),
    `| total | ${fmt(sum(withFlags))} | ${fmt(sum(withoutFlags))} |`,
    '',
    `The exec wrapper script (zero-code mode): running \`/bin/true\` through it takes ${fmt(wrapper.wrapped)} ms against ${fmt(wrapper.direct)} ms directly (median of 40).`,
    '',
    '## Import: evaluation self time per bundled module (ms)',
    '',
    topTable('module', 'ms', timelines, 1, 30),
    '',
    '### The same, per package',
    '',
    topTable('package', 'ms', timelines.map(groupByPackage), 1, 15),
    '',
    '## First invocation: CPU by innermost bundled module on the stack (ms)',
    '',
    topTable(
      'module',
      'ms',
      first.map((a) => a.byModule),
      1 / 1000,
      25,
    ),
    '',
    '### Leaf functions (ms)',
    '',
    topTable(
      'function — module',
      'ms',
      first.map((a) => a.byFunction),
      1 / 1000,
      25,
    ),
    '',
    '## Warm invocations: CPU per invocation by innermost bundled module (µs)',
    '',
    `Loop wall time ${fmt(med(warmRuns.map((r) => (r.warm?.loopNs ?? 0) / n / 1000)))} µs/invocation, handler p50 ${fmt(med(warmRuns.map((r) => (r.warm?.p50Ns ?? 0) / 1000)))} µs (profiler on); sampled CPU ${fmt(med(warm.map((a) => a.totalUs / n)))} µs/invocation.`,
    '',
    topTable(
      'module',
      'µs/invocation',
      warm.map((a) => a.byModule),
      1 / n,
      30,
    ),
    '',
    '### Leaf functions (µs per invocation)',
    '',
    topTable(
      'function — module',
      'µs/invocation',
      warm.map((a) => a.byFunction),
      1 / n,
      40,
    ),
    '',
    '## Allocation and GC in the warm loop (layer as shipped, --trace-gc)',
    '',
    `Over ${n} warm invocations per run, medians of ${gc.ours.length} runs. A scavenge pause lands inside one invocation; when scavenges come more often than every 100 invocations, they set the p99.`,
    '',
    '| variant | KB allocated / invocation | scavenges | one every … invocations | scavenge pause ms (median / p90) | mark-compacts |',
    '| --- | --- | --- | --- | --- | --- |',
    gcLine('bare handler', gc.bare),
    gcLine(mode.label, gc.ours),
    '',
  ].join('\n');
  console.log(md);
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 16).replace(':', '');
  writeFileSync(join(resultsDir, `${stamp}-profile-${mode.id as ContenderId}.md`), md);
  if (args.keep) console.log(`profiles kept in ${profDir}`);
  else rmSync(staged.root, { recursive: true, force: true });
  console.log(`\nwrote bench/results/${stamp}-profile-${mode.id}.md`);
}

await main();
