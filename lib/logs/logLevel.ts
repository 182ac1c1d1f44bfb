import { ECOSYSTEM_ENV } from '../telemetry.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Powertools' numeric thresholds: a line is written when its level is at least the threshold. */
export const LOG_THRESHOLD = {
  TRACE: 6,
  DEBUG: 8,
  INFO: 12,
  WARN: 16,
  ERROR: 20,
  CRITICAL: 24,
  SILENT: 28,
} as const;
type ThresholdName = keyof typeof LOG_THRESHOLD;

/** What the log writer reads once at init. */
export interface LogSettings {
  /** Lines below this threshold are not written. */
  readonly threshold: number;
  /** `POWERTOOLS_LOGGER_SAMPLE_RATE`, printed as `sampling_rate` on every line. */
  readonly sampleRate: number;
  /** Whether this environment drew DEBUG from the sample rate (logged once at the first line). */
  readonly sampledDebug: boolean;
  /**
   * `AWS_LAMBDA_LOG_LEVEL`'s threshold when set: Lambda itself drops JSON
   * lines below it, so nothing below it is worth writing (or holding).
   */
  readonly lambdaThreshold?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function thresholdOf(name: string | undefined): number | undefined {
  const upper = name?.trim().toUpperCase();
  return upper !== undefined && Object.hasOwn(LOG_THRESHOLD, upper)
    ? LOG_THRESHOLD[upper as ThresholdName]
    : undefined;
}

/**
 * The level and sampling Powertools Logger would use, resolved once:
 * `AWS_LAMBDA_LOG_LEVEL` (Lambda's advanced logging controls, `FATAL` meaning
 * `CRITICAL`) wins, then `POWERTOOLS_LOG_LEVEL`, then `LOG_LEVEL`, else INFO;
 * `POWERTOOLS_LOGGER_SAMPLE_RATE` in [0, 1] turns DEBUG on for that share of
 * execution environments, unless Lambda's own level forbids it.
 *
 * @example
 * resolveLogSettings({ POWERTOOLS_LOG_LEVEL: 'debug' }).threshold; // 8
 */
export function resolveLogSettings(env: Env, random: () => number = Math.random): LogSettings {
  const lambdaLevel = env[ECOSYSTEM_ENV.LambdaLogLevel]?.trim().toUpperCase();
  const alc = thresholdOf(lambdaLevel === 'FATAL' ? 'CRITICAL' : lambdaLevel);
  const own = thresholdOf(env[ECOSYSTEM_ENV.PowertoolsLogLevel] || env[ECOSYSTEM_ENV.LogLevel]);
  let threshold = alc ?? own ?? LOG_THRESHOLD.INFO;
  const rateText = env[ECOSYSTEM_ENV.LogSampleRate]?.trim();
  const rate = rateText ? Number(rateText) : 0;
  const sampleRate = Number.isFinite(rate) && rate >= 0 && rate <= 1 ? rate : 0;
  // Powertools draws a whole percent: randomInt(0, 100) / 100 <= rate.
  const drawn = sampleRate > 0 && Math.floor(random() * 100) / 100 <= sampleRate;
  const sampledDebug =
    drawn && threshold > LOG_THRESHOLD.DEBUG && (alc === undefined || alc <= LOG_THRESHOLD.DEBUG);
  if (sampledDebug) threshold = LOG_THRESHOLD.DEBUG;
  return alc === undefined
    ? { threshold, sampleRate, sampledDebug }
    : { threshold, sampleRate, sampledDebug, lambdaThreshold: alc };
}
