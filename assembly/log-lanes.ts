// fdlibm's log (normals.ts ln) in the two f64 lanes of a v128, bit-identical per lane: the same
// operations in the same order. Both of fdlibm's polynomial branches are computed and the right one
// selected per lane (its k == 0 shortcuts give the same bits as the general formulas: with dk = +0,
// dk * LN2_HI - (y - f) is exactly f - y). Lanes outside fdlibm's main path (x <= 0, subnormal, inf,
// NaN, |x / 2^k - 1| < 2^-20) are recomputed with the scalar ln.

import { LG1, LG2, LG3, LG4, LG5, LG6, LG7, ln, LN2_HI, LN2_LO } from "./normals";

/** ln of each f64 lane of x (fdlibm, as normals.ts ln). */
// @ts-ignore: decorator
@inline
export function lnLanes(x: v128): v128 {
  // Integer work on the two high words, in i32 lanes 0 and 1 (lanes 2, 3 repeat them).
  const hx = i32x4.shuffle(x, x, 1, 3, 1, 3);
  const h = v128.and(hx, i32x4.splat(0xfffff));
  const i0 = v128.and(i32x4.add(h, i32x4.splat(0x95f64)), i32x4.splat(0x100000));
  const k = i32x4.add(i32x4.sub(i32x4.shr_s(hx, 20), i32x4.splat(1023)), i32x4.shr_s(i0, 20));
  // x or x / 2 normalised to [sqrt(2)/2, sqrt(2)): its high word replaced.
  const xn = i32x4.shuffle(x, v128.or(h, v128.xor(i0, i32x4.splat(0x3ff00000))), 0, 4, 2, 5);
  const one = f64x2.splat(1);
  const f = f64x2.sub(xn, one);
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2), f));
  const dk = f64x2.convert_low_i32x4_s(k);
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(
    w,
    f64x2.add(f64x2.splat(LG2), f64x2.mul(w, f64x2.add(f64x2.splat(LG4), f64x2.mul(w, f64x2.splat(LG6))))),
  );
  const t2 = f64x2.mul(
    z,
    f64x2.add(
      f64x2.splat(LG1),
      f64x2.mul(
        w,
        f64x2.add(f64x2.splat(LG3), f64x2.mul(w, f64x2.add(f64x2.splat(LG5), f64x2.mul(w, f64x2.splat(LG7))))),
      ),
    ),
  );
  const R = f64x2.add(t2, t1);
  const hi = f64x2.mul(dk, f64x2.splat(LN2_HI));
  const lo = f64x2.mul(dk, f64x2.splat(LN2_LO));
  // i > 0: dk LN2_HI - (hfsq - (s (hfsq + R) + dk LN2_LO) - f), hfsq = 0.5 f f;
  // else dk LN2_HI - (s (f - R) - dk LN2_LO - f).
  const hfsq = f64x2.mul(f64x2.mul(f64x2.splat(0.5), f), f);
  const r1 = f64x2.sub(
    hi,
    f64x2.sub(f64x2.sub(hfsq, f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), lo)), f),
  );
  const r2 = f64x2.sub(hi, f64x2.sub(f64x2.sub(f64x2.mul(s, f64x2.sub(f, R)), lo), f));
  const big = i32x4.gt_s(
    v128.or(i32x4.sub(h, i32x4.splat(0x6147a)), i32x4.sub(i32x4.splat(0x6b851), h)),
    i32x4.splat(0),
  );
  let r = v128.bitselect(r1, r2, i32x4.shuffle(big, big, 0, 0, 1, 1));
  // Outside the main path: hx < 0x00100000, hx >= 0x7ff00000, or (2 + h) & 0xfffff < 3.
  const odd = v128.or(
    v128.or(i32x4.lt_s(hx, i32x4.splat(0x00100000)), i32x4.ge_s(hx, i32x4.splat(0x7ff00000))),
    i32x4.lt_s(v128.and(i32x4.add(h, i32x4.splat(2)), i32x4.splat(0xfffff)), i32x4.splat(3)),
  );
  const m = i32x4.bitmask(odd) & 3;
  if (m != 0) {
    if (m & 1) r = f64x2.replace_lane(r, 0, ln(f64x2.extract_lane(x, 0)));
    if (m & 2) r = f64x2.replace_lane(r, 1, ln(f64x2.extract_lane(x, 1)));
  }
  return r;
}

/** ln of x[0 .. n - 1] in place, two at a time through lnLanes (n even): the tests compare it with ln. */
export function lnPairs(x: usize, n: i32): void {
  for (let i = 0; i < n; i += 2) {
    const at = x + ((<usize>i) << 3);
    v128.store(at, lnLanes(v128.load(at)));
  }
}
