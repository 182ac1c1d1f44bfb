import type { Writable } from 'node:stream';
import type { Containment } from './containment.js';

/**
 * What one response-streaming invocation sent, on its record: read by the
 * span, metrics and log writers (`TimeToFirstByte`, `BytesStreamed`,
 * `StreamsAborted`). Its latency to the end is the invocation's latency.
 */
export interface StreamRecord {
  /** Invocation start → the first body byte the handler wrote; undefined if it wrote none. */
  firstByteMs: number | undefined;
  /** Body bytes the handler wrote (an `HttpResponseStream` prelude is not body). */
  bytes: number;
  /**
   * The stream did not end normally: the handler failed, destroyed it, or the
   * connection closed (the client went away) before its end was sent.
   */
  aborted: boolean;
}

/** The response stream the runtime client hands a streaming handler (an `awslambda.HttpResponseStream`). */
export type ResponseStream = Writable;

type Write = (chunk: unknown, ...rest: unknown[]) => unknown;

function byteLength(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') {
    return Buffer.byteLength(
      chunk,
      typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
    );
  }
  if (ArrayBuffer.isView(chunk)) return chunk.byteLength;
  // The runtime client sends any other chunk as its JSON.
  if (chunk === null || chunk === undefined || typeof chunk === 'function') return 0;
  return Buffer.byteLength(JSON.stringify(chunk) ?? '');
}

/**
 * Count what the handler writes to `stream` into `record` (`startPerf`: the
 * invocation's start) and resolve `ended` when the stream finished or closed.
 * The handler keeps the same stream object: its `write` and `end` are
 * wrapped in place, as instance properties, so `HttpResponseStream.from()`,
 * `pipeline()` and the runtime's own reads of it see what they would.
 *
 * @example
 * const { record, ended } = watchStream(responseStream, performance.now(), containment);
 * await handler(event, responseStream, context);
 * await ended; // record.bytes, record.firstByteMs, record.aborted
 */
export function watchStream(
  stream: ResponseStream,
  startPerf: number,
  containment: Containment,
): { readonly record: StreamRecord; readonly ended: Promise<void> } {
  const record: StreamRecord = { firstByteMs: undefined, bytes: 0, aborted: false };
  const target = stream as unknown as Record<'write' | 'end', Write>;
  const write = target.write;
  const end = target.end;
  /** Inside `end()`: a stream whose end writes through `write` is not counted twice. */
  let ending = false;
  const count = (chunk: unknown, encoding: unknown): void => {
    if (ending) return;
    try {
      const bytes = byteLength(chunk, encoding);
      if (bytes > 0 && record.firstByteMs === undefined) {
        record.firstByteMs = performance.now() - startPerf;
      }
      record.bytes += bytes;
    } catch (error) {
      containment.report('stream count', error);
    }
  };
  if (typeof write === 'function' && typeof end === 'function') {
    target.write = function countedWrite(this: unknown, chunk, ...rest) {
      count(chunk, rest[0]);
      return write.call(this, chunk, ...rest);
    };
    target.end = function countedEnd(this: unknown, chunk, ...rest) {
      if (typeof chunk !== 'function') count(chunk, rest[0]);
      ending = true;
      try {
        return end.call(this, chunk, ...rest);
      } finally {
        ending = false;
      }
    };
  }
  return { record, ended: whenEnded(stream, record) };
}

/** 'finish' is a normal end; 'close' first is an abort (destroyed, or the connection gone). */
function whenEnded(stream: ResponseStream, record: StreamRecord): Promise<void> {
  if (typeof stream.once !== 'function' || stream.writableFinished) return Promise.resolve();
  if (stream.destroyed) {
    record.aborted = true;
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    stream.once('finish', () => resolve());
    stream.once('close', () => {
      if (!stream.writableFinished) record.aborted = true;
      resolve();
    });
  });
}
