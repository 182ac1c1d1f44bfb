import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DEFAULT_NAMESPACE } from '../lib/telemetry.js';
import { graph, HEIGHT } from './graphWidget.js';
import { latestErrorsQuery, slowestInvocationsQuery } from './logQueries.js';
import { InferenceMetrics } from './metrics.js';
import { modelCallRows } from './modelCallRows.js';
import type { InferenceTarget, ResolvedObjective } from './target.js';

/** What the rows of one model show beyond its metrics. */
export interface ModelRowsOptions {
  readonly period: Duration;
  readonly stages: readonly string[];
  /** Drawn as lines on the latency and error-rate graphs. */
  readonly objective?: ResolvedObjective;
  readonly driftThreshold?: number;
  readonly driftSignals: readonly string[];
  readonly confidenceStdDevs: number;
  readonly loadsPerColdStart: number;
  /** The labels whose share of predictions to graph; none: a note on how to get the graph. */
  readonly labels: readonly string[];
  /** Whether to graph the response-streaming metrics (a buffered function has none). */
  readonly responseStreaming: boolean;
  /** Drawn as a line on the time to first token graph (a target with `modelCalls`). */
  readonly timeToFirstTokenP99?: Duration;
  /** The function's memory setting (MB), drawn as a line on the memory graph. */
  readonly memorySize?: number;
}

const RED = cloudwatch.Color.RED;

const line = (value: number, label: string): cloudwatch.HorizontalAnnotation => ({
  value,
  label,
  color: RED,
});

const rateAxis: cloudwatch.YAxisProps = { min: 0, max: 1, showUnits: false };

function header(target: InferenceTarget): cloudwatch.TextWidget {
  const { model, serviceName, namespace = DEFAULT_NAMESPACE } = target;
  const fn = target.function ? ` · function \`${target.function.functionName}\`` : '';
  return new cloudwatch.TextWidget({
    markdown: `## ${model.name} @ ${model.version}\nservice \`${serviceName}\` · namespace \`${namespace}\`${fn}`,
    width: 24,
    height: 2,
  });
}

function trafficRow(m: InferenceMetrics, o: ModelRowsOptions): cloudwatch.IWidget[] {
  const period = { period: o.period };
  const budget = o.objective ? [line(o.objective.errorRate, 'error budget')] : [];
  return [
    graph(
      'Predictions and invocations',
      6,
      [m.metricPredictions(period), m.metricInferenceCount(period)],
      {
        right: [m.metricBatchSize(period), m.metricWarmupPings(period)],
      },
    ),
    graph('Errors', 6, [m.metricInferenceErrors(period), m.metricTimeouts(period)], {
      right: [m.metricTelemetryErrors(period)],
    }),
    graph('Error rate', 6, [m.metricErrorRate(period)], {
      leftYAxis: rateAxis,
      leftAnnotations: budget,
    }),
    new cloudwatch.SingleValueWidget({
      title: 'Last period',
      width: 6,
      height: HEIGHT,
      metrics: [
        m.metricPredictions(period),
        m.metricErrorRate(period),
        m.metricInferenceLatency(period),
      ],
    }),
  ];
}

function latencyRow(
  target: InferenceTarget,
  m: InferenceMetrics,
  o: ModelRowsOptions,
): cloudwatch.IWidget[] {
  const period = { period: o.period };
  const objective = o.objective
    ? [line(o.objective.latencyP99.toMilliseconds(), 'p99 objective')]
    : [];
  const percentiles = (['p50', 'p95', 'p99'] as const).map((statistic) =>
    m.metricInferenceLatency({ ...period, statistic, label: `${statistic} latency` }),
  );
  const fn = target.function;
  const width = 24 / ((o.stages.length > 0 ? 1 : 0) + (fn ? 1 : 0) + 1);
  const widgets: cloudwatch.IWidget[] = [
    graph('Inference latency (ms)', width, percentiles, { leftAnnotations: objective }),
  ];
  if (o.stages.length > 0)
    widgets.push(
      graph(
        'Stage p95 (ms)',
        width,
        o.stages.map((s) => m.metricStageDuration(s, period)),
      ),
    );
  if (fn)
    widgets.push(
      graph('Lambda Duration (ms)', width, [
        fn.metricDuration({ ...period, statistic: 'p50', label: 'p50 Duration' }),
        fn.metricDuration({ ...period, statistic: 'p99', label: 'p99 Duration' }),
      ]),
    );
  return widgets;
}

