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
