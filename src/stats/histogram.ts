/** Fixed-bin histogram: mergeable by adding counts; values outside [lo, hi) go to under/overflow. */

export interface Histogram {
  lo: number;
  hi: number;
  bins: number;
  counts: number[];
  underflow: number;
  overflow: number;
  /** Non-finite values (NaN, +-inf) are counted here and nowhere else. */
  nonFinite: number;
}

export function emptyHistogram(lo: number, hi: number, bins: number): Histogram {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new RangeError(`histogram range must satisfy lo < hi, both finite (got lo=${lo}, hi=${hi})`);
  }
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`histogram bins must be an integer >= 1 (got ${bins})`);
  return { lo, hi, bins, counts: new Array(bins).fill(0), underflow: 0, overflow: 0, nonFinite: 0 };
}

export function histAdd(h: Histogram, x: number): void {
  if (!Number.isFinite(x)) {
    h.nonFinite++;
    return;
  }
  if (x < h.lo) {
    h.underflow++;
    return;
  }
  if (x >= h.hi) {
    h.overflow++;
    return;
  }
  const i = Math.min(h.bins - 1, Math.floor(((x - h.lo) / (h.hi - h.lo)) * h.bins));
  h.counts[i]++;
}

export function histogramOf(values: ArrayLike<number>, lo: number, hi: number, bins: number): Histogram {
  const h = emptyHistogram(lo, hi, bins);
  for (let i = 0; i < values.length; i++) histAdd(h, values[i]);
  return h;
}

export function histMerge(a: Histogram, b: Histogram): Histogram {
  if (a.lo !== b.lo || a.hi !== b.hi || a.bins !== b.bins) {
    throw new RangeError("cannot merge histograms with different bins");
  }
  return {
    lo: a.lo,
    hi: a.hi,
    bins: a.bins,
    counts: a.counts.map((c, i) => c + b.counts[i]),
    underflow: a.underflow + b.underflow,
    overflow: a.overflow + b.overflow,
    nonFinite: a.nonFinite + b.nonFinite,
  };
}

export function histTotal(h: Histogram): number {
  return h.counts.reduce((s, c) => s + c, 0) + h.underflow + h.overflow + h.nonFinite;
}

/** Bin centres and densities (count / (total * width)), so that the bars integrate to the in-range fraction. */
export function histDensity(h: Histogram): { x: number[]; density: number[]; width: number } {
  const width = (h.hi - h.lo) / h.bins;
  const total = histTotal(h);
  return {
    x: h.counts.map((_, i) => h.lo + (i + 0.5) * width),
    density: h.counts.map((c) => (total > 0 ? c / (total * width) : 0)),
    width,
  };
}

/**
 * Quantile q in (0, 1) interpolated within the histogram bins (mergeable approximation, error below
 * one bin width when the quantile falls in range). Returns -inf / +inf when it falls in the
 * non-finite or out-of-range mass. Non-finite values are treated as -inf (the dead-network case).
 */
export function histQuantile(h: Histogram, q: number): number {
  const total = histTotal(h);
  let target = q * total - h.nonFinite - h.underflow;
  if (target < 0) return Number.NEGATIVE_INFINITY;
  const width = (h.hi - h.lo) / h.bins;
  for (let i = 0; i < h.bins; i++) {
    const c = h.counts[i];
    if (target <= c && c > 0) return h.lo + (i + target / c) * width;
    target -= c;
  }
  return Number.POSITIVE_INFINITY;
}
