import type { Containment } from './containment.js';

/** Telemetry accepted but not yet sent, by signal. */
export interface Unsent {
  /** Metric datums (EMF records or OTLP points). */
  readonly metrics: number;
  /** Log records held for an OTLP request. */
  readonly logs: number;
  /** Spans, or the X-Ray documents or OTLP requests made of them. */
  readonly traces: number;
}

/** What the exit hooks need: the one flush core and what it has left to send. */
export interface ExitFlushTarget {
  readonly containment: Containment;
  unsent(): Unsent;
  /** Never rejects. */
  flush(): Promise<void>;
}

/** The two process events used; a parameter so a test can drive them. */
export interface ExitEvents {
  on(event: 'beforeExit' | 'exit', listener: () => void): unknown;
}

const NONE: Unsent = { metrics: 0, logs: 0, traces: 0 };
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * Outside Lambda (the `api` and `xray-api` modes) telemetry is batched, and a
 * script that ends without `await flush()` would lose its last batch. When the
 * event loop empties (`beforeExit`) with something unsent, flush it: the sends
 * keep the loop alive, and `beforeExit` fires again once they are done, with
 * nothing left. A flush that leaves the same amount unsent is not retried, so
 * a stuck export cannot keep the process alive. On `exit`, where nothing async
 * can run (`process.exit()`, an uncaught exception), say what was lost.
 *
 * @example
 * flushOnExit({ containment, unsent: () => ({ metrics: 0, logs: 0, traces: 0 }), flush: async () => {} });
 */
export function flushOnExit(target: ExitFlushTarget, events: ExitEvents = process): void {
  const { containment } = target;
  let flushing = false;
  /** What a finished exit flush left unsent: the same count again means no progress. */
  let leftAfterFlush = 0;

  const unsent = (): Unsent => {
    try {
      return target.unsent();
    } catch (error) {
      containment.report('flush at exit', error);
      return NONE;
    }
  };
  const total = ({ metrics, logs, traces }: Unsent) => metrics + logs + traces;

  const flush = async () => {
    try {
      await target.flush();
    } catch (error) {
      containment.report('flush at exit', error);
    }
    leftAfterFlush = total(unsent());
    flushing = false;
  };

  events.on('beforeExit', () => {
    if (flushing) return;
    const n = total(unsent());
    if (n === 0 || n === leftAfterFlush) return;
    flushing = true;
    void flush();
  });

  events.on('exit', () => {
    const left = unsent();
    if (total(left) === 0) return;
    const parts = [
      left.metrics > 0 ? plural(left.metrics, 'metric datum') : '',
      left.logs > 0 ? plural(left.logs, 'log record') : '',
      left.traces > 0 ? plural(left.traces, 'trace record') : '',
    ].filter(Boolean);
    const lost =
      parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0];
    containment.warn(
      `observed-inference: the process exited with ${lost} unsent, now lost; call \`await flush()\` before process.exit()`,
    );
  });
}
