// Marion's reduced engine (src/families/marion/reduced.ts) for ReLU, four networks at once, one per SIMD
// lane (assembly/lanes.ts: each lane runs its network's own stream). Per lane the same draws and the same
// float operations in the same order as the JavaScript kernel, so the results are bit-identical to it.
// Vectors are interleaved (x[4 i + lane], 32 d bytes); per-lane scalars are pairs of f64x2 (lanes 0-1,
// 2-3). Layer histories (hin, us, ts) hold L such vectors.

import { fillNormalScaled4 } from "./lanes";
import { ln } from "./normals";

const BIG: f64 = 1e150;

/**
 * The kernels' buffers, as an i32 table of pointers (filled once by src/families/marion/reduced.ts):
 * 0 h, 1 hin, 2 us, 3 ts, 4 u, 5 s, 6 t, 7 g, 8 q, 9 p (interleaved vectors and layer histories),
 * 10 hScale, 11 pScale (4 f64 each), 12 generator states, 13 slow-draw lists.
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

/** out = max(x, 0) (Math.max: +0 for -0). */
function relu4(x: usize, out: usize, d: i32): void {
  const zero = f64x2.splat(0);
  for (let i = 0; i < d; i++) {
    const o = (<usize>i) << 5;
    v128.store(out + o, f64x2.max(v128.load(x + o), zero));
    v128.store(out + o, f64x2.max(v128.load(x + o, 16), zero), 16);
  }
}

/** y += alpha x. */
function axpy4(y: usize, x: usize, alpha: f64, d: i32): void {
  const a = f64x2.splat(alpha);
  for (let i = 0; i < d; i++) {
    const o = (<usize>i) << 5;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(a, v128.load(x + o))));
    v128.store(y + o, f64x2.add(v128.load(y + o, 16), f64x2.mul(a, v128.load(x + o, 16))), 16);
  }
}

/**
 * The kernel's rescale per lane: where ||v|| > BIG (and finite) divide v by it and add ln ||v|| to
 * logScale[lane] (4 f64).
 */
function rescale4(v: usize, d: i32, logScale: usize): void {
  dot4(v, v, d, 7);
  const o = T + (7 << 5);
  const n01 = f64x2.sqrt(v128.load(o));
  const n23 = f64x2.sqrt(v128.load(o, 16));
  const big = f64x2.splat(BIG);
  const zero = f64x2.splat(0);
  const m01 = v128.and(f64x2.gt(n01, big), f64x2.eq(f64x2.sub(n01, n01), zero));
  const m23 = v128.and(f64x2.gt(n23, big), f64x2.eq(f64x2.sub(n23, n23), zero));
  if (!v128.any_true(v128.or(m01, m23))) return;
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
}

// @ts-ignore: decorator
@inline
function addAt(p: usize, lane: usize, v: f64): void {
  store<f64>(p + (lane << 3), load<f64>(p + (lane << 3)) + v);
}

/**
 * Forward pass, L blocks: res-3 u = (||h|| / sqrt d) g, s = relu(u); res-1 s = relu(h); then
 * t = (||s|| / sqrt d) g', h += alpha t, and the rescale of h (its log to hScale, 4 f64). With `keep`,
 * the block inputs h, the pre-activations u (res-3) and the outputs t go to hin, us, ts.
 */
export function marionFwd4(L: i32, d: i32, res3: bool, alpha: f64, keep: bool, tab: usize): void {
  const h = buf(tab, 0);
  const hin = buf(tab, 1);
  const us = buf(tab, 2);
  const ts = buf(tab, 3);
  const u = buf(tab, 4);
  const s = buf(tab, 5);
  const t = buf(tab, 6);
  const hScale = buf(tab, 10);
  const st = buf(tab, 12);
  const pend = buf(tab, 13);
  const isd = 1 / Math.sqrt(<f64>d);
  const bytes = (<usize>d) << 5;
  for (let k = 0; k < L; k++) {
    const at = <usize>k * bytes;
    if (keep) memory.copy(hin + at, h, bytes);
    if (res3) {
      // u = (||h|| / sqrt d) z: the scale does not depend on z, so it is applied as z is drawn.
      dot4(h, h, d, 0);
      sqrtTimes(0, isd);
      fillScaled(u, d, st, pend, 0);
      if (keep) memory.copy(us + at, u, bytes);
      relu4(u, s, d);
    } else relu4(h, s, d);
    dot4(s, s, d, 0);
    sqrtTimes(0, isd);
    fillScaled(t, d, st, pend, 0);
    if (keep) memory.copy(ts + at, t, bytes);
    axpy4(h, t, alpha, d);
    rescale4(h, d, hScale);
  }
}

