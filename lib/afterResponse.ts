import { isInLambda } from './config.js';
import { containment } from './containment.js';
import { ENV, WRITE_MODE } from './contract/environment.js';
import { type ApiReply, ExtensionsClient } from './extensionsClient.js';
import { parseHostPort } from './tracing/daemonAddress.js';

/**
 * Writes after the response, opt-in: the records of an invocation are built
 * and written once the runtime has posted the response, so the caller waits
 * for the handler alone. What keeps them from being lost at a freeze is the
 * Lambda Extensions API: we register an internal extension at init, and
 * Lambda neither freezes the environment nor hands out the next invocation
 * until the runtime and every extension have asked for the next event. Our
 * extension asks only once the invocation's records are written. The work
 * is still billed (Lambda's `PostRuntimeExtensionsDuration`): this moves
 * telemetry out of the response's latency, not out of the invocation.
 */

/** The extension's name in Lambda's logs (`EXTENSION Name: observed-inference State: Ready`). */
export const EXTENSION_NAME = 'observed-inference';
const API = '/2020-01-01/extension';
const AREA = 'writes after the response';

/** Why {@link writeAfterResponse} left writes before the return, as its warning says. */
function unavailable(env: NodeJS.ProcessEnv): string | undefined {
  if (!isInLambda(env)) {
    return 'not in Lambda (AWS_LAMBDA_FUNCTION_NAME or AWS_LAMBDA_RUNTIME_API is unset)';
  }
  // Lambda Managed Instances run several invocations at once in one process.
  if (env.AWS_LAMBDA_MAX_CONCURRENCY !== undefined) {
    return 'the runtime runs invocations concurrently (AWS_LAMBDA_MAX_CONCURRENCY)';
  }
  return undefined;
}

/**
 * Which invocations still have observed work to finish, and the extension's
 * wait for the one Lambda told it of. Single-concurrency: Lambda hands an
 * environment one invocation at a time, and the hold is what keeps it so.
 * An invocation is entered once per observe() wrapper it passes through
 * (nested wrappers count each), and is done when every entry has left.
 */
export class ResponseHold {
  readonly #entries = new Map<string, number>();
  /** The last invocation whose every entry has left. */
  #done: string | undefined;
  #awaited: string | undefined;
  #release: (() => void) | undefined;
  /** The process's CPU time once the extension, done with an invocation, asked for the next event. */
  #cpuMark: NodeJS.CpuUsage | undefined;

  enter(requestId: string): void {
    this.#entries.set(requestId, (this.#entries.get(requestId) ?? 0) + 1);
  }

