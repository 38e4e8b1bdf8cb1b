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

export function momentRatio(x: ArrayLike<number>): MomentRatio {
  const n = x.length;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    m1 += x[i];
    m2 += x[i] * x[i];
  }
  m1 /= n;
  m2 /= n;
  let v1 = 0;
  let v2 = 0;
  let c12 = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] - m1;
    const b = x[i] * x[i] - m2;
    v1 += a * a;
    v2 += b * b;
    c12 += a * b;
  }
  v1 /= n - 1;
  v2 /= n - 1;
  c12 /= n - 1;
  const ratio = m2 / (m1 * m1);
  const varR = (v2 / m1 ** 4 - (4 * m2 * c12) / m1 ** 5 + (4 * m2 * m2 * v1) / m1 ** 6) / n;
  return { mean: m1, seMean: Math.sqrt(v1 / n), ratio, seRatio: Math.sqrt(Math.max(varR, 0)), count: n };
}
