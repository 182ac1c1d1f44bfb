import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../lib/config.js';
import type { ConfigError } from '../../../lib/errors.js';
import { parseKeyValueList, resolveOtlpHttp } from '../../../lib/tracing/otlpEndpoint.js';
import { resolveResource, resolveTracesMode } from '../../../lib/tracing/traceConfig.js';

const lambdaEnv = {
  AWS_LAMBDA_FUNCTION_NAME: 'fraud-fn',
  AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
  AWS_LAMBDA_FUNCTION_VERSION: '7',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_LAMBDA_LOG_STREAM_NAME: '2026/12/07/[$LATEST]abc',
  AWS_REGION: 'eu-west-1',
};

const messages = (issues: ConfigError[]) => issues.map((i) => i.message);

describe('resolveTracesMode', () => {
  it('takes the option, then OBSERVED_TRACES, then OTEL_TRACES_EXPORTER, then the default', () => {
    const issues: ConfigError[] = [];
    const env = { OBSERVED_TRACES: 'otlp-udp', OTEL_TRACES_EXPORTER: 'none' };
    expect(resolveTracesMode(env, 'xray-api', true, issues)).toBe('xray-api');
    expect(resolveTracesMode(env, undefined, true, issues)).toBe('otlp-udp');
    expect(resolveTracesMode({ OTEL_TRACES_EXPORTER: 'otlp' }, undefined, true, issues)).toBe(
      'otlp-http',
    );
    expect(resolveTracesMode({ OTEL_TRACES_EXPORTER: 'none' }, undefined, true, issues)).toBe(
      'off',
    );
    expect(resolveTracesMode({}, undefined, true, issues)).toBe('xray-udp');
    expect(resolveTracesMode({}, undefined, false, issues)).toBe('xray-api');
    expect(issues).toEqual([]);
  });

  it('names an OTEL_TRACES_EXPORTER it does not have, and keeps the default or the otlp beside it', () => {
    const issues: ConfigError[] = [];
    expect(resolveTracesMode({ OTEL_TRACES_EXPORTER: 'console' }, undefined, true, issues)).toBe(
      'xray-udp',
    );
    expect(
      resolveTracesMode({ OTEL_TRACES_EXPORTER: 'otlp, zipkin' }, undefined, true, issues),
    ).toBe('otlp-http');
    expect(messages(issues)).toEqual([
      expect.stringMatching(
        /^OTEL_TRACES_EXPORTER: 'console' is not an exporter observed-inference has/,
      ),
      expect.stringMatching(/^OTEL_TRACES_EXPORTER: 'zipkin' is not an exporter/),
    ]);
  });

  it('refuses an unknown OBSERVED_TRACES, naming every mode', () => {
    const issues: ConfigError[] = [];
    expect(resolveTracesMode({ OBSERVED_TRACES: 'jaeger' }, undefined, true, issues)).toBe(
      'xray-udp',
    );
    expect(messages(issues)).toEqual([
      "OBSERVED_TRACES: 'jaeger' is not one of xray-udp, xray-api, otlp-udp, otlp-http, off",
    ]);
  });
});

describe('resolveOtlpHttp', () => {
  it('defaults to the collector extension on localhost:4318, uncompressed, 10 s', () => {
    const issues: ConfigError[] = [];
    expect(resolveOtlpHttp({}, issues)).toEqual({
      url: 'http://localhost:4318/v1/traces',
      headers: {},
      compression: 'none',
      timeoutMs: 10_000,
      sigv4Region: undefined,
      sigv4Service: 'xray',
    });
    expect(issues).toEqual([]);
  });

  it('uses a traces endpoint as it is and appends /v1/traces to a base endpoint', () => {
    const base = resolveOtlpHttp(
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com:4318/' },
      [],
    );
    expect(base).toMatchObject({
      url: 'https://otel.example.com:4318/v1/traces',
      compression: 'gzip',
    });
    const traces = resolveOtlpHttp(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://ignored.example.com',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9999/custom',
      },
      [],
    );
    expect(traces.url).toBe('http://127.0.0.1:9999/custom');
  });

  it('reads headers, compression and timeout, the trace-specific variables winning', () => {
    const issues: ConfigError[] = [];
    const config = resolveOtlpHttp(
      {
        OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=a,api-key=generic',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'api-key=traces%20key',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
        OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
        OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '750',
      },
      issues,
    );
    expect(config).toMatchObject({
      headers: { 'x-tenant': 'a', 'api-key': 'traces key' },
      compression: 'gzip',
      timeoutMs: 750,
    });
    expect(issues).toEqual([]);
  });

  it('signs for X-Ray’s OTLP endpoint only, in its region', () => {
    const xray = resolveOtlpHttp(
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://xray.ap-southeast-2.amazonaws.com/v1/traces' },
      [],
    );
    expect(xray).toMatchObject({ sigv4Region: 'ap-southeast-2', compression: 'gzip' });
    // The constructs build the endpoint with the partition's URL suffix: China's too.
    const china = resolveOtlpHttp(
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://xray.cn-north-1.amazonaws.com.cn/v1/traces' },
      [],
    );
    expect(china.sigv4Region).toBe('cn-north-1');
    const other = resolveOtlpHttp({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://xray.example.com' }, []);
    expect(other.sigv4Region).toBeUndefined();
  });

  it('reports bad values by name and keeps the defaults', () => {
    const issues: ConfigError[] = [];
    const config = resolveOtlpHttp(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'novalue',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd',
        OTEL_EXPORTER_OTLP_TIMEOUT: '-1',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      },
      issues,
    );
    expect(config).toMatchObject({
      url: 'http://localhost:4318/v1/traces',
      headers: {},
      compression: 'none',
      timeoutMs: 10_000,
    });
    expect(issues.map((i) => i.variable).sort()).toEqual([
      'OTEL_EXPORTER_OTLP_COMPRESSION',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_HEADERS',
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'OTEL_EXPORTER_OTLP_TIMEOUT',
    ]);
  });
});

