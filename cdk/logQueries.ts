import { LOG_KEY, POWERTOOLS_LOG_KEY as POWERTOOLS_KEY } from '../lib/telemetry.js';
import type { InferenceModel } from './target.js';

const ROWS = 20;

/** A Logs Insights string literal. */
const literal = (value: string) => JSON.stringify(value);

/** A field name, quoted with backticks unless it is plain. */
const field = (name: string) => (/^[\w.]+$/.test(name) ? name : `\`${name.replace(/`/g, '')}\``);

function modelFilter(model: InferenceModel): string {
  return `${LOG_KEY.ModelName} = ${literal(model.name)} and ${LOG_KEY.ModelVersion} = ${literal(model.version)}`;
}

/**
 * Logs Insights: the latest failed invocations of a model, with the input hash
 * (the same input failing again is a bad request) and the X-Ray trace id.
 *
 * @example
 * latestErrorsQuery({ name: 'fraud', version: '1' });
 */
export function latestErrorsQuery(model: InferenceModel): string {
  const e = LOG_KEY.Error;
  return [
    `fields @timestamp, ${e}.name, ${e}.message, ${LOG_KEY.InputHash}, ${POWERTOOLS_KEY.XrayTraceId}, ${POWERTOOLS_KEY.RequestId}, ${LOG_KEY.LatencyMs}`,
    `filter ${modelFilter(model)} and ${POWERTOOLS_KEY.Level} = "ERROR" and ispresent(${e}.name)`,
    'sort @timestamp desc',
    `limit ${ROWS}`,
  ].join('\n| ');
}

/**
 * Logs Insights: the slowest invocations of a model, with the given stages' timings,
 * cold start, input hash and the X-Ray trace id.
 *
 * @example
 * slowestInvocationsQuery({ name: 'fraud', version: '1' }, ['preprocess', 'predict']);
 */
export function slowestInvocationsQuery(
  model: InferenceModel,
  stages: readonly string[] = [],
): string {
  const stageFields = stages.map((s) => `, ${field(`${LOG_KEY.Stages}.${s}`)}`).join('');
  return [
    `fields @timestamp, ${LOG_KEY.LatencyMs}${stageFields}, ${POWERTOOLS_KEY.ColdStart}, ${LOG_KEY.BatchSize}, ${LOG_KEY.InputHash}, ${POWERTOOLS_KEY.XrayTraceId}`,
    `filter ${modelFilter(model)} and ispresent(${LOG_KEY.LatencyMs})`,
    `sort ${LOG_KEY.LatencyMs} desc`,
    `limit ${ROWS}`,
  ].join('\n| ');
}
