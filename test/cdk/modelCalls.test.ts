import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  InferenceAlarms,
  InferenceDashboard,
  InvalidPropError,
  ObservedInferenceFunction,
} from '../../cdk/index.js';
import { MAX_LOGGED_MODELS, METRIC } from '../../lib/telemetry.js';
import { renderString, templateMetrics } from '../support/templateMetrics.js';
import {
  fullStack,
  functionProps,
  resourcesOf,
  TRIAGE_MODELS,
  templateOf,
  testStack,
} from './support.js';

type Statement = { Action: string | string[]; Resource: unknown };
type AlarmProps = {
  AlarmName: string;
  AlarmDescription: string;
  Threshold?: number;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  TreatMissingData: string;
};

let full: ReturnType<typeof fullStack>;

beforeAll(() => {
  full = fullStack();
});

/** The statements of the policies attached to a function's role, resolved. */
function statementsOf(stack: typeof full.stack, policyId: string): Statement[] {
  const policies = resourcesOf(templateOf(stack), 'AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([id]) => id.startsWith(policyId))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** Every action any policy of the stack grants. */
function allActions(stack: typeof full.stack): string[] {
  const policies = resourcesOf(templateOf(stack), 'AWS::IAM::Policy');
  return Object.values(policies).flatMap((p) =>
    (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement.flatMap((s) =>
      Array.isArray(s.Action) ? s.Action : [s.Action],
    ),
  );
}

const alarmsOf = (stack: typeof full.stack, prefix: string): AlarmProps[] =>
  Object.values(resourcesOf(templateOf(stack), 'AWS::CloudWatch::Alarm'))
    .map((r) => r.Properties as AlarmProps)
    .filter((a) => a.AlarmName.startsWith(prefix));

const metricsOf = (alarm: AlarmProps) =>
  templateMetrics({ Resources: { a: { Type: 'AWS::CloudWatch::Alarm', Properties: alarm } } }).map(
    (r) => `${r.metricName}:${r.stat}`,
  );

describe('modelCalls', () => {
  it('lets the role invoke only the named Bedrock models, profiles and SageMaker endpoints', () => {
    const statements = statementsOf(full.stack, 'TriageObservedInferenceModelCalls');
    const arn = (...parts: string[]) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...parts]],
    });
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        Resource: [
          arn(`:bedrock:eu-west-1::foundation-model/${TRIAGE_MODELS[0]}`),
          arn(`:bedrock:eu-west-1:123456789012:inference-profile/${TRIAGE_MODELS[1]}`),
          // The profile's model, in whichever region the profile sends the call to.
          arn(':bedrock:*::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0'),
        ],
      },
      {
        Effect: 'Allow',
        Action: [
          'sagemaker:InvokeEndpoint',
          'sagemaker:InvokeEndpointWithResponseStream',
          'sagemaker:InvokeEndpointAsync',
        ],
        // SageMaker spells endpoint names in lower case in its ARNs.
        Resource: arn(':sagemaker:eu-west-1:123456789012:endpoint/ticket-embedder'),
      },
    ]);
    // Attached to the function's own role.
    templateOf(full.stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('TriageObservedInferenceModelCalls'),
      Roles: [{ Ref: Match.stringLikeRegexp('^TriageServiceRole') }],
    });
  });

  it('grants nothing when no model or endpoint is named, and nothing to a function without modelCalls', () => {
    const { stack, layer } = testStack();
    new ObservedInferenceFunction(stack, 'Chat', {
      ...functionProps(layer),
      modelCalls: {},
    });
    new ObservedInferenceFunction(
      stack,
      'Plain',
      functionProps(layer, { model: { name: 'p', version: '1' } }),
    );
    const actions = allActions(stack);
    expect(actions.filter((a) => /^(bedrock|sagemaker):/.test(a))).toEqual([]);
    expect(statementsOf(stack, 'ChatObservedInferenceModelCalls')).toEqual([]);
    // Marked all the same: the dashboard has its model-call rows, the alarms their two.
    const names = alarmsOf(stack, 'Test/fraud/').map((a) => a.AlarmName);
    expect(names).toEqual(
      expect.arrayContaining([
        'Test/fraud/fraud@2026-11-01: model call throttles',
        'Test/fraud/fraud@2026-11-01: p99 time to first token > 3000 ms',
      ]),
    );
    expect(
      alarmsOf(stack, 'Test/p/')
        .map((a) => a.AlarmName)
        .join(),
    ).not.toMatch(/model call|first token/);
  });

  it('alarms on any throttled model call and on p99 time to first token, each saying where to look', () => {
    const alarms = alarmsOf(full.stack, 'Full/triage-api/');
    const throttles = alarms.find((a) => a.AlarmName.endsWith('model call throttles'))!;
    expect(metricsOf(throttles)).toEqual([`${METRIC.ModelCallThrottles}:Sum`]);
    expect(throttles).toMatchObject({
      Threshold: 0,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(throttles.AlarmDescription).toMatch(/Look first at the dashboard model-call rows/);
    expect(throttles.AlarmDescription).toMatch(/service quotas/);
    const ttft = alarms.find((a) => a.AlarmName.includes('time to first token'))!;
    expect(ttft).toMatchObject({
      AlarmName: 'Full/triage-api/triage@2026-12-01: p99 time to first token > 1500 ms',
      Threshold: 1500,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    expect(metricsOf(ttft)).toEqual([`${METRIC.TimeToFirstToken}:p99`]);
    expect(ttft.AlarmDescription).toMatch(/Look first at the dashboard model-call rows/);
    // A model that calls none has neither.
    const fraud = alarmsOf(full.stack, 'Full/fraud-api/')
      .map((a) => a.AlarmName)
      .join('\n');
    expect(fraud).not.toMatch(/model call|first token/);
  });

  it('takes the throttle threshold from alarmOverrides and the TTFT one from its own prop only', () => {
    const { stack } = testStack();
    const target = { ...full.triage.target, function: undefined, logGroup: undefined };
    new InferenceAlarms(stack, 'Alarms', {
      models: [target],
      alarmOverrides: {
        modelCallThrottles: { threshold: 5, evaluationPeriods: 3, datapointsToAlarm: 2 },
      },
      timeToFirstTokenP99: Duration.seconds(2),
    });
    const alarms = alarmsOf(stack, 'Test/');
    expect(alarms.find((a) => a.AlarmName.endsWith('model call throttles'))).toMatchObject({
      Threshold: 5,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    expect(alarms.find((a) => a.AlarmName.includes('first token'))?.Threshold).toBe(2000);
    expect(
      () =>
        new InferenceAlarms(testStack().stack, 'Alarms', {
          models: [target],
          alarmOverrides: { timeToFirstTokenP99: { threshold: 100 } },
        }),
    ).toThrow(/alarmOverrides.timeToFirstTokenP99.threshold.*timeToFirstTokenP99/);
    expect(
      () =>
        new InferenceAlarms(testStack().stack, 'Alarms', {
          models: [target],
          timeToFirstTokenP99: Duration.millis(0),
        }),
    ).toThrow(InvalidPropError);
  });

  it('graphs tokens, TTFT p50 and p99, latency by model, throttles, errors and estimated cost', () => {
    const { stack } = testStack();
    const dashboard = new InferenceDashboard(stack, 'Dashboard', {
      models: [
        {
          ...full.triage.target,
          function: undefined,
          logGroup: undefined,
          timeToFirstTokenP99: Duration.seconds(2),
        },
      ],
    });
    const template = templateOf(stack);
    const [body] = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard')).map(
      (r) =>
        JSON.parse(renderString(r.Properties.DashboardBody as never)) as {
          widgets: Array<{ properties: { title?: string; annotations?: unknown } }>;
        },
    );
    const titles = body!.widgets.map((w) => w.properties.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Model call tokens',
        'Time to first token (ms)',
        'Model call latency by model (ms)',
        'Model call errors and throttles',
        'Tokens by model',
        'Estimated cost (your price table)',
      ]),
    );
    const ttft = body!.widgets.find((w) => w.properties.title === 'Time to first token (ms)');
    expect(JSON.stringify(ttft?.properties.annotations)).toContain('"value":2000');
    const refs = templateMetrics(template.toJSON()).filter((r) => r.source === 'dashboard');
    const stats = (metric: string, model?: string) =>
      refs
        .filter((r) => r.metricName === metric && r.dimensions.BedrockModelId === model)
        .map((r) => r.stat)
        .sort();
    expect(stats(METRIC.TimeToFirstToken)).toEqual(['p50', 'p99']);
    for (const model of TRIAGE_MODELS) {
      expect(stats(METRIC.ModelCallLatency, model)).toEqual(['p99']);
      expect(stats(METRIC.InputTokens, model)).toEqual(['Sum']);
      expect(stats(METRIC.OutputTokens, model)).toEqual(['Sum']);
      expect(stats(METRIC.InferenceCost, model)).toEqual(['Sum']);
    }
    expect(stats(METRIC.ModelCallThrottles)).toEqual(['Sum']);
    expect(stats(METRIC.ModelCallErrors)).toEqual(['Sum']);
    expect(dashboard.models).toHaveLength(1);
  });

  it('refuses model ids and endpoint names the runtime or SageMaker would not take, naming the prop', () => {
    const make = (modelCalls: object) => () => {
      const { stack, layer } = testStack();
      new ObservedInferenceFunction(stack, 'Chat', { ...functionProps(layer), modelCalls });
    };
    expect(make({ bedrockModelIds: ['a', 'a'] })).toThrow(
      /modelCalls.bedrockModelIds\[1\].*listed twice/,
    );
    expect(make({ bedrockModelIds: [''] })).toThrow(/modelCalls.bedrockModelIds\[0\]/);
    const many = Array.from({ length: MAX_LOGGED_MODELS + 1 }, (_, i) => `m${i}`);
    expect(make({ bedrockModelIds: many })).toThrow(/modelCalls.bedrockModelIds.*at most/);
    expect(() => {
      const { stack, layer } = testStack();
      new ObservedInferenceFunction(stack, 'Chat', {
        ...functionProps(layer),
        timeToFirstTokenP99: Duration.seconds(1),
      });
    }).toThrow(/timeToFirstTokenP99.*give modelCalls too/);
    expect(make({ sagemakerEndpoints: ['no_underscores'] })).toThrow(
      /modelCalls.sagemakerEndpoints\[0\].*not a SageMaker endpoint name/,
    );
  });
});
