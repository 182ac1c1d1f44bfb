/** Proportions below this are floored, so an empty bin does not make the index infinite. */
export const PSI_EPSILON = 1e-4;

/**
 * Population stability index of observed bin counts against expected
 * proportions: Σ (a − e) · ln(a / e) over bins, with proportions floored at
 * {@link PSI_EPSILON}. The usual reading: < 0.1 stable, 0.1–0.25 moderate
 * shift, > 0.25 major shift.
 *
 * @example
 * psi([0.5, 0.5], [50, 50]); // 0
 * psi([0.5, 0.5], [90, 10]); // ≈ 0.879
 */
export function psi(expected: ArrayLike<number>, counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (total === 0) return 0;
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i] ?? 0, PSI_EPSILON);
    const a = Math.max((counts[i] ?? 0) / total, PSI_EPSILON);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}
