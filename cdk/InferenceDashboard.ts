import type { Duration } from 'aws-cdk-lib';
import { NestedStack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { LiveAlarmStatusWidget } from './alarmStatusWidget.js';
import {
  MAX_DASHBOARD_METRICS,
  MAX_DASHBOARD_WIDGETS,
  MAX_TEMPLATE_BYTES,
} from './cloudwatchLimits.js';
import { modelRows } from './dashboardRows.js';
import { InvalidPropError } from './errors.js';
import { InferenceAlarms } from './InferenceAlarms.js';
import type { InferenceVersionComparison } from './InferenceVersionComparison.js';
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
import { versionRows } from './versionRows.js';

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
  /**
   * Drawn as a line on the time to first token graph (a model whose target
   * has `modelCalls`: those get the model-call rows).
   * @default - no line
   */
  readonly timeToFirstTokenP99?: Duration;
  /**
   * The function's memory setting in MB, drawn as a line on the "Max memory
   * used" graph (`ObservedInferenceFunction` gives its own).
   * @default - no line
   */
  readonly memorySize?: number;
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
  /**
   * Widgets on one dashboard page. Models that do not fit on the page open a
   * new dashboard (`<dashboardName>-2`, …); a model is never split. CloudWatch
   * takes 500 widgets and 2,500 metrics a dashboard; a smaller page opens
   * faster and stays far from both.
   * @default 100
   */
  readonly widgetsPerPage?: number;
  /**
   * Put the pages after the first in nested stacks of this many pages each.
   * A page takes up to ~100 KB of template, and a CloudFormation template at
   * most 1 MB: past about 8 pages (some 45 models) in one stack the synth
   * fails, naming this prop.
   * @default - every page in this construct's stack
   */
  readonly pagesPerStack?: number;
}

/** How full a page is. */
interface PageUse {
  widgets: number;
  metrics: number;
  bytes: number;
}

/**
 * Body bytes a page may take. CloudWatch documents no body size of its own
 * (the body is one CloudFormation string property, within the template's
 * 1 MB); 25 models on one page made a 203 KB body that the console loads
 * slowly, so a page stops near 100 KB, about six models.
 */
const PAGE_BYTES = 100_000;
const DEFAULT_WIDGETS_PER_PAGE = 100;
/** Dashboard body one stack holds, leaving a fifth of the template for everything else. */
const STACK_PAGE_BYTES = MAX_TEMPLATE_BYTES * 0.8;
const MAX_PAGES_PER_STACK = Math.floor(STACK_PAGE_BYTES / PAGE_BYTES);
/** What a full status widget adds: 100 ARNs of typical (≤ 100-character) names. */
const STATUS_BYTES = 100 * 160;

/**
 * CloudWatch dashboards for any number of models and functions: an alarm
 * status row, then per model rows for traffic, latency, cold starts, model
 * quality and Logs Insights (latest errors, slowest invocations). Models fill
 * `dashboard` (page 1, with the alarm status) until a page is full
 * (`widgetsPerPage`, ~100 KB of body); the next model opens a new page, so
 * every page stays within CloudWatch's limits. `dashboards` lists them all.
 *
 * @example
 * const dashboard = new InferenceDashboard(this, 'Dashboard', { dashboardName: 'ml-inference' });
 * dashboard.addModel({ ...fraud.target, stages: ['predict'] }).addModel(churn.target);
 * dashboard.addAlarms(fraud.alarms!);
 */
export class InferenceDashboard extends Construct {
  /** The first page: alarm status, then the first models. */
  readonly dashboard: cloudwatch.Dashboard;
  readonly #pages: cloudwatch.Dashboard[] = [];
  readonly #use: PageUse = { widgets: 0, metrics: 0, bytes: 0 };
  readonly #widgetsPerPage: number;
  readonly #pagesPerStack: number | undefined;
  /** Estimated body bytes of the pages in this construct's own stack. */
  #ownBytes = 0;
  readonly #name: string | undefined;
  readonly #start: string;
  readonly #period: Duration;
  readonly #status = new LiveAlarmStatusWidget();
  readonly #models = new Map<string, InferenceDashboardModel>();

