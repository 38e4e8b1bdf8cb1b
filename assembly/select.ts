// Order statistics for the sample quantiles (src/stats/quantile.ts): the values at a few ranks of an
// f64 array, as a sort would place them, in O(n). Quickselect on all the ranks at once with
// three-way partitions around a median-of-three pivot; small ranges by insertion sort, and ranges
// that recurse too deep by heapsort (so O(n log n) at worst). NaN-free input (compactNotNaN first);
// -0 and +0 compare equal here, the caller restores the sorted order's signs.

// @ts-ignore: decorator
@inline
function at(a: usize, i: i32): f64 {
  return load<f64>(a + ((<usize>i) << 3));
}

// @ts-ignore: decorator
@inline
function put(a: usize, i: i32, v: f64): void {
  store<f64>(a + ((<usize>i) << 3), v);
}

/** Move the values of a[0 .. n - 1] that are not NaN to the front, in order; returns how many. */
export function compactNotNaN(a: usize, n: i32): i32 {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = at(a, i);
    if (v == v) put(a, m++, v);
  }
  return m;
}

function insertionSort(a: usize, left: i32, right: i32): void {
  for (let i = left + 1; i <= right; i++) {
    const v = at(a, i);
    let j = i - 1;
    while (j >= left && at(a, j) > v) {
      put(a, j + 1, at(a, j));
      j--;
    }
    put(a, j + 1, v);
  }
}

function siftDown(a: usize, base: i32, root: i32, n: i32): void {
  let r = root;
  const v = at(a, base + r);
  while (true) {
    let c = 2 * r + 1;
    if (c >= n) break;
    if (c + 1 < n && at(a, base + c + 1) > at(a, base + c)) c++;
    if (!(at(a, base + c) > v)) break;
    put(a, base + r, at(a, base + c));
    r = c;
  }
  put(a, base + r, v);
}

function heapSort(a: usize, left: i32, right: i32): void {
  const n = right - left + 1;
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(a, left, i, n);
  for (let end = n - 1; end > 0; end--) {
    const v = at(a, left + end);
    put(a, left + end, at(a, left));
    put(a, left, v);
    siftDown(a, left, 0, end);
  }
}

/**
 * Rearrange a[left .. right] so that each rank in ranks[r0 .. r1) (f64 ascending integers within the
 * range) holds the value a sort would put there; depth bounds the partitioning rounds.
 */
export function selectRanks(a: usize, left: i32, right: i32, ranks: usize, r0: i32, r1: i32, depth: i32): void {
  while (r0 < r1) {
    if (right - left < 24) {
      insertionSort(a, left, right);
      return;
    }
    if (depth-- <= 0) {
      heapSort(a, left, right);
      return;
    }
    const x = at(a, left);
    const y = at(a, (left + right) >>> 1);
    const z = at(a, right);
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    // [left, lt) < pivot, [lt, gt] == pivot, (gt, right] > pivot.
    let lt = left;
    let i = left;
    let gt = right;
    while (i <= gt) {
      const v = at(a, i);
      if (v < pivot) {
        put(a, i++, at(a, lt));
        put(a, lt++, v);
      } else if (v > pivot) {
        put(a, i, at(a, gt));
        put(a, gt--, v);
      } else i++;
    }
    let k = r0;
    while (k < r1 && <i32>at(ranks, k) < lt) k++;
    let k2 = k;
    while (k2 < r1 && <i32>at(ranks, k2) <= gt) k2++;
    if (k > r0) selectRanks(a, left, lt - 1, ranks, r0, k, depth);
    left = gt + 1;
    r0 = k2;
  }
}

/** The bucket of v for the bucket pass: floor((v - lo) scale) clamped to [0, nb - 1] (non-decreasing in v). */
// @ts-ignore: decorator
@inline
function bucketOf(v: f64, lo: f64, scale: f64, nb: i32): i32 {
  const t = (v - lo) * scale;
  return t >= <f64>(nb - 1) ? nb - 1 : t > 0 ? <i32>t : 0;
}

