// Four networks at once, one per SIMD lane: each lane runs its own xoshiro128** stream (the network's
// own, as Rng.reset keys it), so every network draws exactly the words the scalar kernels draw, and the
// per-lane arithmetic repeats the scalar operations in the same order: bit-identical results, with the
// generator's integer steps and the vector updates four (or two) lanes wide.
//
// Layout: vectors of the four networks interleaved, x[4 i + lane] (f64). Generator states at `st`,
// structure of arrays: st[0..3] = word s0 of lanes 0..3, st[4..7] = s1, st[8..11] = s2, st[12..15] = s3.
// `pend` holds 4 n (index, word) i32 pairs: each lane's rejected draws in a list of n.

import { normalSlow, setState, getState, ZK, ZW } from "./normals";

// Scratch for fusedLayer's per-lane values: a, c, m (f64 x 4 each) and the rejected counts (i32 x 4).
const LANE = memory.data(112, 16);

// What fusedLayer does beside drawing a row, at the row's coordinate p, on rows already complete (the
// generator's integer work hides the latency of the side pass's sums). With a side pass the row's
// draws are stored as they are (z), and a, c, m are the side pass's.
/** No side pass: y = a y + c z where m (or y = c z with fill). */
const SIDE_NONE = 0;
/** acc += max(sy_p, 0)^2 (reluSquares of sy). */
const SIDE_RELU2 = 1;
/** sy_p = a sy_p + c sz_p where m, then acc += max(sy_p, 0)^2: a layer of fusedLayer's, one row late. */
const SIDE_LAYER = 2;

/** The side layer's update at coordinate offset o (one half: lanes 0-1 or 2-3); returns max(y', 0). */
// @ts-ignore: decorator
@inline
function sideLayer(y: usize, z: usize, a: v128, c: v128, m: v128): v128 {
  const old = v128.load(y);
  const r = v128.bitselect(f64x2.add(f64x2.mul(a, old), f64x2.mul(c, v128.load(z))), old, m);
  v128.store(y, r);
  return f64x2.pmax(r, f64x2.splat(0));
}

/**
 * One layer's y = a y + c z for the four lanes (the scalar kernels' `alpha z + scale g` and `y += c z`),
 * where m is set, with z the lane's Rng.fillNormal of n draws generated in the loop, never stored.
 * A draw rejected by the ziggurat's rectangles leaves its y for later: after the row, each lane's
 * rejected draws are finished in order from its stream (as the scalar fill finishes them) and applied.
 */
