import { describe, expect, it } from 'vitest';
import { JsonLogWriter } from '../../../lib/logs/logger.js';
import { resolveLogSettings } from '../../../lib/logs/logLevel.js';
import type { LineOutput } from '../../../lib/logs/output.js';

function collect() {
  const out = { stdout: [] as string[], stderr: [] as string[] };
  const output: LineOutput = {
    stdout: (l) => out.stdout.push(l),
    stderr: (l) => out.stderr.push(l),
    flush() {},
  };
  return { out, output };
}

function writer(env: Record<string, string> = {}, errors: unknown[] = []) {
  const { out, output } = collect();
  const log = new JsonLogWriter({
    service: 'fraud-api',
    settings: resolveLogSettings(env),
    output,
    env: { _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1', ...env },
    onError: (e) => errors.push(e),
  });
  return { log, out };
}

describe('JsonLogWriter', () => {
  it("writes Powertools' keys in Powertools' order, then the fields", () => {
    const { log, out } = writer();
    log.write('info', 'inference', {
      model_name: 'fraud',
      cold_start: true,
      function_name: 'fraud-fn',
      function_memory_size: 512,
      function_arn: 'arn:aws:lambda:us-east-1:1:function:fraud-fn',
      function_request_id: 'req-1',
      xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      latency_ms: 1.5,
      stages: { predict: 0.5 },
      prediction: undefined,
      client_id: '',
    });
    expect(out.stdout).toHaveLength(1);
    const line = JSON.parse(out.stdout[0]!) as Record<string, unknown>;
    expect(Object.keys(line)).toEqual([
      'level',
      'message',
      'timestamp',
      'service',
      'cold_start',
      'function_arn',
      'function_memory_size',
      'function_name',
      'function_request_id',
      'sampling_rate',
      'xray_trace_id',
      'model_name',
      'latency_ms',
      'stages',
    ]);
    expect(line).toMatchObject({ level: 'INFO', service: 'fraud-api', sampling_rate: 0 });
    expect(new Date(line.timestamp as string).toISOString()).toBe(line.timestamp);
  });

  it('takes xray_trace_id from the environment when the fields carry none', () => {
    const { log, out } = writer();
    log.write('info', 'outcome', {});
    expect(JSON.parse(out.stdout[0]!).xray_trace_id).toBe('1-5759e988-bd862e3fe1be46a994272793');
  });

  it('writes WARN and ERROR to stderr, the rest to stdout', () => {
    const { log, out } = writer({ POWERTOOLS_LOG_LEVEL: 'DEBUG' });
    log.write('debug', 'd', {});
    log.write('info', 'i', {});
    log.write('warn', 'w', {});
    log.write('error', 'e', {});
    expect(out.stdout.map((l) => JSON.parse(l).level)).toEqual(['DEBUG', 'INFO']);
    expect(out.stderr.map((l) => JSON.parse(l).level)).toEqual(['WARN', 'ERROR']);
  });

  it('honours POWERTOOLS_LOG_LEVEL, and AWS_LAMBDA_LOG_LEVEL over it', () => {
    const levels = (env: Record<string, string>) => {
      const { log, out } = writer(env);
      for (const l of ['debug', 'info', 'warn', 'error'] as const) log.write(l, l, {});
      return [...out.stdout, ...out.stderr].map((l) => JSON.parse(l).message);
    };
    expect(levels({})).toEqual(['info', 'warn', 'error']);
    expect(levels({ POWERTOOLS_LOG_LEVEL: 'warn' })).toEqual(['warn', 'error']);
    expect(levels({ POWERTOOLS_LOG_LEVEL: 'DEBUG' })).toEqual(['debug', 'info', 'warn', 'error']);
    expect(levels({ POWERTOOLS_LOG_LEVEL: 'DEBUG', AWS_LAMBDA_LOG_LEVEL: 'ERROR' })).toEqual([
      'error',
    ]);
    expect(levels({ AWS_LAMBDA_LOG_LEVEL: 'FATAL' })).toEqual([]);
  });

  it('writes bigints as strings, errors as objects and leaves out circular references', () => {
    const { log, out } = writer();
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    log.write('info', 'x', { big: 12n, nested: { n: 3n }, circular, failure: new Error('boom') });
    const line = JSON.parse(out.stdout[0]!);
    expect(line.big).toBe('12');
    expect(line.nested).toEqual({ n: '3' });
    expect(line.circular).toEqual({ a: 1 });
    expect(line.failure).toMatchObject({ name: 'Error', message: 'boom' });
    expect(line.failure.location).toMatch(/:\d+$/);
  });

  it('writes the line with a marker when a field cannot be serialized, and reports it', () => {
    const errors: unknown[] = [];
    const { log, out } = writer({}, errors);
    const hostile = {
      toJSON() {
        throw new RangeError('too big');
      },
    };
    expect(() => log.write('info', 'x', { hostile, model_name: 'fraud' })).not.toThrow();
    const line = JSON.parse(out.stdout[0]!);
    expect(line.hostile).toBe('[unserializable: RangeError]');
    expect(line.model_name).toBe('fraud');
    expect(errors).toHaveLength(1);
  });
});

describe('resolveLogSettings', () => {
  it('turns DEBUG on for the sampled share of environments', () => {
    const env = { POWERTOOLS_LOGGER_SAMPLE_RATE: '0.5' };
    expect(resolveLogSettings(env, () => 0.2)).toEqual({
      threshold: 8,
      sampleRate: 0.5,
      sampledDebug: true,
    });
    expect(resolveLogSettings(env, () => 0.9).threshold).toBe(12);
  });
});
