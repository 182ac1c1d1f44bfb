/**
 * 4. What the layer's static imports of Node built-ins cost at init, with
 * Lambda's node flags and without, and the exec wrapper script's own cost.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { WRAPPER_NAME } from '../../layer/build.js';
import { bootstrapPlan } from '../../local-lambda/lambdaBootstrap.js';
import type { ProfileContext } from './context.js';
import { fmt, med } from './tables.js';

/** Runs per median: each a fresh process. */
const BUILTIN_RUNS = 11;
const WRAPPER_RUNS = 40;

/** A module specifier: `from '…'`, `require('…')`, or the ESM door's `createRequire(…)('./index.cjs')`. */
const SPECIFIER = /(?:\bfrom\s*|\brequire\(|\)\((?=\s*["']\.\/))\s*["']([^"']+)["']/g;

const BUILTIN_TIMER = `import 'node:fs'; import 'node:path'; import 'node:url';
const out = {};
for (const name of process.argv[2].split(',')) { const t = performance.now(); await import(name); out[name] = performance.now() - t; }
process.stdout.write(JSON.stringify(out));
`;

export interface BuiltinCosts {
  /** The layer file the handler loads first. */
  readonly entry: string;
  readonly builtins: string[];
  readonly lambdaFlags: string[];
  /** Median ms per built-in. */
  readonly withFlags: Map<string, number>;
  readonly withoutFlags: Map<string, number>;
  /** Median ms of `/bin/true` run directly and through the exec wrapper. */
  readonly wrapper: { direct: number; wrapped: number };
}

/** Node built-ins the layer's entry loads statically (following its own files). */
function staticBuiltins(pkgDir: string, entry: string): string[] {
  const seen = new Set<string>();
  const builtins: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of readFileSync(join(pkgDir, file), 'utf8').matchAll(SPECIFIER)) {
      if (spec!.startsWith('./')) visit(spec!.slice(2));
      else if (isBuiltin(spec!) && !builtins.includes(spec!)) builtins.push(spec!);
    }
  };
  visit(entry);
  return builtins;
}

/** Median ms to import each built-in in a fresh process (after what the runner loads), with `flags`. */
function importCosts(script: string, builtins: string[], flags: string[]): Map<string, number> {
  const samples: Array<Record<string, number>> = [];
  for (let i = 0; i < BUILTIN_RUNS; i++) {
    const out = execFileSync(process.execPath, [...flags, script, builtins.join(',')], {
      encoding: 'utf8',
    });
    samples.push(JSON.parse(out) as Record<string, number>);
  }
  return new Map(builtins.map((b) => [b, med(samples.map((s) => s[b] ?? Number.NaN))]));
}

/** Median ms of running /bin/true directly and through an exec wrapper script. */
function wrapperCost(wrapper: string): { direct: number; wrapped: number } {
  const time = (command: string, args: string[]) => {
    const samples: number[] = [];
    for (let i = 0; i < WRAPPER_RUNS; i++) {
      const t = performance.now();
      spawnSync(command, args, { env: { ...process.env, _HANDLER: 'index.handler' } });
      samples.push(performance.now() - t);
    }
    return med(samples);
  };
  return { direct: time('/bin/true', []), wrapped: time(wrapper, ['/bin/true']) };
}

/**
 * Time the built-ins the shipped layer imports for `ctx.mode`, and its exec wrapper.
 *
 * @example
 * const builtins = profileBuiltins(ctx);
 */
export function profileBuiltins(ctx: ProfileContext): BuiltinCosts {
  const opt = ctx.staged.optDirs.ours!;
  const pkgDir = join(opt, 'nodejs', 'node_modules', 'observed-inference');
  const entry = ctx.mode.id === 'oi-zero-code' ? 'zero-code.mjs' : 'index.mjs';
  const builtins = staticBuiltins(pkgDir, entry);
  const script = join(ctx.staged.root, 'builtin-timer.mjs');
  writeFileSync(script, BUILTIN_TIMER);
  // The bootstrap's node flags: its arguments without the runtime client's entry.
  const lambdaFlags = bootstrapPlan(
    { taskRoot: ctx.staged.taskRoot(ctx.bare), handler: 'index.handler', memoryMb: ctx.memoryMb },
    '127.0.0.1:9001',
  ).args.slice(0, -1);
  return {
    entry,
    builtins,
    lambdaFlags,
    withFlags: importCosts(script, builtins, lambdaFlags),
    withoutFlags: importCosts(script, builtins, []),
    wrapper: wrapperCost(join(opt, WRAPPER_NAME)),
  };
}

/** The report's built-ins section, with the exec wrapper's line. */
export function builtinsSection(costs: BuiltinCosts): string[] {
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const cost = (m: Map<string, number>, b: string) => fmt(m.get(b) ?? Number.NaN);
  return [
    `## Node built-ins the layer loads at import (${costs.entry}), ms (median of ${BUILTIN_RUNS} fresh processes)`,
    '',
    `Loaded in this order after what the runner loads (fs, path, url). With Lambda's node flags (${costs.lambdaFlags.join(' ')}; --expose-gc or a heap flag alone does it) each built-in costs 2-3× what it costs under a plain \`node\` (likely Node's embedded code cache for built-ins is not used once V8 flags differ from its build's): what the layer imports at init, it pays at this rate in Lambda.`,
    '',
    "| built-in | with Lambda's node flags | without flags |",
    '| --- | --- | --- |',
    ...costs.builtins.map(
      (b) => `| ${b} | ${cost(costs.withFlags, b)} | ${cost(costs.withoutFlags, b)} |`,
    ),
    `| total | ${fmt(sum(costs.withFlags))} | ${fmt(sum(costs.withoutFlags))} |`,
    '',
    `The exec wrapper script (zero-code mode): running \`/bin/true\` through it takes ${fmt(costs.wrapper.wrapped)} ms against ${fmt(costs.wrapper.direct)} ms directly (median of ${WRAPPER_RUNS}).`,
    '',
  ];
}
