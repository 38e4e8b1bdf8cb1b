// The MLP's product engine (mlpProductChunk in assembly/normals.ts) four samples at a time, one per
// SIMD lane, each on its own stream: per layer one chiLanes step (chi-lanes.ts: the binomial and the
// chi-square of every lane, bit-identical to the scalar sampler), the log-likelihood sums in lanes.
// ReLU-like slopes only (b2 = 0: no negative part drawn).

import { chiLanes, PV, seedLanes } from "./chi-lanes";
import { lnLanes } from "./log-lanes";

// The lanes' a2 P + 0 of a block of layers, whose logs are taken after it: independent logs pipeline
// in a loop of their own, and the sum keeps the layers' order.
const LOG_BLOCK = 32;
const PH = memory.data(LOG_BLOCK * 32, 16);

/**
 * mlpProductChunk for samples start .. start + count - 1 with b2 = 0: G to outG[i] and, when nOut > 0,
 * the output norm to outO[i], in groups of four (a count that is not a multiple of 4 leaves its last
 * samples to the caller: src/families/mlp/product.ts runs them through mlpProductChunk).
 */
export function mlpProductChunk4(
  seedLo: u32,
  seedHi: u32,
  start: u32,
  count: i32,
  d: i32,
  widths: usize,
  logGain: usize,
  a2: f64,
  logC: f64,
  nOut: i32,
  outG: usize,
  outO: usize,
): void {
  const zero = f64x2.splat(0);
  const a2v = f64x2.splat(a2);
  const nd = load<f64>(widths + ((<usize>d) << 3));
  for (let g = 0; g + 4 <= count; g += 4) {
    seedLanes(seedLo, seedHi, start + <u32>g);
    // S = sum_{l<d} logGain_l + ln(a2 P_l + 0), per lane (the scalar sampler's b2 N is 0 for b2 = 0).
    let S01 = zero;
    let S23 = zero;
    for (let l = 0; l < d; l++) {
      chiLanes(<i32>load<f64>(widths + ((<usize>l) << 3)), i32x4.splat(0));
      const h = (<usize>l & (LOG_BLOCK - 1)) << 5;
      v128.store(PH + h, f64x2.add(f64x2.mul(a2v, v128.load(PV)), zero));
      v128.store(PH + h, f64x2.add(f64x2.mul(a2v, v128.load(PV, 16)), zero), 16);
      if ((l & (LOG_BLOCK - 1)) == LOG_BLOCK - 1 || l == d - 1) {
        const l0 = l & ~(LOG_BLOCK - 1);
        for (let j = l0; j <= l; j++) {
          const lg = f64x2.splat(load<f64>(logGain + ((<usize>j) << 3)));
          const at = PH + ((<usize>(j - l0)) << 5);
          S01 = f64x2.add(S01, f64x2.add(lg, lnLanes(v128.load(at))));
          S23 = f64x2.add(S23, f64x2.add(lg, lnLanes(v128.load(at, 16))));
        }
      }
    }
    // G = S + ln(Q / n_d), Q ~ chi2_{n_d}.
    chiLanes(0, i32x4.splat(<i32>nd));
    const ndv = f64x2.splat(nd);
    const G01 = f64x2.add(S01, lnLanes(f64x2.div(v128.load(PV), ndv)));
    const G23 = f64x2.add(S23, lnLanes(f64x2.div(v128.load(PV, 16), ndv)));
    v128.store(outG + ((<usize>g) << 3), G01);
    v128.store(outG + ((<usize>g) << 3), G23, 16);
    if (nOut > 0) {
      // ln ||z_out||^2 = logC + G + ln chi2_{nOut}.
      chiLanes(0, i32x4.splat(nOut));
      const lc = f64x2.splat(logC);
      v128.store(outO + ((<usize>g) << 3), f64x2.add(f64x2.add(lc, G01), lnLanes(v128.load(PV))));
      v128.store(outO + ((<usize>g) << 3), f64x2.add(f64x2.add(lc, G23), lnLanes(v128.load(PV, 16))), 16);
    }
  }
}
