import type { Attributes } from '@opentelemetry/api';
import { ConfigError } from './errors.js';
import { normaliseKey } from './redactKeys.js';
import { type ComputePrice, computePrice } from './resourceUsage.js';
import {
  DEFAULT_LOW_CONFIDENCE,
  DEFAULT_NAMESPACE,
  dimensionValueProblem,
  driftWindowProblem,
  ECOSYSTEM_ENV,
  ENV,
  LIST_SEPARATOR,
  LOGS_MODE,
  type LogsMode,
  METRICS_MODE,
  type MetricsMode,
  START_TYPE,
  type StartType,
  TRACES_MODE,
  type TracesMode,
  type TracesProvider,
} from './telemetry.js';
import {
  DEFAULT_DAEMON_ADDRESS,
  type HostPort,
  parseDaemonAddress,
} from './tracing/daemonAddress.js';
import { type OtlpHttpConfig, resolveOtlpHttp } from './tracing/otlpEndpoint.js';
import {
  modeEnv,
  resolveLogsMode,
  resolveMetricsMode,
  resolveResource,
  resolveTracesMode,
  resolveTracesProvider,
} from './tracing/traceConfig.js';
import type { ModelSpec, ObserveOptions } from './types.js';

/**
 * Keys redacted by default wherever payloads are logged, as normalised words
 * (`redactKeys.ts`: `apikey` also redacts `x-api-key`, `token` also
 * `X-Amz-Security-Token` and `id_token`). Drawn from what Sentry's default
 * scrubber, pino users' redact paths and Powertools' data masking examples
 * cover: credentials, tokens, session cookies, card and bank numbers,
 * national ids.
 */
export const DEFAULT_REDACT_KEYS: readonly string[] = [
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'auth',
  'authorization',
  'bearer',
  'credential',
  'credentials',
  'apikey',
  'accesskey',
  'privatekey',
  'signature',
  'jwt',
  'otp',
  'session',
  'sessionid',
  'cookie',
  'setcookie',
  // Whole keys only (`=`): `card_present` and `card_type` are fraud features, not secrets.
  '=card',
  '=pan',
  '=pin',
  'pincode',
  'creditcard',
  'debitcard',
  'cardnumber',
  'cardnum',
  'cardno',
  'ccnumber',
  'ccnum',
  'cvv',
  'cvv2',
  'cvc',
  'ssn',
  'socialsecurity',
  'iban',
  'accountnumber',
  'routingnumber',
];

/** The resolved, immutable settings the hot path reads (never `process.env`). */
export interface ResolvedConfig {
  readonly inLambda: boolean;
  readonly serviceName: string;
  readonly namespace: string;
  readonly model: Required<ModelSpec>;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly region: string | undefined;
  readonly memoryMb: number | undefined;
  readonly lowConfidence: number;
  /** 0 when payload logging is off. */
  readonly logPayloadRate: number;
  /** Run the invocation path once at init, writing nothing (`priming.ts`). */
  readonly priming: boolean;
  /** Normalised (`normaliseKey`): the defaults plus `redact`/`OBSERVED_REDACT`, less their `!name`s. */
  readonly redactKeys: ReadonlySet<string>;
  readonly traces: TracesMode;
  /** `OBSERVED_TRACES_PROVIDER`: read by the first observe() of the process only (`tracer.ts`). */
  readonly tracesProvider: TracesProvider;
  /** Where `xray-udp` and `otlp-udp` send their datagrams (`AWS_XRAY_DAEMON_ADDRESS`). */
  readonly daemon: HostPort;
  /** Where and how `otlp-http` sends traces; undefined in the other modes. */
  readonly otlp: OtlpHttpConfig | undefined;
  /** Where and how metrics `otlp-http` sends; undefined in the other modes. */
  readonly otlpMetrics: OtlpHttpConfig | undefined;
  /** `OBSERVED_LOGS`: where the log line goes. */
  readonly logs: LogsMode;
  /** Where and how logs `otlp-http` (or `both`) sends; undefined for `stdout`. */
  readonly otlpLogs: OtlpHttpConfig | undefined;
  /** The OpenTelemetry resource attributes (`traceConfig.ts`, `resolveResource`). */
  readonly resource: Attributes;
  readonly metrics: MetricsMode;
  readonly initType: StartType;
  readonly timeoutMarginMs: number;
  readonly baseline: string | undefined;
  /** `OBSERVED_DRIFT_WINDOW`: predictions per drift window. */
  readonly driftWindow: number | undefined;
  /** `OBSERVED_LABELS` (or the `labels` option): labels with a label-mix metric of their own. */
  readonly labels: readonly string[] | undefined;
  /** What `ComputeCost` is estimated with; undefined without a memory size (outside Lambda). */
  readonly computePrice: ComputePrice | undefined;
}