/**
 * What the invocations use and cost, under latency: peak memory against the
 * memory setting, CPU time against latency (close: CPU-bound, more memory
 * buys more CPU), and the estimated cost per 1,000 predictions.
 */
function resourcesRow(m: InferenceMetrics, o: ModelRowsOptions): cloudwatch.IWidget[] {
  const period = { period: o.period };
  const configured = o.memorySize === undefined ? [] : [line(o.memorySize, 'memory setting')];
  return [
    graph('Max memory used (MB)', 8, [m.metricMaxMemoryUsed(period)], {
      leftAnnotations: configured,
      leftYAxis: { min: 0, showUnits: false },
    }),
    graph('CPU time and latency (ms)', 8, [
      m.metricCpuTime(period),
      m.metricCpuTime({ ...period, statistic: 'p99', label: 'p99 CPU time' }),
      m.metricInferenceLatency({ ...period, statistic: 'p50', label: 'p50 latency' }),
    ]),
    graph('Estimated cost per 1,000 predictions', 8, [m.metricCostPerThousandPredictions(period)], {
      leftYAxis: { min: 0, showUnits: false },
      right: [m.metricComputeCost(period)],
    }),
  ];
}

function coldStartRow(m: InferenceMetrics, o: ModelRowsOptions): cloudwatch.IWidget[] {
  const period = { period: o.period };
  return [
    graph(
      'Cold starts and reloads',
      8,
      [m.metricColdStarts(period), m.metricModelReloads(o.loadsPerColdStart, period)],
      {
        right: [m.metricColdStartRate(period)],
        rightYAxis: rateAxis,
      },
    ),
    graph('Cold start and model load (ms)', 8, [
      m.metricColdStartDuration(period),
      m.metricModelLoadTime(period),
    ]),
    graph('Model loads', 8, [m.metricModelLoads(period)]),
  ];
}

function qualityRow(m: InferenceMetrics, o: ModelRowsOptions): cloudwatch.IWidget[] {
  const period = { period: o.period };
  const drift = o.driftThreshold === undefined ? [] : [line(o.driftThreshold, 'drift threshold')];
  const signals = o.driftSignals.map((s) => m.metricDriftSignal(s, period));
  return [
    graph(
      'Confidence',
      6,
      [m.metricConfidence(period), m.metricConfidenceBand(o.confidenceStdDevs)],
      {
        leftYAxis: { min: 0, max: 1, showUnits: false },
      },
    ),
    graph('Low-confidence rate', 6, [m.metricLowConfidenceRate(period)], {
      leftYAxis: rateAxis,
      right: [m.metricLowConfidence(period)],
    }),
    graph('Drift score (PSI)', 6, [m.metricDriftScore(period), ...signals], {
      leftAnnotations: drift,
      right: [m.metricDriftWindowSize(period)],
    }),
    graph('Accuracy (ground truth)', 6, [m.metricAccuracy(period)], {
      leftYAxis: rateAxis,
      right: [m.metricOutcomes(period), m.metricOutcomesUnmatched(period)],
    }),
  ];
}

