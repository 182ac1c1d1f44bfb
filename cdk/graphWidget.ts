import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** Height of every graph row of the dashboards, in CloudWatch grid units. */
export const HEIGHT = 6;

/**
 * A graph widget of the dashboards' one height: the rows of a model, of its
 * model calls and of a version comparison.
 *
 * @example
 * graph('Invocations', 6, [metrics.metricInvocations()], { stacked: true });
 */
export function graph(
  title: string,
  width: number,
  left: cloudwatch.IMetric[],
  extra: Partial<cloudwatch.GraphWidgetProps> = {},
): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, width, height: HEIGHT, left, ...extra });
}