  constructor(scope: Construct, id: string, props: InferenceDashboardProps = {}) {
    super(scope, id);
    checkDashboardName(props.dashboardName);
    this.#period = props.period ?? DEFAULT_PERIOD;
    checkPositive('period', this.#period.toSeconds(), ' s');
    this.#widgetsPerPage = checkWidgetsPerPage(props.widgetsPerPage);
    this.#pagesPerStack = checkPagesPerStack(props.pagesPerStack);
    this.#name = props.dashboardName;
    this.#start = props.start ?? '-PT3H';
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      start: this.#start,
    });
    this.#pages.push(this.dashboard);
    this.#place([this.#status]);
    this.dashboard.addWidgets(this.#status);
    // The status widget is measured empty; it fills with up to 100 alarm ARNs.
    this.#use.bytes += STATUS_BYTES;
    for (const model of props.models ?? []) this.addModel(model);
    this.addAlarms(...(props.alarms ?? []));
  }

  /** Every page, the first (`dashboard`) first. */
  get dashboards(): readonly cloudwatch.Dashboard[] {
    return [...this.#pages];
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
    if (model.timeToFirstTokenP99 !== undefined)
      checkPositive('timeToFirstTokenP99', model.timeToFirstTokenP99.toMilliseconds(), ' ms');
    if (model.memorySize !== undefined) checkPositive('memorySize', model.memorySize);
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
      timeToFirstTokenP99: model.timeToFirstTokenP99,
      memorySize: model.memorySize,
    });
    this.#place(rows.flat(), model);
    const page = this.#pages[this.#pages.length - 1]!;
    for (const row of rows) page.addWidgets(...row);
    return this;
  }

  /**
   * Add two versions of a model side by side (latency, error rate,
   * confidence, label mix, drift, accuracy, at the comparison's period) and
   * the comparison's alarms to the status widget.
   *
   * @example
   * dashboard.addVersionComparison(fraud.versionComparison!);
   */
  addVersionComparison(comparison: InferenceVersionComparison): this {
    const rows = versionRows(comparison);
    this.#place(rows.flat(), comparison.candidate);
    const page = this.#pages[this.#pages.length - 1]!;
    for (const row of rows) page.addWidgets(...row);
    return this.addAlarms(...comparison.alarms);
  }

  /** Count widgets onto the current page, or open a new one when they do not fit. */
  #place(widgets: readonly cloudwatch.IWidget[], model?: InferenceTarget): void {
    const need = measure(widgets);
    const fits = (use: PageUse) =>
      use.widgets + need.widgets <= this.#widgetsPerPage &&
      use.metrics + need.metrics <= MAX_DASHBOARD_METRICS &&
      use.bytes + need.bytes <= PAGE_BYTES;
    if (!fits(this.#use)) {
      const header = this.#pageHeader(this.#pages.length + 1);
      this.#use.widgets = 0;
      this.#use.metrics = 0;
      this.#use.bytes = 0;
      add(this.#use, measure([header]));
      if (model && !fits(this.#use))
        throw new InvalidPropError(
          'model',
          `${targetLabel(model)} alone needs ${need.widgets} widgets, ${need.metrics} metrics and ` +
            `${need.bytes} bytes of dashboard body: more than a page (widgetsPerPage ${this.#widgetsPerPage}, ` +
            `CloudWatch's ${MAX_DASHBOARD_METRICS} metrics a dashboard, ${PAGE_BYTES} bytes); graph fewer stages, labels or driftSignals`,
        );
      this.#pages[this.#pages.length - 1]!.addWidgets(header);
    }
    add(this.#use, need);
    if (this.#pagesPerStack === undefined || this.#pages.length === 1) {
      this.#ownBytes += need.bytes;
      if (this.#ownBytes > STACK_PAGE_BYTES)
        throw new InvalidPropError(
          'pagesPerStack',
          `is needed: ${this.models.length} models make ${this.#pages.length} pages, ` +
            `over ${this.#ownBytes} bytes of dashboard body, near CloudFormation's ${MAX_TEMPLATE_BYTES}-byte ` +
            `template; set pagesPerStack (at most ${MAX_PAGES_PER_STACK}) to put pages in nested stacks`,
        );
    }
  }

  #nestedStack(index: number): NestedStack {
    const id = `Pages${index}`;
    const existing = this.node.tryFindChild(id);
    return existing instanceof NestedStack ? existing : new NestedStack(this, id);
  }

  #pageHeader(n: number): cloudwatch.TextWidget {
    const scope =
      this.#pagesPerStack === undefined
        ? this
        : this.#nestedStack(Math.floor((n - 2) / this.#pagesPerStack));
    const page = new cloudwatch.Dashboard(scope, `Page${n}`, {
      dashboardName: this.#name === undefined ? undefined : pageName(this.#name, n),
      start: this.#start,
    });
    this.#pages.push(page);
    const first = this.#name === undefined ? 'the first page' : `\`${this.#name}\``;
    return new cloudwatch.TextWidget({
      markdown: `## Page ${n}\nMore models; the alarm status is on ${first}.`,
      width: 24,
      height: 2,
    });
  }

  /**
   * Add alarms to the status widget; an `InferenceAlarms` adds its "model
   * health" composites (the root first) and every alarm under them. The
   * widget shows the first 100 (CloudWatch's most).
   *
   * @example
   * dashboard.addAlarms(alarms, myOwnAlarm);
   */
  addAlarms(...alarms: ReadonlyArray<cloudwatch.IAlarm | InferenceAlarms>): this {
    for (const alarm of alarms) {
      if (alarm instanceof InferenceAlarms)
        this.#status.alarms.push(...alarm.healthAlarms, ...alarm.alarms);
      else this.#status.alarms.push(alarm);
    }
    return this;
  }
}

function measure(widgets: readonly cloudwatch.IWidget[]): PageUse {
  const use: PageUse = { widgets: 0, metrics: 0, bytes: 0 };
  for (const widget of widgets)
    for (const json of widget.toJson() as { properties?: { metrics?: unknown[] } }[]) {
      use.widgets += 1;
      use.metrics += json.properties?.metrics?.length ?? 0;
      // As the template holds it: a JSON string inside JSON, its quotes escaped.
      use.bytes += JSON.stringify(JSON.stringify(json)).length + 1;
    }
  return use;
}

function add(use: PageUse, more: PageUse): void {
  use.widgets += more.widgets;
  use.metrics += more.metrics;
  use.bytes += more.bytes;
}

function pageName(name: string, n: number): string {
  const suffix = `-${n}`;
  return Token.isUnresolved(name)
    ? `${name}${suffix}`
    : `${name.slice(0, 255 - suffix.length)}${suffix}`;
}

function checkPagesPerStack(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  checkInteger('pagesPerStack', value, 1);
  if (value > MAX_PAGES_PER_STACK)
    throw new InvalidPropError(
      'pagesPerStack',
      `must be at most ${MAX_PAGES_PER_STACK}: ${value} pages of up to ${PAGE_BYTES} bytes overfill ` +
        `CloudFormation's ${MAX_TEMPLATE_BYTES}-byte template, got ${value}`,
    );
  return value;
}

function checkWidgetsPerPage(value: number | undefined): number {
  if (value === undefined) return DEFAULT_WIDGETS_PER_PAGE;
  checkInteger('widgetsPerPage', value, 1);
  if (value > MAX_DASHBOARD_WIDGETS)
    throw new InvalidPropError(
      'widgetsPerPage',
      `must be at most ${MAX_DASHBOARD_WIDGETS}, CloudWatch's widgets per dashboard, got ${value}`,
    );
  return value;
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