/**
 * out = M^T v for the Gaussian M conditioned on M a = b: a (b . v - a . g) / ||a||^2 + g with
 * g = (||v|| / sqrt d) z, z fresh (the kernel's condT; out = g where ||a|| = 0).
 */
function condT4(a: usize, b: usize, v: usize, out: usize, g: usize, d: i32, isd: f64, st: usize, pend: usize): void {
  dot4(v, v, d, 0);
  sqrtTimes(0, isd);
  fillScaled(g, d, st, pend, 0);
  dot4(a, a, d, 1);
  dot4(b, v, d, 2);
  dot4(a, g, d, 3);
  const aa01 = v128.load(T + (1 << 5));
  const aa23 = v128.load(T + (1 << 5), 16);
  const k01 = f64x2.sub(f64x2.div(v128.load(T + (2 << 5)), aa01), f64x2.div(v128.load(T + (3 << 5)), aa01));
  const k23 = f64x2.sub(
    f64x2.div(v128.load(T + (2 << 5), 16), aa23),
    f64x2.div(v128.load(T + (3 << 5), 16), aa23),
  );
  const zero = f64x2.splat(0);
  const m01 = f64x2.gt(aa01, zero);
  const m23 = f64x2.gt(aa23, zero);
  for (let i = 0; i < d; i++) {
    const o = (<usize>i) << 5;
    const g01 = v128.load(g + o);
    const g23 = v128.load(g + o, 16);
    v128.store(out + o, v128.bitselect(f64x2.add(f64x2.mul(v128.load(a + o), k01), g01), g01, m01));
    v128.store(out + o, v128.bitselect(f64x2.add(f64x2.mul(v128.load(a + o, 16), k23), g23), g23, m23), 16);
  }
}

/**
 * Backward pass from p (the output gradient, normalised), blocks L - 1 .. 0: q = V_k^T p given
 * V_k s_k = t_k, q *= relu'(pre_k), res-3 t = W_k^T q given W_k h_k = u_k (res-1 t = q), p += alpha t,
 * and the rescale of p (its log to pScale, 4 f64).
 */
export function marionBwd4(L: i32, d: i32, res3: bool, alpha: f64, tab: usize): void {
  const hin = buf(tab, 1);
  const us = buf(tab, 2);
  const ts = buf(tab, 3);
  const s = buf(tab, 5);
  const t = buf(tab, 6);
  const g = buf(tab, 7);
  const q = buf(tab, 8);
  const p = buf(tab, 9);
  const pScale = buf(tab, 11);
  const st = buf(tab, 12);
  const pend = buf(tab, 13);
  const isd = 1 / Math.sqrt(<f64>d);
  const bytes = (<usize>d) << 5;
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  for (let k = L - 1; k >= 0; k--) {
    const at = <usize>k * bytes;
    const pre = (res3 ? us : hin) + at;
    relu4(pre, s, d);
    condT4(s, ts + at, p, q, g, d, isd, st, pend);
    for (let i = 0; i < d; i++) {
      const o = (<usize>i) << 5;
      const d01 = v128.bitselect(one, zero, f64x2.gt(v128.load(pre + o), zero));
      const d23 = v128.bitselect(one, zero, f64x2.gt(v128.load(pre + o, 16), zero));
      v128.store(q + o, f64x2.mul(v128.load(q + o), d01));
      v128.store(q + o, f64x2.mul(v128.load(q + o, 16), d23), 16);
    }
    if (res3) {
      condT4(hin + at, us + at, q, t, g, d, isd, st, pend);
      axpy4(p, t, alpha, d);
    } else axpy4(p, q, alpha, d);
    rescale4(p, d, pScale);
  }
}
