/** Epoch milliseconds with sub-millisecond precision, monotonic within the process. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** When this module (the library or the layer bundle) was evaluated: the start of `cold start`. */
export const LOADED_AT_MS = epochMs();

/** Milliseconds rounded to 3 decimals (µs), the precision of metrics and logs. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
