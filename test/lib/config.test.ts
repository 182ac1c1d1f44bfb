import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACT_KEYS, resolveConfig } from '../../lib/config.js';

const lambdaEnv = {
  AWS_LAMBDA_FUNCTION_NAME: 'fraud-fn',
  AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
  AWS_REGION: 'eu-west-1',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
};

describe('resolveConfig', () => {
  it('defaults to the function name, $LATEST, emf and xray-udp inside Lambda', () => {
    const { config, issues } = resolveConfig(lambdaEnv);
    expect(issues).toEqual([]);
    expect(config).toMatchObject({
      inLambda: true,
      serviceName: 'fraud-fn',
      namespace: 'ObservedInference',
      model: { name: 'fraud-fn', version: '$LATEST' },
      traces: 'xray-udp',
      metrics: 'emf',
      lowConfidence: 0.5,
      logPayloadRate: 0,
      memoryMb: 1024,
      region: 'eu-west-1',
      initType: 'on-demand',
      daemon: { host: '127.0.0.1', port: 2000 },
    });
    expect(config.redactKeys.size).toBe(DEFAULT_REDACT_KEYS.length);
  });

  it('defaults to the API exporters outside Lambda', () => {
    const { config } = resolveConfig({});
    expect(config).toMatchObject({
      inLambda: false,
      traces: 'xray-api',
      metrics: 'api',
      functionName: 'local',
    });
  });

  it('gives options precedence over the environment and the environment over defaults', () => {
    const env = {
      ...lambdaEnv,
      OBSERVED_MODEL_NAME: 'env-model',
      OBSERVED_MODEL_VERSION: '7',
      OBSERVED_LOW_CONFIDENCE: '0.8',
      POWERTOOLS_SERVICE_NAME: 'svc',
      POWERTOOLS_METRICS_NAMESPACE: 'Ns',
      OBSERVED_TRACES: 'off',
    };
    expect(resolveConfig(env).config).toMatchObject({
      model: { name: 'env-model', version: '7' },
      lowConfidence: 0.8,
      serviceName: 'svc',
      namespace: 'Ns',
      traces: 'off',
    });
    const { config } = resolveConfig(env, {
      model: { name: 'opt-model' },
      lowConfidence: 0.3,
      traces: 'xray-api',
    });
    expect(config.model).toEqual({ name: 'opt-model', version: '7' });
    expect(config.lowConfidence).toBe(0.3);
    expect(config.traces).toBe('xray-api');
  });

  it('reports an invalid value naming the variable and the accepted values, and keeps the default', () => {
    const { config, issues } = resolveConfig({
      ...lambdaEnv,
      OBSERVED_TRACES: 'jaeger',
      OBSERVED_METRICS: 'statsd',
      OBSERVED_LOW_CONFIDENCE: '1.5',
      OBSERVED_LOG_PAYLOADS: 'sometimes',
      AWS_XRAY_DAEMON_ADDRESS: 'not an address',
    });
    const messages = issues.map((i) => i.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^OBSERVED_TRACES: 'jaeger' is not one of xray-udp, xray-api, otlp-udp, otlp-http, off/,
        ),
        expect.stringMatching(/^OBSERVED_METRICS: 'statsd' is not one of emf, api, otlp-http, off/),
        expect.stringMatching(/^OBSERVED_LOW_CONFIDENCE: '1.5' is not a number in \[0, 1\]/),
        expect.stringMatching(/^OBSERVED_LOG_PAYLOADS: 'sometimes'/),
        expect.stringMatching(/^AWS_XRAY_DAEMON_ADDRESS: /),
      ]),
    );
    expect(issues.map((i) => i.variable)).toContain('OBSERVED_TRACES');
    expect(config).toMatchObject({
      traces: 'xray-udp',
      metrics: 'emf',
      lowConfidence: 0.5,
      logPayloadRate: 0,
    });
  });

  it('rejects a model name that is not a valid dimension value', () => {
    const { config, issues } = resolveConfig(lambdaEnv, { model: { name: 'bad\nname' } });
    expect(issues[0]?.message).toMatch(/^model: [\s\S]* is not a valid CloudWatch dimension value/);
    expect(config.model.name).toBe('fraud-fn');
  });

  it('reads payload sampling, and redaction keys added to the defaults', () => {
    const { config } = resolveConfig({
      OBSERVED_LOG_PAYLOADS: '0.25',
      OBSERVED_REDACT: 'ssn, Card-Number, Mother-Maiden-Name, !pin',
    });
    expect(config.logPayloadRate).toBe(0.25);
    expect(config.redactKeys).toContain('mothermaidenname');
    expect(config.redactKeys).toContain('secret');
    expect(config.redactKeys).not.toContain('pin');
    expect(config.redactKeys.size).toBe(DEFAULT_REDACT_KEYS.length);
    expect(resolveConfig({ OBSERVED_LOG_PAYLOADS: 'off' }).config.logPayloadRate).toBe(0);
  });

  it('primes by default; OBSERVED_PRIMING=off or priming: false turns it off, the option first', () => {
    expect(resolveConfig(lambdaEnv).config.priming).toBe(true);
    expect(resolveConfig({ ...lambdaEnv, OBSERVED_PRIMING: ' OFF ' }).config.priming).toBe(false);
    expect(resolveConfig({ ...lambdaEnv, OBSERVED_PRIMING: 'on' }).config.priming).toBe(true);
    expect(resolveConfig(lambdaEnv, { priming: false }).config.priming).toBe(false);
    expect(
      resolveConfig({ ...lambdaEnv, OBSERVED_PRIMING: 'off' }, { priming: true }).config.priming,
    ).toBe(true);
    const { config, issues } = resolveConfig({ ...lambdaEnv, OBSERVED_PRIMING: 'sometimes' });
    expect(config.priming).toBe(true);
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^OBSERVED_PRIMING: 'sometimes' is neither 'on' nor 'off'/),
    ]);
  });

  it('reads the label-mix labels from the option, else OBSERVED_LABELS', () => {
    expect(resolveConfig({ OBSERVED_LABELS: ' fraud, legit ,' }).config.labels).toEqual([
      'fraud',
      'legit',
    ]);
    expect(resolveConfig({ OBSERVED_LABELS: 'a' }, { labels: ['b'] }).config.labels).toEqual(['b']);
    expect(resolveConfig({ OBSERVED_LABELS: ' , ' }).config.labels).toBeUndefined();
  });

  it('knows the kinds of initialization', () => {
    const kind = (t: string) =>
      resolveConfig({ AWS_LAMBDA_INITIALIZATION_TYPE: t }).config.initType;
    expect(kind('provisioned-concurrency')).toBe('provisioned-concurrency');
    expect(kind('snap-start')).toBe('snap-start');
    expect(kind('on-demand')).toBe('on-demand');
  });
});
