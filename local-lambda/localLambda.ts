import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FunctionError, InitError, InvokeOptions, InvokeResult } from './invocation.js';
import { bootstrapPlan, type LambdaFunctionConfig, wrapperProblem } from './lambdaBootstrap.js';
import { type OutputMark, type OutputStream, ProcessOutput } from './processOutput.js';
import { type RuntimeApi, startRuntimeApi, type TimelineEntry } from './runtimeApi.js';

export type { FunctionError, InitError, InvokeOptions, InvokeResult } from './invocation.js';
export type { LambdaFunctionConfig } from './lambdaBootstrap.js';
export type { OutputMark, OutputStream } from './processOutput.js';

/** Lambda's limit on the init phase. */
const DEFAULT_INIT_TIMEOUT_MS = 10_000;
/** How long `stop()` lets the runtime handle SIGTERM before killing it. */
const SHUTDOWN_GRACE_MS = 2_000;

/** Options of {@link startLocalLambda}: the function configuration plus its limits. */
export interface LocalLambdaOptions extends LambdaFunctionConfig {
  /** Function timeout; an invocation past it kills the environment. @default 3000 */
  readonly timeoutMs?: number;
  /** Init phase limit; past it the environment is killed and `initError` set. @default 10000 */
  readonly initTimeoutMs?: number;
  /** `Lambda-Runtime-Invoked-Function-Arn`. @default an ARN built from `functionName` */
  readonly functionArn?: string;
}

/** How the runtime process ended. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * One Lambda execution environment: one runtime process (the real
 * `aws-lambda-ric`) behind a local Runtime API. It is dead after a timeout,
 * a crash or an init error, as on Lambda; later invokes then resolve at once
 * with the error that killed it, and the caller starts a fresh environment.
 */
export interface LocalLambda {
  /** The runtime's pid (the exec wrapper's, which becomes node when it `exec`s). */
  readonly pid: number | undefined;
  /** Set when init failed: posted to `/init/error`, or the process died or hung during init. */
  readonly initError: InitError | undefined;
  /** From spawning the runtime until it first asked for an event. */
  readonly initDurationMs: number | undefined;
  /** False once the process has exited. */
  readonly alive: boolean;
  /** Settles when the process has exited and its output is fully read. */
  readonly exited: Promise<ExitStatus>;
  /** `AWS_LAMBDA_RUNTIME_API` of this environment. */
  readonly runtimeApi: string;
  /** What the Runtime and Extensions APIs saw, in order (see `RuntimeApi.timeline`). */
  readonly timeline: readonly TimelineEntry[];
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  /** Invoke once; without `maxConcurrency` > 1 invocations run one after another. */
  invoke(event: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  mark(): OutputMark;
  lines(stream?: OutputStream): string[];
  linesSince(mark: OutputMark, stream?: OutputStream): string[];
  waitForLine(
    predicate: (line: string) => boolean,
    options?: { mark?: OutputMark; stream?: OutputStream; timeoutMs?: number },
  ): Promise<string>;
  /** SIGTERM, then SIGKILL after a grace period; closes the Runtime API. */
  stop(): Promise<void>;
}

const SIGNAL_TEXT: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
};

