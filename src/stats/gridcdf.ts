/** Turning a density tabulated on a grid into a CDF, for goodness-of-fit against samples. */

/** Cumulative trapezoid, starting at `leftMass` (e.g. the probability of an atom at -infinity). */
export function cumulativeTrapezoid(x: ArrayLike<number>, f: ArrayLike<number>, leftMass = 0): Float64Array {
  const out = new Float64Array(x.length);
  out[0] = leftMass;
  for (let i = 1; i < x.length; i++) out[i] = out[i - 1] + ((f[i] + f[i - 1]) / 2) * (x[i] - x[i - 1]);
  return out;
}

/** A CDF function interpolating (x, F) linearly; constant outside; F(-inf) = F[0]. */
export function gridCdfFunction(x: ArrayLike<number>, F: ArrayLike<number>): (y: number) => number {
  const K = x.length;
  return (y: number) => {
    if (!(y > x[0])) return F[0];
    if (y >= x[K - 1]) return F[K - 1];
    let lo = 0;
    let hi = K - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (x[mid] <= y) lo = mid;
      else hi = mid;
    }
    const t = (y - x[lo]) / (x[hi] - x[lo]);
    return F[lo] + t * (F[hi] - F[lo]);
  };
}
