import { Logger } from '@aws-lambda-powertools/logger';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The per-invocation (and internal) log writer: Powertools Logger JSON on stdout/stderr. */
export interface LogWriter {
  write(level: LogLevel, message: string, fields: Record<string, unknown>): void;
}

/**
 * Powertools Logger, created on first use so that init pays nothing for it.
 * Its level comes from `POWERTOOLS_LOG_LEVEL` / `AWS_LAMBDA_LOG_LEVEL`.
 *
 * @example
 * const log = new PowertoolsLogWriter('fraud-api');
 * log.write('info', 'inference', { model_name: 'fraud' });
 */
export class PowertoolsLogWriter implements LogWriter {
  readonly #service: string;
  #logger: Logger | undefined;

  constructor(service: string) {
    this.#service = service;
  }

  write(level: LogLevel, message: string, fields: Record<string, unknown>): void {
    this.#logger ??= new Logger({ serviceName: this.#service });
    this.#logger[level]({ message, ...fields });
  }
}
