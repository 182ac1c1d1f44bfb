import { spawn } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { bootstrapPlan } from '../../local-lambda/lambdaBootstrap.js';
import type { Contender, ContenderId } from './contenders.js';
import { extensionsApiPath, runnerPath } from './paths.js';
import { SCENARIOS, type ScenarioId, scenarioEnv } from './scenarios.js';
import type { SinkCounts, Sinks } from './sinks.js';
import type { Staged } from './stage.js';

/**
 * Never contacted: the runner invokes the handler in-process. Set because Lambda
 * sets it. A contender with `extensionsApi` gets the address of the Extensions
 * API stand-in instead (bench/child/extensionsApi.mjs), started beside the runner.
 */
const RUNTIME_API = '127.0.0.1:9001';
/** A child past this is killed and its run recorded as failed. */
const RUN_TIMEOUT_MS = 15 * 60_000;

export type RunKind = 'cold' | 'cold-no-hook' | 'warm' | 'leak' | 'profile';

/**
 * How the handler's imports of layer packages resolve. `hook`: as the test
 * bootstrap runs Lambda (layer packages on NODE_PATH, an ESM resolve hook
 * preloaded for every contender). `node_modules`: no hook; the function's
 * directory links the layer's node_modules (a control for what the hook costs).
 */
export type Resolution = 'hook' | 'node_modules';

export interface RunSpec {
  readonly contender: Contender;
  readonly kind: RunKind;
  readonly round: number;
  /** The conditions of its invocations. @default 'default' */
  readonly scenario?: ScenarioId;
  /** Warm invocations after the first. */
  readonly warm: number;
  /** Invocation counts (the first invocation is 1) after which to GC and sample the heap. */
  readonly heapAt: readonly number[];
  readonly memoryMb: number;
  /** Node flags added before the entry script (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
  /** The Node.js binary of the Lambda runtime imitated. @default this process's */
  readonly nodeBinary?: string;
  /** Extra function environment variables (profiling). */
  readonly env?: Readonly<Record<string, string>>;
  /** @default 'hook' */
  readonly resolution?: Resolution;
  /** Keep the stdout/stderr files (profiling reads --trace-gc lines from them). */
  readonly keepOutput?: boolean;
}

/** The child's own report (bench/child/runner.mjs). */
interface ChildReport {
  hr: {
    origin: string;
    bootstrapComplete: string;
    main: string;
    ready: string;
    firstStart: string;
    loopStart: string;
    loopEnd: string;
  };
  init: { rss: number; heapUsed: number };
  firstNs: number;
  afterFirst: { rss: number };
  sample: { label: string; confidence: number };
  warm: {
    n: number;
    loopNs: number;
    p50Ns: number;
    p90Ns: number;
    p99Ns: number;
    p999Ns: number;
    maxNs: number;
    meanNs: number;
    /** p50 over the process's first 2,000 warm invocations (JIT still warming). */
    jitColdP50Ns: number;
    cpuUs: number;
  };
  heap: Array<{ at: number; heapUsed: number; rss: number }>;
  end: { rss: number };
  /** Whether an extension registered with the runner's Extensions API stand-in (`extensionsApi` only). */
  extension?: boolean;
  /** How long the runner took to start that stand-in, between `main` and `ready`. */
  extensionsApiStartNs?: number;
  /**
   * With an extension: from each handler's return to the extension's next poll
   * of `/event/next`, the work it does after the response (warm invocations).
   */
  postResponse?: {
    n: number;
    p50Ns: number;
    p99Ns: number;
    meanNs: number;
    /** Polls that came before the handler had returned (a misbehaving extension), counted as 0. */
    earlyPolls: number;
  };
  /** The same for the first invocation. */
  firstPostResponseNs?: number;
}

