import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { MAX_STATUS_WIDGET_ALARMS } from './cloudwatchLimits.js';

/**
 * An alarm status widget whose alarms can still be added after it was placed
 * (the dashboard renders its body lazily): the status row stays at the top
 * while models and their alarms are added below. Without alarms it is a note.
 *
 * @example
 * const status = new LiveAlarmStatusWidget();
 * dashboard.addWidgets(status);
 * status.alarms.push(alarm);
 */
export class LiveAlarmStatusWidget extends cloudwatch.ConcreteWidget {
  readonly alarms: cloudwatch.IAlarm[] = [];

  constructor(width = 24, height = 4) {
    super(width, height);
  }

  override toJson(): unknown[] {
    const alarms = [...new Set(this.alarms)];
    const shown = alarms.slice(0, MAX_STATUS_WIDGET_ALARMS);
    const widget =
      alarms.length > 0
        ? new cloudwatch.AlarmStatusWidget({
            title:
              shown.length < alarms.length
                ? `Alarms (the first ${shown.length} of ${alarms.length}: composites first, each leads to the alarms under it)`
                : 'Alarms',
            alarms: shown,
            width: this.width,
            height: this.height,
            sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
          })
        : new cloudwatch.TextWidget({
            markdown: 'No alarms added to this dashboard (`InferenceDashboard.addAlarms()`).',
            width: this.width,
            height: this.height,
          });
    widget.position(this.x ?? 0, this.y ?? 0);
    return widget.toJson();
  }
}