/** The error Lambda reports for a runtime that exited (its Go `exec` wording). */
function exitError(status: ExitStatus): FunctionError {
  const how = status.signal
    ? `signal: ${SIGNAL_TEXT[status.signal] ?? status.signal}`
    : `exit status ${status.code}`;
  return { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: ${how}` };
}

class LocalLambdaEnvironment implements LocalLambda {
  initDurationMs: number | undefined;
  alive = false;
  exited: Promise<ExitStatus> = Promise.resolve({ code: null, signal: null });
  private child: ChildProcess | undefined;
  private earlyError: InitError | undefined;
  private readonly output = new ProcessOutput();

  constructor(
    private readonly options: LocalLambdaOptions,
    private readonly api: RuntimeApi,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }
  get initError(): InitError | undefined {
    return this.api.initError ?? this.earlyError;
  }
  get runtimeApi(): string {
    return this.api.address;
  }
  get timeline(): readonly TimelineEntry[] {
    return this.api.timeline;
  }
  get stdout(): readonly string[] {
    return this.output.lines('stdout');
  }
  get stderr(): readonly string[] {
    return this.output.lines('stderr');
  }

  mark = () => this.output.mark();
  lines = (stream?: OutputStream) => this.output.lines(stream);
  linesSince = (mark: OutputMark, stream?: OutputStream) => this.output.linesSince(mark, stream);
  waitForLine: LocalLambda['waitForLine'] = (predicate, options) =>
    this.output.waitForLine(predicate, options);

  async invoke(event: unknown, options?: InvokeOptions): Promise<InvokeResult> {
    const result = await this.api.invoke(event, options);
    // Output written before the response is already in the pipe; two turns of
    // the event loop let it be read, so linesSince(mark) sees it.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    return result;
  }

  /** Start the runtime and wait for init to end (first poll, init error, exit or init timeout). */
  async start(): Promise<void> {
    const plan = bootstrapPlan(this.options, this.api.address);
    const wrapper = plan.env.AWS_LAMBDA_EXEC_WRAPPER;
    const problem = wrapper ? wrapperProblem(wrapper) : undefined;
    if (problem) {
      // The bootstrap prints this and exits before any runtime starts.
      this.output.record('stdout', problem.message);
      this.earlyError = exitError({ code: problem.exitStatus, signal: null });
      this.api.abort(this.earlyError);
      return;
    }
    const startedAt = performance.now();
    this.spawn(plan.command, [...plan.args], plan.env, plan.cwd);
    const limit = this.options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
    const outcome = await Promise.race([
      this.api.initialized,
      this.exited.then(() => undefined),
      sleep(limit, 'timeout' as const, { ref: false }),
    ]);
    if (outcome === 'timeout') return this.failInit(`Init phase timed out after ${limit} ms`);
    if (outcome?.ok) this.initDurationMs = performance.now() - startedAt;
    // No re-init here: an init error leaves this environment dead.
    if (outcome && !outcome.ok) this.api.abort(outcome.error);
  }

  async stop(): Promise<void> {
    if (this.alive) {
      this.kill('SIGTERM');
      const killer = setTimeout(() => this.kill('SIGKILL'), SHUTDOWN_GRACE_MS);
      await this.exited;
      clearTimeout(killer);
    }
    await this.api.close();
  }

  /** Kill the whole process group: the sandbox goes, wrapper children included. */
  kill(signal: NodeJS.Signals): void {
    if (!this.alive || this.child?.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // already gone
    }
  }

  private spawn(command: string, args: string[], env: Record<string, string>, cwd: string) {
    const child = spawn(command, args, {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    this.alive = true;
    this.output.capture('stdout', child.stdout);
    this.output.capture('stderr', child.stderr);
    this.exited = new Promise((resolve) => {
      const done = (status: ExitStatus) => {
        if (!this.alive) return;
        this.alive = false;
        this.onExit(status);
        resolve(status);
      };
      // 'close' comes after the output streams end, so every line is captured.
      child.once('close', (code, signal) => done({ code, signal }));
      child.once('error', (e) => {
        this.output.record('stderr', e.message);
        this.earlyError ??= { errorType: 'Runtime.ExitError', errorMessage: e.message };
        done({ code: null, signal: null });
      });
    });
  }

  private onExit(status: ExitStatus): void {
    const error = this.api.initError ?? this.earlyError ?? exitError(status);
    if (this.initDurationMs === undefined) this.earlyError ??= error;
    this.api.abort(error);
  }

  private failInit(errorMessage: string): void {
    this.earlyError = { errorType: 'Sandbox.Timedout', errorMessage };
    this.api.abort(this.earlyError);
    this.kill('SIGKILL');
  }
}

/**
 * Start one execution environment the way Lambda does: a Runtime API on a
 * random loopback port, then the bootstrap's command line (honouring
 * `AWS_LAMBDA_EXEC_WRAPPER`) with the environment Lambda sets, running the real
 * `aws-lambda-ric`. Resolves when init has ended; check `initError`.
 *
 * @example
 * const fn = await startLocalLambda({ taskRoot: 'test/fixtures/handlers', handler: 'echo.handler' });
 * const mark = fn.mark();
 * const { result, error, timedOut } = await fn.invoke({ hello: 'world' });
 * console.log(fn.linesSince(mark));
 * await fn.stop();
 */
export async function startLocalLambda(options: LocalLambdaOptions): Promise<LocalLambda> {
  let environment: LocalLambdaEnvironment | undefined;
  const name = options.functionName ?? 'local';
  const region = options.env?.AWS_REGION ?? 'us-east-1';
  const api = await startRuntimeApi({
    functionArn: options.functionArn ?? `arn:aws:lambda:${region}:123456789012:function:${name}`,
    handler: options.handler,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxConcurrency !== undefined ? { maxConcurrency: options.maxConcurrency } : {}),
    // Lambda ends a timed-out sandbox; its next invocation goes to a new one.
    onTimeout: () => environment?.kill('SIGKILL'),
  });
  environment = new LocalLambdaEnvironment(options, api);
  await environment.start();
  return environment;
}
