import type { Context } from 'aws-lambda';
import { resolveConfig } from './config.js';
import { Observation } from './observation.js';
import { createSinks, type Sinks } from './sinks.js';
import { EXIT } from './status.js';
import { runInContext } from './tracer.js';
import type { ObserveOptions } from './types.js';

/** A handler as observe() takes and returns it. */
export type ObservedHandler<TEvent, TResult> = (
  event: TEvent,
  context: Context,
) => Promise<TResult>;

function reportConfigIssues(sinks: Sinks, issues: readonly Error[]): void {
  for (const issue of issues) {
    sinks.log.write(
      'error',
      `observed-inference configuration error: ${issue.message}; using the default`,
      {
        error: { name: issue.name, message: issue.message },
      },
    );
  }
}

/**
 * Public; documented where `index.ts` exports it. The data flow of one
 * invocation: this wrapper → the invocation's record (`Observation.begin`)
 * → the handler, in the record's context → the record completed once
 * (`Observation.end`) → the span, metrics and log writers → the exporters.
 */
export function observe<TEvent, TResult>(
  handler: (event: TEvent, context: Context) => TResult | Promise<TResult>,
  options: ObserveOptions<TEvent, TResult> = {},
): ObservedHandler<TEvent, TResult> {
  const { config, issues } = resolveConfig(process.env, options as ObserveOptions<never, never>);
  const sinks = createSinks(config);
  reportConfigIssues(sinks, issues);
  const observation = new Observation(sinks, options);

  return async function observed(event: TEvent, context: Context): Promise<TResult> {
    const invocation = observation.begin(event, context);
    if (!invocation) return handler(event, context);
    let result: TResult;
    try {
      const warm = invocation.warmup ? observation.warmupResponse(event) : undefined;
      result = warm
        ? (warm.value as TResult)
        : await runInContext(invocation.context, () => handler(event, context));
    } catch (error) {
      await observation.end(invocation, EXIT.Threw, error);
      throw error;
    }
    await observation.end(invocation, EXIT.Returned, result);
    return result;
  };
}
