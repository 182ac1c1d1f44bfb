// The synthetic model every contender serves: a logistic regression over up to
// 32 features. Small on purpose: the benchmark measures what the telemetry adds
// around it. BENCH_STAGES (the scenario, bench/harness/scenarios.ts) says
// whether the handlers run `preprocess` as a stage of its own or inline.
const WEIGHTS = [
  0.67, -0.73, 0.11, 0.61, -0.77, -0.22, 0.53, 0.79, 0.33, -0.44, -0.8, -0.43, 0.34, 0.79, 0.52,
  -0.23, 0.12, -0.31, 0.45, -0.06, 0.28, -0.57, 0.09, 0.38, -0.19, 0.64, -0.41, 0.07, 0.22, -0.35,
  0.48, -0.14,
];
const BIAS = -0.1;
/** Inputs are clipped to this many units, as a scaler fitted on the training data would. */
const CLIP = 5;

/** 1: handlers call `preprocess` inline; 2: as a stage (a span, a timed step) of its own. */
export const STAGES = process.env.BENCH_STAGES === '2' ? 2 : 1;

/** The request body → the model's input. @param {string} body */
export function preprocess(body) {
  const { features } = JSON.parse(body);
  const x = new Array(features.length);
  for (let i = 0; i < features.length; i++) x[i] = Math.max(-CLIP, Math.min(CLIP, features[i]));
  return x;
}

/** @param {number[]} features */
export function score(features) {
  let z = BIAS;
  const n = Math.min(WEIGHTS.length, features.length);
  for (let i = 0; i < n; i++) z += WEIGHTS[i] * features[i];
  const p = 1 / (1 + Math.exp(-z));
  return p >= 0.5 ? { label: 'fraud', confidence: p } : { label: 'legit', confidence: 1 - p };
}
