import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { percent } from './alarmBuilders.js';
import { graph, HEIGHT } from './graphWidget.js';
import type { InferenceVersionComparison } from './InferenceVersionComparison.js';
import { rateMetric } from './metricFactory.js';
import { InferenceMetrics } from './metrics.js';
import { VERSION_ALARM_KIND } from './versionSpecs.js';

/*
 * The dashboard rows of a version comparison: every graph draws the
 * baseline (blue) and the candidate (orange) on the same axes, at the
 * comparison's period, then the three alarm expressions with their thresholds.
 */

const COLOR = { baseline: cloudwatch.Color.BLUE, candidate: cloudwatch.Color.ORANGE } as const;
const rateAxis: cloudwatch.YAxisProps = { min: 0, max: 1, showUnits: false };

type Side = keyof typeof COLOR;
type Styled = cloudwatch.Metric | cloudwatch.MathExpression;
/** Makes one version's metric; `id` prefixes metric-math ids, which one graph must not share. */
type Make = (m: InferenceMetrics, id: 'b' | 'c') => Styled;
/** `colored: false` for graphs with several lines per version (the label mix): the palette tells them apart. */
type Both = (make: Make, what: string, colored?: boolean) => cloudwatch.IMetric[];

/**
 * The dashboard rows of one comparison: a header, traffic / latency / errors /
 * confidence, label mix / drift / accuracy, then the alarm expressions.
 *
 * @example
 * for (const row of versionRows(comparison)) dashboard.addWidgets(...row);
 */
export function versionRows(c: InferenceVersionComparison): cloudwatch.IWidget[][] {
  const period = c.settings.period;
  const sides = {
    baseline: { m: new InferenceMetrics(c.baseline), version: c.baseline.model.version },
    candidate: { m: new InferenceMetrics(c.candidate), version: c.candidate.model.version },
  };
  /** One metric of both versions, each labelled with its version and coloured by its side. */
  const both: Both = (make, what, colored = true) =>
    (Object.keys(sides) as Side[]).map((side) => {
      const { m, version } = sides[side];
      const id = side === 'baseline' ? 'b' : 'c';
      const color = colored ? COLOR[side] : undefined;
      return make(m, id).with({ label: `${version} ${what}`, color, period });
    });
  const { model, serviceName } = c.candidate;
  const header = new cloudwatch.TextWidget({
    markdown:
      `## ${model.name}: ${sides.candidate.version} (candidate) vs ${sides.baseline.version} (baseline)\n` +
      `service \`${serviceName}\` · the candidate in orange, the baseline in blue · the alarms in the last row ` +
      'roll a CodeDeploy deployment of the alias back',
    width: 24,
    height: 2,
  });
  const latency = [
    ...both((m) => m.metricInferenceLatency({ statistic: 'p50' }), 'p50'),
    ...both((m) => m.metricInferenceLatency({ statistic: 'p99' }), 'p99'),
  ];
  const serving = [
    graph(
      'Invocations by version',
      6,
      both((m) => m.metricInferenceCount(), 'invocations'),
    ),
    graph('Latency by version (ms)', 6, latency),
    graph('Error rate by version', 6, both(errorRate, 'error rate'), {
      leftYAxis: rateAxis,
    }),
    graph(
      'Mean confidence by version',
      6,
      both((m) => m.metricConfidence(), 'confidence'),
      {
        leftYAxis: rateAxis,
      },
    ),
  ];
  const drift =
    c.driftThreshold === undefined
      ? []
      : [{ value: c.driftThreshold, label: 'drift threshold', color: cloudwatch.Color.RED }];
  const quality = [
    labelMix(c, both),
    graph(
      'Drift score by version (PSI)',
      8,
      both((m) => m.metricDriftScore(), 'drift'),
      {
        leftAnnotations: drift,
      },
    ),
    graph(
      'Accuracy by version (ground truth)',
      8,
      both((m) => m.metricAccuracy(), 'accuracy'),
      {
        leftYAxis: rateAxis,
      },
    ),
  ];
  return [[header], serving, quality, alarmRow(c)];
}

const errorRate: Make = (m, id) =>
  rateMetric(
    [`${id}e`, m.metricInferenceErrors()],
    [`${id}n`, m.metricInferenceCount()],
    'error rate',
  );

function labelMix(c: InferenceVersionComparison, both: Both): cloudwatch.IWidget {
  if (c.labels.length === 0)
    return new cloudwatch.TextWidget({
      markdown:
        '### Label mix by version\nGive the comparison the model’s `labels` to graph each label’s share ' +
        'of predictions for both versions.',
      width: 8,
      height: HEIGHT,
    });
  const share =
    (label: string, i: number): Make =>
    (m, id) =>
      rateMetric(
        [`${id}l${i}`, m.metricPredictedLabel(label)],
        [`${id}p`, m.metricPredictions()],
        label,
        {
          fillNumerator: true,
        },
      );
  const lines = c.labels.flatMap((label, i) => both(share(label, i), `${label} share`, false));
  return graph('Label mix by version (share of predictions)', 8, lines, { leftYAxis: rateAxis });
}

/** The three alarm expressions, each with its threshold. */
function alarmRow(c: InferenceVersionComparison): cloudwatch.IWidget[] {
  const s = c.settings;
  const ratio = s.latency.kind === 'ratio';
  const shown = [
    [
      VERSION_ALARM_KIND.LatencyP99,
      ratio ? 'Candidate / baseline p99 latency' : 'Candidate − baseline p99 latency (ms)',
      s.latency.threshold,
      ratio ? `${s.latency.threshold}x` : `+${s.latency.threshold} ms`,
    ],
    [
      VERSION_ALARM_KIND.ErrorRate,
      'Candidate − baseline error rate',
      s.errorRateIncrease,
      `+${percent(s.errorRateIncrease)}`,
    ],
    [
      VERSION_ALARM_KIND.Confidence,
      '|Candidate − baseline| mean confidence',
      s.confidenceShift,
      `±${s.confidenceShift}`,
    ],
  ] as const;
  return shown.map(([kind, title, value, limit]) =>
    graph(title, 8, [c.alarm(kind).metric], {
      leftAnnotations: [{ value, label: `alarm: ${limit}`, color: cloudwatch.Color.RED }],
    }),
  );
}
