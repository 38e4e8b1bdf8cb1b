// Marion's reduced engine (src/families/marion/reduced.ts) for ReLU, four networks at once, one per SIMD
// lane (assembly/lanes.ts: each lane runs its network's own stream). Per lane the same draws and the same
// float operations in the same order as the JavaScript kernel, so the results are bit-identical to it.
// Vectors are interleaved (x[4 i + lane], 32 d bytes); per-lane scalars are pairs of f64x2 (lanes 0-1,
// 2-3). Layer histories (hin, us, ts) hold L such vectors.

import { fillNormal4, fillNormalScaled4 } from "./lanes";
import { ln } from "./normals";

const BIG: f64 = 1e150;

/**
 * The kernels' buffers, as an i32 table of pointers (filled once by src/families/marion/reduced.ts):
 * 0 h, 1 hin, 2 us, 3 ts, 4 u, 5 the inputs x and a row (marionInit4), 6 t, 7 g, 8 the readout B,
 * 9 p (interleaved vectors and layer histories),
 * 10 hScale, 11 pScale (4 f64 each), 12 generator states, 13 slow-draw lists, 14 ||h_k||^2 and
 * 15 ||s_k||^2 per block (4 f64 each).
 */
// @ts-ignore: decorator
@inline
function buf(tab: usize, i: usize): usize {
  return <usize>load<u32>(tab + (i << 2));
}
// Scratch for per-lane scalars: two f64x2 per slot.
const T = memory.data(256, 16);