export interface ConfigResult {
  readonly config: ResolvedConfig;
  /** Invalid values found; each feature concerned fell back to its default. */
  readonly issues: readonly ConfigError[];
}

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function unitInterval(
  name: string,
  value: number | string | undefined,
  issues: ConfigError[],
): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value.trim());
  if (typeof value === 'string' && value.trim() === '') return undefined;
  if (Number.isFinite(n) && n >= 0 && n <= 1) return n;
  issues.push(new ConfigError(name, `'${value}' is not a number in [0, 1]`));
  return undefined;
}

function resolveModel(
  env: Env,
  option: ObserveOptions['model'],
  functionName: string,
  issues: ConfigError[],
): Required<ModelSpec> {
  const spec = typeof option === 'string' ? { name: option } : option;
  const candidates: Array<[string, string | undefined, string | undefined]> = [
    ['model', nonEmpty(spec?.name), nonEmpty(spec?.version)],
    [ENV.ModelName, nonEmpty(env[ENV.ModelName]), nonEmpty(env[ENV.ModelVersion])],
  ];
  let name = functionName;
  let version = '$LATEST';
  // Values arrive trimmed (nonEmpty), so the rule on surrounding whitespace never refuses one here.
  const valid = (source: string, what: string, value: string | undefined) => {
    const problem = value === undefined ? undefined : dimensionValueProblem(value);
    if (problem === undefined) return value;
    const message = `${what}'${value}' is not a valid CloudWatch dimension value: it ${problem}`;
    issues.push(new ConfigError(source, message));
    return undefined;
  };
  for (const [source, n, v] of candidates.reverse()) {
    name = valid(source, '', n) ?? name;
    version = valid(source, 'version ', v) ?? version;
  }
  return { name, version };
}

function resolveInitType(env: Env): StartType {
  switch (env[ECOSYSTEM_ENV.InitializationType]) {
    case START_TYPE.ProvisionedConcurrency:
      return START_TYPE.ProvisionedConcurrency;
    case START_TYPE.SnapStart:
      return START_TYPE.SnapStart;
    case START_TYPE.ManagedInstances:
      return START_TYPE.ManagedInstances;
    default:
      return START_TYPE.OnDemand;
  }
}

function resolveLogPayloads(
  env: Env,
  option: ObserveOptions['logPayloads'],
  issues: ConfigError[],
): number {
  const raw = option ?? env[ENV.LogPayloads];
  if (raw === undefined || raw === 'off' || (typeof raw === 'string' && raw.trim() === '')) {
    return 0;
  }
  if (typeof raw === 'string' && raw.trim().toLowerCase() === 'off') return 0;
  const source = option !== undefined ? 'logPayloads' : ENV.LogPayloads;
  const rate = unitInterval(source, raw, []);
  if (rate === undefined) {
    issues.push(new ConfigError(source, `'${raw}' is neither 'off' nor a sampling rate in [0, 1]`));
  }
  return rate ?? 0;
}