/**
 * The values at ranks[0 .. nr) (f64 ascending integers < n) of a[0 .. n) (NaN-free), as a sort would
 * place them, written over ranks; a is left as it was. One pass finds the finite values' range, one
 * counts the values in nb buckets of equal width (the bucket is non-decreasing in the value, so the
 * sorted order is the buckets' in turn), one copies the values of the buckets that hold a rank to
 * scratch (cap values at most), where selectRanks places each rank within its bucket: O(n) with
 * predictable branches, where selectRanks' partitions mispredict about every other comparison.
 * cnt holds 2 nb i32. Returns false, having changed nothing, where the range is empty or not finite
 * or the buckets hold more than cap values (the caller then selects in place). ranks[nr .. 2 nr) is
 * scratch. -0 and +0 share a bucket (and compare equal): the caller restores the signs.
 */
export function selectByBuckets(
  a: usize,
  n: i32,
  ranks: usize,
  nr: i32,
  cnt: usize,
  nb: i32,
  scratch: usize,
  cap: i32,
): bool {
  const inf = Infinity;
  let lo = inf;
  let hi = -inf;
  for (let i = 0; i < n; i++) {
    const v = at(a, i);
    const finite = v - v == 0;
    lo = finite && v < lo ? v : lo;
    hi = finite && v > hi ? v : hi;
  }
  if (!(lo < hi)) return false;
  const scale = <f64>nb / (hi - lo);
  if (!(scale > 0 && scale < inf)) return false;
  // cnt[0 .. nb): counts, then each bucket's first rank; off = cnt + 4 nb: a marked bucket's next slot
  // in scratch (-1 where no rank falls).
  const off = cnt + ((<usize>nb) << 2);
  memory.fill(cnt, 0, (<usize>nb) << 2);
  memory.fill(off, 0xff, (<usize>nb) << 2);
  for (let i = 0; i < n; i++) {
    const q = cnt + ((<usize>bucketOf(at(a, i), lo, scale, nb)) << 2);
    store<i32>(q, load<i32>(q) + 1);
  }
  let first = 0;
  for (let b = 0; b < nb; b++) {
    const q = cnt + ((<usize>b) << 2);
    const c = load<i32>(q);
    store<i32>(q, first);
    first += c;
  }
  // Mark the buckets that hold a rank, laying their regions out in scratch.
  let used = 0;
  for (let k = 0; k < nr; k++) {
    const b = bucketOfRank(cnt, nb, <i32>at(ranks, k));
    const ob = off + ((<usize>b) << 2);
    if (load<i32>(ob) >= 0) continue;
    const size = bucketEnd(cnt, nb, n, b) - load<i32>(cnt + ((<usize>b) << 2));
    if (used + size > cap) return false;
    store<i32>(ob, used);
    used += size;
  }
  for (let i = 0; i < n; i++) {
    const v = at(a, i);
    const ob = off + ((<usize>bucketOf(v, lo, scale, nb)) << 2);
    const o = load<i32>(ob);
    if (o >= 0) {
      put(scratch, o, v);
      store<i32>(ob, o + 1);
    }
  }
  // Each rank's place in scratch (off[b] is now the end of bucket b's region), then a selection within
  // each marked bucket's region (the ranks of one bucket are consecutive).
  const local = ranks + ((<usize>nr) << 3);
  let k0 = 0;
  while (k0 < nr) {
    const b = bucketOfRank(cnt, nb, <i32>at(ranks, k0));
    const start = load<i32>(cnt + ((<usize>b) << 2));
    const size = bucketEnd(cnt, nb, n, b) - start;
    const from = load<i32>(off + ((<usize>b) << 2)) - size;
    let k1 = k0;
    while (k1 < nr && bucketOfRank(cnt, nb, <i32>at(ranks, k1)) == b) {
      put(local, k1, <f64>(from + <i32>at(ranks, k1) - start));
      k1++;
    }
    selectRanks(scratch, from, from + size - 1, local, k0, k1, 2 * (32 - clz<i32>(size)) + 8);
    k0 = k1;
  }
  for (let k = 0; k < nr; k++) put(ranks, k, at(scratch, <i32>at(local, k)));
  return true;
}

/** The end (one past the last rank) of bucket b; cnt holds each bucket's first rank. */
// @ts-ignore: decorator
@inline
function bucketEnd(cnt: usize, nb: i32, n: i32, b: i32): i32 {
  return b + 1 < nb ? load<i32>(cnt + ((<usize>(b + 1)) << 2)) : n;
}

/** The bucket holding rank r: the last b with cnt[b] <= r (cnt: first ranks, non-decreasing). */
function bucketOfRank(cnt: usize, nb: i32, r: i32): i32 {
  let lo = 0;
  let hi = nb - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (load<i32>(cnt + ((<usize>mid) << 2)) <= r) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
