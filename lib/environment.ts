import { type ResolvedConfig, resolveConfig } from './config.js';
import type { LogWriter } from './logs/logger.js';
import { createLogWriter, createSinks, type Sinks } from './sinks.js';
import { TRACES_MODE } from './telemetry.js';

/*
 * What a helper uses when it runs outside any observed invocation, where no
 * observe() call's options apply: the environment alone (the zero-code
 * layer's configuration), resolved on first use. Never another observe()'s
 * sinks: which one came first says nothing about the caller.
 */

let config: ResolvedConfig | undefined;
let log: LogWriter | undefined;
let sinks: Sinks | undefined;

/**
 * The config of the environment variables alone, resolved once.
 *
 * @example
 * environmentConfig().model.version; // OBSERVED_MODEL_VERSION, else '$LATEST'
 */
export function environmentConfig(): ResolvedConfig {
  config ??= resolveConfig(process.env).config;
  return config;
}

/**
 * A log writer for lines outside any invocation (a model reloaded at init).
 *
 * @example
 * environmentLog().write('warn', 'model fraud loaded 2 times in this environment', {});
 */
export function environmentLog(): LogWriter {
  log ??= sinks?.log ?? createLogWriter(environmentConfig().serviceName);
  return log;
}

/**
 * Metrics and log sinks for a record of its own outside any invocation (an
 * outcome reported by a function that observes nothing); no traces.
 *
 * @example
 * environmentSinks().metrics?.publish(record);
 */
export function environmentSinks(): Sinks {
  sinks ??= createSinks({ ...environmentConfig(), traces: TRACES_MODE.Off });
  return sinks;
}
