import { createHash } from 'node:crypto';
import { Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import { Construct } from 'constructs';
import { InvalidPropError } from './errors.js';
import { InferenceMetrics } from './metrics.js';
import { SLO_BUILDERS, SLO_KIND, type SloKind, type SloSpec } from './sloSpecs.js';
import {
  checkTarget,
  type InferenceObjective,
  type InferenceTarget,
  resolveObjective,
  targetLabel,
} from './target.js';

/**
 * Props of {@link InferenceServiceLevelObjectives}.
 *
 * @example
 * const props: InferenceServiceLevelObjectivesProps = {
 *   target: fraud.target,
 *   objective: { latencyP99: Duration.millis(300), errorRate: 0.01 },
 * };
 */
export interface InferenceServiceLevelObjectivesProps {
  /** The model whose inferences are measured. */
  readonly target: InferenceTarget;
  /**
   * The objective: 99% of inferences within `latencyP99`, and at most
   * `errorRate` of them failing (in (0, 1)).
   * @default { latencyP99: Duration.millis(250), errorRate: 0.01 }
   */
  readonly objective?: InferenceObjective;
  /**
   * The rolling interval the goal is judged over: whole minutes.
   * @default Duration.days(28)
   */
  readonly interval?: Duration;
  /**
   * Look-back windows of the burn-rate metrics Application Signals computes
   * (for alarms of your own), each from 1 minute to 7 days, within `interval`.
   * @default - none
   */
  readonly burnRateWindows?: readonly Duration[];
  /**
   * SLOs not to create.
   * @default - none: latency and availability
   */
  readonly exclude?: readonly SloKind[];
  /**
   * First part of each SLO name (names are unique per account and Region).
   * @default - the stack name
   */
  readonly sloNamePrefix?: string;
}

/**
 * The SLOs an `ObservedInferenceFunction` creates for its own model, on its `objective`.
 *
 * @example
 * const slos: FunctionServiceLevelObjectives = { replaceAlarms: true, burnRateWindows: [Duration.hours(1)] };
 */
export interface FunctionServiceLevelObjectives
  extends Omit<InferenceServiceLevelObjectivesProps, 'target' | 'objective'> {
  /**
   * Leave out the alarms the SLOs restate: the p99-latency alarm beside the
   * latency SLO, the error-rate alarm beside the availability SLO.
   * @default false: the alarms stay, paging per period; the SLOs judge the interval
   */
  readonly replaceAlarms?: boolean;
}

/** SLO names: letters, digits, space, `-`, `.`, `_`, starting and ending alphanumeric, ≤ 128 characters. */
const MAX_SLO_NAME = 128;
const SLO_NAME = /^[0-9A-Za-z][-._0-9A-Za-z ]*[0-9A-Za-z]$/;
const MAX_BURN_RATE_MINUTES = Duration.days(7).toMinutes();

/** Literal SLO names already given out in each stack, to catch a collision at synth time. */
const namesByStack = new WeakMap<Stack, Set<string>>();

/**
 * CloudWatch Application Signals service-level objectives for one model:
 * 99% of inferences within the p99 objective, and the error-rate budget,
 * each judged over a rolling interval (28 days) on the function's own EMF
 * metrics, so they hold with every trace export. They restate what the
 * p99-latency and error-rate alarms judge per period as an error budget;
 * the Application Signals console shows attainment and budget left.
 * Creating the first SLO creates Application Signals' service-linked role;
 * nothing account-wide (`AWS::ApplicationSignals::Discovery`) is created.
 *
 * @example
 * new InferenceServiceLevelObjectives(this, 'Slos', {
 *   target: fraud.target,
 *   objective: { latencyP99: Duration.millis(300), errorRate: 0.01 },
 *   burnRateWindows: [Duration.hours(1)],
 * });
 */
export class InferenceServiceLevelObjectives extends Construct {
  /** 99% of inferences within the p99 objective, unless excluded. */
  readonly latency?: applicationsignals.CfnServiceLevelObjective;
  /** Inferences without an error, unless excluded. */
  readonly availability?: applicationsignals.CfnServiceLevelObjective;
  readonly target: InferenceTarget;

  constructor(scope: Construct, id: string, props: InferenceServiceLevelObjectivesProps) {
    super(scope, id);
    checkTarget('target', props.target);
    this.target = props.target;
    const objective = resolveObjective('objective', props.objective);
    const interval = rollingInterval('interval', props.interval ?? Duration.days(28));
    const burnRateConfigurations = burnRates(props.burnRateWindows ?? [], props.interval);
    const exclude = checkExclude(props.exclude ?? []);
    const prefix = props.sloNamePrefix ?? Stack.of(this).stackName;
    const metrics = new InferenceMetrics(props.target);
    const made: Partial<Record<SloKind, applicationsignals.CfnServiceLevelObjective>> = {};
    for (const kind of Object.values(SLO_KIND)) {
      if (exclude.has(kind)) continue;
      const spec = SLO_BUILDERS[kind](metrics, objective);
      made[kind] = new applicationsignals.CfnServiceLevelObjective(this, capitalised(kind), {
        name: this.#name(prefix, spec),
        description: `${targetLabel(props.target)}: ${spec.description}`,
        requestBasedSli: { requestBasedSliMetric: spec.sliMetric },
        goal: { attainmentGoal: spec.attainmentGoal, interval },
        burnRateConfigurations,
      });
    }
    this.latency = made.latency;
    this.availability = made.availability;
  }

  /** `<prefix> <service> <model> <version> <kind>`, made valid, unique in the stack. */
  #name(prefix: string, spec: SloSpec): string {
    const { serviceName, model } = this.target;
    const raw = [prefix, serviceName, model.name, model.version].join(' ');
    if (Token.isUnresolved(raw))
      return Names.uniqueResourceName(this, {
        maxLength: MAX_SLO_NAME - spec.kind.length - 1,
      }).concat(' ', spec.kind);
    let name = `${raw.replace(/[^-._0-9A-Za-z ]/g, '_')} ${spec.kind}`;
    if (name.length > MAX_SLO_NAME) {
      const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
      const keep = MAX_SLO_NAME - spec.kind.length - hash.length - 2;
      name = `${name.slice(0, keep)} ${hash} ${spec.kind}`;
    }
    if (!SLO_NAME.test(name))
      throw new InvalidPropError(
        'sloNamePrefix',
        `makes the SLO name ${JSON.stringify(name)}, which must start with a letter or digit`,
      );
    const stack = Stack.of(this);
    const names = namesByStack.get(stack) ?? new Set<string>();
    namesByStack.set(stack, names);
    if (names.has(name))
      throw new InvalidPropError(
        'sloNamePrefix',
        `the SLO name ${JSON.stringify(name)} is already used in stack ${stack.stackName}: ` +
          'the same model has SLOs twice, or two sets need different prefixes',
      );
    names.add(name);
    return name;
  }
}