export interface RunResult {
  readonly contender: ContenderId;
  readonly kind: RunKind;
  readonly round: number;
  readonly scenario: ScenarioId;
  readonly ok: boolean;
  readonly error?: string;
  /** Spawn (the parent's clock, just before fork/exec) → handler imported and exported. */
  readonly coldStartMs?: number;
  /** Where that time went: exec (and any wrapper script), Node bootstrap, preloads (--import), handler import. */
  readonly phasesMs?: { exec: number; bootstrap: number; preload: number; handlerImport: number };
  readonly firstMs?: number;
  /** The child's hrtime stamps (ns, the clock the parent and V8's profiler share). */
  readonly hr?: ChildReport['hr'];
  readonly rssInitMb?: number;
  /** RSS once the first invocation has returned. */
  readonly rssFirstMb?: number;
  readonly heapInitMb?: number;
  readonly warm?: ChildReport['warm'];
  readonly heap?: ChildReport['heap'];
  /** Contenders with `extensionsApi`: whether their extension registered. */
  readonly extension?: boolean;
  /** Contenders with `extensionsApi`: the runner's start of its stand-in, left out of the cold start. */
  readonly extensionsApiStartMs?: number;
  /** Contenders with `extensionsApi`: the extension's work after each warm response. */
  readonly postResponse?: ChildReport['postResponse'];
  readonly firstPostResponseMs?: number;
  readonly telemetry?: Omit<SinkCounts, 'udpSample' | 'otlpSample'> & {
    stdoutBytes: number;
    stderrBytes: number;
    stdoutLines: number;
    invocations: number;
  };
  readonly samples?: { stdout: string[]; stderr: string; udp?: string; otlp?: string };
  /** With `keepOutput`: the child's stdout and stderr files. */
  readonly output?: { stdout: string; stderr: string };
}

const MB = 1024 * 1024;

async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file)) {
    const buffer = chunk as Buffer;
    for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

function head(file: string, bytes: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const n = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The Extensions API stand-in of one run: its ports, and how to stop it. */
interface StandIn {
  readonly api: string;
  readonly control: number;
  readonly stop: () => void;
}

/**
 * Start the Extensions API stand-in (bench/child/extensionsApi.mjs) in a
 * process of its own, as Lambda's is the platform's: it writes its API and
 * control ports, and ends when the runner's control connection closes.
 * `stderr`: the run's stderr file, where it reports what it refused.
 */
async function startStandIn(env: Record<string, string>, stderr: number): Promise<StandIn> {
  const child = spawn(process.execPath, [extensionsApiPath], {
    env,
    stdio: ['ignore', 'pipe', stderr],
  });
  const stop = () => child.kill('SIGKILL');
  const ports = await new Promise<string>((resolvePorts, rejectPorts) => {
    let text = '';
    const out = child.stdout;
    if (!out) throw new Error('Extensions API stand-in: no stdout');
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) resolvePorts(text.slice(0, text.indexOf('\n')));
    });
    child.once('exit', (code) => rejectPorts(new Error(`Extensions API stand-in exited ${code}`)));
    child.once('error', rejectPorts);
  }).catch((error: unknown) => {
    stop();
    throw error;
  });
  const [api, control] = ports.split(' ');
  return { api: `127.0.0.1:${api}`, control: Number(control), stop };
}

function childCommand(spec: RunSpec, staged: Staged, sinks: Sinks, out: string) {
  const { contender } = spec;
  const optDir = staged.optDirs[contender.layer];
  const env: Record<string, string> = {
    ...contender.env,
    ...scenarioEnv(SCENARIOS[spec.scenario ?? 'default']),
    ...spec.env,
    OI_BENCH_OUT: out,
    OI_BENCH_WARM: String(spec.warm),
    OI_BENCH_HEAP_AT: spec.heapAt.join(','),
  };
  if (contender.execWrapper && optDir) {
    env.AWS_LAMBDA_EXEC_WRAPPER = join(optDir, contender.execWrapper);
  }
  // The OTLP endpoint is the layer's collector extension in Lambda. ADOT must not
  // see one: without it, it sends to the X-Ray daemon over UDP as it does in Lambda.
  if (contender.collector) env.OTEL_EXPORTER_OTLP_ENDPOINT = sinks.otlpEndpoint;
  const resolution = spec.resolution ?? 'hook';
  const plan = bootstrapPlan(
    {
      taskRoot: staged.taskRoot(contender, resolution),
      handler: 'index.handler',
      ...(optDir ? { optDir } : {}),
      env,
      functionName: 'bench-fn',
      memoryMb: spec.memoryMb,
      xrayDaemonAddress: sinks.udpAddress,
      ...(spec.nodeBinary ? { nodeBinary: spec.nodeBinary } : {}),
    },
    RUNTIME_API,
  );
  // The plan ends with the runtime client's entry; the runner takes its place.
  const args = [...plan.args.slice(0, -1), ...(spec.nodeArgs ?? []), runnerPath];
  const childEnv = { ...plan.env };
  if (resolution === 'node_modules') {
    childEnv.NODE_OPTIONS = (childEnv.NODE_OPTIONS ?? '')
      .split(' ')
      .filter((option) => !option.endsWith('/lambdaNodePath.mjs'))
      .join(' ');
  }
  return { command: plan.command, args, env: childEnv, cwd: plan.cwd };
}