// @ts-ignore: decorator
@inline
function fusedLayer(
  y: usize,
  n: i32,
  st: usize,
  pend: usize,
  a01: v128,
  a23: v128,
  c01: v128,
  c23: v128,
  m01: v128,
  m23: v128,
  fill: bool,
  side: i32 = SIDE_NONE,
  sy: usize = 0,
  sz: usize = 0,
  acc: usize = 0,
): void {
  const zk = ZK;
  const zero = f64x2.splat(0);
  let acc01 = zero;
  let acc23 = zero;
  const zw = ZW;
  // Lane k's rejected draws go to the list at pend + 8 k n.
  const pl1 = pend + ((<usize>n) << 3);
  const pl2 = pl1 + ((<usize>n) << 3);
  const pl3 = pl2 + ((<usize>n) << 3);
  let s0 = v128.load(st);
  let s1 = v128.load(st, 16);
  let s2 = v128.load(st, 32);
  let s3 = v128.load(st, 48);
  let n0 = 0;
  let n1 = 0;
  let n2 = 0;
  let n3 = 0;
  for (let p = 0; p < n; p++) {
    // xoshiro128** in four lanes.
    const m = i32x4.mul(s1, i32x4.splat(5));
    const u = i32x4.mul(v128.or(i32x4.shl(m, 7), i32x4.shr_u(m, 25)), i32x4.splat(9));
    const t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0);
    s3 = v128.xor(s3, s1);
    s1 = v128.xor(s1, s2);
    s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t);
    s3 = v128.or(i32x4.shl(s3, 11), i32x4.shr_u(s3, 21));
    // The ziggurat's fast path: layer i = u & 127, j = u >>> 8, accepted when j < k[i]; z = +-j w[i].
    const ii = v128.and(u, i32x4.splat(127));
    const jj = i32x4.shr_u(u, 8);
    const i0 = <usize>i32x4.extract_lane(ii, 0);
    const i1 = <usize>i32x4.extract_lane(ii, 1);
    const i2 = <usize>i32x4.extract_lane(ii, 2);
    const i3 = <usize>i32x4.extract_lane(ii, 3);
    const okv = i32x4.lt_s(
      jj,
      i32x4(
        load<i32>(zk + (i0 << 2)),
        load<i32>(zk + (i1 << 2)),
        load<i32>(zk + (i2 << 2)),
        load<i32>(zk + (i3 << 2)),
      ),
    );
    // The sign from bit 7, set by an integer xor of the float's sign bit (as the scalar fill).
    const sg = i32x4.shl(v128.and(u, i32x4.splat(128)), 24);
    const z01 = v128.xor(
      f64x2.mul(f64x2.convert_low_i32x4_s(jj), f64x2(load<f64>(zw + (i0 << 3)), load<f64>(zw + (i1 << 3)))),
      i64x2.shl(i64x2.extend_low_i32x4_u(sg), 32),
    );
    const z23 = v128.xor(
      f64x2.mul(
        f64x2.convert_low_i32x4_s(i32x4.shuffle(jj, jj, 2, 3, 0, 1)),
        f64x2(load<f64>(zw + (i2 << 3)), load<f64>(zw + (i3 << 3))),
      ),
      i64x2.shl(i64x2.extend_high_i32x4_u(sg), 32),
    );
    const o = y + ((<usize>p) << 5);
    if (side != SIDE_NONE) {
      // The row's draws as they are, and the side pass at coordinate p.
      v128.store(o, z01);
      v128.store(o, z23, 16);
      const q = (<usize>p) << 5;
      let r01 = zero;
      let r23 = zero;
      if (side == SIDE_RELU2) {
        r01 = f64x2.pmax(v128.load(sy + q), zero);
        r23 = f64x2.pmax(v128.load(sy + q, 16), zero);
      } else {
        r01 = sideLayer(sy + q, sz + q, a01, c01, m01);
        r23 = sideLayer(sy + q + 16, sz + q + 16, a23, c23, m23);
      }
      acc01 = f64x2.add(acc01, f64x2.mul(r01, r01));
      acc23 = f64x2.add(acc23, f64x2.mul(r23, r23));
    } else if (fill) {
      // y = c z (the fill, then its scaling; a rejected lane's value is overwritten after the row).
      v128.store(o, f64x2.mul(z01, c01));
      v128.store(o, f64x2.mul(z23, c23), 16);
    } else {
      const y01 = v128.load(o);
      const y23 = v128.load(o, 16);
      const u01 = v128.and(m01, i64x2.extend_low_i32x4_s(okv));
      const u23 = v128.and(m23, i64x2.extend_high_i32x4_s(okv));
      v128.store(o, v128.bitselect(f64x2.add(f64x2.mul(a01, y01), f64x2.mul(c01, z01)), y01, u01));
      v128.store(o, v128.bitselect(f64x2.add(f64x2.mul(a23, y23), f64x2.mul(c23, z23)), y23, u23), 16);
    }
    const ok = i32x4.bitmask(okv);
    if (ok != 15) {
      // Rejected draws to their lane's list (branch-free: every lane writes, only rejected ones count).
      const at = (<i32>p) << 2;
      store<i32>(pend + ((<usize>n0) << 3), at);
      store<i32>(pend + ((<usize>n0) << 3), i32x4.extract_lane(u, 0), 4);
      n0 += ~ok & 1;
      store<i32>(pl1 + ((<usize>n1) << 3), at + 1);
      store<i32>(pl1 + ((<usize>n1) << 3), i32x4.extract_lane(u, 1), 4);
      n1 += (~ok >> 1) & 1;
      store<i32>(pl2 + ((<usize>n2) << 3), at + 2);
      store<i32>(pl2 + ((<usize>n2) << 3), i32x4.extract_lane(u, 2), 4);
      n2 += (~ok >> 2) & 1;
      store<i32>(pl3 + ((<usize>n3) << 3), at + 3);
      store<i32>(pl3 + ((<usize>n3) << 3), i32x4.extract_lane(u, 3), 4);
      n3 += (~ok >> 3) & 1;
    }
  }
  v128.store(st, s0);
  v128.store(st, s1, 16);
  v128.store(st, s2, 32);
  v128.store(st, s3, 48);
  if (side != SIDE_NONE) {
    v128.store(acc, acc01);
    v128.store(acc, acc23, 16);
  }
  if ((n0 | n1 | n2 | n3) == 0) return;
  // Per-lane a, c, m and counts through memory (a lane index cannot pick a vector lane at run time).
  v128.store(LANE, a01);
  v128.store(LANE, a23, 16);
  v128.store(LANE, c01, 32);
  v128.store(LANE, c23, 48);
  v128.store(LANE, m01, 64);
  v128.store(LANE, m23, 80);
  v128.store(LANE, i32x4(n0, n1, n2, n3), 96);
  for (let lane: usize = 0; lane < 4; lane++) {
    const count = load<i32>(LANE + 96 + (lane << 2));
    if (count == 0) continue;
    const list = pend + lane * ((<usize>n) << 3);
    const o = LANE + (lane << 3);
    // With a side pass the row is stored as drawn (c = 1 multiplies exactly).
    const c = side != SIDE_NONE ? 1.0 : load<f64>(o, 32);
    finishLane(y, st, list, count, <i32>lane, load<f64>(o), c, load<i64>(o, 64) != 0, fill || side != SIDE_NONE);
  }
}

