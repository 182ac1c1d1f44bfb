/**
 * The parts of Powertools for AWS Lambda (TypeScript) that observed-inference
 * calls, as structural types: a `Logger` and a `Metrics` from
 * `@aws-lambda-powertools/logger` and `/metrics` (v2) fit them, and nothing
 * of Powertools is imported, so a user without it needs none of its types.
 */

/**
 * A Powertools `Logger` (or anything with its methods): our lines go through
 * it, so they carry its persistent keys, correlation id, sampling and level,
 * and its log buffer holds DEBUG lines.
 *
 * @example
 * import { Logger } from '@aws-lambda-powertools/logger';
 * const logger: PowertoolsLogger = new Logger({ serviceName: 'fraud-api' });
 */
export interface PowertoolsLogger {
  debug(message: string, fields: Record<string, unknown>): void;
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
  /** Its threshold (Powertools' numbers: DEBUG 8, INFO 12, …). */
  readonly level?: number;
  /** Write the DEBUG lines its log buffer holds for the current trace (`logBufferOptions`). */
  flushBuffer?(): void;
}

/**
 * A Powertools `Metrics` (or anything with its methods): our metrics are
 * added to it and leave in its one EMF flush, under its namespace, with its
 * default dimensions merged with ours.
 *
 * @example
 * import { Metrics } from '@aws-lambda-powertools/metrics';
 * const metrics: PowertoolsMetrics = new Metrics({ namespace: 'ObservedInference', serviceName: 'fraud-api' });
 */
export interface PowertoolsMetrics {
  addMetric(name: string, unit: string, value: number): unknown;
  addDimension(name: string, value: string): unknown;
  addMetadata(key: string, value: string): unknown;
  hasStoredMetrics(): boolean;
  publishStoredMetrics(): unknown;
}

/**
 * The Powertools utilities a team already runs, handed to `observe()` or
 * the Middy middleware: then our per-invocation log line goes through the
 * `logger` and our metrics into the `metrics` (see docs/library.md).
 *
 * @example
 * observe(handler, { powertools: { logger, metrics } });
 */
export interface PowertoolsOptions {
  readonly logger?: PowertoolsLogger;
  readonly metrics?: PowertoolsMetrics;
}
