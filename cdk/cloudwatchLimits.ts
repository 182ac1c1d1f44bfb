/*
 * CloudWatch and CloudFormation limits the constructs stay within, each with
 * where it is documented. A synth passes templates that break several of them
 * (CDK checks the rule length on token placeholders, far shorter than ARNs),
 * and the deploy fails; so the constructs check them themselves.
 */

/**
 * Alarms one composite alarm rule may name: "The rule expression of a
 * composite alarm can include as many as 100 underlying alarms"
 * (CloudWatch API Reference, PutCompositeAlarm).
 */
export const MAX_COMPOSITE_CHILDREN = 100;

/**
 * Characters of a composite `AlarmRule`: "Length Constraints: Minimum length
 * of 1. Maximum length of 10240" (CloudWatch API Reference, PutCompositeAlarm,
 * AlarmRule).
 */
export const MAX_ALARM_RULE_LENGTH = 10_240;

/** Characters of an alarm description (PutMetricAlarm / PutCompositeAlarm, AlarmDescription: 0-1024). */
export const MAX_ALARM_DESCRIPTION = 1024;

/**
 * Resources in one CloudFormation stack (CloudFormation quotas: "Resources:
 * maximum number of resources that you can declare in your CloudFormation
 * template: 500"; CDK fails the synth past it too).
 */
export const MAX_STACK_RESOURCES = 500;

/**
 * Widgets on one dashboard: a `DashboardBody` "can include an array of between
 * 0 and 500 widget objects" (CloudWatch User Guide, Dashboard Body Structure
 * and Syntax).
 */
export const MAX_DASHBOARD_WIDGETS = 500;

/** Alarms in one alarm status widget ("alarms: an array of alarm ARNs … 1-100", Dashboard Body Structure, Alarm Status Widget). */
export const MAX_STATUS_WIDGET_ALARMS = 100;

/**
 * Metrics on one dashboard across its widgets ("up to 2500 metrics per
 * dashboard", CloudWatch service quotas, Dashboards).
 */
export const MAX_DASHBOARD_METRICS = 2500;

/**
 * The longest an alarm ARN is around its name, for rule lengths whose ARNs are
 * still tokens: `arn:` + partition (`aws-iso-b`, 9) + `:cloudwatch:` + region
 * (≤ 20) + `:` + account (12) + `:alarm:`.
 */
export const MAX_ALARM_ARN_OVERHEAD = 4 + 9 + 12 + 20 + 1 + 12 + 7;

/** Alarm names are at most 255 characters (PutMetricAlarm, AlarmName). */
export const MAX_ALARM_NAME = 255;

/**
 * Bytes of one CloudFormation template ("Template body size in an Amazon S3
 * object: 1 MB", CloudFormation quotas; cfn-lint E1002). Dashboard bodies are
 * most of it.
 */
export const MAX_TEMPLATE_BYTES = 1_000_000;