function resolvePriming(env: Env, option: boolean | undefined, issues: ConfigError[]): boolean {
  if (option !== undefined) return option !== false;
  const raw = nonEmpty(env[ENV.Priming])?.toLowerCase();
  if (raw === undefined || raw === 'on') return true;
  if (raw === 'off') return false;
  issues.push(new ConfigError(ENV.Priming, `'${env[ENV.Priming]}' is neither 'on' nor 'off'`));
  return true;
}

function resolveDaemon(env: Env, issues: ConfigError[]): HostPort {
  const parsed = parseDaemonAddress(env[ECOSYSTEM_ENV.DaemonAddress]);
  if (parsed.ok) return parsed.address.udp;
  issues.push(new ConfigError(ECOSYSTEM_ENV.DaemonAddress, parsed.error));
  return DEFAULT_DAEMON_ADDRESS.udp;
}

function resolveDriftWindow(env: Env, issues: ConfigError[]): number | undefined {
  const raw = nonEmpty(env[ENV.DriftWindow]);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const problem = driftWindowProblem(n);
  if (problem === undefined) return n;
  issues.push(
    new ConfigError(ENV.DriftWindow, `'${raw}' is not a drift window size: it ${problem}`),
  );
  return undefined;
}

function resolveLabels(
  env: Env,
  option: readonly string[] | undefined,
): readonly string[] | undefined {
  const labels = option ?? nonEmpty(env[ENV.Labels])?.split(LIST_SEPARATOR);
  const kept = labels?.map((l) => String(l).trim()).filter(Boolean);
  return kept && kept.length > 0 ? kept : undefined;
}

/** A price: ≥ 0 and finite, from the option, else the variable; undefined keeps the default. */
function resolvePrice(
  env: Env,
  name: string,
  option: number | undefined,
  prop: string,
  issues: ConfigError[],
): number | undefined {
  const raw = option ?? nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (Number.isFinite(n) && n >= 0) return n;
  const source = option !== undefined ? prop : name;
  issues.push(new ConfigError(source, `'${raw}' is not a price ≥ 0`));
  return undefined;
}

/**
 * The defaults plus the configured keys: configuring `ssn` must not stop
 * `client_secret` being redacted. `!name` takes a default out (`!pin` for a
 * model whose `pin` feature is not a secret); `=name` matches whole keys only.
 */
function resolveRedact(env: Env, option: readonly string[] | undefined): ReadonlySet<string> {
  const configured = option ?? nonEmpty(env[ENV.Redact])?.split(LIST_SEPARATOR) ?? [];
  const keys = new Set(DEFAULT_REDACT_KEYS);
  for (const entry of configured) {
    const raw = String(entry).trim();
    const remove = raw.startsWith('!');
    const name = remove ? raw.slice(1) : raw;
    const key = normaliseKey(name);
    if (key === '') continue;
    const entryKey = name.startsWith('=') ? `=${key}` : key;
    if (remove) {
      keys.delete(key);
      keys.delete(`=${key}`);
    } else keys.add(entryKey);
  }
  return keys;
}

/**
 * Whether the process is a Lambda runtime's: the function's name and the
 * Runtime API's address are both set (Lambda sets them; a script does not).
 *
 * @example
 * isInLambda(process.env); // false in a test, true under the runtime client
 */
export function isInLambda(env: Env): boolean {
  return env.AWS_LAMBDA_FUNCTION_NAME !== undefined && env.AWS_LAMBDA_RUNTIME_API !== undefined;
}

/**
 * Resolve options, environment and defaults into one immutable config, once
 * at init. Pure: it reads only its arguments (`arch`: `process.arch`, which
 * picks the price of `ComputeCost`). Precedence: options > env > default
 * (for traces: `OBSERVED_TRACES` > `OTEL_TRACES_EXPORTER`).
 *
 * @example
 * const { config, issues } = resolveConfig(process.env, { model: 'fraud' });
 */
