/**
 * Wasserstein-1 distances, W1 = integral |F(x) - G(x)| dx, computed exactly for step (empirical) and
 * piecewise-linear (gridded theory) CDFs. Non-finite samples make W1 infinite and are reported so.
 */

/** Integral over an interval of length len of |L(t)| where L is linear from a to b. */
function absLinear(a: number, b: number, len: number): number {
  if (a * b >= 0) return (len * Math.abs(a + b)) / 2;
  return (len * (a * a + b * b)) / (2 * (Math.abs(a) + Math.abs(b)));
}

function sorted(x: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(x as ArrayLike<number>);
  s.sort();
  return s;
}

function hasNonFinite(s: Float64Array): boolean {
  return s.length > 0 && (!Number.isFinite(s[0]) || !Number.isFinite(s[s.length - 1]));
}

/** W1 between two empirical distributions. */
export function w1TwoSample(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = sorted(a);
  const y = sorted(b);
  if (hasNonFinite(x) || hasNonFinite(y)) return Number.POSITIVE_INFINITY;
  const n = x.length;
  const m = y.length;
  let i = 0;
  let j = 0;
  let prev = Math.min(x[0], y[0]);
  let total = 0;
  while (i < n || j < m) {
    const v = j >= m || (i < n && x[i] <= y[j]) ? x[i] : y[j];
    total += Math.abs(i / n - j / m) * (v - prev);
    prev = v;
    while (i < n && x[i] === v) i++;
    while (j < m && y[j] === v) j++;
  }
  return total;
}

/**
 * W1 between samples and a distribution whose CDF is piecewise linear through (grid[k], cdf[k])
 * (constant outside the grid). The CDF need not reach 1: missing mass counts as distance.
 */
export function w1ToGridCdf(
  samples: ArrayLike<number>,
  grid: ArrayLike<number>,
  cdf: ArrayLike<number>,
): number {
  const s = sorted(samples);
  if (hasNonFinite(s)) return Number.POSITIVE_INFINITY;
  const n = s.length;
  const K = grid.length;
  const F = (x: number, k: number): number => {
    // k: index of the first grid node > x (0..K)
    if (k === 0) return cdf[0];
    if (k >= K) return cdf[K - 1];
    const t = (x - grid[k - 1]) / (grid[k] - grid[k - 1]);
    return cdf[k - 1] + t * (cdf[k] - cdf[k - 1]);
  };
  let i = 0; // samples <= current point
  let k = 0; // grid nodes <= current point
  let prev = Math.min(s[0], grid[0]);
  let total = 0;
  while (i < n || k < K) {
    const v = k >= K || (i < n && s[i] <= grid[k]) ? s[i] : grid[k];
    if (v > prev) {
      const c = i / n;
      total += absLinear(c - F(prev, k), c - F(v, k), v - prev);
    }
    prev = v;
    while (i < n && s[i] === v) i++;
    while (k < K && grid[k] === v) k++;
  }
  return total;
}
