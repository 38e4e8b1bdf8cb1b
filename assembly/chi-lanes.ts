// One chi-square per SIMD lane for four networks at a time, each lane on its own stream (as
// assembly/lanes.ts does for the reduced engines): the product engines' step (product-lanes.ts,
// ntk-lanes.ts). Per step the four lanes draw the binomial's words together (when the degrees are
// Bin(n, 1/2)) and one speculative Marsaglia-Tsang attempt (one ziggurat word, then two words for the
// uniform). When the attempt's words are the ones the scalar sampler would draw (fast-path normal,
// v > 0, shape >= 1), the lane keeps its state: the squeeze, or else the log test (scalar, in the rare
// lanes that need it), decides as the scalar sampler would, on the same words with the same float
// operations, so the same chi-square; after a rejection the scalar sampler continues from there. Any
// other lane goes back to its state before the attempt and draws its chi-square with the scalar
// sampler. Every lane's draws are the scalar chiSquare's bit for bit (tested through the engines).

import { fillNormal4 } from "./lanes";
import { lnLanes } from "./log-lanes";
import { chiSquare, getState, resetStream, setState, ZK, ZW } from "./normals";

const TWO_M53: f64 = 1.1102230246251565e-16; // 2^-53
// Scratch: lane states (4 x v128, structure of arrays), chi-squares (4 f64), degrees (4 i32), the
// attempt's normals x, uniforms u, cubes v^3, d = a - 1/3 (4 f64 each), states before it (4 x v128).
const ST = memory.data(320, 16);
/** The four lanes' chi-squares (or normals) of the last step, f64. */
export const PV = ST + 64;
const BV = ST + 96;
const XV = ST + 112;
const UV = ST + 144;
const WV = ST + 176;
const DV = ST + 208;
const SV = ST + 256;
const PEND = memory.data(32, 16); // normalLanes' slow-draw lists (one (index, word) pair per lane)

/** Lane `lane`'s state from `at` (4 x v128, structure of arrays) into the scalar generator. */
// @ts-ignore: decorator
@inline
function useLane(at: usize, lane: usize): void {
  const o = at + (lane << 2);
  setState(load<u32>(o), load<u32>(o, 16), load<u32>(o, 32), load<u32>(o, 48));
}

/** The scalar generator's state back into lane `lane` of ST. */
// @ts-ignore: decorator
@inline
function keepLane(lane: usize): void {
  const o = ST + (lane << 2);
  store<u32>(o, <u32>getState(0));
  store<u32>(o, <u32>getState(1), 16);
  store<u32>(o, <u32>getState(2), 32);
  store<u32>(o, <u32>getState(3), 48);
}

/** Lanes 0 .. 3 on the streams (seed, index + lane, 0), as Rng.reset seeds them. */
export function seedLanes(seedLo: u32, seedHi: u32, index: u32): void {
  for (let lane: usize = 0; lane < 4; lane++) {
    resetStream(seedLo, seedHi, index + <u32>lane, 0);
    keepLane(lane);
  }
}

/**
 * One chi-square per lane to PV (f64 x 4): with n > 0, chi2_B with B ~ Bin(n, 1/2) (the set bits of n
 * fresh bits) drawn first; with n = 0, `fixed` degrees (i32 per lane). Returns the degrees.
 */
