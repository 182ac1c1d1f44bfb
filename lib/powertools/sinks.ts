import type { Sinks } from '../sinks.js';
import { PowertoolsLogWriter } from './logWriter.js';
import { PowertoolsMetricsSink } from './metricsSink.js';
import type { PowertoolsOptions } from './types.js';

/**
 * An observe()'s sinks with the user's Powertools Logger and Metrics in
 * place of our writers, where given: made once per observe() call, since
 * they are the user's instances (the shared trace exporter stays).
 *
 * @example
 * const sinks = withPowertools(createSinks(config), { logger, metrics });
 */
export function withPowertools(sinks: Sinks, powertools: PowertoolsOptions | undefined): Sinks {
  if (!powertools?.logger && !powertools?.metrics) return sinks;
  return {
    ...sinks,
    ...(powertools.logger ? { log: new PowertoolsLogWriter(powertools.logger) } : {}),
    ...(powertools.metrics ? { metrics: new PowertoolsMetricsSink(powertools.metrics) } : {}),
  };
}
