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

/** The ISO text of the second last formatted (`2026-12-07T03:51:15.`), and that second. */
let isoSecond = Number.NaN;
let isoPrefix = '';

/**
 * `Date.prototype.toISOString()` of `ms` (epoch milliseconds), the text
 * before the milliseconds made once per second: toISOString cost a
 * microsecond a line, the largest single item of building one.
 *
 * @example
 * isoTimestamp(Date.UTC(2026, 11, 7, 3, 51, 15, 7)); // '2026-12-07T03:51:15.007Z'
 */
export function isoTimestamp(ms: number = Date.now()): string {
  const second = Math.floor(ms / 1000);
  // Outside the years 0–9999 toISOString's format changes: take it whole.
  if (!(second >= 0 && second < 253_402_300_800)) return new Date(ms).toISOString();
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const milli = Math.floor(ms) - second * 1000;
  return `${isoPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}
