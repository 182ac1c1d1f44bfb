import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, ContextManager } from '@opentelemetry/api';

/** What `deleteValue` leaves for a key: it hides the key's value further up the chain. */
const DELETED = Symbol('deleted');
/** Past this many links a context is rebuilt from its live values, so a lookup stays short. */
const MAX_DEPTH = 16;

/**
 * An OpenTelemetry context with its methods on the prototype, each one link
 * (key, value, parent) in a chain that ends at `ROOT`.
 *
 * Why not the API's `BaseContext`: it stores three closures of its own on
 * every context it makes, and V8 keeps a closure stored that way (and so the
 * context, its Map and its values: the span, the invocation) alive through
 * every scavenge until the next mark-compact, so each invocation's contexts
 * were promoted (issue 13). And each of its `setValue` calls copies the whole
 * Map, through its iterator; a link is one small object, and a lookup walks a
 * few links (an invocation's context is four or five deep). Contexts made
 * from `ROOT` by `setValue` (by `trace.setSpan`, the propagators) are of this
 * class too.
 */
class LeanContext implements Context {
  readonly #key: symbol | undefined;
  readonly #value: unknown;
  readonly #parent: LeanContext | undefined;
  readonly #depth: number;

  constructor(key?: symbol, value?: unknown, parent?: LeanContext) {
    this.#key = key;
    this.#value = value;
    this.#parent = parent;
    this.#depth = parent ? parent.#depth + 1 : 0;
  }

  getValue(key: symbol): unknown {
    for (let link: LeanContext | undefined = this; link; link = link.#parent) {
      if (link.#key === key) return link.#value === DELETED ? undefined : link.#value;
    }
    return undefined;
  }

  setValue(key: symbol, value: unknown): Context {
    return this.#link(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.getValue(key) === undefined ? this : this.#link(key, DELETED);
  }

  #link(key: symbol, value: unknown): LeanContext {
    if (this.#depth < MAX_DEPTH) return new LeanContext(key, value, this);
    // Rebuilt from the values that count, oldest first, so the chain is as short as its keys.
    const latest = new Map<symbol, unknown>([[key, value]]);
    for (let link: LeanContext | undefined = this; link !== undefined; link = link.#parent) {
      const linkKey = link.#key;
      if (linkKey !== undefined && !latest.has(linkKey)) latest.set(linkKey, link.#value);
    }
    let rebuilt = EMPTY;
    for (const [k, v] of [...latest].reverse()) {
      if (v !== DELETED) rebuilt = new LeanContext(k, v, rebuilt);
    }
    return rebuilt;
  }
}

const EMPTY = new LeanContext();

/** The empty context our contexts start from, in place of the API's `ROOT_CONTEXT`. */
export const ROOT: Context = EMPTY;

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
    return this.#storage.getStore() ?? ROOT;
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
   * `with` for our own hot path: no `this` to bind, no arguments to spread;
   * `arg` passed on when given (a user's function is called with none).
   */
  run<T, A = undefined>(context: Context, fn: (arg: A) => T, arg?: A): T {
    return arg === undefined
      ? this.#storage.run(context, fn as () => T)
      : this.#storage.run(context, fn, arg);
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
