import {
  context,
  type Context as OtelContext,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { epochMs, roundMs } from './clock.js';
import { environmentConfig, environmentLog } from './environment.js';
import { asException, describeError } from './errors.js';
import { currentInvocation, type Invocation } from './invocation.js';
import { lifecycle, type ModelLoadRecord } from './lifecycle.js';
import { ATTR, METRIC, METRIC_UNIT, SPAN } from './telemetry.js';
import type { ModelSpec } from './types.js';

const loaded = new Map<string, Promise<unknown>>();

/** The version defaults to the environment's (`OBSERVED_MODEL_VERSION`, else `$LATEST`). */
function normalise(model: string | ModelSpec): Required<ModelSpec> {
  const spec = typeof model === 'string' ? { name: model } : model;
  return { name: spec.name, version: spec.version ?? environmentConfig().model.version };
}

/** Public; documented where `index.ts` exports it. */
export function loadModel<T>(model: string | ModelSpec, loader: () => T | Promise<T>): Promise<T> {
  const spec = normalise(model);
  const key = `${spec.name}\u0000${spec.version}`;
  const existing = loaded.get(key);
  if (existing) return existing as Promise<T>;
  const promise = runLoad(spec, loader);
  loaded.set(key, promise);
  promise.catch(() => loaded.delete(key));
  return promise;
}

async function runLoad<T>(model: Required<ModelSpec>, loader: () => T | Promise<T>): Promise<T> {
  const loadNumber = lifecycle.countLoad(model);
  const invocation = currentInvocation();
  if (loadNumber > 1) {
    (invocation?.sinks.log ?? environmentLog()).write(
      'warn',
      `model ${model.name} loaded ${loadNumber} times in this environment`,
      { model_name: model.name, model_version: model.version, load_number: loadNumber },
    );
  }
  if (invocation) return loadInInvocation(invocation, model, loadNumber, loader);
  // Outside any invocation (at init, in the background): timed, and reported by the
  // invocation that is running when it ends (the first one, for a load init began), else the next.
  const startMs = epochMs();
  const finish = (error?: unknown) => {
    const record: ModelLoadRecord = { model, startMs, endMs: epochMs(), loadNumber, error };
    lifecycle.addLoad(record);
  };
  try {
    const value = await loader();
    finish();
    return value;
  } catch (error) {
    finish(error);
    throw error;
  }
}

function startLoadSpan(
  tracer: Tracer,
  model: Required<ModelSpec>,
  loadNumber: number,
  parent: OtelContext,
  startTime?: number,
): Span {
  const span = tracer.startSpan(SPAN.modelLoad(model.name), { startTime }, parent);
  span.setAttribute(ATTR.ModelName, model.name);
  span.setAttribute(ATTR.ModelVersion, model.version);
  span.setAttribute(ATTR.ModelLoadNumber, loadNumber);
  return span;
}

function failSpan(span: Span, error: unknown): void {
  span.recordException(asException(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error).message });
}

function countLoad(invocation: Invocation, ms: number): void {
  invocation.addMetric(METRIC.ModelLoadTime, METRIC_UNIT.ModelLoadTime, roundMs(ms));
  invocation.addMetric(METRIC.ModelLoads, METRIC_UNIT.ModelLoads, 1);
}

/**
 * A load that ran outside any invocation, reported by `invocation`: a span
 * under `parent` with the load's real times, and metrics on its record.
 *
 * @example
 * for (const load of lifecycle.takePendingLoads()) recordLoad(invocation, load, invocation.context);
 */
export function recordLoad(
  invocation: Invocation,
  load: ModelLoadRecord,
  parent: OtelContext,
): void {
  const tracer = invocation.sinks.tracer;
  const span = startLoadSpan(tracer, load.model, load.loadNumber, parent, load.startMs);
  if (load.error !== undefined) failSpan(span, load.error);
  span.end(load.endMs);
  countLoad(invocation, load.endMs - load.startMs);
}

/** A load inside an invocation: a live span (so the loader's own spans nest in it) and this record's metrics. */
async function loadInInvocation<T>(
  invocation: Invocation,
  model: Required<ModelSpec>,
  loadNumber: number,
  loader: () => T | Promise<T>,
): Promise<T> {
  const span = startLoadSpan(invocation.sinks.tracer, model, loadNumber, context.active());
  const start = performance.now();
  try {
    return await context.with(trace.setSpan(context.active(), span), loader);
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
    // A load that outlives its invocation's record (a timeout) is not added to a record already written.
    if (!invocation.finished) {
      countLoad(invocation, performance.now() - start);
      // A first request that loads its model itself waits for it too.
      invocation.coldStart?.modelReady(epochMs());
    }
  }
}
