import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config.js';
import type { ConfigError } from '../../lib/errors.js';
import { resolveOtlpHttp } from '../../lib/tracing/otlpEndpoint.js';
import { resolveLogsMode, resolveMetricsMode } from '../../lib/tracing/traceConfig.js';

const messages = (issues: readonly ConfigError[]) => issues.map((i) => i.message);

describe('resolveMetricsMode', () => {
  it('takes the option, then OBSERVED_METRICS, then OTEL_METRICS_EXPORTER, then the default', () => {
    const issues: ConfigError[] = [];
    const env = { OBSERVED_METRICS: 'otlp-http', OTEL_METRICS_EXPORTER: 'none' };
    expect(resolveMetricsMode(env, 'api', true, issues)).toBe('api');
    expect(resolveMetricsMode(env, undefined, true, issues)).toBe('otlp-http');
    expect(resolveMetricsMode({ OTEL_METRICS_EXPORTER: 'otlp' }, undefined, true, issues)).toBe(
      'otlp-http',
    );
    expect(resolveMetricsMode({ OTEL_METRICS_EXPORTER: 'none' }, undefined, true, issues)).toBe(
      'off',
    );
    expect(resolveMetricsMode({}, undefined, true, issues)).toBe('emf');
    expect(resolveMetricsMode({}, undefined, false, issues)).toBe('api');
    expect(issues).toEqual([]);
  });

  it('names an exporter it does not have and keeps the default', () => {
    const issues: ConfigError[] = [];
    expect(
      resolveMetricsMode({ OTEL_METRICS_EXPORTER: 'prometheus' }, undefined, true, issues),
    ).toBe('emf');
    expect(resolveMetricsMode({ OBSERVED_METRICS: 'statsd' }, undefined, true, issues)).toBe('emf');
    expect(messages(issues)).toEqual([
      expect.stringMatching(/^OTEL_METRICS_EXPORTER: 'prometheus' is not an exporter/),
      "OBSERVED_METRICS: 'statsd' is not one of emf, api, otlp-http, off",
    ]);
  });
});

describe('resolveLogsMode', () => {
  it('takes the option, then OBSERVED_LOGS, then OTEL_LOGS_EXPORTER; none keeps stdout', () => {
    const issues: ConfigError[] = [];
    expect(resolveLogsMode({ OBSERVED_LOGS: 'both' }, 'stdout', issues)).toBe('stdout');
    expect(
      resolveLogsMode({ OBSERVED_LOGS: 'both', OTEL_LOGS_EXPORTER: 'none' }, undefined, issues),
    ).toBe('both');
    expect(resolveLogsMode({ OTEL_LOGS_EXPORTER: 'otlp' }, undefined, issues)).toBe('otlp-http');
    expect(resolveLogsMode({ OTEL_LOGS_EXPORTER: 'none' }, undefined, issues)).toBe('stdout');
    expect(resolveLogsMode({}, undefined, issues)).toBe('stdout');
    expect(issues).toEqual([]);
    expect(resolveLogsMode({ OBSERVED_LOGS: 'file' }, undefined, issues)).toBe('stdout');
    expect(messages(issues)).toEqual([
      "OBSERVED_LOGS: 'file' is not one of stdout, otlp-http, both",
    ]);
  });
});

describe('resolveOtlpHttp per signal', () => {
  it("appends each signal's path to the generic endpoint; a signal's own variables win", () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://logs.example.com/ingest',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'b=3',
      OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '500',
      OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'gzip',
    };
    const issues: ConfigError[] = [];
    const metrics = resolveOtlpHttp(env, issues, 'metrics');
    const logs = resolveOtlpHttp(env, issues, 'logs');
    const traces = resolveOtlpHttp(env, issues, 'traces');
    expect(metrics).toMatchObject({
      url: 'http://collector:4318/v1/metrics',
      headers: { a: '1', b: '2' },
      timeoutMs: 500,
      compression: 'gzip',
      sigv4Region: undefined,
    });
    expect(logs).toMatchObject({
      url: 'https://logs.example.com/ingest',
      headers: { a: '1', b: '3' },
      timeoutMs: 10_000,
      compression: 'gzip',
    });
    expect(traces).toMatchObject({ url: 'http://collector:4318/v1/traces', timeoutMs: 10_000 });
    expect(resolveOtlpHttp({}, issues, 'logs').url).toBe('http://localhost:4318/v1/logs');
    expect(issues).toEqual([]);
  });

  it("signs CloudWatch Logs' OTLP endpoint for the service logs", () => {
    const logs = resolveOtlpHttp(
      { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://logs.eu-west-1.amazonaws.com/v1/logs' },
      [],
      'logs',
    );
    expect(logs).toMatchObject({ sigv4Region: 'eu-west-1', sigv4Service: 'logs' });
  });

  it('reports a bad generic variable once, though every signal read it', () => {
    const { config, issues } = resolveConfig({
      OBSERVED_TRACES: 'otlp-http',
      OBSERVED_METRICS: 'otlp-http',
      OBSERVED_LOGS: 'otlp-http',
      OTEL_EXPORTER_OTLP_TIMEOUT: 'soon',
    });
    expect(config.otlpMetrics?.url).toBe('http://localhost:4318/v1/metrics');
    expect(config.otlpLogs?.url).toBe('http://localhost:4318/v1/logs');
    expect(messages(issues)).toEqual([
      "OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' is not a number of milliseconds > 0",
    ]);
  });

  it('resolves no OTLP endpoint for the default modes', () => {
    const { config } = resolveConfig({});
    expect(config).toMatchObject({ logs: 'stdout', otlpLogs: undefined, otlpMetrics: undefined });
  });
});
