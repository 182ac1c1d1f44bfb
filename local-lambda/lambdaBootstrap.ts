import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RIC_DIR } from './localTools.js';

/** Lambda's managed Node.js runtime that this local environment imitates. */
export const EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
/** The repository's node_modules, standing for the runtime's own (its AWS SDK v3). */
const RUNTIME_NODE_MODULES = fileURLToPath(new URL('../node_modules', import.meta.url));
/** Lambda's default memory size (MB). */
const DEFAULT_MEMORY_MB = 128;
/** Where Lambda's own X-Ray daemon listens; nothing listens there locally. */
const DEFAULT_XRAY_DAEMON = '127.0.0.1:2000';

/** The function configuration that decides the runtime's command line and environment. */
export interface LambdaFunctionConfig {
  /** Directory with the function code (`/var/task`). */
  readonly taskRoot: string;
  /** `file.export`; nested paths (`src/app.handler`) and nested exports allowed. */
  readonly handler: string;
  /** An `/opt`-like directory, e.g. an unzipped layer. */
  readonly optDir?: string;
  /** Function environment variables; they win over the ones Lambda sets. */
  readonly env?: Readonly<Record<string, string>>;
  /** @default 'local' */
  readonly functionName?: string;
  /** @default 128 */
  readonly memoryMb?: number;
  /** @default 'on-demand' */
  readonly initializationType?: 'on-demand' | 'provisioned-concurrency';
  /** `host:port` for `AWS_XRAY_DAEMON_ADDRESS`. @default '127.0.0.1:2000' */
  readonly xrayDaemonAddress?: string;
  /** The Node.js binary to run the runtime with. @default process.execPath */
  readonly nodeBinary?: string;
  /** When > 1, sets `AWS_LAMBDA_MAX_CONCURRENCY` (ric 4 then runs worker threads). */
  readonly maxConcurrency?: number;
  /**
   * Provide the AWS SDK v3 where Lambda's Node.js runtime does
   * (`/var/runtime/node_modules`, on NODE_PATH): here, the repository's copy.
   * Off, a function that imports it fails to find it.
   * @default false
   */
  readonly awsSdk?: boolean;
}

