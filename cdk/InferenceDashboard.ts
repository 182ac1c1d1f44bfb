import type { Duration } from 'aws-cdk-lib';
import { Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { LiveAlarmStatusWidget } from './alarmStatusWidget.js';
import { modelRows } from './dashboardRows.js';
import { InvalidPropError } from './errors.js';
import { InferenceAlarms } from './InferenceAlarms.js';
import { DEFAULT_PERIOD } from './metricFactory.js';
import {
  checkTarget,
  DEFAULTS,
  type InferenceObjective,
  type InferenceTarget,
  resolveObjective,
  targetKey,
  targetLabel,
} from './target.js';
import { checkInteger, checkLabels, checkPositive } from './validate.js';

/**
 * A model on an {@link InferenceDashboard}: its target plus what to draw.
 *
 * @example
 * dashboard.addModel({ ...fraud.target, stages: ['preprocess', 'predict', 'postprocess'] });
 */
export interface InferenceDashboardModel extends InferenceTarget {
  /**
   * `stage()` names whose p95 to graph (`preprocess` → `PreprocessDuration`).
   * @default - no stage graph
   */
  readonly stages?: readonly string[];
  /**
   * Drawn as lines on the latency and error-rate graphs.
   * @default - no objective lines
   */
  readonly objective?: InferenceObjective;
  /**
   * Drawn as a line on the drift graph.
   * @default - no threshold line
   */
  readonly driftThreshold?: number;
  /**
   * Drift signals whose own score (`DriftScore.<signal>`) to graph.
   * @default - only `DriftScore`
   */
  readonly driftSignals?: readonly string[];
  /**
   * Width of the confidence anomaly band in standard deviations.
   * @default 2
   */
  readonly confidenceStdDevs?: number;
  /**
   * The model's labels (classes), whose share of predictions the label-mix
   * graph stacks (`PredictedLabel.<label>` / `Predictions`), with the rest as
   * `(other)`. Give the same set the runtime keeps (`OBSERVED_LABELS` or the
   * baseline's labels).
   * @default - no label-mix graph, a note saying how to get one
   */
  readonly labels?: readonly string[];
  /**
   * Model loads expected per cold start; more are graphed as reloads.
   * @default 1
   */
  readonly loadsPerColdStart?: number;
  /**
   * The function streams its responses (`awslambda.streamifyResponse`): adds
   * the time to first byte, bytes streamed and aborted streams, which a
   * buffered function never emits.
   * @default false
   */
  readonly responseStreaming?: boolean;
}

/**
 * Props of {@link InferenceDashboard}.
 *
 * @example
 * const props: InferenceDashboardProps = { dashboardName: 'ml-inference', models: [fraud.target] };
 */
export interface InferenceDashboardProps {
  /**
   * Letters, digits, `-` and `_`, at most 255.
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
  /**
   * Models to show (more with `addModel()`).
   * @default - none
   */
  readonly models?: readonly InferenceDashboardModel[];
  /**
   * Alarms for the status widget at the top (more with `addAlarms()`).
   * @default - none
   */
  readonly alarms?: ReadonlyArray<cloudwatch.IAlarm | InferenceAlarms>;
  /**
   * Period of every graph.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
  /**
   * Time range shown when the dashboard opens (ISO 8601 duration before now).
   * @default '-PT3H'
   */
  readonly start?: string;
}

/**
 * One CloudWatch dashboard for any number of models and functions: an alarm
 * status row, then per model rows for traffic, latency, cold starts, model
 * quality and Logs Insights (latest errors, slowest invocations).
 *
 * @example
 * const dashboard = new InferenceDashboard(this, 'Dashboard', { dashboardName: 'ml-inference' });
 * dashboard.addModel({ ...fraud.target, stages: ['predict'] }).addModel(churn.target);
 * dashboard.addAlarms(fraud.alarms!);
 */
export class InferenceDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly #period: Duration;
  readonly #status = new LiveAlarmStatusWidget();
  readonly #models = new Map<string, InferenceDashboardModel>();

  constructor(scope: Construct, id: string, props: InferenceDashboardProps = {}) {
    super(scope, id);
    checkDashboardName(props.dashboardName);
    this.#period = props.period ?? DEFAULT_PERIOD;
    checkPositive('period', this.#period.toSeconds(), ' s');
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      start: props.start ?? '-PT3H',
    });
    this.dashboard.addWidgets(this.#status);
    for (const model of props.models ?? []) this.addModel(model);
    this.addAlarms(...(props.alarms ?? []));
  }

  /** The models shown, in the order added. */
  get models(): readonly InferenceTarget[] {
    return [...this.#models.values()];
  }

  /**
   * Add a model's rows (several functions and models share one dashboard).
   *
   * @example
   * dashboard.addModel({ model: { name: 'churn', version: '3' }, serviceName: 'churn', function: churnFn });
   */
  addModel(model: InferenceDashboardModel): this {
    checkTarget('model', model);
    const key = targetKey(model);
    if (this.#models.has(key))
      throw new InvalidPropError('model', `${targetLabel(model)} is already on this dashboard`);
    const stages = checkNames('stages', model.stages);
    const driftSignals = checkNames('driftSignals', model.driftSignals);
    const labels = model.labels ?? [];
    checkLabels('labels', labels);
    const confidenceStdDevs = model.confidenceStdDevs ?? DEFAULTS.confidenceStdDevs;
    checkPositive('confidenceStdDevs', confidenceStdDevs);
    const loadsPerColdStart = model.loadsPerColdStart ?? DEFAULTS.loadsPerColdStart;
    checkInteger('loadsPerColdStart', loadsPerColdStart, 1);
    if (model.driftThreshold !== undefined) checkPositive('driftThreshold', model.driftThreshold);
    this.#models.set(key, model);
    const rows = modelRows(model, {
      period: this.#period,
      stages,
      objective: model.objective ? resolveObjective('objective', model.objective) : undefined,
      driftThreshold: model.driftThreshold,
      driftSignals,
      confidenceStdDevs,
      loadsPerColdStart,
      labels,
      responseStreaming: model.responseStreaming ?? false,
    });
    for (const row of rows) this.dashboard.addWidgets(...row);
    return this;
  }

  /**
   * Add alarms to the status widget; an `InferenceAlarms` adds its composite
   * "model health" alarm and every alarm under it.
   *
   * @example
   * dashboard.addAlarms(alarms, myOwnAlarm);
   */
  addAlarms(...alarms: ReadonlyArray<cloudwatch.IAlarm | InferenceAlarms>): this {
    for (const alarm of alarms) {
      if (alarm instanceof InferenceAlarms)
        this.#status.alarms.push(alarm.modelHealth, ...alarm.alarms);
      else this.#status.alarms.push(alarm);
    }
    return this;
  }
}

function checkNames(prop: string, names: readonly string[] = []): readonly string[] {
  names.forEach((name, i) => {
    if (typeof name !== 'string' || Token.isUnresolved(name) || name.trim() === '')
      throw new InvalidPropError(`${prop}[${i}]`, 'must be a non-empty name');
  });
  return names;
}

function checkDashboardName(name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) return;
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(name))
    throw new InvalidPropError(
      'dashboardName',
      `${JSON.stringify(name)} must be 1-255 letters, digits, '-' or '_'`,
    );
}
