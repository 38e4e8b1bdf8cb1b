/** Small estimators with standard errors shared by experiments. */

/**
 * First downward crossing of 0 by y along x (linear interpolation), or NaN. With `se` (per-point SEs),
 * also the delta-method SE of the crossing: se at the crossing / |slope|.
 */
export function downCrossing(x: number[], y: number[], se?: number[]): { at: number; se: number } {
  for (let j = 1; j < y.length; j++) {
    if (y[j - 1] > 0 && y[j] <= 0) {
      const f = y[j - 1] / (y[j - 1] - y[j]);
      const slope = (y[j] - y[j - 1]) / (x[j] - x[j - 1]);
      const s = se ? (1 - f) * se[j - 1] + f * se[j] : Number.NaN;
      return { at: x[j - 1] + f * (x[j] - x[j - 1]), se: s / Math.abs(slope) };
    }
  }
  return { at: Number.NaN, se: Number.NaN };
}

/** Least-squares slope of y on x with its standard error from the given per-point SEs (weighted). */
export function weightedSlope(x: number[], y: number[], se: number[]): { slope: number; se: number } {
  const w = se.map((s) => 1 / (s * s));
  const sw = w.reduce((a, b) => a + b, 0);
  const mx = x.reduce((a, v, i) => a + w[i] * v, 0) / sw;
  const my = y.reduce((a, v, i) => a + w[i] * v, 0) / sw;
  let sxx = 0;
  let sxy = 0;
  x.forEach((v, i) => {
    sxx += w[i] * (v - mx) ** 2;
    sxy += w[i] * (v - mx) * (y[i] - my);
  });
  return { slope: sxy / sxx, se: 1 / Math.sqrt(sxx) };
}
