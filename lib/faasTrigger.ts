/** `faas.trigger` values of the OpenTelemetry FaaS conventions. */
export const FAAS_TRIGGER = {
  Http: 'http',
  PubSub: 'pubsub',
  Datasource: 'datasource',
  Timer: 'timer',
  Other: 'other',
} as const;
export type FaasTrigger = (typeof FAAS_TRIGGER)[keyof typeof FAAS_TRIGGER];

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null;

/** `Records[].eventSource` (`EventSource` for SNS) of the stream and queue integrations. */
const RECORD_TRIGGER: Readonly<Record<string, FaasTrigger>> = {
  'aws:sqs': FAAS_TRIGGER.PubSub,
  'aws:sns': FAAS_TRIGGER.PubSub,
  'aws:kinesis': FAAS_TRIGGER.PubSub,
  'aws:kafka': FAAS_TRIGGER.PubSub,
  'aws:s3': FAAS_TRIGGER.Datasource,
  'aws:dynamodb': FAAS_TRIGGER.Datasource,
};

function fromRecords(records: unknown): FaasTrigger | undefined {
  if (!Array.isArray(records) || !isObj(records[0])) return undefined;
  const first = records[0];
  const source = first.eventSource ?? first.EventSource;
  return typeof source === 'string' ? RECORD_TRIGGER[source] : undefined;
}

/**
 * What invoked the function, as OpenTelemetry's `faas.trigger` names it, read
 * from the event's shape: `http` for API Gateway, ALB and Function URL
 * events; `pubsub` for SQS, SNS, Kinesis, Kafka and EventBridge; `datasource`
 * for S3 and DynamoDB streams; `timer` for a scheduled EventBridge rule;
 * `other` for anything else (a direct invoke). A few property reads.
 *
 * @example
 * faasTrigger({ httpMethod: 'POST', body: '{}' }); // 'http'
 */
export function faasTrigger(event: unknown): FaasTrigger {
  if (!isObj(event)) return FAAS_TRIGGER.Other;
  if (typeof event.httpMethod === 'string') return FAAS_TRIGGER.Http;
  const request = event.requestContext;
  if (isObj(request) && isObj(request.http)) return FAAS_TRIGGER.Http;
  if ('Records' in event) return fromRecords(event.Records) ?? FAAS_TRIGGER.Other;
  // Kafka (MSK, self-managed) events name their source at the top.
  if (typeof event.eventSource === 'string') {
    return RECORD_TRIGGER[event.eventSource] ?? FAAS_TRIGGER.Other;
  }
  if (typeof event['detail-type'] === 'string') {
    return event['detail-type'] === 'Scheduled Event' ? FAAS_TRIGGER.Timer : FAAS_TRIGGER.PubSub;
  }
  return FAAS_TRIGGER.Other;
}