export function resolveConfig(
  env: Env,
  options: ObserveOptions<never, never> = {},
  arch: string = process.arch,
): ConfigResult {
  const issues: ConfigError[] = [];
  const inLambda = isInLambda(env);
  const functionName = nonEmpty(env.AWS_LAMBDA_FUNCTION_NAME) ?? 'local';
  const modes = modeEnv(env);
  const traces = resolveTracesMode(modes, options.traces, inLambda, issues);
  const metrics = resolveMetricsMode(modes, options.metrics, inLambda, issues);
  const logs = resolveLogsMode(modes, options.logs, issues);
  const lowConfidence =
    unitInterval('lowConfidence', options.lowConfidence, issues) ??
    unitInterval(ENV.LowConfidence, env[ENV.LowConfidence], issues) ??
    DEFAULT_LOW_CONFIDENCE;
  const memory = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  let timeoutMarginMs = 100;
  if (options.timeoutMarginMs !== undefined) {
    if (Number.isFinite(options.timeoutMarginMs) && options.timeoutMarginMs >= 0) {
      timeoutMarginMs = options.timeoutMarginMs;
    } else {
      issues.push(
        new ConfigError(
          'timeoutMarginMs',
          `'${options.timeoutMarginMs}' is not a number of ms ≥ 0`,
        ),
      );
    }
  }
  const functionVersion = nonEmpty(env.AWS_LAMBDA_FUNCTION_VERSION) ?? '$LATEST';
  const region = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  const memoryMb = Number.isFinite(memory) && memory > 0 ? memory : undefined;
  const udp = traces === TRACES_MODE.XrayUdp || traces === TRACES_MODE.OtlpUdp;
  const config: ResolvedConfig = {
    inLambda,
    serviceName:
      nonEmpty(options.serviceName) ?? nonEmpty(env[ECOSYSTEM_ENV.ServiceName]) ?? functionName,
    namespace:
      nonEmpty(options.namespace) ?? nonEmpty(env[ECOSYSTEM_ENV.Namespace]) ?? DEFAULT_NAMESPACE,
    model: resolveModel(env, options.model, functionName, issues),
    functionName,
    functionVersion,
    region,
    memoryMb,
    lowConfidence,
    logPayloadRate: resolveLogPayloads(env, options.logPayloads, issues),
    priming: resolvePriming(env, options.priming, issues),
    redactKeys: resolveRedact(env, options.redact),
    traces,
    tracesProvider: resolveTracesProvider(env, issues),
    daemon: udp ? resolveDaemon(env, issues) : DEFAULT_DAEMON_ADDRESS.udp,
    otlp: traces === TRACES_MODE.OtlpHttp ? resolveOtlpHttp(env, issues, 'traces') : undefined,
    otlpMetrics:
      metrics === METRICS_MODE.OtlpHttp ? resolveOtlpHttp(env, issues, 'metrics') : undefined,
    logs,
    otlpLogs: logs === LOGS_MODE.Stdout ? undefined : resolveOtlpHttp(env, issues, 'logs'),
    resource: resolveResource(
      env,
      {
        inLambda,
        serviceName: options.serviceName,
        functionName,
        functionVersion,
        region,
        memoryMb,
      },
      issues,
    ),
    metrics,
    initType: resolveInitType(env),
    timeoutMarginMs,
    baseline: nonEmpty(env[ENV.Baseline]),
    driftWindow: resolveDriftWindow(env, issues),
    labels: resolveLabels(env, options.labels),
    computePrice: computePrice(memoryMb, arch, {
      perGbSecond: resolvePrice(
        env,
        ENV.PricePerGbSecond,
        options.computePrice?.perGbSecond,
        'computePrice.perGbSecond',
        issues,
      ),
      perRequest: resolvePrice(
        env,
        ENV.PricePerRequest,
        options.computePrice?.perRequest,
        'computePrice.perRequest',
        issues,
      ),
    }),
  };
  return { config, issues: distinct(issues) };
}

/** A generic OTLP variable is read once per signal: its problem is reported once. */
function distinct(issues: readonly ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = issue.message;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
