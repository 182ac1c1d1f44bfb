import { MAX_PREDICTIONS_READ, MAX_TEXT_FIELD_CHARS } from './contract/limits.js';
import { boundText } from './fieldBounds.js';
import { MAX_LOGGED_LABELS, OTHER_LABEL } from './telemetry.js';
import type { Prediction } from './types.js';

type Obj = Record<string, unknown>;
type Label = string | number | boolean;

const LABEL_KEYS = ['label', 'prediction', 'predicted_label', 'class', 'category'] as const;
const CONFIDENCE_KEYS = ['confidence', 'score', 'probability', 'prob'] as const;
/** Keys whose `true` says the model abstained or a fallback answered instead. */
const ABSTAIN_KEYS = ['abstain', 'abstained', 'fallback'] as const;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asLabel(value: unknown): Label | undefined {
  return typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number'
    ? value
    : undefined;
}

function asConfidence(value: unknown): number | undefined {
  return typeof value === 'number' && value >= 0 && value <= 1 ? value : undefined;
}

function saysAbstained(value: Obj): boolean {
  for (const key of ABSTAIN_KEYS) if (value[key] === true) return true;
  return false;
}

function abstained(p: Prediction): Prediction {
  return p.abstained ? p : { ...p, abstained: true };
}

/** One `{label, confidence}`-like object, in any of the usual spellings; `abstain`/`fallback: true` marks an abstention. */
function readOne(value: unknown): Prediction | undefined {
  if (!isObj(value)) return undefined;
  const abstain = saysAbstained(value);
  let label: Label | undefined;
  let confidence: number | undefined;
  for (const key of LABEL_KEYS) {
    const v = value[key];
    if (v === undefined) continue;
    if (isObj(v)) {
      const inner = readOne(v);
      return abstain ? abstained(inner ?? {}) : inner;
    }
    label = asLabel(v);
    if (label !== undefined) break;
  }
  for (const key of CONFIDENCE_KEYS) {
    confidence = asConfidence(value[key]);
    if (confidence !== undefined) break;
  }
  if (abstain) return { label, confidence, abstained: true };
  if (label === undefined && confidence === undefined) return undefined;
  return { label, confidence };
}

function readMany(values: readonly unknown[]): Prediction[] | undefined {
  const out: Prediction[] = [];
  for (const v of values) {
    const p = readOne(v);
    if (p) out.push(p);
  }
  return out.length > 0 ? out : undefined;
}

function readResult(result: unknown): Prediction[] | undefined {
  if (Array.isArray(result)) return readMany(result);
  if (!isObj(result)) return undefined;
  if (Array.isArray(result.predictions)) {
    const many = readMany(result.predictions);
    // `{ predictions: [...], fallback: true }`: the whole batch came from the fallback.
    return many && saysAbstained(result) ? many.map(abstained) : many;
  }
  const one = readOne(result);
  return one ? [one] : undefined;
}

/**
 * The predictions in a handler result: `{label, confidence}` (or the
 * `prediction`/`score`/`probability` spellings), `{ predictions: [...] }`, an
 * array of those, or a proxy response whose JSON `body` is one of those.
 *
 * @example
 * defaultPredictions({ statusCode: 200, body: '{"label":"fraud","score":0.9}' });
 * // [{ label: 'fraud', confidence: 0.9 }]
 */
export function defaultPredictions(result: unknown): Prediction[] | undefined {
  if (isObj(result) && typeof result.statusCode === 'number') {
    if (typeof result.body !== 'string' || result.statusCode >= 300) return undefined;
    try {
      return readResult(JSON.parse(result.body));
    } catch {
      return undefined;
    }
  }
  return readResult(result);
}

/** The predictions of a result as plain, bounded objects, and what could not be read. */
export interface ReadPredictions {
  /** At most `MAX_PREDICTIONS_READ`, each a fresh object: nothing left for a writer to trip on. */
  readonly list: Prediction[];
  /** Every prediction of the result, those past `MAX_PREDICTIONS_READ` included. */
  readonly count: number;
  /** Values that are no prediction (not an object, a throwing getter, no field to read). */
  readonly malformed: number;
}