describe('parseKeyValueList', () => {
  it('trims entries and percent-decodes values, refusing a malformed entry', () => {
    expect(parseKeyValueList(' a = 1 , b=x%3Dy ,')).toEqual({ a: '1', b: 'x=y' });
    expect(parseKeyValueList('a=1,=2')).toBe("'=2' is not key=value");
    expect(parseKeyValueList('a=%E0%A4%A')).toMatch(/not percent-encoded/);
  });
});

describe('resolveResource', () => {
  const inputs = {
    inLambda: true,
    serviceName: undefined,
    functionName: 'fraud-fn',
    functionVersion: '7',
    region: 'eu-west-1',
    memoryMb: 512,
  };

  it('describes the Lambda environment with the FaaS and cloud conventions', () => {
    expect(resolveResource(lambdaEnv, inputs, [])).toEqual({
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_lambda',
      'cloud.region': 'eu-west-1',
      'faas.name': 'fraud-fn',
      'faas.version': '7',
      'faas.instance': '2026/12/07/[$LATEST]abc',
      'faas.max_memory': 512 * 1024 * 1024,
      'service.name': 'fraud-fn',
    });
  });

  it('takes service.name from the option, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, then Powertools', () => {
    const env = {
      ...lambdaEnv,
      POWERTOOLS_SERVICE_NAME: 'powertools',
      OTEL_RESOURCE_ATTRIBUTES:
        'service.name=from-attrs,deployment.environment=prod,faas.version=9',
      OTEL_SERVICE_NAME: 'otel',
    };
    const name = (e: Record<string, string>, serviceName?: string) =>
      resolveResource(e, { ...inputs, serviceName }, [])['service.name'];
    expect(name(env, 'option')).toBe('option');
    expect(name(env)).toBe('otel');
    const { OTEL_SERVICE_NAME: _, ...withoutOtel } = env;
    expect(name(withoutOtel)).toBe('from-attrs');
    expect(name({ ...lambdaEnv, POWERTOOLS_SERVICE_NAME: 'powertools' })).toBe('powertools');
    // The user's own attributes are kept and win over what we derived.
    expect(resolveResource(env, inputs, [])).toMatchObject({
      'deployment.environment': 'prod',
      'faas.version': '9',
    });
  });

  it('claims no Lambda outside Lambda', () => {
    const resource = resolveResource({}, { ...inputs, inLambda: false, region: undefined }, []);
    expect(resource).toEqual({ 'service.name': 'fraud-fn' });
  });

  it('is part of the resolved config, with the OTLP endpoint only in otlp-http mode', () => {
    const otlp = resolveConfig({ ...lambdaEnv, OTEL_TRACES_EXPORTER: 'otlp' }).config;
    expect(otlp).toMatchObject({
      traces: 'otlp-http',
      otlp: { url: 'http://localhost:4318/v1/traces' },
    });
    expect(otlp.resource['faas.instance']).toBe('2026/12/07/[$LATEST]abc');
    const udp = resolveConfig({
      ...lambdaEnv,
      OBSERVED_TRACES: 'otlp-udp',
      AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
    }).config;
    expect(udp).toMatchObject({
      traces: 'otlp-udp',
      otlp: undefined,
      daemon: { host: '169.254.79.129', port: 2000 },
    });
  });
});

describe('under an OpenTelemetry Lambda layer wrapper', () => {
  const adot = {
    ...lambdaEnv,
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_TRACES_EXPORTER: 'otlp',
  };

  it("leaves OTEL_*_EXPORTER to the wrapper's SDK: ADOT's metrics 'none' keeps our EMF", () => {
    for (const wrapper of ['/opt/otel-instrument', '/opt/otel-handler', '/opt/otel-sqs-handler']) {
      const { config } = resolveConfig({ ...adot, AWS_LAMBDA_EXEC_WRAPPER: wrapper });
      expect([config.traces, config.metrics, config.logs]).toEqual(['xray-udp', 'emf', 'stdout']);
    }
    // Without it they are ours to read; with it OBSERVED_* still choose.
    expect(resolveConfig(adot).config.metrics).toBe('off');
    const chosen = resolveConfig({
      ...adot,
      AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-instrument',
      OBSERVED_METRICS: 'off',
    });
    expect(chosen.config.metrics).toBe('off');
    const ours = resolveConfig({
      ...adot,
      AWS_LAMBDA_EXEC_WRAPPER: '/opt/observed-inference-wrapper',
    });
    expect(ours.config.traces).toBe('otlp-http');
  });
});

describe('OBSERVED_TRACES_PROVIDER', () => {
  it('is auto unless own or global, and names a value it does not know', () => {
    expect(resolveConfig(lambdaEnv).config.tracesProvider).toBe('auto');
    for (const value of ['own', 'global', ' Global ']) {
      const { config } = resolveConfig({ ...lambdaEnv, OBSERVED_TRACES_PROVIDER: value });
      expect(config.tracesProvider).toBe(value.trim().toLowerCase());
    }
    const { config, issues } = resolveConfig({ ...lambdaEnv, OBSERVED_TRACES_PROVIDER: 'adot' });
    expect(config.tracesProvider).toBe('auto');
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/OBSERVED_TRACES_PROVIDER.*'adot' is not one of auto, own, global/),
    ]);
  });
});