/**
 * Start one execution environment for `spec`, wait for it to finish its
 * invocations and exit, and collect what it measured and what it emitted.
 */
export async function runOnce(spec: RunSpec, staged: Staged, sinks: Sinks): Promise<RunResult> {
  const scenario = spec.scenario ?? 'default';
  const base = join(staged.runsDir, `${spec.contender.id}-${spec.kind}-${scenario}-${spec.round}`);
  const out = `${base}.json`;
  const stdoutFile = `${base}.stdout`;
  const stderrFile = `${base}.stderr`;
  const { command, args, env, cwd } = childCommand(spec, staged, sinks, out);
  await sinks.take();
  const stdoutFd = openSync(stdoutFile, 'w');
  const stderrFd = openSync(stderrFile, 'w');
  // The runner points AWS_LAMBDA_RUNTIME_API at the stand-in once connected to it.
  const { extensionsApi, wake } = spec.contender;
  const standIn = extensionsApi || wake ? await startStandIn(env, stderrFd) : undefined;
  if (standIn) {
    if (extensionsApi) env.OI_BENCH_EXTENSIONS_API = standIn.api;
    if (wake) env.OI_BENCH_WAKE = '1';
    env.OI_BENCH_EXTENSIONS_CONTROL = String(standIn.control);
  }
  const spawnedAt = process.hrtime.bigint();
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', stdoutFd, stderrFd] });
  closeSync(stdoutFd);
  closeSync(stderrFd);
  const killer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('error', () => resolve({ code: null, signal: 'spawn error' }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(killer);
  standIn?.stop();
  const counts = await sinks.take();
  const stdoutBytes = statSync(stdoutFile).size;
  const stderrBytes = statSync(stderrFile).size;
  const stderr = head(stderrFile, 2000);
  const stdoutHead = head(stdoutFile, 6000).split('\n').slice(0, 3);
  const stdoutLines = await countLines(stdoutFile);
  if (!spec.keepOutput) {
    rmSync(stdoutFile);
    rmSync(stderrFile);
  }
  const common = { contender: spec.contender.id, kind: spec.kind, round: spec.round, scenario };
  if (exit.code !== 0 || !existsSync(out)) {
    return {
      ...common,
      ok: false,
      error: `exit ${exit.code ?? exit.signal}: ${stderr.trim() || stdoutHead.join('\n')}`,
    };
  }
  const report = JSON.parse(readFileSync(out, 'utf8')) as ChildReport;
  rmSync(out);
  const ms = (from: string | bigint, to: string | bigint) =>
    Number(BigInt(to) - BigInt(from)) / 1e6;
  const { udpSample, otlpSample, ...sinkCounts } = counts;
  // The runner connects to the Extensions API stand-in before the handler is
  // imported; in Lambda that server is the platform's.
  const standInMs = (report.extensionsApiStartNs ?? 0) / 1e6;
  return {
    ...common,
    ok: true,
    coldStartMs: ms(spawnedAt, report.hr.ready) - standInMs,
    phasesMs: {
      exec: ms(spawnedAt, report.hr.origin),
      bootstrap: ms(report.hr.origin, report.hr.bootstrapComplete),
      preload: ms(report.hr.bootstrapComplete, report.hr.main),
      handlerImport: ms(report.hr.main, report.hr.ready) - standInMs,
    },
    firstMs: report.firstNs / 1e6,
    hr: report.hr,
    rssInitMb: report.init.rss / MB,
    rssFirstMb: report.afterFirst.rss / MB,
    heapInitMb: report.init.heapUsed / MB,
    warm: report.warm,
    heap: report.heap,
    ...(report.extension !== undefined ? { extension: report.extension } : {}),
    ...(report.extensionsApiStartNs !== undefined ? { extensionsApiStartMs: standInMs } : {}),
    ...(report.postResponse ? { postResponse: report.postResponse } : {}),
    ...(report.firstPostResponseNs !== undefined
      ? { firstPostResponseMs: report.firstPostResponseNs / 1e6 }
      : {}),
    telemetry: {
      ...sinkCounts,
      stdoutBytes,
      stderrBytes,
      stdoutLines,
      invocations: 1 + report.warm.n,
    },
    ...(spec.keepOutput ? { output: { stdout: stdoutFile, stderr: stderrFile } } : {}),
    samples: {
      stdout: stdoutHead,
      stderr,
      ...(udpSample !== undefined ? { udp: udpSample } : {}),
      ...(otlpSample !== undefined ? { otlp: otlpSample } : {}),
    },
  };
}
