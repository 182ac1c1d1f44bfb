import { LOADED_AT_MS } from './clock.js';
import type { ResolvedConfig } from './config.js';
import { PROACTIVE_INIT_GAP_MS, START_TYPE, type StartType } from './telemetry.js';
import type { ModelSpec } from './types.js';

export { PROACTIVE_INIT_GAP_MS } from './telemetry.js';

/** Completed loads kept for the next record; beyond this the oldest are dropped. */
const MAX_PENDING_LOADS = 100;

/** One run of a `loadModel` loader. */
export interface ModelLoadRecord {
  readonly model: Required<ModelSpec>;
  readonly startMs: number;
  readonly endMs: number;
  /** The n-th load of this model name in this environment (2+ is a reload). */
  readonly loadNumber: number;
  readonly error?: unknown;
}

/** How this invocation's environment started, decided once on the first invocation. */
export interface StartInfo {
  /** `on-demand` (a real cold start), another init kind, or `warm`. */
  readonly type: StartType;
  readonly coldStart: boolean;
  /** First invocation of the environment, whatever its init type. */
  readonly first: boolean;
  /** Library load to this invocation, on the first invocation. */
  readonly initDurationMs?: number;
}

/**
 * Per-execution-environment state: whether the first invocation has happened,
 * and model loads that ran outside any invocation (at init or in the background)
 * waiting to be reported by the next invocation's record.
 */
export class Lifecycle {
  #started = false;
  #pendingLoads: ModelLoadRecord[] = [];
  /** While the first invocation runs: where loads that began during init report. */
  #firstInvocation:
    | { readonly startMs: number; readonly claim: (load: ModelLoadRecord) => void }
    | undefined;
  readonly #loadCounts = new Map<string, number>();

  /** Called at the start of every invocation; only the first gets a non-warm start. */
  begin(config: ResolvedConfig, nowMs: number): StartInfo {
    if (this.#started) return WARM;
    this.#started = true;
    const initDurationMs = nowMs - LOADED_AT_MS;
    let type = config.initType;
    if (type === START_TYPE.OnDemand && initDurationMs > PROACTIVE_INIT_GAP_MS) {
      type = START_TYPE.Proactive;
    }
    return { type, coldStart: type === START_TYPE.OnDemand, first: true, initDurationMs };
  }

  /** Count a load of `model` and return its ordinal in this environment. */
  countLoad(model: Required<ModelSpec>): number {
    const n = (this.#loadCounts.get(model.name) ?? 0) + 1;
    this.#loadCounts.set(model.name, n);
    return n;
  }

  /**
   * A load that ran outside any invocation finished. One that began during
   * init and ends while the first invocation runs (a handler awaiting a model
   * that init started) belongs to that invocation; others wait for the next.
   */
  addLoad(record: ModelLoadRecord): void {
    const first = this.#firstInvocation;
    if (first && record.startMs <= first.startMs) {
      first.claim(record);
      return;
    }
    if (this.#pendingLoads.length >= MAX_PENDING_LOADS) this.#pendingLoads.shift();
    this.#pendingLoads.push(record);
  }

  /** The first invocation started at `startMs`; init loads still running report to `claim`. */
  openFirstInvocation(startMs: number, claim: (load: ModelLoadRecord) => void): void {
    this.#firstInvocation = { startMs, claim };
  }

  closeFirstInvocation(): void {
    this.#firstInvocation = undefined;
  }

  /** Loads not yet reported; empties the list. */
  takePendingLoads(): ModelLoadRecord[] {
    if (this.#pendingLoads.length === 0) return EMPTY;
    const loads = this.#pendingLoads;
    this.#pendingLoads = [];
    return loads;
  }
}

const WARM: StartInfo = { type: START_TYPE.Warm, coldStart: false, first: false };
const EMPTY: ModelLoadRecord[] = [];

/** The one lifecycle of this process (an execution environment). */
export const lifecycle = new Lifecycle();
