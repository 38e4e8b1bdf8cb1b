/** Exact sample quantiles (type 7, linear interpolation, as numpy's default) of values incl. +-inf. */
import { MAX_BUCKETS, SCRATCH, statsWorkspace } from "./workspace.js";

export const DEFAULT_PROBS = [0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999];

/**
 * Quantiles of `values` at probabilities `probs`; NaN values are ignored, -inf/+inf are kept. The same
 * numbers as sorting the values (a typed array's sort: -0 before +0) and reading ranks floor(h) and
 * floor(h) + 1, h = (n - 1) p, but only those ranks are found (assembly/select.ts, WebAssembly:
 * O(n), as fast in a fresh process as in a warm one): by counting the values in buckets of equal
 * width and selecting within the few buckets that hold a rank, or, where that does not apply (an
 * infinite range, values crowded in one bucket), by quickselect on the whole array.
 */
export function quantiles(
  values: ArrayLike<number>,
  probs: readonly number[] = DEFAULT_PROBS,
): Record<string, number> {
  const out: Record<string, number> = {};
  const w = statsWorkspace(values.length);
  w.data.a.set(values);
  const n = w.k.compactNotNaN(w.data.ptr, values.length);
  if (n === 0) {
    for (const p of probs) out[String(p)] = Number.NaN;
    return out;
  }
  const rankOf = (p: number) => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    return { h, lo, hi: Math.min(n - 1, lo + 1) };
  };
  const ranks = [...new Set(probs.flatMap((p) => [rankOf(p).lo, rankOf(p).hi]))].sort((a, b) => a - b);
  const s = w.data.a;
  // The value at each rank: by the bucket pass (values written over the ranks), else placed in s.
  let valueAt = (r: number) => s[r];
  const small = w.small.a;
  if (ranks.length <= small.length) small.set(ranks);
  const buckets = Math.min(MAX_BUCKETS, Math.max(256, 2 ** Math.ceil(Math.log2(n / 16))));
  if (
    2 * ranks.length <= small.length &&
    w.k.selectByBuckets(
      w.data.ptr,
      n,
      w.small.ptr,
      ranks.length,
      w.buckets.ptr,
      buckets,
      w.scratch.ptr,
      SCRATCH,
    )
  ) {
    const value = new Map(ranks.map((r, k) => [r, small[k]]));
    valueAt = (r) => value.get(r)!;
  } else if (ranks.length <= small.length)
    w.k.selectRanks(w.data.ptr, 0, n - 1, w.small.ptr, 0, ranks.length, 2 * Math.ceil(Math.log2(n + 1)) + 8);
  else s.subarray(0, n).sort(); // more ranks than the workspace holds: a full sort
  // A selected zero takes the sorted order's sign: -0 at ranks below .. below + negZeros - 1 (the
  // values in s are the same multiset, in whatever order).
  let zeroSigns: { below: number; negZeros: number } | null = null;
  const at = (r: number) => {
    const v = valueAt(r);
    if (v !== 0) return v;
    zeroSigns ??= countBelowZero(s, n);
    return r < zeroSigns.below + zeroSigns.negZeros ? -0 : 0;
  };
  for (const p of probs) {
    const { h, lo, hi } = rankOf(p);
    const a = at(lo);
    const b = at(hi);
    out[String(p)] = a === b || h === lo ? a : a + (h - lo) * (b - a);
  }
  return out;
}

/** How many of a[0..n) are below zero, and how many are -0. */
function countBelowZero(a: Float64Array, n: number): { below: number; negZeros: number } {
  let below = 0;
  let negZeros = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] < 0) below++;
    else if (Object.is(a[i], -0)) negZeros++;
  }
  return { below, negZeros };
}

/** The value at rank floor(q (n - 1)) of an ascending array (no interpolation), clamped to its ends. */
export function quantileOfSorted(s: ArrayLike<number>, q: number): number {
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1))))];
}
