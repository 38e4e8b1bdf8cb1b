/**
 * Kolmogorov-Smirnov tests with asymptotic p-values (Stephens' small-sample correction), O(n log n):
 * fast enough for 10^6 samples, unlike exact-p implementations.
 */

/** Kolmogorov survival function Q(lambda) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lambda^2). */
export function kolmogorovQ(lambda: number): number {
  if (lambda < 0.2) return 1;
  if (lambda > 10) return 0;
  let sum = 0;
  let sign = 1;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += sign * term;
    if (term < 1e-17) break;
    sign = -sign;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

export interface KsResult {
  /** Sup distance between the two CDFs. */
  statistic: number;
  pValue: number;
  n: number;
  m?: number;
}

function sortedCopy(x: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(x as ArrayLike<number>);
  s.sort();
  return s;
}

/**
 * One-sample KS against a CDF. NaN samples are rejected; -inf / +inf are valid (atoms at the ends,
 * e.g. dead networks): `cdf(-inf)` should return the mass of the left atom.
 */
export function ksOneSample(samples: ArrayLike<number>, cdf: (x: number) => number): KsResult {
  const s = sortedCopy(samples);
  const n = s.length;
  if (n === 0) throw new RangeError("ksOneSample needs at least one sample");
  if (Number.isNaN(s[n - 1])) throw new RangeError("ksOneSample: samples contain NaN");
  let d = 0;
  let i = 0;
  while (i < n) {
    // Handle ties: the empirical CDF jumps from i/n to j/n at s[i].
    let j = i + 1;
    while (j < n && s[j] === s[i]) j++;
    const f = cdf(s[i]);
    d = Math.max(d, f - i / n, j / n - f);
    i = j;
  }
  const en = Math.sqrt(n);
  return { statistic: d, pValue: kolmogorovQ((en + 0.12 + 0.11 / en) * d), n };
}

/**
 * One-sample KS for an integer-valued law (e.g. binomial): the sup of |F_n - F| is taken at the
 * observed values and just below them (at s - 1), where both CDFs are right-continuous. The
 * asymptotic p-value is conservative for discrete laws (Noether 1963).
 */
export function ksOneSampleDiscrete(samples: ArrayLike<number>, cdf: (k: number) => number): KsResult {
  const s = sortedCopy(samples);
  const n = s.length;
  if (n === 0) throw new RangeError("ksOneSampleDiscrete needs at least one sample");
  let d = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && s[j] === s[i]) j++;
    d = Math.max(d, Math.abs(j / n - cdf(s[i])), Math.abs(i / n - cdf(s[i] - 1)));
    i = j;
  }
  const en = Math.sqrt(n);
  return { statistic: d, pValue: kolmogorovQ((en + 0.12 + 0.11 / en) * d), n };
}

/** Two-sample KS. */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const x = sortedCopy(a);
  const y = sortedCopy(b);
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) throw new RangeError("ksTwoSample needs samples on both sides");
  if (Number.isNaN(x[n - 1]) || Number.isNaN(y[m - 1]))
    throw new RangeError("ksTwoSample: samples contain NaN");
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const v = Math.min(x[i], y[j]);
    while (i < n && x[i] === v) i++;
    while (j < m && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const en = Math.sqrt((n * m) / (n + m));
  return { statistic: d, pValue: kolmogorovQ((en + 0.12 + 0.11 / en) * d), n, m };
}
