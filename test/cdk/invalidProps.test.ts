import { Duration, SecretValue, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  InferenceAlarms,
  type InferenceAlarmsProps,
  InferenceDashboard,
  InferenceObservabilityLayer,
  InferenceServiceLevelObjectives,
  type InferenceServiceLevelObjectivesProps,
  InvalidPropError,
  ObservedInferenceFunction,
  type ObservedInferenceFunctionProps,
} from '../../cdk/index.js';
import { functionProps, testApp, testStack } from './support.js';

/** The InvalidPropError `build` throws (it must throw one). */
function errorOf(build: () => unknown): InvalidPropError {
  try {
    build();
  } catch (error) {
    if (error instanceof InvalidPropError) return error;
    throw error;
  }
  throw new Error('expected an InvalidPropError, nothing was thrown');
}

const model = { name: 'fraud', version: '1' };
const target = { model, serviceName: 'fraud-api' };

function fn(overrides: Partial<ObservedInferenceFunctionProps>) {
  const { stack, layer } = testStack('Invalid');
  return () =>
    new ObservedInferenceFunction(
      stack,
      'Fn',
      functionProps(layer, overrides as ObservedInferenceFunctionProps),
    );
}

function alarms(overrides: Partial<InferenceAlarmsProps>) {
  return () =>
    new InferenceAlarms(new Stack(testApp(), 'A'), 'A', { models: [target], ...overrides });
}

function slos(overrides: Partial<InferenceServiceLevelObjectivesProps>) {
  return () =>
    new InferenceServiceLevelObjectives(new Stack(testApp(), 'S'), 'S', { target, ...overrides });
}

