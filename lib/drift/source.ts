import type { ResolvedConfig } from '../config.js';
import type { ObserveOptions } from '../types.js';

/**
 * The drift baseline of one observe(): its `baseline` option, else
 * `OBSERVED_BASELINE`; undefined when drift is off. Small on purpose: the
 * observe() wrapper asks it before it loads any drift code (in the layer,
 * drift lives in `extras.cjs`, loaded only when there is a baseline).
 *
 * @example
 * if (baselineSource(config, options) !== undefined) drift = createDriftHook(config, options, log);
 */
export function baselineSource(config: ResolvedConfig, options: ObserveOptions<never, never>) {
  return options.baseline ?? config.baseline;
}