/** How to start one execution environment: what Lambda's `/var/runtime/bootstrap` would exec. */
export interface BootstrapPlan {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

/**
 * The entry of the real runtime interface client (`aws-lambda-ric`'s
 * `index.mjs`), installed under local-lambda/ric by {@link ensureRic}.
 */
export function ricEntry(): string {
  return createRequire(join(RIC_DIR, 'package.json')).resolve('aws-lambda-ric');
}

/** The major version of a Node.js binary (asked once per binary). */
const majors = new Map<string, number>();
export function nodeMajor(nodeBinary: string): number {
  const known = majors.get(nodeBinary);
  if (known !== undefined) return known;
  const version =
    nodeBinary === process.execPath
      ? process.versions.node
      : spawnSync(nodeBinary, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout;
  const major = Number.parseInt(version, 10);
  majors.set(nodeBinary, major);
  return major;
}

/**
 * Node arguments as the bootstrap builds them: heap sized from the memory
 * setting, and the experimental module features Lambda disables unless
 * NODE_OPTIONS re-enables them.
 */
function nodeArgs(memoryMb: number, major: number, nodeOptions: string): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  const args = [
    '--expose-gc',
    '--max-http-header-size',
    '81920',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
  const disabled =
    major === 20 ? ['require-module'] : major === 22 ? ['require-module', 'detect-module'] : [];
  for (const feature of disabled) {
    if (!nodeOptions.includes(`--experimental-${feature}`))
      args.push(`--no-experimental-${feature}`);
  }
  return args;
}

/**
 * NODE_PATH as the bootstrap sets it, with `/opt` moved to `optDir` (left out
 * without one) and `/var/runtime/node_modules` to the repository's with `awsSdk`.
 */
function lambdaNodePath(
  taskRoot: string,
  runtimeDir: string,
  optDir: string | undefined,
  awsSdk: boolean,
): string {
  const opt = optDir
    ? [join(optDir, 'nodejs/node22/node_modules'), join(optDir, 'nodejs/node_modules')]
    : [];
  const runtimeModules = awsSdk ? RUNTIME_NODE_MODULES : join(runtimeDir, 'node_modules');
  return [...opt, runtimeModules, runtimeDir, taskRoot].join(':');
}

function logStreamName(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/** The environment Lambda gives the runtime process, then the function's own variables. */
export function lambdaEnv(
  config: LambdaFunctionConfig,
  runtimeApi: string,
): Record<string, string> {
  const taskRoot = resolve(config.taskRoot);
  const runtimeDir = dirname(ricEntry());
  const name = config.functionName ?? 'local';
  const daemon = config.xrayDaemonAddress ?? DEFAULT_XRAY_DAEMON;
  const region = config.env?.AWS_REGION ?? 'us-east-1';
  const optBin = config.optDir ? [join(resolve(config.optDir), 'bin')] : [];
  const node = config.nodeBinary ?? process.execPath;
  const env: Record<string, string> = {
    _HANDLER: config.handler,
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: runtimeDir,
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb ?? DEFAULT_MEMORY_MB),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
    AWS_LAMBDA_INITIALIZATION_TYPE: config.initializationType ?? 'on-demand',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: EXECUTION_ENV,
    AWS_XRAY_DAEMON_ADDRESS: daemon,
    _AWS_XRAY_DAEMON_ADDRESS: daemon.split(':')[0] ?? daemon,
    _AWS_XRAY_DAEMON_PORT: daemon.split(':')[1] ?? '2000',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    NODE_PATH: lambdaNodePath(
      taskRoot,
      runtimeDir,
      config.optDir && resolve(config.optDir),
      config.awsSdk ?? false,
    ),
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    // Lambda's PATH, with the directory of the chosen node first so wrappers find it.
    PATH: [dirname(node), '/usr/local/bin', '/usr/bin', '/bin', ...optBin].join(':'),
  };
  if ((config.maxConcurrency ?? 1) > 1)
    env.AWS_LAMBDA_MAX_CONCURRENCY = String(config.maxConcurrency);
  return { ...env, ...config.env };
}

/**
 * Why Lambda's bootstrap would refuse an exec wrapper, with its exit status
 * (127: missing, 126: not executable), or undefined when it is usable.
 */
export function wrapperProblem(
  wrapper: string,
): { message: string; exitStatus: number } | undefined {
  try {
    if (!statSync(wrapper).isFile()) throw new Error('not a file');
  } catch {
    return { message: `${wrapper}: does not exist`, exitStatus: 127 };
  }
  try {
    accessSync(wrapper, constants.X_OK);
  } catch {
    return { message: `${wrapper}: is not an executable`, exitStatus: 126 };
  }
  return undefined;
}

/**
 * The process to start for one execution environment, as Lambda's bootstrap
 * execs it: `node <args> <ric entry>`, or `<wrapper> node <args> <ric entry>`
 * when `AWS_LAMBDA_EXEC_WRAPPER` is set. The handler is not an argument: ric 4
 * reads `_HANDLER`, and wrappers commonly insert node flags before the last
 * argument, expecting it to be the entry script. The ESM NODE_PATH hook goes
 * through NODE_OPTIONS, which survives any wrapper that keeps the environment.
 *
 * @example
 * const plan = bootstrapPlan({ taskRoot: 'fixtures', handler: 'index.handler' }, '127.0.0.1:9001');
 * spawn(plan.command, plan.args, { env: plan.env, cwd: plan.cwd });
 */
export function bootstrapPlan(config: LambdaFunctionConfig, runtimeApi: string): BootstrapPlan {
  const base = lambdaEnv(config, runtimeApi);
  const hook = new URL('./lambdaNodePath.mjs', import.meta.url).href;
  const nodeOptions = `${base.NODE_OPTIONS ?? ''} --import=${hook}`.trim();
  const env: Record<string, string> = { ...base, NODE_OPTIONS: nodeOptions };
  const node = config.nodeBinary ?? process.execPath;
  const memoryMb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  const nodeCommand = [node, ...nodeArgs(memoryMb, nodeMajor(node), nodeOptions), ricEntry()];
  const wrapper = env.AWS_LAMBDA_EXEC_WRAPPER;
  const [command, ...args] = wrapper ? [wrapper, ...nodeCommand] : nodeCommand;
  return { command: command ?? node, args, env, cwd: resolve(config.taskRoot) };
}
