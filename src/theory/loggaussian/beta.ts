/**
 * The log-Gaussian variance parameter beta (docs/theory/log-gaussian.md §1.2 and 2.1).
 * G ~ N(-beta/2, beta) in the joint limit d, n -> infinity with d/n fixed.
 */

/** beta = 2/n + 5 d/n for equal widths (Theorem 2 of the notes). */
export function betaEqual(n: number, d: number): number {
  return 2 / n + (5 * d) / n;
}

/**
 * beta for widths n_0..n_d (docs/theory/log-gaussian.md §2.1, corrected form): the ReLU layers carry n_0..n_{d-1} and the
 * final plain chi-square carries n_d:  beta = 5 sum_{l=0}^{d-1} 1/n_l + 2/n_d.
 */
export function beta(widths: readonly number[]): number {
  const d = widths.length - 1;
  let b = 2 / widths[d];
  for (let l = 0; l < d; l++) b += 5 / widths[l];
  return b;
}

/**
 * The notes' unequal-width formula, beta = 2/n_0 + 5 sum_{l=1}^d 1/n_l. It is the mirror image of
 * the exact one (docs/theory/log-gaussian.md §2.1 erratum); kept to show the discrepancy, not to predict.
 */
export function betaNotesMirrored(widths: readonly number[]): number {
  let b = 2 / widths[0];
  for (let l = 1; l < widths.length; l++) b += 5 / widths[l];
  return b;
}
