/** Exact sample quantiles (type 7, linear interpolation, as numpy's default) of values incl. +-inf. */

export const DEFAULT_PROBS = [0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999];

/** Quantiles of `values` at probabilities `probs`; NaN values are ignored, -inf/+inf are kept. */
export function quantiles(
  values: ArrayLike<number>,
  probs: readonly number[] = DEFAULT_PROBS,
): Record<string, number> {
  const s = Float64Array.from(values as ArrayLike<number>).sort();
  let n = s.length;
  while (n > 0 && Number.isNaN(s[n - 1])) n--;
  const out: Record<string, number> = {};
  for (const p of probs) {
    if (n === 0) {
      out[String(p)] = Number.NaN;
      continue;
    }
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(n - 1, lo + 1);
    const a = s[lo];
    const b = s[hi];
    out[String(p)] = a === b || h === lo ? a : a + (h - lo) * (b - a);
  }
  return out;
}

/** The value at rank floor(q (n - 1)) of an ascending array (no interpolation), clamped to its ends. */
export function quantileOfSorted(s: ArrayLike<number>, q: number): number {
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1))))];
}