  leave(requestId: string): void {
    const left = (this.#entries.get(requestId) ?? 1) - 1;
    if (left > 0) {
      this.#entries.set(requestId, left);
      return;
    }
    this.#entries.delete(requestId);
    this.#done = requestId;
    if (this.#awaited !== requestId) return;
    const release = this.#release;
    this.#awaited = undefined;
    this.#release = undefined;
    release?.();
  }

  /** Where the next invocation's CPU time starts: now, with its records written and the next event asked for. */
  markCpu(): void {
    this.#cpuMark = process.cpuUsage();
  }

  /**
   * The CPU time {@link markCpu} read, once; undefined if none since the
   * last take. The invocation then reads the start of its CPU time after
   * the response instead of in it (a `getrusage` call, a few µs cold).
   */
  takeCpuMark(): NodeJS.CpuUsage | undefined {
    const mark = this.#cpuMark;
    this.#cpuMark = undefined;
    return mark;
  }

  /** Resolves once `requestId` has been entered and every entry has left; undefined if it already has. */
  whenDone(requestId: string): Promise<void> | undefined {
    if (this.#done === requestId && !this.#entries.has(requestId)) return undefined;
    return new Promise((resolve) => {
      this.#awaited = requestId;
      this.#release = resolve;
    });
  }
}

let hold: ResponseHold | undefined;
let registering: Promise<boolean> | undefined;

let writeChecked = false;

/**
 * `OBSERVED_WRITE=after-response` set, but writeAfterResponse() never
 * called: a library-mode function that expects the zero-code layer's
 * variable to act. Checked once, at the first invocation without a hold
 * (init is over by then), and warned once.
 *
 * @example
 * warnUnregisteredWrite(process.env);
 */
export function warnUnregisteredWrite(env: NodeJS.ProcessEnv): void {
  if (writeChecked) return;
  writeChecked = true;
  if (registering !== undefined) return;
  if (env[ENV.Write]?.trim().toLowerCase() !== WRITE_MODE.AfterResponse) return;
  containment.warnOnce(
    `${AREA}: not asked`,
    `observed-inference: ${ENV.Write}=${WRITE_MODE.AfterResponse} acts in zero-code mode only; in library mode, call \`await writeAfterResponse()\` at init. Writes stay before the return.`,
  );
}

/** The hold when writes go after the response (the extension is registered), else undefined. */
export function responseHold(): ResponseHold | undefined {
  return hold;
}

function refused(what: string, reply: { status: number; body: string }): Error {
  return new Error(`${what}: HTTP ${reply.status} ${reply.body.slice(0, 200)}`);
}

/**
 * The extension's loop: ask for the next event; on each INVOKE, wait until
 * that invocation's observed work is done, then ask again. A failed poll is
 * retried; after three in a row the extension reports itself failed
 * (`/exit/error`), so Lambda resets the environment instead of waiting on
 * it until the timeout, and writes go back before the return.
 */
async function poll(client: ExtensionsClient, id: string, held: ResponseHold): Promise<void> {
  const headers = { 'Lambda-Extension-Identifier': id };
  let failures = 0;
  /** Whether this poll follows an invocation whose work is done (not init, not a retry). */
  let after = false;
  for (;;) {
    let reply: ApiReply;
    try {
      const asked = client.get(`${API}/event/next`, headers);
      // The request is written: what the process spends from here is the next invocation's.
      if (after) held.markCpu();
      after = false;
      reply = await asked;
      if (reply.status !== 200) throw refused('event/next', reply);
      failures = 0;
    } catch (error) {
      containment.report(`${AREA}: polling the Extensions API`, error);
      if (++failures < 3) {
        await new Promise((resolve) => setTimeout(resolve, 10 * failures));
        continue;
      }
      hold = undefined;
      const failure = { errorType: 'Extension.PollFailed', errorMessage: String(error) };
      await client
        .post(
          `${API}/exit/error`,
          { ...headers, 'Lambda-Extension-Function-Error-Type': failure.errorType },
          JSON.stringify(failure),
        )
        .catch(() => undefined);
      return;
    }
    const requestId = invokedRequest(reply.body);
    if (requestId === undefined) continue;
    await held.whenDone(requestId);
    after = true;
  }
}

/** The request id of an INVOKE event; undefined for any other event (none is subscribed). */
function invokedRequest(body: string): string | undefined {
  try {
    const event = JSON.parse(body) as { eventType?: unknown; requestId?: unknown };
    return event.eventType === 'INVOKE' && typeof event.requestId === 'string'
      ? event.requestId
      : undefined;
  } catch (error) {
    containment.report(`${AREA}: reading an event`, error);
    return undefined;
  }
}

async function register(): Promise<boolean> {
  const why = unavailable(process.env);
  if (why !== undefined) {
    containment.warnOnce(AREA, `observed-inference: writes stay before the return: ${why}`);
    return false;
  }
  try {
    const api = process.env.AWS_LAMBDA_RUNTIME_API ?? '';
    const address = parseHostPort(api);
    if (!address) throw new Error(`AWS_LAMBDA_RUNTIME_API '${api}' is not host:port`);
    const client = new ExtensionsClient(await import('node:net'), address.host, address.port);
    const reply = await client.post(
      `${API}/register`,
      { 'Lambda-Extension-Name': EXTENSION_NAME },
      JSON.stringify({ events: ['INVOKE'] }),
    );
    const id = reply.headers.get('lambda-extension-identifier');
    if (reply.status !== 200 || id === undefined) throw refused('register', reply);
    const held = new ResponseHold();
    hold = held;
    void poll(client, id, held);
    return true;
  } catch (error) {
    containment.report(AREA, error);
    return false;
  }
}

/**
 * Write each invocation's telemetry after its response instead of before
 * the handler returns: the caller no longer waits for it. Call it once at
 * init, before the handler module finishes loading (top-level `await` in an
 * ES module); the zero-code layer does it when `OBSERVED_WRITE` is
 * `after-response`. It registers an internal Lambda extension that holds
 * each invocation open until its records are written, so none is lost at a
 * freeze; the time is still billed. The function's handler must be the
 * observed one: an invocation that never passes through observe() would be
 * held until its timeout. Resolves `true` once registered; `false` (with
 * one warning) outside Lambda, under concurrent invocations, or when Lambda
 * refuses, and telemetry is then written before the return as usual.
 * Calling it again returns the first call's answer.
 *
 * @example
 * import { observe, writeAfterResponse } from 'observed-inference';
 * await writeAfterResponse();
 * export const handler = observe(async (event) => predict(event), { model: 'fraud' });
 */
export function writeAfterResponse(): Promise<boolean> {
  registering ??= register();
  return registering;
}
