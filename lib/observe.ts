import type { Context } from 'aws-lambda';
import { resolveConfig } from './config.js';
import { Observation } from './observation.js';
import { createRuntime, type Runtime } from './runtime.js';
import { runInContext } from './tracer.js';
import type { ObserveOptions } from './types.js';

/** A handler as observe() takes and returns it. */
export type ObservedHandler<TEvent, TResult> = (
  event: TEvent,
  context: Context,
) => Promise<TResult>;

function reportConfigIssues(runtime: Runtime, issues: readonly Error[]): void {
  for (const issue of issues) {
    runtime.log.write(
      'error',
      `observed-inference configuration error: ${issue.message}; using the default`,
      {
        error: { name: issue.name, message: issue.message },
      },
    );
  }
}

/** Public; documented where `index.ts` exports it. */
export function observe<TEvent, TResult>(
  handler: (event: TEvent, context: Context) => TResult | Promise<TResult>,
  options: ObserveOptions<TEvent, TResult> = {},
): ObservedHandler<TEvent, TResult> {
  const { config, issues } = resolveConfig(process.env, options as ObserveOptions<never, never>);
  const runtime = createRuntime(config);
  reportConfigIssues(runtime, issues);
  const observation = new Observation(runtime, options);

  return async function observed(event: TEvent, context: Context): Promise<TResult> {
    const started = observation.begin(event, context);
    if (!started) return handler(event, context);
    const { invocation, ctx } = started;
    let result: TResult;
    try {
      const warm = invocation.warmup ? observation.warmupResponse(event) : undefined;
      result = warm
        ? (warm.value as TResult)
        : await runInContext(ctx, () => handler(event, context));
    } catch (error) {
      await observation.end(invocation, { error });
      throw error;
    }
    await observation.end(invocation, { result });
    return result;
  };
}