/** A lane's rejected draws (its list of count pairs), finished in order from its stream, applied as y = a y + c z if m. */
function finishLane(
  y: usize,
  st: usize,
  list: usize,
  count: i32,
  lane: i32,
  a: f64,
  c: f64,
  m: bool,
  fill: bool,
): void {
  const sl = st + ((<usize>lane) << 2);
  setState(load<u32>(sl), load<u32>(sl, 16), load<u32>(sl, 32), load<u32>(sl, 48));
  for (let q = 0; q < count; q++) {
    const at = load<i32>(list + ((<usize>q) << 3));
    const z = normalSlow(load<u32>(list + ((<usize>q) << 3), 4));
    if (fill) store<f64>(y + ((<usize>at) << 3), z * c);
    else if (m) {
      const o = y + ((<usize>at) << 3);
      store<f64>(o, a * load<f64>(o) + c * z);
    }
  }
  store<u32>(sl, <u32>getState(0));
  store<u32>(sl, <u32>getState(1), 16);
  store<u32>(sl, <u32>getState(2), 32);
  store<u32>(sl, <u32>getState(3), 48);
}

/** sideLayer over a whole row without drawing (the last layer of a call): y = a y + c z where m; acc as SIDE_LAYER's. */
function layerPass(
  y: usize,
  z: usize,
  n: i32,
  a01: v128,
  a23: v128,
  c01: v128,
  c23: v128,
  m01: v128,
  m23: v128,
  acc: usize,
): void {
  let t01 = f64x2.splat(0);
  let t23 = t01;
  for (let i = 0; i < n; i++) {
    const q = (<usize>i) << 5;
    const r01 = sideLayer(y + q, z + q, a01, c01, m01);
    const r23 = sideLayer(y + q + 16, z + q + 16, a23, c23, m23);
    t01 = f64x2.add(t01, f64x2.mul(r01, r01));
    t23 = f64x2.add(t23, f64x2.mul(r23, r23));
  }
  v128.store(acc, t01);
  v128.store(acc, t23, 16);
}

/**
 * hayouReluLayers for four networks (interleaved y; states at st; pend as above; zb two rows of
 * draws): per layer t = sum_i max(y_i, 0)^2, K = gainOverN t, c = sqrtDt sqrt(K) (0 where K <= 1e-14
 * max(K, 1e-300)), y += c z where c != 0. out[lane] = the lane's t after the last layer; out[4 + lane]
 * is set to 1 when a lane's t is 0 after some layer. Stops before a layer where any lane's K is not
 * finite and returns the last layer done (from - 1 if none; the streams are then a row ahead, and the
 * caller reruns the group); returns `to` otherwise. Each layer's row is drawn while the previous
 * layer is applied and its sum taken (fusedLayer's SIDE_LAYER), so the sum's latency is hidden.
 */