function labelMix(m: InferenceMetrics, o: ModelRowsOptions): cloudwatch.IWidget {
  if (o.labels.length === 0)
    return new cloudwatch.TextWidget({
      markdown:
        '### Label mix\nThe runtime counts each predicted label as `PredictedLabel.<label>`. ' +
        'Give the dashboard the model’s `labels` to graph their share of predictions here.',
      width: 8,
      height: HEIGHT,
    });
  return graph(
    'Label mix (share of predictions)',
    8,
    m.metricLabelShares(o.labels, { period: o.period }),
    {
      leftYAxis: rateAxis,
      stacked: true,
    },
  );
}

/** The answers that are not plain predictions: label mix, abstentions, rejected inputs. */
function answersRow(m: InferenceMetrics, o: ModelRowsOptions): cloudwatch.IWidget[] {
  const period = { period: o.period };
  return [
    labelMix(m, o),
    graph('Abstention rate', 8, [m.metricAbstentionRate(period)], {
      leftYAxis: rateAxis,
      right: [m.metricAbstentions(period)],
    }),
    graph('Invalid-input rate', 8, [m.metricInvalidInputRate(period)], {
      leftYAxis: rateAxis,
      right: [m.metricInvalidInputs(period)],
    }),
  ];
}

/** Response streaming (empty for a buffered function): time to first byte, bytes, aborted streams. */
function streamingRow(m: InferenceMetrics, o: ModelRowsOptions): cloudwatch.IWidget[] {
  if (!o.responseStreaming) return [];
  const period = { period: o.period };
  return [
    graph('Response streaming', 24, [m.metricTimeToFirstByte(period)], {
      right: [m.metricBytesStreamed(period), m.metricStreamsAborted(period)],
    }),
  ];
}

function logsRow(target: InferenceTarget, o: ModelRowsOptions): cloudwatch.IWidget[] {
  const logGroupName = target.logGroup?.logGroupName ?? functionLogGroupName(target.function);
  if (!logGroupName) return [];
  const logGroupNames = [logGroupName];
  return [
    new cloudwatch.LogQueryWidget({
      title: 'Latest errors',
      logGroupNames,
      queryString: latestErrorsQuery(target.model),
      width: 12,
      height: HEIGHT,
    }),
    new cloudwatch.LogQueryWidget({
      title: 'Slowest invocations',
      logGroupNames,
      queryString: slowestInvocationsQuery(target.model, o.stages),
      width: 12,
      height: HEIGHT,
    }),
  ];
}

/**
 * Where a function logs, without touching `Function.logGroup` (whose getter
 * adds a LogRetention custom resource to a function that has no log group).
 */
function functionLogGroupName(fn: lambda.IFunction | undefined): string | undefined {
  if (!fn) return undefined;
  const cfn = fn.node.defaultChild;
  if (cfn instanceof lambda.CfnFunction) {
    const config = cfn.loggingConfig as lambda.CfnFunction.LoggingConfigProperty | undefined;
    if (config && typeof config.logGroup === 'string') return config.logGroup;
  }
  return `/aws/lambda/${fn.functionName}`;
}

/**
 * The dashboard rows of one model: a header, traffic, latency, resources and
 * cost, cold starts,
 * model quality (confidence, drift, accuracy; label mix, abstentions, invalid
 * inputs), model calls (with `modelCalls`) and (when its log group is known)
 * Logs Insights.
 *
 * @example
 * for (const row of modelRows(target, options)) dashboard.addWidgets(...row);
 */
export function modelRows(
  target: InferenceTarget,
  options: ModelRowsOptions,
): cloudwatch.IWidget[][] {
  const m = new InferenceMetrics(target);
  const rows = [
    [header(target)],
    trafficRow(m, options),
    latencyRow(target, m, options),
    resourcesRow(m, options),
    coldStartRow(m, options),
    qualityRow(m, options),
    answersRow(m, options),
    streamingRow(m, options),
    ...modelCallRows(target, m.modelCalls, options.period, options.timeToFirstTokenP99),
    logsRow(target, options),
  ];
  return rows.filter((row) => row.length > 0);
}