/** T[slot] = sum_i a_i b_i per lane, in order of i (the kernel's dot). */
// @ts-ignore: decorator
@inline
function dot4(a: usize, b: usize, d: i32, slot: usize): void {
  let s01 = f64x2.splat(0);
  let s23 = f64x2.splat(0);
  for (let i = 0; i < d; i++) {
    const o = (<usize>i) << 5;
    s01 = f64x2.add(s01, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    s23 = f64x2.add(s23, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  v128.store(T + (slot << 5), s01);
  v128.store(T + (slot << 5), s23, 16);
}

/** v = fresh normals (each lane's fillNormal) times the per-lane scalars in T[slot]. */
function fillScaled(v: usize, d: i32, st: usize, pend: usize, slot: usize): void {
  fillNormalScaled4(v, d, st, pend, v128.load(T + (slot << 5)), v128.load(T + (slot << 5), 16));
}

/** T[slot] = sqrt(T[slot]) * isd per lane. */
function sqrtTimes(slot: usize, isd: f64): void {
  const k = f64x2.splat(isd);
  const o = T + (slot << 5);
  v128.store(o, f64x2.mul(f64x2.sqrt(v128.load(o)), k));
  v128.store(o, f64x2.mul(f64x2.sqrt(v128.load(o, 16)), k), 16);
}

// @ts-ignore: decorator
@inline
function addAt(p: usize, lane: usize, v: f64): void {
  store<f64>(p + (lane << 3), load<f64>(p + (lane << 3)) + v);
}

/**
 * Where the squared norms (per lane, T[slot]) exceed BIG^2 and are finite, divide v by the norm and add
 * its log to logScale (rescale4 with its dot already done). Returns whether any lane was rescaled.
 */
function rescaleFrom(v: usize, d: i32, logScale: usize, slot: usize): bool {
  const o = T + (slot << 5);
  const n01 = f64x2.sqrt(v128.load(o));
  const n23 = f64x2.sqrt(v128.load(o, 16));
  const big = f64x2.splat(BIG);
  const zero = f64x2.splat(0);
  const m01 = v128.and(f64x2.gt(n01, big), f64x2.eq(f64x2.sub(n01, n01), zero));
  const m23 = v128.and(f64x2.gt(n23, big), f64x2.eq(f64x2.sub(n23, n23), zero));
  if (!v128.any_true(v128.or(m01, m23))) return false;
  for (let i = 0; i < d; i++) {
    const q = v + ((<usize>i) << 5);
    const a = v128.load(q);
    const b = v128.load(q, 16);
    v128.store(q, v128.bitselect(f64x2.div(a, n01), a, m01));
    v128.store(q, v128.bitselect(f64x2.div(b, n23), b, m23), 16);
  }
  if (i64x2.extract_lane(m01, 0) != 0) addAt(logScale, 0, ln(f64x2.extract_lane(n01, 0)));
  if (i64x2.extract_lane(m01, 1) != 0) addAt(logScale, 1, ln(f64x2.extract_lane(n01, 1)));
  if (i64x2.extract_lane(m23, 0) != 0) addAt(logScale, 2, ln(f64x2.extract_lane(n23, 0)));
  if (i64x2.extract_lane(m23, 1) != 0) addAt(logScale, 3, ln(f64x2.extract_lane(n23, 1)));
  return true;
}

/**
 * max(x, 0) per f64 lane as f64x2.max gives it (NaN stays NaN, -0 gives +0), in three operations: x
 * where x > 0 or x is NaN, +0 elsewhere (V8 spells f64x2.max out in eight to order NaNs and zeros in
 * general, and a bitselect with zero in three).
 */
// @ts-ignore: decorator
@inline
function relu2(x: v128): v128 {
  return v128.and(x, v128.or(f64x2.gt(x, f64x2.splat(0)), f64x2.ne(x, x)));
}

/** T[slot] = sum_i max(x_i, 0)^2 per lane, in order of i (dot4 of relu(x) with itself). */
function reluNorm2(x: usize, d: i32, slot: usize): void {
  const zero = f64x2.splat(0);
  let s01 = zero;
  let s23 = zero;
  for (let i = 0; i < d; i++) {
    const o = (<usize>i) << 5;
    // pmax(x, 0) is x < 0 ? 0 : x: max(x, 0) up to the sign of a zero, which its square loses.
    const a = f64x2.pmax(v128.load(x + o), zero);
    const b = f64x2.pmax(v128.load(x + o, 16), zero);
    s01 = f64x2.add(s01, f64x2.mul(a, a));
    s23 = f64x2.add(s23, f64x2.mul(b, b));
  }
  v128.store(T + (slot << 5), s01);
  v128.store(T + (slot << 5), s23, 16);
}

/** out = x + alpha y (axpy4's operations) and T[slot] = ||out||^2 per lane (dot4's order). */
function axpyNorm2(out: usize, x: usize, y: usize, alpha: f64, d: i32, slot: usize): void {
  const a = f64x2.splat(alpha);
  let s01 = f64x2.splat(0);
  let s23 = s01;
  for (let i = 0; i < d; i++) {
    const o = (<usize>i) << 5;
    const v01 = f64x2.add(v128.load(x + o), f64x2.mul(a, v128.load(y + o)));
    const v23 = f64x2.add(v128.load(x + o, 16), f64x2.mul(a, v128.load(y + o, 16)));
    v128.store(out + o, v01);
    v128.store(out + o, v23, 16);
    s01 = f64x2.add(s01, f64x2.mul(v01, v01));
    s23 = f64x2.add(s23, f64x2.mul(v23, v23));
  }
  v128.store(T + (slot << 5), s01);
  v128.store(T + (slot << 5), s23, 16);
}

/** T[slot] = T[from] (4 f64), and the same to hist (when not 0). */
function keepNorm2(slot: usize, from: usize, hist: usize): void {
  const a = v128.load(T + (from << 5));
  const b = v128.load(T + (from << 5), 16);
  v128.store(T + (slot << 5), a);
  v128.store(T + (slot << 5), b, 16);
  if (hist != 0) {
    v128.store(hist, a);
    v128.store(hist, b, 16);
  }
}

// T slots: 0 a vector's scale, 1 ||h||^2 or ||p||^2 (carried from one block to the next), 2 ||s||^2,
// 3 a dot, 4 and 5 a conditioning's coefficient k and mask (coefficients), 6 t_k . p.

/**
 * A conditioning's coefficient k = b.v / ||a||^2 - a.g / ||a||^2 and mask ||a||^2 > 0, per lane, to
 * T[4] and T[5]. The loops read them from memory: kept in a local, the divisions were moved into the
 * loop that uses k, four per coordinate.
 */
function coefficients(bv01: v128, bv23: v128, ag01: v128, ag23: v128, aa01: v128, aa23: v128): void {
  const zero = f64x2.splat(0);
  v128.store(T + (4 << 5), f64x2.sub(f64x2.div(bv01, aa01), f64x2.div(ag01, aa01)));
  v128.store(T + (4 << 5), f64x2.sub(f64x2.div(bv23, aa23), f64x2.div(ag23, aa23)), 16);
  v128.store(T + (5 << 5), f64x2.gt(aa01, zero));
  v128.store(T + (5 << 5), f64x2.gt(aa23, zero), 16);
}

/** out = (a k + g, or g where the mask is off) with k, mask from T[4], T[5]: condT's output. */
// @ts-ignore: decorator
@inline
function condOut(a: v128, g: v128, half: usize): v128 {
  const k = v128.load(T + (4 << 5) + half);
  return v128.bitselect(f64x2.add(f64x2.mul(a, k), g), g, v128.load(T + (5 << 5) + half));
}

/** q = condOut(relu(pre), g) relu'(pre) for lanes 0-1 (half 0) or 2-3 (half 16) at offset o. */
// @ts-ignore: decorator
@inline
function qAt(pre: usize, g: usize, o: usize, half: usize): v128 {
  const x = v128.load(pre + o + half);
  // relu'(x): 1 where x > 0, +0 elsewhere (the bits of 1 under the comparison's mask).
  const dx = v128.and(f64x2.splat(1), f64x2.gt(x, f64x2.splat(0)));
  return f64x2.mul(condOut(relu2(x), v128.load(g + o + half), half), dx);
}

/** ||q||^2 to T[0] and u . q to T[3] for q = qAt(...) (in order of i; q itself is not kept). */
function makeQ(pre: usize, g: usize, u: usize, d: i32): void {
  const zero = f64x2.splat(0);
  let qq01 = zero;
  let qq23 = zero;
  let uq01 = zero;
  let uq23 = zero;
  for (let i = 0; i < d; i++) {
    const o = (<usize>i) << 5;
    const q01 = qAt(pre, g, o, 0);
    const q23 = qAt(pre, g, o, 16);
    qq01 = f64x2.add(qq01, f64x2.mul(q01, q01));
    qq23 = f64x2.add(qq23, f64x2.mul(q23, q23));
    uq01 = f64x2.add(uq01, f64x2.mul(v128.load(u + o), q01));
    uq23 = f64x2.add(uq23, f64x2.mul(v128.load(u + o, 16), q23));
  }
  v128.store(T, qq01);
  v128.store(T, qq23, 16);
  v128.store(T + (3 << 5), uq01);
  v128.store(T + (3 << 5), uq23, 16);
}

/**
 * p += alpha x, x = q = qAt(pre, g) (res-1, from = pre) or t = condOut(h_k, g) (res-3, from = h_k);
 * ||p||^2 to T[slot] and, as p is made, tNext . p to T[6] (the next block's t_{k-1} . p: the same
 * products summed in the same order as its own pass would).
 */
function addToP(from: usize, g: usize, p: usize, alpha: f64, d: i32, tNext: usize, res3: bool, slot: usize): void {
  const al = f64x2.splat(alpha);
  let pp01 = f64x2.splat(0);
  let pp23 = pp01;
  let tp01 = pp01;
  let tp23 = pp01;
  for (let i = 0; i < d; i++) {
    const o = (<usize>i) << 5;
    const x01 = res3 ? condOut(v128.load(from + o), v128.load(g + o), 0) : qAt(from, g, o, 0);
    const x23 = res3 ? condOut(v128.load(from + o, 16), v128.load(g + o, 16), 16) : qAt(from, g, o, 16);
    const p01 = f64x2.add(v128.load(p + o), f64x2.mul(al, x01));
    const p23 = f64x2.add(v128.load(p + o, 16), f64x2.mul(al, x23));
    v128.store(p + o, p01);
    v128.store(p + o, p23, 16);
    pp01 = f64x2.add(pp01, f64x2.mul(p01, p01));
    pp23 = f64x2.add(pp23, f64x2.mul(p23, p23));
    tp01 = f64x2.add(tp01, f64x2.mul(v128.load(tNext + o), p01));
    tp23 = f64x2.add(tp23, f64x2.mul(v128.load(tNext + o, 16), p23));
  }
  v128.store(T + (slot << 5), pp01);
  v128.store(T + (slot << 5), pp23, 16);
  v128.store(T + (6 << 5), tp01);
  v128.store(T + (6 << 5), tp23, 16);
}

/**
 * Where block k's vector lives in a history (hin, us, ts): blocks in reverse order, so that the backward
 * pass, which wants them from block L - 1 down to 0, reads each history as one ascending stream (the
 * hardware prefetcher follows it; in block order every block began with misses on memory that L2 could
 * not hold: L = 1000 blocks of four networks of d = 100 make 3.2 MB a history).
 */
// @ts-ignore: decorator
@inline
function historySlot(k: i32, L: i32, bytes: usize): usize {
  return <usize>(L - 1 - k) * bytes;
}

/**
 * Forward pass, L blocks: res-3 u = (||h|| / sqrt d) g, s = relu(u); res-1 s = relu(h); then
 * t = (||s|| / sqrt d) g', h += alpha t, and the rescale of h (its log to hScale, 4 f64). With `keep`,
 * the block inputs h, the pre-activations u (res-3) and the outputs t go to hin, us, ts, and ||h_k||^2
 * and ||s_k||^2 to their histories (for marionBwd4). The passes are fused (s is never stored; the
 * update computes ||h||^2 for the rescale and the next block), each sum still in order of the
 * coordinate, so every number is the unfused kernel's.
 */
export function marionFwd4(L: i32, d: i32, res3: bool, alpha: f64, keep: bool, tab: usize): void {
  const h = buf(tab, 0);
  const hin = buf(tab, 1);
  const us = buf(tab, 2);
  const ts = buf(tab, 3);
  const u = buf(tab, 4);
  const t = buf(tab, 6);
  const hScale = buf(tab, 10);
  const st = buf(tab, 12);
  const pend = buf(tab, 13);
  const hh = keep ? buf(tab, 14) : 0;
  const ss = keep ? buf(tab, 15) : 0;
  const isd = 1 / Math.sqrt(<f64>d);
  const bytes = (<usize>d) << 5;
  const first = <usize>(L - 1) * bytes;
  if (keep) memory.copy(hin + first, h, bytes);
  dot4(keep ? hin + first : h, keep ? hin + first : h, d, 1);
  for (let k = 0; k < L; k++) {
    const at = historySlot(k, L, bytes);
    // h_k lives in hin's slot of block k (with keep) and h_{k+1} goes to block k + 1's (the slot
    // before), the last one to h.
    const cur = keep ? hin + at : h;
    const nxt = keep && k + 1 < L ? hin + at - bytes : h;
    if (keep) keepNorm2(1, 1, hh + ((<usize>k) << 5));
    if (res3) {
      // u = (||h|| / sqrt d) z: the scale does not depend on z, so it is applied as z is drawn.
      keepNorm2(0, 1, 0);
      sqrtTimes(0, isd);
      const uk = keep ? us + at : u;
      fillScaled(uk, d, st, pend, 0);
      reluNorm2(uk, d, 2);
    } else reluNorm2(cur, d, 2);
    if (keep) keepNorm2(2, 2, ss + ((<usize>k) << 5));
    keepNorm2(0, 2, 0);
    sqrtTimes(0, isd);
    const tk = keep ? ts + at : t;
    fillScaled(tk, d, st, pend, 0);
    axpyNorm2(nxt, cur, tk, alpha, d, 1);
    if (rescaleFrom(nxt, d, hScale, 1)) dot4(nxt, nxt, d, 1);
  }
}

/**
 * Backward pass from p (the output gradient, normalised), blocks L - 1 .. 0: q = V_k^T p given
 * V_k s_k = t_k, q *= relu'(pre_k), res-3 t = W_k^T q given W_k h_k = u_k (res-1 t = q), p += alpha t,
 * and the rescale of p (its log to pScale, 4 f64). Each conditioning is the kernel's condT: out = a
 * (b . v - a . g) / ||a||^2 + g with g = (||v|| / sqrt d) z (out = g where ||a|| = 0). Fused: ||a||^2
 * comes from the forward pass's histories, ||p||^2 from the last update, s = relu(pre) is never stored,
 * q's norm and u . q are summed as q is made, t is added to p as it is made; each sum in order of the
 * coordinate, so every number is the unfused kernel's.
 */
export function marionBwd4(L: i32, d: i32, res3: bool, alpha: f64, tab: usize): void {
  const hin = buf(tab, 1);
  const us = buf(tab, 2);
  const ts = buf(tab, 3);
  const g = buf(tab, 7);
  const p = buf(tab, 9);
  const pScale = buf(tab, 11);
  const st = buf(tab, 12);
  const pend = buf(tab, 13);
  const hh = buf(tab, 14);
  const ss = buf(tab, 15);
  const isd = 1 / Math.sqrt(<f64>d);
  const bytes = (<usize>d) << 5;
  const zero = f64x2.splat(0);
  dot4(p, p, d, 1);
  let tpValid = false;
  for (let k = L - 1; k >= 0; k--) {
    const at = historySlot(k, L, bytes);
    const pre = (res3 ? us : hin) + at;
    const tk = ts + at;
    // g = (||p|| / sqrt d) z.
    keepNorm2(0, 1, 0);
    sqrtTimes(0, isd);
    fillScaled(g, d, st, pend, 0);
    // t_k . p: from the update that made p (T[6]) unless p was rescaled since or is the first p.
    if (!tpValid) dot4(tk, p, d, 6);
    // s . g, s = relu(pre): pmax as in reluNorm2 (a -0 for +0 makes a zero term of either sign, which a
    // sum begun at +0 absorbs bit for bit).
    let ag01 = zero;
    let ag23 = zero;
    for (let i = 0; i < d; i++) {
      const o = (<usize>i) << 5;
      ag01 = f64x2.add(ag01, f64x2.mul(f64x2.pmax(v128.load(pre + o), zero), v128.load(g + o)));
      ag23 = f64x2.add(ag23, f64x2.mul(f64x2.pmax(v128.load(pre + o, 16), zero), v128.load(g + o, 16)));
    }
    const bv01 = v128.load(T + (6 << 5));
    const bv23 = v128.load(T + (6 << 5), 16);
    const so = ss + ((<usize>k) << 5);
    coefficients(bv01, bv23, ag01, ag23, v128.load(so), v128.load(so, 16));
    // q = (s k + g, or g) relu'(pre); res-3: ||q||^2 and u_k . q as q is made (to T[0], T[3]);
    // res-1: p += alpha q and ||p||^2 (to T[0]).
    // The next block's t: t_{k-1}, the slot after (for k = 0 any vector: its sum is not used).
    const tNext = k > 0 ? tk + bytes : tk;
    if (res3) makeQ(pre, g, us + at, d);
    else addToP(pre, g, p, alpha, d, tNext, false, 0);
    if (res3) {
      // t = W_k^T q given W_k h_k = u_k: g = (||q|| / sqrt d) z, h_k . g, then p += alpha t.
      const uq01 = v128.load(T + (3 << 5));
      const uq23 = v128.load(T + (3 << 5), 16);
      sqrtTimes(0, isd);
      fillScaled(g, d, st, pend, 0);
      const hk = hin + at;
      dot4(hk, g, d, 3);
      const ho = hh + ((<usize>k) << 5);
      const ag01 = v128.load(T + (3 << 5));
      const ag23 = v128.load(T + (3 << 5), 16);
      coefficients(uq01, uq23, ag01, ag23, v128.load(ho), v128.load(ho, 16));
      addToP(hk, g, p, alpha, d, tNext, true, 1);
    } else keepNorm2(1, 0, 0);
    tpValid = true;
    if (rescaleFrom(p, d, pScale, 1)) {
      dot4(p, p, d, 1);
      tpValid = false;
    }
  }
}

/**
 * A group's draws after x and y (which JavaScript draws): h_0 = A x / sqrt(n_in), row by row (each row
 * the lane's fillNormal of n_in, then its dot with the lane's x in order of j), into h; then the readout
 * B, n_out rows of the lane's fillNormal of d times 1 / sqrt(d), into the B buffer (row r at 4 d r).
 * The init of src/families/marion/reduced.ts, same draws, same operations; n_in <= d (the lanes'
 * lists of rejected draws hold d per lane).
 */
export function marionInit4(d: i32, nIn: i32, nOut: i32, tab: usize): void {
  const h = buf(tab, 0);
  const xs = buf(tab, 5);
  const row = xs + ((<usize>nIn) << 5);
  const B = buf(tab, 8);
  const st = buf(tab, 12);
  const pend = buf(tab, 13);
  const sn = f64x2.splat(Math.sqrt(<f64>nIn));
  for (let r = 0; r < d; r++) {
    fillNormal4(row, nIn, st, pend);
    let s01 = f64x2.splat(0);
    let s23 = s01;
    for (let j = 0; j < nIn; j++) {
      const o = (<usize>j) << 5;
      s01 = f64x2.add(s01, f64x2.mul(v128.load(row + o), v128.load(xs + o)));
      s23 = f64x2.add(s23, f64x2.mul(v128.load(row + o, 16), v128.load(xs + o, 16)));
    }
    const o = (<usize>r) << 5;
    v128.store(h + o, f64x2.div(s01, sn));
    v128.store(h + o, f64x2.div(s23, sn), 16);
  }
  const isd = f64x2.splat(1 / Math.sqrt(<f64>d));
  for (let r = 0; r < nOut; r++) fillNormalScaled4(B + <usize>r * ((<usize>d) << 5), d, st, pend, isd, isd);
}
