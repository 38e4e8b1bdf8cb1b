/**
 * The normalised second moment R = E[X^2] / E[X]^2 of a sample and its standard error by the delta
 * method: with m1, m2 the sample moments, dR = dm2 / m1^2 - 2 m2 dm1 / m1^3, so
 *   Var[R^] = (Var[X^2] / m1^4 - 4 m2 Cov[X, X^2] / m1^5 + 4 m2^2 Var[X] / m1^6) / N.
 * Heavy tails make this SE itself noisy: use it where E[X^4] is moderate (docs/theory/ntk.md §6).
 */
export interface MomentRatio {
  mean: number;
  seMean: number;
  ratio: number;
  seRatio: number;
  count: number;
}

/** Means, sample variances (n - 1) and covariance of two paired series a(i), b(i), i < n. */
export function pairedMoments(
  n: number,
  a: (i: number) => number,
  b: (i: number) => number,
): { ma: number; mb: number; va: number; vb: number; cab: number } {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a(i);
    mb += b(i);
  }
  ma /= n;
  mb /= n;
  let va = 0;
  let vb = 0;
  let cab = 0;
  for (let i = 0; i < n; i++) {
    const da = a(i) - ma;
    const db = b(i) - mb;
    va += da * da;
    vb += db * db;
    cab += da * db;
  }
  return { ma, mb, va: va / (n - 1), vb: vb / (n - 1), cab: cab / (n - 1) };
}

export function momentRatio(x: ArrayLike<number>): MomentRatio {
  const n = x.length;
  const {
    ma: m1,
    mb: m2,
    va: v1,
    vb: v2,
    cab: c12,
  } = pairedMoments(
    n,
    (i) => x[i],
    (i) => x[i] * x[i],
  );
  const ratio = m2 / (m1 * m1);
  const varR = (v2 / m1 ** 4 - (4 * m2 * c12) / m1 ** 5 + (4 * m2 * m2 * v1) / m1 ** 6) / n;
  return { mean: m1, seMean: Math.sqrt(v1 / n), ratio, seRatio: Math.sqrt(Math.max(varR, 0)), count: n };
}
