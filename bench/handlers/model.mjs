// The synthetic model every contender serves: a 16-feature logistic regression.
// Small on purpose: the benchmark measures what the telemetry adds around it.
const WEIGHTS = [
  0.67, -0.73, 0.11, 0.61, -0.77, -0.22, 0.53, 0.79, 0.33, -0.44, -0.8, -0.43, 0.34, 0.79, 0.52,
  -0.23,
];
const BIAS = -0.1;

/** @param {number[]} features */
export function score(features) {
  let z = BIAS;
  for (let i = 0; i < WEIGHTS.length; i++) z += WEIGHTS[i] * (features[i] ?? 0);
  const p = 1 / (1 + Math.exp(-z));
  return p >= 0.5 ? { label: 'fraud', confidence: p } : { label: 'legit', confidence: 1 - p };
}