/** A copy of one prediction with bounded, typed fields; undefined when there is nothing to read. */
function cleanPrediction(value: unknown): Prediction | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  let label: unknown;
  let confidence: unknown;
  let abstain: unknown;
  try {
    const p = value as Prediction;
    label = p.label;
    confidence = p.confidence;
    abstain = p.abstained;
  } catch {
    return undefined;
  }
  const l = typeof label === 'string' ? boundText(label, MAX_TEXT_FIELD_CHARS) : asLabel(label);
  const c = typeof confidence === 'number' && Number.isFinite(confidence) ? confidence : undefined;
  if (abstain === true) return { label: l, confidence: c, abstained: true };
  if (l === undefined && c === undefined) return undefined;
  return { label: l, confidence: c };
}

/**
 * What a `predictions` reader returned (one prediction or a list), as clean
 * predictions: each read once, its label bounded (`MAX_TEXT_FIELD_CHARS`), at
 * most `MAX_PREDICTIONS_READ` of them. Throws only when `found` itself cannot
 * be read (a revoked Proxy).
 *
 * @example
 * readPredictions([null, { label: 'fraud', confidence: 0.9 }]);
 * // { list: [{ label: 'fraud', confidence: 0.9 }], count: 1, malformed: 1 }
 */
export function readPredictions(found: unknown): ReadPredictions {
  if (!Array.isArray(found)) {
    const one = cleanPrediction(found);
    return one ? { list: [one], count: 1, malformed: 0 } : { list: [], count: 0, malformed: 1 };
  }
  const values = found as readonly unknown[];
  const read = Math.min(values.length, MAX_PREDICTIONS_READ);
  const list: Prediction[] = [];
  for (let i = 0; i < read; i++) {
    const p = cleanPrediction(values[i]);
    if (p) list.push(p);
  }
  return { list, count: list.length + values.length - read, malformed: read - list.length };
}

/** What the log line, span and annotations say about an invocation's predictions. */
export interface PredictionSummary {
  readonly list: readonly Prediction[];
  readonly count: number;
  readonly confidences: number[];
  readonly lowConfidence: number;
  /** Predictions that abstained or fell back. */
  readonly abstentions: number;
  /** The label (single prediction) or the most frequent label (batch). */
  readonly topLabel: Label | undefined;
  /** Log value: the label, or for a batch a bounded label → count map. */
  readonly logPrediction: Label | Record<string, number> | undefined;
  /** Log value: the confidence, or for a batch `{ min, mean, max }`. */
  readonly logConfidence: number | { min: number; mean: number; max: number } | undefined;
}

/**
 * One batch's count per label, for its log line and top label (bounded; the
 * rest count as `other`). Not the label-mix metrics, which `LabelMix` keeps
 * per environment.
 */
function labelCounts(predictions: readonly Prediction[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of predictions) {
    if (p.label === undefined) continue;
    let key = String(p.label);
    if (!counts.has(key) && counts.size >= MAX_LOGGED_LABELS) key = OTHER_LABEL;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function confidenceStats(values: readonly number[]) {
  let min = 1;
  let max = 0;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, mean: sum / values.length, max };
}

/** Summarise predictions against the low-confidence threshold; `count`: all of the result's, when only some were read. */
export function summarise(
  predictions: readonly Prediction[],
  lowThreshold: number,
  count = predictions.length,
): PredictionSummary {
  const confidences: number[] = [];
  let low = 0;
  let abstentions = 0;
  for (const p of predictions) {
    if (p.abstained === true) abstentions++;
    if (p.confidence === undefined || !(p.confidence >= 0 && p.confidence <= 1)) continue;
    confidences.push(p.confidence);
    if (p.confidence < lowThreshold) low++;
  }
  if (count === 1 && predictions.length === 1) {
    const only = predictions[0]!;
    return {
      list: predictions,
      count: 1,
      confidences,
      lowConfidence: low,
      abstentions,
      topLabel: only.label,
      logPrediction: only.label,
      logConfidence: confidences[0],
    };
  }
  const counts = labelCounts(predictions);
  let topLabel: string | undefined;
  let topCount = 0;
  for (const [label, n] of counts) {
    // `other` is many labels, not one: it is never the top label.
    if (n > topCount && label !== OTHER_LABEL) [topLabel, topCount] = [label, n];
  }
  return {
    list: predictions,
    count,
    confidences,
    lowConfidence: low,
    abstentions,
    topLabel,
    logPrediction: counts.size > 0 ? Object.fromEntries(counts) : undefined,
    logConfidence: confidences.length > 0 ? confidenceStats(confidences) : undefined,
  };
}
