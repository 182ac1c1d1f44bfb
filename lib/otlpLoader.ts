import type { Containment } from './containment.js';

/**
 * Sends batches of one kind of item; never rejects. What every exporter of
 * the OTLP module (and the X-Ray senders) looks like to its caller.
 */
export interface BatchSender<T> {
  send(items: T[]): Promise<void>;
  flush?(): Promise<void>;
  /** Held for a later call or an answer: what an exit now would lose. */
  readonly pending?: number;
}

/**
 * Items held until {@link settle}, which the invocation awaits before its
 * response, so nothing is held across a Lambda freeze: one request per
 * invocation, bounded by the OTLP timeout. What is held outside an
 * invocation leaves with the next one, or at `flush()`. The one batch of
 * the OTLP metrics sink and log writer.
 *
 * @example
 * const held = new HeldBatch(sender);
 * held.hold(record);
 * await held.settle();
 */
export class HeldBatch<T> {
  readonly #sender: BatchSender<T>;
  #held: T[] = [];

  constructor(sender: BatchSender<T>) {
    this.#sender = sender;
  }

  hold(item: T): void {
    this.#held.push(item);
  }

  /** Send what is held, in one request, and wait for its answer. Never rejects. */
  settle(): Promise<void> {
    if (this.#held.length === 0) return Promise.resolve();
    const items = this.#held;
    this.#held = [];
    return this.#sender.send(items);
  }

  async flush(): Promise<void> {
    await this.settle();
    await this.#sender.flush?.();
  }

  get pending(): number {
    return this.#held.length + (this.#sender.pending ?? 0);
  }
}

/** The OTLP exporters' module: one file of the layer (`otlp.cjs`), which the default modes never load. */
const loadOtlp = () => import('./tracing/otlpExporters.js');
export type OtlpModule = Awaited<ReturnType<typeof loadOtlp>>;

/**
 * A sender made from the OTLP module once it has loaded. Loading starts now,
 * at init (observe() is called at module load), so the first invocation does
 * not wait for it; a load that failed is tried again by the next send, and
 * the items of the failed one are counted lost under `area`.
 *
 * @example
 * const sender = lazyOtlpSender((otlp) => new otlp.OtlpHttpSender({ … }), containment, 'trace export');
 */
export function lazyOtlpSender<T>(
  make: (otlp: OtlpModule) => BatchSender<T>,
  containment: Containment,
  area: string,
): BatchSender<T> {
  let loaded: BatchSender<T> | undefined;
  let loading: Promise<BatchSender<T>> | undefined;
  const load = () => {
    loading ??= loadOtlp().then(make);
    return loading;
  };
  load().catch(() => {
    // Reported by the send that needs it.
  });
  return {
    async send(items) {
      if (!loaded) {
        try {
          loaded = await load();
        } catch (error) {
          loading = undefined;
          containment.report(area, error, items.length);
          return;
        }
      }
      await loaded.send(items);
    },
    flush: () => loaded?.flush?.() ?? Promise.resolve(),
    get pending() {
      return loaded?.pending ?? 0;
    },
  };
}