export function chiLanes(n: i32, fixed: v128): v128 {
  const zk = ZK;
  const zw = ZW;
  const third: f64 = 1.0 / 3.0;
  let a0 = v128.load(ST);
  let a1 = v128.load(ST, 16);
  let a2s = v128.load(ST, 32);
  let a3 = v128.load(ST, 48);
  // Words 0 .. nb - 1: Bin(n, 1/2), the set bits of n fresh bits per lane; then one speculative
  // Marsaglia-Tsang attempt per lane: w1 (the normal), w2, w3 (the uniform), from saved states s.
  const nb = (n + 31) >> 5;
  let Bv = n > 0 ? i32x4.splat(0) : fixed;
  let left = n;
  let s0 = a0;
  let s1 = a1;
  let s2 = a2s;
  let s3 = a3;
  let w1 = Bv;
  let w2 = Bv;
  let w3 = Bv;
  for (let k = 0; k < nb + 3; k++) {
    if (k == nb) {
      s0 = a0;
      s1 = a1;
      s2 = a2s;
      s3 = a3;
    }
    // xoshiro128** in four lanes, written out as in lanes.ts: the state stays in locals (a shared
    // helper would route it through memory, the store-load chain normals.ts measured).
    const m = i32x4.mul(a1, i32x4.splat(5));
    let u = i32x4.mul(v128.or(i32x4.shl(m, 7), i32x4.shr_u(m, 25)), i32x4.splat(9));
    const t = i32x4.shl(a1, 9);
    a2s = v128.xor(a2s, a0);
    a3 = v128.xor(a3, a1);
    a1 = v128.xor(a1, a2s);
    a0 = v128.xor(a0, a3);
    a2s = v128.xor(a2s, t);
    a3 = v128.or(i32x4.shl(a3, 11), i32x4.shr_u(a3, 21));
    if (k < nb) {
      if (left < 32) u = i32x4.shr_u(u, 32 - left);
      Bv = i32x4.add(Bv, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(i8x16.popcnt(u))));
      left -= 32;
    } else if (k == nb) w1 = u;
    else if (k == nb + 1) w2 = u;
    else w3 = u;
  }
  const ii = v128.and(w1, i32x4.splat(127));
  const jj = i32x4.shr_u(w1, 8);
  const i0 = <usize>i32x4.extract_lane(ii, 0);
  const i1 = <usize>i32x4.extract_lane(ii, 1);
  const i2 = <usize>i32x4.extract_lane(ii, 2);
  const i3 = <usize>i32x4.extract_lane(ii, 3);
  const okz = i32x4.lt_s(
    jj,
    i32x4(
      load<i32>(zk + (i0 << 2)),
      load<i32>(zk + (i1 << 2)),
      load<i32>(zk + (i2 << 2)),
      load<i32>(zk + (i3 << 2)),
    ),
  );
  const sg = i32x4.shl(v128.and(w1, i32x4.splat(128)), 24);
  const x01 = v128.xor(
    f64x2.mul(f64x2.convert_low_i32x4_s(jj), f64x2(load<f64>(zw + (i0 << 3)), load<f64>(zw + (i1 << 3)))),
    i64x2.shl(i64x2.extend_low_i32x4_u(sg), 32),
  );
  const x23 = v128.xor(
    f64x2.mul(
      f64x2.convert_low_i32x4_s(i32x4.shuffle(jj, jj, 2, 3, 0, 1)),
      f64x2(load<f64>(zw + (i2 << 3)), load<f64>(zw + (i3 << 3))),
    ),
    i64x2.shl(i64x2.extend_high_i32x4_u(sg), 32),
  );
  // The uniform (uniformOpen): (a 2^26 + b + 0.5) 2^-53, a = w2 >>> 5, b = w3 >>> 6.
  const ua = i32x4.shr_u(w2, 5);
  const ub = i32x4.shr_u(w3, 6);
  const big = f64x2.splat(67108864.0);
  const half = f64x2.splat(0.5);
  const eps = f64x2.splat(TWO_M53);
  const u01 = f64x2.mul(
    f64x2.add(
      f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_u(ua), big), f64x2.convert_low_i32x4_u(ub)),
      half,
    ),
    eps,
  );
  const u23 = f64x2.mul(
    f64x2.add(
      f64x2.add(
        f64x2.mul(f64x2.convert_low_i32x4_u(i32x4.shuffle(ua, ua, 2, 3, 0, 1)), big),
        f64x2.convert_low_i32x4_u(i32x4.shuffle(ub, ub, 2, 3, 0, 1)),
      ),
      half,
    ),
    eps,
  );
  // d = a - 1/3, c = 1 / sqrt(9 d) with a = B / 2; v = 1 + c x; accept when v > 0 and
  // u < 1 - 0.0331 x^4; the chi-square is then 2 (d v^3).
  const B01 = f64x2.convert_low_i32x4_s(Bv);
  const B23 = f64x2.convert_low_i32x4_s(i32x4.shuffle(Bv, Bv, 2, 3, 0, 1));
  const two = f64x2.splat(2);
  const one = f64x2.splat(1);
  const d01 = f64x2.sub(f64x2.mul(B01, f64x2.splat(0.5)), f64x2.splat(third));
  const d23 = f64x2.sub(f64x2.mul(B23, f64x2.splat(0.5)), f64x2.splat(third));
  const c01 = f64x2.div(one, f64x2.sqrt(f64x2.mul(f64x2.splat(9), d01)));
  const c23 = f64x2.div(one, f64x2.sqrt(f64x2.mul(f64x2.splat(9), d23)));
  const v01 = f64x2.add(one, f64x2.mul(c01, x01));
  const v23 = f64x2.add(one, f64x2.mul(c23, x23));
  const q01 = f64x2.mul(x01, x01);
  const q23 = f64x2.mul(x23, x23);
  const k0331 = f64x2.splat(0.0331);
  const zero = f64x2.splat(0);
  // Per 32-bit lane: `fast` when the normal came from the rectangle, v > 0 and the shape >= 1, so
  // the attempt's words are the scalar sampler's; `pass` when the squeeze accepts it too.
  const ok01 = v128.and(f64x2.gt(v01, zero), f64x2.ge(B01, two));
  const ok23 = v128.and(f64x2.gt(v23, zero), f64x2.ge(B23, two));
  const fast = v128.and(okz, i32x4.shuffle(ok01, ok23, 0, 2, 4, 6));
  const sq01 = f64x2.lt(u01, f64x2.sub(one, f64x2.mul(f64x2.mul(k0331, q01), q01)));
  const sq23 = f64x2.lt(u23, f64x2.sub(one, f64x2.mul(f64x2.mul(k0331, q23), q23)));
  const pass = v128.and(fast, i32x4.shuffle(sq01, sq23, 0, 2, 4, 6));
  const w01 = f64x2.mul(f64x2.mul(v01, v01), v01);
  const w23 = f64x2.mul(f64x2.mul(v23, v23), v23);
  v128.store(PV, f64x2.mul(two, f64x2.mul(d01, w01)));
  v128.store(PV, f64x2.mul(two, f64x2.mul(d23, w23)), 16);
  // A lane that is not `fast` goes back to its state before the attempt.
  const passed = i32x4.bitmask(pass);
  if (passed != 15) {
    v128.store(ST, a0);
    v128.store(ST, a1, 16);
    v128.store(ST, a2s, 32);
    v128.store(ST, a3, 48);
    v128.store(SV, s0);
    v128.store(SV, s1, 16);
    v128.store(SV, s2, 32);
    v128.store(SV, s3, 48);
    v128.store(BV, Bv);
    v128.store(XV, x01);
    v128.store(XV, x23, 16);
    v128.store(UV, u01);
    v128.store(UV, u23, 16);
    v128.store(WV, w01);
    v128.store(WV, w23, 16);
    v128.store(DV, d01);
    v128.store(DV, d23, 16);
    const isFast = i32x4.bitmask(fast);
    for (let lane: usize = 0; lane < 4; lane++) {
      if ((passed >> (<i32>lane)) & 1) continue;
      const o = lane << 3;
      if ((isFast >> (<i32>lane)) & 1) {
        // The squeeze failed: the scalar sampler's log test, on the same x, u, v^3 and d. If it
        // accepts, the attempt's chi-square and state stand; if not, the scalar sampler goes on
        // from the state after the attempt (its next attempt), as its loop would.
        const x = load<f64>(XV + o);
        const v = load<f64>(WV + o);
        const dd = load<f64>(DV + o);
        // ln u and ln v^3 together, one in each lane.
        const lg = lnLanes(f64x2(load<f64>(UV + o), v));
        if (f64x2.extract_lane(lg, 0) < 0.5 * (x * x) + dd * (1.0 - v + f64x2.extract_lane(lg, 1))) continue;
        useLane(ST, lane);
      } else useLane(SV, lane); // from the state before the attempt
      // The scalar sampler.
      store<f64>(PV + o, chiSquare(<f64>load<i32>(BV + (lane << 2))));
      keepLane(lane);
    }
    a0 = v128.load(ST);
    a1 = v128.load(ST, 16);
    a2s = v128.load(ST, 32);
    a3 = v128.load(ST, 48);
  }
  v128.store(ST, a0);
  v128.store(ST, a1, 16);
  v128.store(ST, a2s, 32);
  v128.store(ST, a3, 48);
  return Bv;
}

/** One standard normal per lane to PV: each lane's Rng.fillNormal of one draw (lanes.ts fillNormal4). */
export function normalLanes(): void {
  fillNormal4(PV, 1, ST, PEND);
}

/**
 * The bench's ceiling for these steps: `steps` chiLanes(n, degrees) calls on four fresh streams (the
 * chi-squares themselves, nothing else).
 */
export function chiLanesRepeat(steps: i32, n: i32, degrees: i32): f64 {
  seedLanes(1, 0, 0);
  let s: f64 = 0;
  for (let i = 0; i < steps; i++) {
    chiLanes(n, i32x4.splat(degrees));
    s += load<f64>(PV);
  }
  return s;
}
