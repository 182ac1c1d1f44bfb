import { Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  MAX_ALARM_ARN_OVERHEAD,
  MAX_ALARM_NAME,
  MAX_ALARM_RULE_LENGTH,
  MAX_COMPOSITE_CHILDREN,
} from './cloudwatchLimits.js';

/** An alarm with the name it was given (a composite's `alarmName` is a token until deploy). */
export interface NamedAlarm {
  readonly alarm: cloudwatch.IAlarm;
  readonly name: string;
}

/** Makes one composite over `children`; `root` when it is the top of the tree. */
export type CompositeMaker = (
  children: readonly NamedAlarm[],
  position: { readonly level: number; readonly index: number; readonly root: boolean },
) => NamedAlarm;

/**
 * The most characters `ALARM("<arn>")` takes in a rule: the ARN is a token at
 * synth, so its partition, region and account are counted at their longest.
 *
 * @example
 * ruleEntryLength('Prod/fraud-api/fraud@1: model health'); // 105
 */
export function ruleEntryLength(name: string): number {
  const chars = Token.isUnresolved(name) ? MAX_ALARM_NAME : name.length;
  return 'ALARM("")'.length + MAX_ALARM_ARN_OVERHEAD + chars;
}

/**
 * Split alarms into groups one `anyOf` rule can name: at most 100 alarms and
 * 10,240 characters (`(a OR b OR …)`) each, in order.
 *
 * @example
 * const groups = groupForRule(modelComposites);
 */
export function groupForRule(alarms: readonly NamedAlarm[]): NamedAlarm[][] {
  const groups: NamedAlarm[][] = [];
  let group: NamedAlarm[] = [];
  let length = '()'.length;
  for (const alarm of alarms) {
    const entry = ruleEntryLength(alarm.name);
    const added = group.length === 0 ? entry : entry + ' OR '.length;
    if (
      group.length > 0 &&
      (group.length === MAX_COMPOSITE_CHILDREN || length + added > MAX_ALARM_RULE_LENGTH)
    ) {
      groups.push(group);
      group = [];
      length = '()'.length + entry;
    } else length += added;
    group.push(alarm);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * Roll alarms up into a tree of composites no wider than a rule allows: one
 * composite when they fit, else composites over groups of them, level by
 * level, until one root remains.
 *
 * @example
 * const root = rollUp(modelComposites, (children, { root }) => makeComposite(children, root));
 */
export function rollUp(alarms: readonly NamedAlarm[], make: CompositeMaker): NamedAlarm {
  let level: readonly NamedAlarm[] = alarms;
  for (let depth = 0; ; depth++) {
    const groups = groupForRule(level);
    const [only] = groups;
    if (groups.length === 1 && only) return make(only, { level: depth, index: 0, root: true });
    level = groups.map((group, index) => make(group, { level: depth, index, root: false }));
  }
}
