import { AsyncLocalStorage } from 'node:async_hooks';
import { type Context, type ContextManager, ROOT_CONTEXT } from '@opentelemetry/api';

/**
 * The OpenTelemetry context carried through async calls by one
 * `AsyncLocalStorage`: what `@opentelemetry/context-async-hooks` does, in a
 * few lines of ESM. That package is CommonJS, so esbuild cannot tree-shake
 * it and it drags a second, CommonJS copy of the API into the layer bundle.
 * `bind` binds functions; other targets (event emitters) are returned as they
 * are, since nothing of ours binds an emitter.
 *
 * @example
 * context.setGlobalContextManager(new AlsContextManager().enable());
 */
export class AlsContextManager implements ContextManager {
  #storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const callback = thisArg == null ? fn : (fn.bind(thisArg) as F);
    return this.#storage.run(context, callback, ...args);
  }

  /**
   * Make `context` active for the rest of the current execution and what it
   * starts: for a Middy middleware, whose `before` cannot wrap the handler.
   */
  enterWith(context: Context): void {
    this.#storage.enterWith(context);
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const manager = this;
    const bound = function (this: unknown, ...args: unknown[]): unknown {
      return manager.with(context, () =>
        (target as (...a: unknown[]) => unknown).apply(this, args),
      );
    };
    Object.defineProperty(bound, 'length', { value: target.length, configurable: true });
    return bound as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.#storage.disable();
    this.#storage = new AsyncLocalStorage<Context>();
    return this;
  }
}
