/**
 * 6. What each signal costs in the warm loop, and what our code does to the
 * I/O beside it: our layer as shipped with all signals, with traces off
 * (`OBSERVED_TRACES=off`), with metrics off (`OBSERVED_METRICS=off`) and with
 * both off (the log line alone), against the bare handler and the I/O floor,
 * interleaved per round. Every run is timed by `bench/child/ioTimer.mjs`: the
 * median datagram send and stdout write show the same two system calls the
 * floor makes costing more after our code. Two causes, told apart by a second
 * floor that computes for 150 µs before its I/O (touching next to no memory):
 * calls that come apart cost more than calls back to back (the daemon
 * stand-in has gone back to sleep and must be woken, as Lambda's X-Ray daemon,
 * which runs in the execution environment, would be), and what is left above
 * that paced floor is what our memory traffic (allocation, code, the documents
 * it builds) does to the kernel's paths.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Contender } from '../harness/contenders.js';
import { table } from '../harness/markdown.js';
import { type ProfileContext, profileRun } from './context.js';
import { fmt, med } from './tables.js';

const SIGNALS_HEADER = [
  'variant',
  'warm p50 +µs',
  'CPU +µs / invocation',
  'datagram send µs (median)',
  'stdout write µs (median)',
  'sends / writes per invocation',
] as const;

const IO_TIMER = fileURLToPath(new URL('../child/ioTimer.mjs', import.meta.url));
/**
 * The floor paced like ours: about what our warm invocation computes before
 * its I/O. The same two calls then cost what they cost after idle-ish time,
 * not back to back: the daemon stand-in has gone back to sleep and must be
 * woken (as Lambda's X-Ray daemon, which runs in the execution environment).
 */
const FLOOR_SPIN_US = 150;

interface IoTimes {
  sendUs: number | null;
  sends: number;
  writeUs: number | null;
  writes: number;
}

interface SignalRun {
  p50Us: number;
  cpuUs: number;
  io: IoTimes;
  invocations: number;
}

interface Variant {
  readonly label: string;
  readonly contender: Contender;
  readonly env: Readonly<Record<string, string>>;
}

export interface SignalProfiles {
  readonly variants: ReadonlyArray<{ label: string; runs: SignalRun[] }>;
}

function variants(ctx: ProfileContext): Variant[] {
  const ours = (label: string, env: Record<string, string>) => ({
    label: `${ctx.mode.label}, ${label}`,
    contender: ctx.mode,
    env,
  });
  return [
    { label: 'bare handler', contender: ctx.bare, env: {} },
    { label: ctx.floor.label, contender: ctx.floor, env: {} },
    {
      label: `${ctx.floor.label}, ${FLOOR_SPIN_US} µs of computation before its I/O`,
      contender: ctx.floor,
      env: { BENCH_FLOOR_SPIN_US: String(FLOOR_SPIN_US) },
    },
    ours('all signals', {}),
    ours('traces off', { OBSERVED_TRACES: 'off' }),
    ours('metrics off', { OBSERVED_METRICS: 'off' }),
    ours('traces and metrics off (the log line alone)', {
      OBSERVED_TRACES: 'off',
      OBSERVED_METRICS: 'off',
    }),
  ];
}

/**
 * Up to three rounds of every variant's warm loop, the order rotated per round.
 *
 * @example
 * const signals = await profileSignals(ctx);
 */
export async function profileSignals(ctx: ProfileContext): Promise<SignalProfiles> {
  const all = variants(ctx);
  const runs = all.map(() => [] as SignalRun[]);
  for (let round = 0; round < Math.min(ctx.runs, 3); round++) {
    for (let k = 0; k < all.length; k++) {
      const i = (k + round) % all.length;
      const { contender, env } = all[i]!;
      const file = join(ctx.profDir, `io-${round}-${i}.json`);
      const run = await profileRun(ctx, ctx.staged, {
        contender,
        round,
        warm: ctx.warm,
        nodeArgs: ['--import', IO_TIMER],
        env: { ...env, OI_PROFILE_IO: file },
      });
      if (!run.ok || !run.warm) throw new Error(`signals run failed: ${run.error}`);
      runs[i]!.push({
        p50Us: run.warm.p50Ns / 1000,
        cpuUs: run.warm.cpuUs / run.warm.n,
        io: JSON.parse(readFileSync(file, 'utf8')) as IoTimes,
        invocations: run.warm.n + 1,
      });
    }
  }
  return { variants: all.map((v, i) => ({ label: v.label, runs: runs[i]! })) };
}

/** The report's signals section: overhead per variant, and the two system calls' cost in each. */
export function signalsSection(ctx: ProfileContext, signals: SignalProfiles): string[] {
  const [bare] = signals.variants;
  const m = (runs: SignalRun[], pick: (r: SignalRun) => number | null) =>
    med(runs.map((r) => pick(r) ?? Number.NaN));
  const bareP50 = m(bare!.runs, (r) => r.p50Us);
  const bareCpu = m(bare!.runs, (r) => r.cpuUs);
  const rows = signals.variants.map(({ label, runs }) => {
    const per = (pick: (r: SignalRun) => number) => m(runs, (r) => pick(r) / r.invocations);
    const us = (pick: (r: SignalRun) => number | null, minus = 0) => fmt(m(runs, pick) - minus, 1);
    return [
      label,
      us((r) => r.p50Us, bareP50),
      us((r) => r.cpuUs, bareCpu),
      us((r) => r.io.sendUs),
      us((r) => r.io.writeUs),
      `${fmt(per((r) => r.io.sends))} / ${fmt(per((r) => r.io.writes))}`,
    ];
  });
  return [
    '## What each signal costs, and what our code does to the I/O beside it',
    '',
    `Warm loops of ${ctx.warm} invocations, medians of ${bare!.runs.length} rounds (order rotated per round), the layer as shipped; overheads against the bare handler of the same rounds. The last two columns time the calls themselves (\`bench/child/ioTimer.mjs\`): \`dgram\`'s \`Socket#send\` (its sendmsg(2): a connected socket sends at once) and \`process.stdout.write\` (its write(2): stdout is a file here). The floor makes the same two calls with nothing built around them, back to back; the paced floor makes them ${FLOOR_SPIN_US} µs apart, as ours come, which alone makes them dearer (the daemon stand-in has to be woken). What ours cost above the paced floor is what the memory our code touches first (allocation, code, the documents) does to them, not the bytes sent.`,
    '',
    table(SIGNALS_HEADER, rows),
    '',
  ];
}
