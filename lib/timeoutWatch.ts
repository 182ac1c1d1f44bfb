import type { Invocation } from './invocation.js';

/** One watched item: when it is due, and what to call then. */
interface Watched<T, D> {
  readonly deadline: number;
  readonly onTimeout: (item: T, detail: D) => void;
  readonly detail: D;
}

/**
 * The timeout watch of the process's invocations: one unref'd timer for all
 * of them, armed for the earliest deadline, where each invocation used to
 * arm and clear a timer of its own. A timer per invocation cost about
 * 2 µs of every invocation (a Timeout, and Node's list of timers of that
 * duration, which varied by the ms with the time left, made and unlinked)
 * and its allocation. Here an invocation is a Map entry; the timer is
 * re-armed only when it fires (about once per timeout's length in a busy
 * environment: the deadline it was armed for has usually ended by then,
 * and it is armed again for the earliest one still watched) or when a new
 * deadline comes before it.
 *
 * One watch serves the whole process, so the armed timer holds nothing of an
 * observe() whose invocations have ended (a handler that calls observe()
 * per request must not keep each one alive until its deadline).
 *
 * @example
 * timeouts.watch(invocation, performance.now() + remaining - margin, finishTimedOut, margin);
 * // … when it ends first:
 * timeouts.unwatch(invocation);
 */
export class TimeoutWatch<T, D = undefined> {
  readonly #watched = new Map<T, Watched<T, D>>();
  #timer: NodeJS.Timeout | undefined;
  /** The `performance.now()` time the armed timer fires at; Infinity when none is armed. */
  #armedFor = Number.POSITIVE_INFINITY;

  /**
   * Call `onTimeout(item, detail)` at `deadline` (a `performance.now()`
   * time) unless `item` is unwatched first. A caller in the response passes
   * one function for all its items, and what differs as `detail`, rather
   * than making a closure per item.
   */
  watch(item: T, deadline: number, onTimeout: (item: T, detail: D) => void, detail: D): void {
    this.#watched.set(item, { deadline, onTimeout, detail });
    if (deadline < this.#armedFor) this.#arm(deadline);
  }

  /** Stop watching `item`; the timer stays armed until it fires and finds nothing due. */
  unwatch(item: T): void {
    this.#watched.delete(item);
  }

  #arm(deadline: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedFor = deadline;
    this.#timer = setTimeout(this.#fire, Math.max(0, deadline - performance.now()));
    this.#timer.unref();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    // Node fires a timer by its loop's ms clock, up to 1 ms before a performance.now() deadline.
    const due = performance.now() + 1;
    let next = Number.POSITIVE_INFINITY;
    const dueNow: Array<[T, Watched<T, D>]> = [];
    for (const [item, watched] of this.#watched) {
      if (watched.deadline <= due) {
        this.#watched.delete(item);
        dueNow.push([item, watched]);
      } else if (watched.deadline < next) next = watched.deadline;
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
    for (const [item, { onTimeout, detail }] of dueNow) onTimeout(item, detail);
  };
}

/** The process's one watch (see {@link TimeoutWatch}). */
export const timeouts = new TimeoutWatch<Invocation, number>();
