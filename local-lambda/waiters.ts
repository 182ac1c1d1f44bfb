/**
 * Waits for something that arrives over time (an output line, a segment
 * document): each waiter looks again whenever `wake()` says something
 * arrived, until it finds it or its deadline passes.
 *
 * @example
 * const waiters = new Waiters();
 * // on each arrival: items.push(item); waiters.wake();
 * const item = await waiters.until(() => items.find(matches), 5_000, 'no matching item');
 */
export class Waiters {
  private readonly waiting = new Set<() => void>();

  /** Something arrived: every waiter looks again. */
  wake(): void {
    for (const wake of [...this.waiting]) wake();
  }

  /** The first value `find` returns, looking now and after each `wake()`; rejects with `message` at the deadline. */
  async until<T>(find: () => T | undefined, timeoutMs: number, message: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (let found = find(); ; found = find()) {
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(message);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiting.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiting.add(wake);
      });
    }
  }
}
