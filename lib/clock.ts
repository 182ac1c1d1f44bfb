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

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * `2026-12-07T03:51:15.`: toISOString's text of an epoch second of the years
 * 0–9999 up to its milliseconds, by integer arithmetic (the proleptic
 * Gregorian calendar's days to civil date, after Howard Hinnant's
 * `civil_from_days`). Not `Date`: its toISOString is the only path of an
 * invocation that makes V8 read some 1 MB of the Node binary it otherwise
 * never touches, resident from then on (bench/README.md, "RSS").
 */
function isoPrefixOf(second: number): string {
  const days = Math.floor(second / 86_400);
  const inDay = second - days * 86_400;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1_460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(inDay / 3_600);
  const minute = Math.floor(inDay / 60) - hour * 60;
  const sec = inDay - hour * 3_600 - minute * 60;
  const yyyy =
    year < 10 ? `000${year}` : year < 100 ? `00${year}` : year < 1000 ? `0${year}` : `${year}`;
  return `${yyyy}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(sec)}.`;
}

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
  // Outside the years 1970–9999 (never a clock's reading) toISOString's own text, whole.
  if (!(second >= 0 && second < 253_402_300_800)) return new Date(ms).toISOString();
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = isoPrefixOf(second);
  }
  const milli = Math.floor(ms) - second * 1000;
  return `${isoPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}