const capitalised = (kind: string) => kind[0]!.toUpperCase() + kind.slice(1);

/** A duration in the largest whole unit an SLO interval takes. */
function rollingInterval(prop: string, interval: Duration) {
  const minutes = interval.toMinutes({ integral: false });
  if (!(Number.isInteger(minutes) && minutes >= 1))
    throw new InvalidPropError(
      prop,
      `must be whole minutes, at least 1, got ${interval.toHumanString()}`,
    );
  const [duration, durationUnit] =
    minutes % (24 * 60) === 0
      ? [minutes / (24 * 60), 'DAY']
      : minutes % 60 === 0
        ? [minutes / 60, 'HOUR']
        : [minutes, 'MINUTE'];
  return { rollingInterval: { duration, durationUnit } };
}

function burnRates(windows: readonly Duration[], interval: Duration | undefined) {
  const limit = Math.min(MAX_BURN_RATE_MINUTES, (interval ?? Duration.days(28)).toMinutes());
  const configurations = windows.map((window, i) => {
    const minutes = window.toMinutes({ integral: false });
    if (!(Number.isInteger(minutes) && minutes >= 1 && minutes <= limit))
      throw new InvalidPropError(
        `burnRateWindows[${i}]`,
        `must be whole minutes from 1 to ${limit} (7 days, within the interval), got ${window.toHumanString()}`,
      );
    return { lookBackWindowMinutes: minutes };
  });
  return configurations.length > 0 ? configurations : undefined;
}

function checkExclude(exclude: readonly SloKind[]): ReadonlySet<SloKind> {
  const kinds: readonly string[] = Object.values(SLO_KIND);
  for (const kind of exclude)
    if (!kinds.includes(kind))
      throw new InvalidPropError('exclude', `'${kind}' is not one of ${kinds.join(', ')}`);
  if (kinds.every((kind) => exclude.includes(kind as SloKind)))
    throw new InvalidPropError('exclude', 'excludes every SLO');
  return new Set(exclude);
}
