/**
 * Evaluation of a scorer on labelled data: the rank-based AUC and the
 * confusion-matrix rates at a threshold.
 */

export interface Evaluation {
  /** Area under the ROC curve (Mann–Whitney U / (n₁·n₀), ties counted half). */
  readonly auc: number;
  readonly accuracy: number;
  /** Of the transactions flagged as fraud, the share that is fraud (0 when none is flagged). */
  readonly precision: number;
  /** Of the fraud, the share flagged. */
  readonly recall: number;
  /** Share of fraud in the data. */
  readonly prevalence: number;
  readonly n: number;
}

/**
 * AUC from ranks: sort the scores, give tied scores their average rank, and
 * AUC = (R₁ − n₁(n₁+1)/2) / (n₁·n₀), where R₁ is the positives' rank sum.
 *
 * @example
 * auc([0.9, 0.2, 0.6], [true, false, false]); // 1
 */
export function auc(scores: readonly number[], labels: readonly boolean[]): number {
  if (scores.length !== labels.length) throw new RangeError('scores and labels differ in length');
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positiveRankSum = 0;
  let positives = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (labels[order[k]!]) {
        positiveRankSum += averageRank;
        positives++;
      }
    }
    start = end + 1;
  }
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * AUC and the rates of the decision `score ≥ threshold`.
 *
 * @example
 * evaluate(rows.map((r) => score(weights, r.transaction)), rows.map((r) => r.fraud));
 */
export function evaluate(
  scores: readonly number[],
  labels: readonly boolean[],
  threshold = 0.5,
): Evaluation {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  scores.forEach((s, i) => {
    const flagged = s >= threshold;
    if (labels[i]) flagged ? tp++ : fn++;
    else flagged ? fp++ : tn++;
  });
  const n = scores.length;
  return {
    auc: auc(scores, labels),
    accuracy: (tp + tn) / n,
    precision: tp + fp > 0 ? tp / (tp + fp) : 0,
    recall: tp + fn > 0 ? tp / (tp + fn) : 0,
    prevalence: (tp + fn) / n,
    n,
  };
}