export function hayouRelu4(
  from: i32,
  to: i32,
  n: i32,
  y: usize,
  st: usize,
  pend: usize,
  gainOverN: f64,
  sqrtDt: f64,
  out: usize,
  zb: usize,
): i32 {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const gn = f64x2.splat(gainOverN);
  const sd = f64x2.splat(sqrtDt);
  const tiny = f64x2.splat(1e-14);
  const floor = f64x2.splat(1e-300);
  const row = (<usize>n) << 5;
  fusedLayer(zb, n, st, pend, one, one, one, one, zero, zero, true, SIDE_RELU2, y, 0, out);
  for (let s = from; s <= to; s++) {
    const K01 = f64x2.mul(gn, v128.load(out));
    const K23 = f64x2.mul(gn, v128.load(out, 16));
    // K - K is 0 for finite K and NaN otherwise.
    const fin = v128.and(f64x2.eq(f64x2.sub(K01, K01), zero), f64x2.eq(f64x2.sub(K23, K23), zero));
    if (!i64x2.all_true(fin)) return s - 1;
    const c01 = v128.bitselect(
      zero,
      f64x2.mul(sd, f64x2.sqrt(K01)),
      f64x2.le(K01, f64x2.mul(tiny, f64x2.max(K01, floor))),
    );
    const c23 = v128.bitselect(
      zero,
      f64x2.mul(sd, f64x2.sqrt(K23)),
      f64x2.le(K23, f64x2.mul(tiny, f64x2.max(K23, floor))),
    );
    // a = 1: 1 y is y exactly, and where c = 0 nothing is updated (the scalar kernel skips the layer).
    const m01 = f64x2.ne(c01, zero);
    const m23 = f64x2.ne(c23, zero);
    const zc = zb + (<usize>((s - from) & 1)) * row;
    if (s < to) fusedLayer(zb + row - (zc - zb), n, st, pend, one, one, c01, c23, m01, m23, true, SIDE_LAYER, y, zc, out);
    else layerPass(y, zc, n, one, one, c01, c23, m01, m23, out);
    // Sticky collapse flags: 1 where the sum is 0.
    v128.store(out, f64x2.max(v128.load(out, 32), v128.and(f64x2.eq(v128.load(out), zero), one)), 32);
    v128.store(out, f64x2.max(v128.load(out, 48), v128.and(f64x2.eq(v128.load(out, 16), zero), one)), 48);
  }
  return to;
}

/**
 * resnetReluLayers for four networks (interleaved z; states at st; pend as above; zb two rows of
 * draws): per layer scale = coef sqrt(sum_i max(z_i, 0)^2), z = alpha z + scale g, each layer's row
 * drawn while the previous layer is applied (as hayouRelu4).
 */
export function resnetRelu4(
  from: i32,
  to: i32,
  n: i32,
  z: usize,
  st: usize,
  pend: usize,
  alpha: f64,
  coef: f64,
  tmp: usize,
  zb: usize,
): void {
  const a = f64x2.splat(alpha);
  const cf = f64x2.splat(coef);
  const all = i64x2.splat(-1);
  const one = f64x2.splat(1);
  const row = (<usize>n) << 5;
  fusedLayer(zb, n, st, pend, one, one, one, one, all, all, true, SIDE_RELU2, z, 0, tmp);
  for (let l = from; l <= to; l++) {
    const c01 = f64x2.mul(cf, f64x2.sqrt(v128.load(tmp)));
    const c23 = f64x2.mul(cf, f64x2.sqrt(v128.load(tmp, 16)));
    const zc = zb + (<usize>((l - from) & 1)) * row;
    if (l < to) fusedLayer(zb + row - (zc - zb), n, st, pend, a, a, c01, c23, all, all, true, SIDE_LAYER, z, zc, tmp);
    else layerPass(z, zc, n, a, a, c01, c23, all, all, tmp);
  }
}

/** Rng.fillNormal of n draws for each of the four lanes into out (interleaved, out[4 p + lane]). */
export function fillNormal4(out: usize, n: i32, st: usize, pend: usize): void {
  const z = f64x2.splat(0);
  const one = f64x2.splat(1);
  fusedLayer(out, n, st, pend, z, z, one, one, z, z, true);
}

/**
 * fillNormal4, each lane's draws then multiplied by its scale (c01: lanes 0, 1; c23: lanes 2, 3): the
 * kernels' `fillNormal(g); g[i] *= c` in one pass.
 */
export function fillNormalScaled4(out: usize, n: i32, st: usize, pend: usize, c01: v128, c23: v128): void {
  const z = f64x2.splat(0);
  fusedLayer(out, n, st, pend, z, z, c01, c23, z, z, true);
}
