import {
  DEFAULT_NAMESPACE,
  ECOSYSTEM_ENV,
  ENV,
  LIST_SEPARATOR,
  WRAPPER_PATH,
} from '../lib/telemetry.js';
import type { InferenceModel } from './target.js';

/** The instrumentation modes: `library` (code calls `observe()`) or `zero-code` (the layer's exec wrapper). */
export const INSTRUMENTATION_MODE = { Library: 'library', ZeroCode: 'zero-code' } as const;
export type InstrumentationMode = (typeof INSTRUMENTATION_MODE)[keyof typeof INSTRUMENTATION_MODE];

/** What the environment of an instrumented function says. */
export interface EnvironmentSettings {
  readonly mode: InstrumentationMode;
  readonly model: InferenceModel;
  readonly serviceName: string;
  readonly namespace?: string;
  readonly lowConfidence: number;
  readonly baseline?: string;
  readonly driftWindow?: number;
  /** `OBSERVED_LABELS`: labels with a label-mix metric of their own. */
  readonly labels?: readonly string[];
}

/**
 * The environment variables that make the runtime emit exactly the dimension
 * values the alarms and dashboard read. `POWERTOOLS_SERVICE_NAME` is always
 * set: its runtime default, the function name, is unknown at synth time.
 *
 * @example
 * instrumentationEnvironment({ mode: 'zero-code', model: { name: 'fraud', version: '1' }, serviceName: 'fraud', lowConfidence: 0.5 });
 */
export function instrumentationEnvironment(settings: EnvironmentSettings): Record<string, string> {
  const env: Record<string, string> = {
    [ENV.ModelName]: settings.model.name,
    [ENV.ModelVersion]: settings.model.version,
    [ECOSYSTEM_ENV.ServiceName]: settings.serviceName,
    [ECOSYSTEM_ENV.Namespace]: settings.namespace ?? DEFAULT_NAMESPACE,
    [ENV.LowConfidence]: String(settings.lowConfidence),
  };
  if (settings.baseline !== undefined) env[ENV.Baseline] = settings.baseline;
  if (settings.driftWindow !== undefined) env[ENV.DriftWindow] = String(settings.driftWindow);
  if (settings.labels !== undefined && settings.labels.length > 0)
    env[ENV.Labels] = settings.labels.join(LIST_SEPARATOR);
  if (settings.mode === INSTRUMENTATION_MODE.ZeroCode)
    env[ECOSYSTEM_ENV.ExecWrapper] = WRAPPER_PATH;
  return env;
}

/**
 * `s3://bucket/key` → bucket and key, for the `s3:GetObject` grant on a baseline.
 *
 * @example
 * parseS3Uri('s3://models/fraud/baseline.json'); // { bucket: 'models', key: 'fraud/baseline.json' }
 */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}
