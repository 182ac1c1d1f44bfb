import type { PutTraceSegmentsCommandOutput } from '@aws-sdk/client-xray';

/** Options of {@link ApiSegmentSender}. */
export interface ApiSegmentSenderOptions {
  /** @default the AWS SDK's region chain (`AWS_REGION`, profile, …) */
  readonly region?: string;
  /** @default the AWS SDK's endpoint resolution (including `AWS_ENDPOINT_URL`) */
  readonly endpoint?: string;
  /** Called once per failed call, rejected segment or overflow; never throws into the caller. */
  readonly onError: (error: Error) => void;
  /**
   * Documents held while X-Ray is slow or unreachable; past this the oldest
   * are dropped (and reported) so memory stays bounded.
   * @default 1000
   */
  readonly maxBuffered?: number;
}

/** The X-Ray daemon's batch size for `PutTraceSegments`. */
export const API_BATCH_SIZE = 50;
const DEFAULT_MAX_BUFFERED = 1000;
/** Calls at once: enough to drain a burst, few enough that a slow X-Ray cannot pile up sockets. */
const MAX_CALLS_IN_FLIGHT = 4;
/** The SDK has no request timeout by default; a hung connection must not hang `flush()`. */
const CALL_TIMEOUT_MS = 10_000;

type PutSegments = (docs: string[]) => Promise<PutTraceSegmentsCommandOutput>;

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/**
 * Sends segment documents with `PutTraceSegments`: the export path outside
 * Lambda (local runs, containers), where there is no daemon. The AWS SDK
 * client is imported on first use, so it costs nothing to runs that never
 * send through it. Memory stays bounded: at most `maxBuffered` documents
 * wait, and at most a few calls are in flight.
 *
 * @example
 * const sender = new ApiSegmentSender({ region: 'eu-west-1', onError: console.error });
 * await sender.send(toSegmentDocuments(processor.takeTrace(traceId)));
 * await sender.flush(); // before the process exits
 */
export class ApiSegmentSender {
  readonly #options: ApiSegmentSenderOptions;
  readonly #maxBuffered: number;
  /** Buffered documents that make a call worth it; a smaller buffer sends when full. */
  readonly #batchAt: number;
  readonly #buffer: string[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #inFlightDocs = 0;
  #client: Promise<PutSegments> | undefined;

  constructor(options: ApiSegmentSenderOptions) {
    this.#options = options;
    this.#maxBuffered = Math.max(1, Math.floor(options.maxBuffered ?? DEFAULT_MAX_BUFFERED));
    this.#batchAt = Math.min(API_BATCH_SIZE, this.#maxBuffered);
  }

  /**
   * Buffer `docs`; once a full batch of {@link API_BATCH_SIZE} is buffered it
   * is sent, and the returned promise waits for that call. Never rejects.
   */
  async send(docs: readonly string[]): Promise<void> {
    for (const doc of docs) this.#buffer.push(doc);
    const excess = this.#buffer.length - this.#maxBuffered;
    if (excess > 0) {
      this.#buffer.splice(0, excess);
      this.#report(new Error(`X-Ray segment buffer full: dropped the ${excess} oldest documents`));
    }
    await Promise.all(this.#pump(this.#batchAt));
  }

  /** Documents buffered or in a call not yet answered: what a process exit now would lose. */
  get pending(): number {
    return this.#buffer.length + this.#inFlightDocs;
  }

  /** Send everything buffered and wait until no call is in flight. Never rejects. */
  async flush(): Promise<void> {
    while (this.#buffer.length > 0 || this.#inFlight.size > 0) {
      this.#pump(1);
      await Promise.race(this.#inFlight);
    }
  }

  /** Start calls while at least `min` documents wait and a call slot is free. */
  #pump(min: number): Promise<void>[] {
    const started: Promise<void>[] = [];
    while (this.#buffer.length >= Math.max(1, min) && this.#inFlight.size < MAX_CALLS_IN_FLIGHT) {
      const batch = this.#buffer.splice(0, API_BATCH_SIZE);
      this.#inFlightDocs += batch.length;
      const call: Promise<void> = this.#put(batch).finally(() => {
        this.#inFlight.delete(call);
        this.#inFlightDocs -= batch.length;
        // Batches that filled up while every slot was busy go out now.
        this.#pump(this.#batchAt);
      });
      this.#inFlight.add(call);
      started.push(call);
    }
    return started;
  }

  async #put(batch: string[]): Promise<void> {
    try {
      this.#client ??= this.#createClient();
      const output = await (await this.#client)(batch);
      for (const rejected of output.UnprocessedTraceSegments ?? []) {
        this.#report(
          new Error(
            `X-Ray rejected segment ${rejected.Id ?? '(no id)'}: ${rejected.ErrorCode ?? ''} ${rejected.Message ?? ''}`.trim(),
          ),
        );
      }
    } catch (error) {
      this.#report(
        new Error(`PutTraceSegments failed: ${asError(error).message}`, { cause: error }),
      );
    }
  }

  async #createClient(): Promise<PutSegments> {
    try {
      const { XRayClient, PutTraceSegmentsCommand } = await import('@aws-sdk/client-xray');
      const { region, endpoint } = this.#options;
      const client = new XRayClient({
        ...(region ? { region } : {}),
        ...(endpoint ? { endpoint } : {}),
      });
      return (TraceSegmentDocuments) =>
        client.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments }), {
          abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        });
    } catch (error) {
      // Let a later send try again rather than fail forever on one bad start.
      this.#client = undefined;
      throw error;
    }
  }

  #report(error: Error): void {
    try {
      this.#options.onError(error);
    } catch {
      // The error hook is the caller's code; its failure must not reach the handler either.
    }
  }
}
