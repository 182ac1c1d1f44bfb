/** How a watched stream ended, as its consumer saw it. */
export type StreamEnd = 'done' | 'stopped' | 'failed';

/** What a watched stream reports: each item as it is handed over, and its end, once. */
export interface StreamWatcher<T> {
  item(value: T): void;
  end(how: StreamEnd, error?: unknown): void;
}

/**
 * `source` as an async iterable that hands each item to its consumer as it
 * arrives (nothing buffered, no delay beyond one promise reaction) and tells
 * `watcher` about each item and about the end: read to the end (`done`), left
 * early by `break`/`return` (`stopped`), or an error from the source
 * (`failed`, rethrown unchanged). The watcher's own failures are its to
 * contain; they never reach the consumer.
 *
 * @example
 * output.stream = watchStream(output.stream, { item: (e) => seen++, end: (how) => finish(how) });
 */
export function watchStream<T>(
  source: AsyncIterable<T>,
  watcher: StreamWatcher<T>,
): AsyncIterable<T> {
  let ended = false;
  const end = (how: StreamEnd, error?: unknown) => {
    if (ended) return;
    ended = true;
    watcher.end(how, error);
  };
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const it = source[Symbol.asyncIterator]();
      return {
        async next(): Promise<IteratorResult<T>> {
          let result: IteratorResult<T>;
          try {
            result = await it.next();
          } catch (error) {
            end('failed', error);
            throw error;
          }
          if (result.done) end('done');
          else if (!ended) watcher.item(result.value);
          return result;
        },
        async return(value?: unknown): Promise<IteratorResult<T>> {
          end('stopped');
          if (typeof it.return === 'function') return it.return(value);
          return { done: true, value: value as T };
        },
        async throw(error?: unknown): Promise<IteratorResult<T>> {
          end('failed', error);
          if (typeof it.throw === 'function') return it.throw(error);
          throw error;
        },
      };
    },
  };
}
