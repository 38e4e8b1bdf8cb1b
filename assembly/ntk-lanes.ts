// The NTK product engine (src/families/mlp/product-ntk.ts, docs/theory/ntk.md §2) four samples at a
// time, one per SIMD lane, each on its own stream: every chi-square and binomial by chiLanes
// (chi-lanes.ts, bit-identical to the scalar samplers), the readout's normal by normalLanes, and the
// forward products and backward recursion with the JavaScript kernel's float operations in its order.

import { chiLanes, normalLanes, PV, seedLanes } from "./chi-lanes";
import { lnLanes } from "./log-lanes";

/**
 * Samples start .. start + count - 1 (count % 4 left to the caller) of the ReLU MLP's NTK: per sample
 * the parts K_0 .. K_{d+1} (d + 2 f64, 0 for a dead network) to parts + i (d + 2), G to outG[i] and,
 * when wantOut, ln ||z_out||^2 to outO[i]. work: 10 d + 8 f64 of scratch.
 */
export function mlpNtkChunk4(
  seedLo: u32,
  seedHi: u32,
  start: u32,
  count: i32,
  d: i32,
  widths: usize,
  gain: f64,
  c: f64,
  logC: f64,
  nOut: i32,
  wantOut: bool,
  outG: usize,
  outO: usize,
  parts: usize,
  work: usize,
): void {
  // Per layer and lane: s_l^2 (S2), s_l^2 P_l (POST), m_l (ACT, i32).
  const S2 = work;
  const POST = S2 + ((<usize>(d + 1)) << 5);
  const ACT = POST + ((<usize>d) << 5);
  const nd = load<f64>(widths + ((<usize>d) << 3));
  const ndv = f64x2.splat(nd);
  const stride = (<usize>(d + 2)) << 3;
  for (let g = 0; g + 4 <= count; g += 4) {
    seedLanes(seedLo, seedHi, start + <u32>g);
    let S01 = f64x2.splat(c);
    let S23 = S01;
    let dead = i32x4.splat(0);
    for (let l = 0; l < d; l++) {
      const n = load<f64>(widths + ((<usize>l) << 3));
      const m = chiLanes(<i32>n, i32x4.splat(0));
      const P01 = v128.load(PV);
      const P23 = v128.load(PV, 16);
      const o = (<usize>l) << 5;
      v128.store(S2 + o, S01);
      v128.store(S2 + o, S23, 16);
      v128.store(POST + o, f64x2.mul(S01, P01));
      v128.store(POST + o, f64x2.mul(S23, P23), 16);
      v128.store(ACT + ((<usize>l) << 4), m);
      dead = v128.or(dead, i32x4.eq(m, i32x4.splat(0)));
      // S *= (g / n) P.
      const gn = f64x2.splat(gain / n);
      S01 = f64x2.mul(S01, f64x2.mul(gn, P01));
      S23 = f64x2.mul(S23, f64x2.mul(gn, P23));
    }
    v128.store(S2 + ((<usize>d) << 5), S01);
    v128.store(S2 + ((<usize>d) << 5), S23, 16);
    // Q = S chi2_{n_d}; G = ln(Q / n_d) - ln c.
    chiLanes(0, i32x4.splat(<i32>nd));
    const Q01 = f64x2.mul(S01, v128.load(PV));
    const Q23 = f64x2.mul(S23, v128.load(PV, 16));
    const lc = f64x2.splat(logC);
    v128.store(outG + ((<usize>g) << 3), f64x2.sub(lnLanes(f64x2.div(Q01, ndv)), lc));
    v128.store(outG + ((<usize>g) << 3), f64x2.sub(lnLanes(f64x2.div(Q23, ndv)), lc), 16);
    // The readout: eta ~ N(0, 1); ln ||z_out||^2 = ln((Q / n_d)(eta^2 + chi2_{nOut - 1})).
    normalLanes();
    const e01 = v128.load(PV);
    const e23 = v128.load(PV, 16);
    const eta01 = f64x2.mul(e01, e01);
    const eta23 = f64x2.mul(e23, e23);
    if (wantOut) {
      chiLanes(0, i32x4.splat(nOut - 1));
      const o01 = f64x2.mul(f64x2.div(Q01, ndv), f64x2.add(eta01, v128.load(PV)));
      const o23 = f64x2.mul(f64x2.div(Q23, ndv), f64x2.add(eta23, v128.load(PV, 16)));
      v128.store(outO + ((<usize>g) << 3), lnLanes(o01));
      v128.store(outO + ((<usize>g) << 3), lnLanes(o23), 16);
    }
    // Backward: f^2 = Q eta^2 / n_d, B_d = (eta^2 + chi2_{n_d - 1}) / n_d, K_{d+1} = Q / n_d,
    // K_d = s_d^2 B_d, then B_{l-1} = f^2 / N_{l-1} + (g / n_{l-1}) B_l chi2_{m_{l-1} - 1}, K_{l-1} =
    // s_{l-1}^2 B_{l-1}. A dead lane draws nothing more (its parts are 0).
    const f01 = f64x2.div(f64x2.mul(Q01, eta01), ndv);
    const f23 = f64x2.div(f64x2.mul(Q23, eta23), ndv);
    chiLanes(0, i32x4.splat(<i32>nd - 1));
    let B01 = f64x2.div(f64x2.add(eta01, v128.load(PV)), ndv);
    let B23 = f64x2.div(f64x2.add(eta23, v128.load(PV, 16)), ndv);
    const base = parts + (<usize>g) * stride;
    storeLanes(base + ((<usize>(d + 1)) << 3), stride, f64x2.div(Q01, ndv), f64x2.div(Q23, ndv));
    storeLanes(base + ((<usize>d) << 3), stride, f64x2.mul(S01, B01), f64x2.mul(S23, B23));
    for (let i = d - 1; i >= 0; i--) {
      const deg = v128.andnot(i32x4.sub(v128.load(ACT + ((<usize>i) << 4)), i32x4.splat(1)), dead);
      chiLanes(0, deg);
      const o = (<usize>i) << 5;
      const gw = f64x2.splat(gain / load<f64>(widths + ((<usize>i) << 3)));
      B01 = f64x2.add(f64x2.div(f01, v128.load(POST + o)), f64x2.mul(f64x2.mul(gw, B01), v128.load(PV)));
      B23 = f64x2.add(f64x2.div(f23, v128.load(POST + o, 16)), f64x2.mul(f64x2.mul(gw, B23), v128.load(PV, 16)));
      storeLanes(
        base + ((<usize>i) << 3),
        stride,
        f64x2.mul(v128.load(S2 + o), B01),
        f64x2.mul(v128.load(S2 + o, 16), B23),
      );
    }
    const deadBits = i32x4.bitmask(dead);
    for (let lane = 0; lane < 4; lane++) {
      if (((deadBits >> lane) & 1) == 0) continue;
      const at = base + (<usize>lane) * stride;
      for (let i = 0; i < d + 2; i++) store<f64>(at + ((<usize>i) << 3), 0);
    }
  }
}

/** The four lanes' values (two v128 of f64) to at, at + stride, at + 2 stride, at + 3 stride. */
// @ts-ignore: decorator
@inline
function storeLanes(at: usize, stride: usize, v01: v128, v23: v128): void {
  store<f64>(at, f64x2.extract_lane(v01, 0));
  store<f64>(at + stride, f64x2.extract_lane(v01, 1));
  store<f64>(at + 2 * stride, f64x2.extract_lane(v23, 0));
  store<f64>(at + 3 * stride, f64x2.extract_lane(v23, 1));
}