describe('invalid props fail at synth time, naming the prop', () => {
  it.each([
    ['objective.latencyP99', fn({ objective: { latencyP99: Duration.millis(0) } })],
    ['objective.errorRate', fn({ objective: { errorRate: 1.5 } })],
    ['objective.errorRate', alarms({ objective: { errorRate: -0.1 } })],
    ['lowConfidenceThreshold', fn({ lowConfidenceThreshold: 2 })],
    ['drift.threshold', fn({ drift: { threshold: 0 } })],
    ['drift.window', fn({ drift: { window: 5 } })],
    ['model.name', fn({ model: { name: ':fraud', version: '1' } })],
    ['model.name', fn({ model: { name: 'fraud\u00e9', version: '1' } })],
    ['model.name', fn({ model: { name: '', version: '1' } })],
    ['model.version', fn({ model: { name: 'fraud', version: ' 1' } })],
    [
      'models[0].model.name',
      alarms({ models: [{ model: { name: 'x'.repeat(1025), version: '1' }, serviceName: 's' }] }),
    ],
    ['serviceName', fn({ serviceName: 'tab\there' })],
    ['namespace', fn({ namespace: 'AWS/Lambda' })],
    ['mode', fn({ mode: 'magic' as never })],
    ['runtime', fn({ runtime: lambda.Runtime.NODEJS_20_X })],
    ['logLevel', fn({ logLevel: lambda.ApplicationLogLevel.WARN })],
    ['environment.POWERTOOLS_SERVICE_NAME', fn({ environment: { POWERTOOLS_SERVICE_NAME: 'x' } })],
    ['models', alarms({ models: [] })],
    ['period', alarms({ period: Duration.seconds(45) })],
    ['datapointsToAlarm', alarms({ evaluationPeriods: 2, datapointsToAlarm: 3 })],
    ['driftThreshold', alarms({ driftThreshold: -1 })],
    ['accuracyFloor', alarms({ accuracyFloor: 1.5 })],
    ['accuracyFloor', alarms({ accuracyFloor: 0 })],
    ['accuracyMinOutcomes', alarms({ accuracyMinOutcomes: 0.5 })],
    ['labels[1]', fn({ labels: ['fraud', 'maybe,fraud'] })],
    ['labels[1]', fn({ labels: ['fraud', 'fraud'] })],
    ['exclude', alarms({ exclude: ['everything' as never] })],
    ['alarmOverrides', alarms({ alarmOverrides: { latency: {} } as never })],
    [
      'alarmOverrides.latencyP99.threshold',
      alarms({ alarmOverrides: { latencyP99: { threshold: 500 } } }),
    ],
    ['alarmOverrides.drift.threshold', fn({ alarmOverrides: { drift: { threshold: 0.3 } } })],
    [
      'alarmOverrides.timeouts.threshold',
      alarms({ alarmOverrides: { timeouts: { threshold: -1 } } }),
    ],
    [
      'alarmOverrides.timeouts.evaluationPeriods',
      alarms({ alarmOverrides: { timeouts: { evaluationPeriods: 0 } } }),
    ],
    [
      'alarmOverrides.modelReloads.datapointsToAlarm',
      alarms({ alarmOverrides: { modelReloads: { evaluationPeriods: 2 } } }),
    ],
    [
      'alarmOverrides.errorRate.treatMissingData',
      alarms({ alarmOverrides: { errorRate: { treatMissingData: 'skip' as never } } }),
    ],
    [
      'alarmOverrides.drift',
      alarms({ exclude: ['drift'], alarmOverrides: { drift: { evaluationPeriods: 2 } } }),
    ],
    ['alarmOverrides.accuracy', alarms({ alarmOverrides: { accuracy: { evaluationPeriods: 4 } } })],
    ['alarmOverrides', fn({ createAlarms: false, alarmOverrides: { timeouts: { threshold: 1 } } })],
    ['alarmNamePrefix', alarms({ alarmNamePrefix: 'p'.repeat(250) })],
    [
      'dashboardName',
      () => new InferenceDashboard(new Stack(testApp(), 'D'), 'D', { dashboardName: 'has spaces' }),
    ],
    [
      'stages[1]',
      () =>
        new InferenceDashboard(new Stack(testApp(), 'D'), 'D', {
          models: [{ ...target, stages: ['predict', ' '] }],
        }),
    ],
    [
      'labels[0]',
      () =>
        new InferenceDashboard(new Stack(testApp(), 'D'), 'D', {
          models: [{ ...target, labels: [''] }],
        }),
    ],
    ['traces.kind', fn({ traces: { kind: 'jaeger' } as never })],
    [
      'traces.endpoint',
      fn({
        traces: {
          kind: 'otlp-collector',
          endpoint: 'https://xray.eu-west-1.amazonaws.com/v1/traces',
        },
      }),
    ],
    ['traces.endpoint', fn({ traces: { kind: 'otlp-collector', endpoint: 'localhost:4318' } })],
    [
      'traces.endpoint',
      fn({
        traces: { kind: 'otlp-collector', endpoint: 'https://user:pw@otlp.example.com/v1/traces' },
      }),
    ],
    [
      'traces.extension',
      fn({
        traces: {
          kind: 'otlp-collector',
          endpoint: 'https://otlp.example.com/v1/traces',
          extension: 'arn:aws:lambda:eu-west-1:123456789012:layer:otel-collector:3',
        },
      }),
    ],
    ['traces.extension', fn({ traces: { kind: 'otlp-collector', extension: 'otel-collector' } })],
    [
      'traces.headers.Authorization',
      fn({ traces: { kind: 'otlp-collector', headers: { Authorization: 'Basic abc' } } }),
    ],
    [
      'traces.headers.x-honeycomb-team',
      fn({
        traces: {
          kind: 'otlp-collector',
          headers: { 'x-honeycomb-team': SecretValue.secretsManager('otlp').unsafeUnwrap() },
        },
      }),
    ],
    [
      'traces.headers.x-tenant',
      fn({ traces: { kind: 'otlp-collector', headers: { 'x-tenant': 'Bearer abc' } } }),
    ],
    [
      'traces.headers.bad name',
      fn({ traces: { kind: 'otlp-collector', headers: { 'bad name': 'x' } } }),
    ],
    [
      'traces.timeout',
      fn({ traces: { kind: 'xray-otlp-endpoint', timeout: Duration.seconds(3) } }),
    ],
    ['traces.compression', fn({ traces: { kind: 'otlp-collector', compression: 'br' as never } })],
    ['environment.OBSERVED_TRACES', fn({ environment: { OBSERVED_TRACES: 'off' } })],
    [
      'environment.OTEL_EXPORTER_OTLP_ENDPOINT',
      fn({ environment: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' } }),
    ],
    [
      'environment.AWS_LAMBDA_EXEC_WRAPPER',
      fn({
        environment: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler' },
        traces: {
          kind: 'otlp-collector',
          extension: 'arn:aws:lambda:eu-west-1:123456789012:layer:otel-collector:3',
        },
      }),
    ],
    ['interval', slos({ interval: Duration.seconds(90) })],
    ['burnRateWindows[1]', slos({ burnRateWindows: [Duration.hours(1), Duration.days(8)] })],
    [
      'burnRateWindows[0]',
      slos({ interval: Duration.hours(1), burnRateWindows: [Duration.hours(2)] }),
    ],
    ['exclude', slos({ exclude: ['latency', 'availability'] })],
    ['exclude', slos({ exclude: ['throughput' as never] })],
    ['objective.errorRate', slos({ objective: { errorRate: 0 } })],
    ['sloNamePrefix', slos({ sloNamePrefix: '-team' })],
    ['target.model.name', slos({ target: { ...target, model: { name: ':x', version: '1' } } })],
    [
      'sloNamePrefix',
      () => {
        const stack = new Stack(testApp(), 'S');
        new InferenceServiceLevelObjectives(stack, 'A', { target });
        new InferenceServiceLevelObjectives(stack, 'B', { target });
      },
    ],
    [
      'serviceLevelObjectives.replaceAlarms',
      fn({ createAlarms: false, serviceLevelObjectives: { replaceAlarms: true } }),
    ],
    [
      'alarmOverrides.latencyP99',
      fn({
        serviceLevelObjectives: { replaceAlarms: true },
        alarmOverrides: { latencyP99: { evaluationPeriods: 5 } },
      }),
    ],
    [
      'zipPath',
      () =>
        new InferenceObservabilityLayer(new Stack(testApp(), 'L'), 'L', {
          zipPath: 'missing/layer.zip',
        }),
    ],
  ])('%s', (prop, build) => {
    const error = errorOf(build);
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`'${prop}'`);
  });

  it('says what a valid dimension value is', () => {
    expect(errorOf(fn({ model: { name: ':fraud', version: '1' } })).message).toMatch(
      /not a valid CloudWatch dimension value/,
    );
  });

  it('says which prop sets a threshold that alarmOverrides may not', () => {
    const error = errorOf(alarms({ alarmOverrides: { errorRate: { threshold: 0.1 } } }));
    expect(error.message).toMatch(/is set by objective\.errorRate/);
  });

  it('says why credential headers are refused and where they go instead', () => {
    const error = errorOf(
      fn({ traces: { kind: 'otlp-collector', headers: { 'x-api-key': 'abc' } } }),
    );
    expect(error.message).toMatch(/plain text in the function configuration/);
    expect(error.message).toMatch(/collector extension/);
  });

  it('points X-Ray’s own OTLP endpoint to the export that signs for it', () => {
    const error = errorOf(
      fn({
        traces: {
          kind: 'otlp-collector',
          endpoint: 'https://xray.us-east-1.amazonaws.com/v1/traces',
        },
      }),
    );
    expect(error.message).toMatch(/xray-otlp-endpoint/);
  });

  it('says why a log level above INFO is refused', () => {
    expect(errorOf(fn({ logLevel: lambda.ApplicationLogLevel.ERROR })).message).toMatch(/EMF/);
  });
});
