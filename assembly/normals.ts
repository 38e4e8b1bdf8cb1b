// Gaussian mat-vec with the weights drawn on the fly: the project's xoshiro128** + 128-layer ziggurat
// (src/rng/rng.ts, src/rng/ziggurat.ts) fused with the dot products. Bit-identical to the JavaScript
// Rng.dotNormal / Rng.fillNormal paths: the same words in the same order, the same float operations in
// the same order, and the rare slow-path draws finished after each row with fdlibm's log and exp compiled
// in below (Node 20's Math.log and Math.exp, bit for bit; the same on every JavaScript engine).

@external("env", "log")
declare function jsLog(x: f64): f64;
@external("env", "exp")
declare function jsExp(x: f64): f64;
@external("env", "pow")
declare function jsPow(x: f64, y: f64): f64;

const ZIG_R: f64 = 3.442619855899;
const INV_R: f64 = 1.0 / ZIG_R;
const TWO_M32: f64 = 2.3283064365386963e-10; // 2^-32
const TWO_M53: f64 = 1.1102230246251565e-16; // 2^-53

// Generator state (xoshiro128**), set and read by the caller around each call.
let s0: u32 = 1;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;
// [1, 0] for a positive draw (bit 7 clear), [0, 1] for a negative one: the accumulator weights.
const SIGN_SPLIT = memory.data<f64>([1.0, 0.0, 0.0, 1.0]);
// Ziggurat tables in memory: k (i32 x 128), w (f64 x 128), f (f64 x 128).
export let ZK: usize = 0;
export let ZW: usize = 0;
let ZF: usize = 0;

// Squeeze for the wedge test (per layer i >= 1, 4 f64 each: ta, e^-ta, chord slope, and tm, e^-tm):
// e^-t is convex in t = x^2 / 2, so on the wedge's range [ta, tb] it lies under the chord through its
// ends and above the tangent at tm = (ta + tb) / 2. Only a uniform within SQUEEZE_MARGIN of either
// bound needs the exact exp; the decision, and so every draw, is the exp test's (docs/performance.md).
const SQ = memory.data(128 * 5 * 8, 16);
const SQUEEZE_MARGIN: f64 = 1e-13;

export function zigTables(k: usize, w: usize, f: usize): void {
  ZK = k;
  ZW = w;
  ZF = f;
  for (let i = 1; i < 128; i++) {
    const wi = load<f64>(w + ((<usize>i) << 3));
    const xa = <f64>load<i32>(k + ((<usize>i) << 2)) * wi;
    const xb = 16777216.0 * wi;
    const ta = 0.5 * xa * xa;
    const tb = 0.5 * xb * xb;
    const ea = exp(-ta);
    const tm = 0.5 * (ta + tb);
    const o = SQ + <usize>i * 40;
    store<f64>(o, ta);
    store<f64>(o, ea, 8);
    store<f64>(o, (exp(-tb) - ea) / (tb - ta), 16);
    store<f64>(o, tm, 24);
    store<f64>(o, exp(-tm), 32);
  }
}

export function setState(a: u32, b: u32, c: u32, d: u32): void {
  s0 = a;
  s1 = b;
  s2 = c;
  s3 = d;
}

/** Word i (0..3) of the state, as a signed 32-bit integer (the JavaScript Rng keeps them so). */
export function getState(i: i32): i32 {
  return <i32>(i == 0 ? s0 : i == 1 ? s1 : i == 2 ? s2 : s3);
}

// The hot loops below repeat this step on local copies of the state instead of calling next(): an
// inlined function cannot update the caller's locals, and module globals live in memory (a store-load
// chain per draw measured 135 against 148 M normals/s). next() serves the rare slow path.
// @ts-ignore: decorator
@inline
function next(): u32 {
  const r = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return r;
}

function uniformOpen(): f64 {
  const a = <f64>(next() >>> 5);
  const b = <f64>(next() >>> 6);
  return (a * 67108864.0 + b + 0.5) * TWO_M53;
}

/** Rng.normalSlow: the ziggurat's rare branch, entered with the rejected word u (state in s0..s3). */
export function normalSlow(u: u32): f64 {
  while (true) {
    const i = <usize>(u & 127);
    const j = <f64>(u >>> 8);
    const neg = (u & 128) != 0;
    if (<i32>(u >>> 8) < load<i32>(ZK + (i << 2))) {
      const x = j * load<f64>(ZW + (i << 3));
      return neg ? -x : x;
    }
    if (i == 0) {
      let x: f64;
      let y: f64;
      do {
        x = -ln(uniformOpen()) * INV_R;
        y = -ln(uniformOpen());
      } while (y + y < x * x);
      return neg ? -(ZIG_R + x) : ZIG_R + x;
    }
    const x = j * load<f64>(ZW + (i << 3));
    const fi = load<f64>(ZF + (i << 3));
    const fi1 = load<f64>(ZF + ((i - 1) << 3));
    const v = fi + (<f64>next() + 0.5) * TWO_M32 * (fi1 - fi);
    // v < exp(-x^2/2), decided by the squeeze where it can be (see SQ) and by exp where it cannot.
    const t = 0.5 * x * x;
    const o = SQ + i * 40;
    const below = load<f64>(o, 32) * (1.0 - (t - load<f64>(o, 24)));
    const above = load<f64>(o, 8) + (t - load<f64>(o)) * load<f64>(o, 16);
    if (v < below - SQUEEZE_MARGIN) return neg ? -x : x;
    if (v < above + SQUEEZE_MARGIN && v < exp(-0.5 * x * x)) return neg ? -x : x;
    u = next();
  }
  return 0; // unreachable
}

/**
 * out[r] = sc * sum_j g_rj v[j] for r < rows, j < cols (cols <= 4096) with fresh g ~ N(0, 1) drawn row
 * by row: Rng.dotNormal per row. `pend` holds 2 x cols i32 (positions and words of slow-path draws).
 */
export function matvecNormal(rows: i32, cols: i32, v: usize, out: usize, sc: f64, pend: usize): void {
  const zk = ZK;
  const zw = ZW;
  for (let r = 0; r < rows; r++) {
    let acc0: f64 = 0;
    let acc1: f64 = 0;
    let pending = 0;
    // The generator state in locals for the fast loop (globals live in memory: a store-load chain).
    let a0 = s0;
    let a1 = s1;
    let a2 = s2;
    let a3 = s3;
    for (let p = 0; p < cols; p++) {
      const u = rotl<u32>(a1 * 5, 7) * 9;
      const t = a1 << 9;
      a2 ^= a0;
      a3 ^= a1;
      a1 ^= a2;
      a0 ^= a3;
      a2 ^= t;
      a3 = rotl<u32>(a3, 11);
      const i = <usize>(u & 127);
      const j = <i32>(u >>> 8);
      if (j < load<i32>(zk + (i << 2))) {
        const x = <f64>j * load<f64>(zw + (i << 3)) * load<f64>(v + ((<usize>p) << 3));
        // Branch-free sign split (a random sign branch mispredicts half the time): x times 1 to one
        // accumulator and times 0 to the other. Adding +-0 leaves a sum unchanged bit for bit (neither
        // sum is ever -0: both start at +0 and round-to-nearest cancellation gives +0).
        const b = <usize>((u >>> 3) & 16);
        acc0 += x * load<f64>(SIGN_SPLIT + b);
        acc1 += x * load<f64>(SIGN_SPLIT + b + 8);
      } else {
        store<i32>(pend + ((<usize>pending) << 3), p);
        store<u32>(pend + ((<usize>pending) << 3) + 4, u);
        pending++;
      }
    }
    s0 = a0;
    s1 = a1;
    s2 = a2;
    s3 = a3;
    for (let q = 0; q < pending; q++) {
      const p = load<i32>(pend + ((<usize>q) << 3));
      const u = load<u32>(pend + ((<usize>q) << 3) + 4);
      acc0 += normalSlow(u) * load<f64>(v + ((<usize>p) << 3));
    }
    store<f64>(out + ((<usize>r) << 3), sc * (acc0 - acc1));
  }
}

/** Slow-path draws deferred within one fill (Rng's PENDING_MAX); later ones are finished inline. */
const PENDING_MAX = 4096;

/**
 * Rng.fillNormal on row[0..cols) (any length); `pend` holds min(cols, 4096) (position, word) i32 pairs.
 */
export function fillNormal(row: usize, cols: i32, pend: usize): void {
  const zk = ZK;
  const zw = ZW;
  let pending = 0;
  let a0 = s0;
  let a1 = s1;
  let a2 = s2;
  let a3 = s3;
  for (let p = 0; p < cols; p++) {
    const u = rotl<u32>(a1 * 5, 7) * 9;
    const t = a1 << 9;
    a2 ^= a0;
    a3 ^= a1;
    a1 ^= a2;
    a0 ^= a3;
    a2 ^= t;
    a3 = rotl<u32>(a3, 11);
    const i = <usize>(u & 127);
    const j = <i32>(u >>> 8);
    if (j < load<i32>(zk + (i << 2))) {
      const x = <f64>j * load<f64>(zw + (i << 3));
      // -x is x with the sign bit flipped: set it from bit 7 of the word without a branch.
      store<u64>(row + ((<usize>p) << 3), reinterpret<u64>(x) ^ ((<u64>(u & 128)) << 56));
    } else if (pending < PENDING_MAX) {
      store<i32>(pend + ((<usize>pending) << 3), p);
      store<u32>(pend + ((<usize>pending) << 3) + 4, u);
      pending++;
    } else {
      // Pending buffer full (only in very long fills): finish this draw now, as Rng.fillNormal.
      s0 = a0;
      s1 = a1;
      s2 = a2;
      s3 = a3;
      store<f64>(row + ((<usize>p) << 3), normalSlow(u));
      a0 = s0;
      a1 = s1;
      a2 = s2;
      a3 = s3;
    }
  }
  s0 = a0;
  s1 = a1;
  s2 = a2;
  s3 = a3;
  for (let q = 0; q < pending; q++) {
    const p = load<i32>(pend + ((<usize>q) << 3));
    store<f64>(row + ((<usize>p) << 3), normalSlow(load<u32>(pend + ((<usize>q) << 3) + 4)));
  }
}

/**
 * Rng.fillCentredInt24 on out[0..n) (float32): the odd integers 2 floor(u / 2^8) + 1 - 2^24 of
 * successive words u (uniform weights n 2^-24, exact in float32).
 */
export function fillCentredInt24(out: usize, n: i32): void {
  let a0 = s0;
  let a1 = s1;
  let a2 = s2;
  let a3 = s3;
  for (let p = 0; p < n; p++) {
    const u = rotl<u32>(a1 * 5, 7) * 9;
    const t = a1 << 9;
    a2 ^= a0;
    a3 ^= a1;
    a1 ^= a2;
    a0 ^= a3;
    a2 ^= t;
    a3 = rotl<u32>(a3, 11);
    store<f32>(out + ((<usize>p) << 2), <f32>(<i32>((u >>> 8) << 1) - 16777215));
  }
  s0 = a0;
  s1 = a1;
  s2 = a2;
  s3 = a3;
}

/**
 * k inputs (column a at v + 8 a cols) through one fresh Gaussian matrix, row by row: fill the row
 * (Rng.fillNormal), then out[a rows + r] = sc * ((l0 + l1) + (l2 + l3)) with lanes l_(j mod 4) and the
 * tail added to l0, as dense/kernels.ts matvec.
 */
export function matvecNormalMulti(
  rows: i32,
  cols: i32,
  v: usize,
  k: i32,
  out: usize,
  sc: f64,
  row: usize,
  pend: usize,
): void {
  const c4 = cols & ~3;
  const stride = (<usize>cols) << 3;
  for (let r = 0; r < rows; r++) {
    fillNormal(row, cols, pend);
    for (let a = 0; a < k; a++) {
      const x = v + <usize>a * stride;
      let l01 = f64x2.splat(0);
      let l23 = f64x2.splat(0);
      for (let j = 0; j < c4; j += 4) {
        const o = (<usize>j) << 3;
        l01 = f64x2.add(l01, f64x2.mul(v128.load(row + o), v128.load(x + o)));
        l23 = f64x2.add(l23, f64x2.mul(v128.load(row + o + 16), v128.load(x + o + 16)));
      }
      let t0 = f64x2.extract_lane(l01, 0);
      for (let j = c4; j < cols; j++) {
        const o = (<usize>j) << 3;
        t0 += load<f64>(row + o) * load<f64>(x + o);
      }
      const s =
        t0 + f64x2.extract_lane(l01, 1) + (f64x2.extract_lane(l23, 0) + f64x2.extract_lane(l23, 1));
      store<f64>(out + ((<usize>a * <usize>rows + <usize>r) << 3), sc * s);
    }
  }
}

/**
 * acc[j] += sum_r (g[r] sc) W[r, j] with the rows of a fresh Gaussian W drawn in order (Rng.fillNormal per
 * row): the transposed product of a replayed matrix, summed row after row as the JavaScript loop.
 */
export function matvecNormalT(
  rows: i32,
  cols: i32,
  g: usize,
  sc: f64,
  acc: usize,
  row: usize,
  pend: usize,
): void {
  for (let r = 0; r < rows; r++) {
    fillNormal(row, cols, pend);
    const gr = load<f64>(g + ((<usize>r) << 3)) * sc;
    const grv = f64x2.splat(gr);
    const c2 = cols & ~1;
    for (let j = 0; j < c2; j += 2) {
      const o = (<usize>j) << 3;
      v128.store(acc + o, f64x2.add(v128.load(acc + o), f64x2.mul(grv, v128.load(row + o))));
    }
    if (c2 < cols) {
      const o = (<usize>c2) << 3;
      store<f64>(acc + o, load<f64>(acc + o) + gr * load<f64>(row + o));
    }
  }
}

/**
 * Layers from..to of the reduced Hayou recursion for one input and ReLU (src/engines/hayou/reduced.ts),
 * with the same draws and float operations as its JavaScript loop, so bit-identical: per layer
 * K = gainOverN sum h_i^2, c = sqrtDt sqrt(K) (0 where the PSD Cholesky pivot test zeroes it),
 * z = fillNormal (drawn whatever c), y += c z (skipped when c = 0), h = max(y, 0), and its sum of
 * squares to out[0] (out[1] = 1 once it is 0: collapse). Stops before a layer whose K is not finite
 * (overflow: the JavaScript path handles it) and returns the last layer done (from - 1 if none).
 */
export function hayouReluLayers(
  from: i32,
  to: i32,
  n: i32,
  y: usize,
  h: usize,
  z: usize,
  pend: usize,
  gainOverN: f64,
  sqrtDt: f64,
  out: usize,
): i32 {
  for (let s = from; s <= to; s++) {
    let t: f64 = 0;
    for (let i = 0; i < n; i++) {
      const v = load<f64>(h + ((<usize>i) << 3));
      t += v * v;
    }
    const K = gainOverN * t;
    if (!isFinite<f64>(K)) return s - 1;
    const c = K <= 1e-14 * Math.max(K, 1e-300) ? 0 : sqrtDt * Math.sqrt(K);
    fillNormal(z, n, pend);
    let s2: f64 = 0;
    for (let i = 0; i < n; i++) {
      const o = (<usize>i) << 3;
      let yi = load<f64>(y + o);
      if (c != 0) {
        yi += c * load<f64>(z + o);
        store<f64>(y + o, yi);
      }
      const hi = Math.max(yi, 0);
      store<f64>(h + o, hi);
      s2 += hi * hi;
    }
    store<f64>(out, s2);
    if (s2 == 0) store<f64>(out + 8, 1);
  }
  return to;
}

/**
 * Layers from..to of the reduced engine for the log-Gaussian ResNet with ReLU and one input
 * (src/engines/reduced/index.ts), bit-identical to its JavaScript loop: per layer h = max(z, 0),
 * scale = coef sqrt(sum h_i^2) (coef = lambda sqrt(gain / n)), g = fillNormal, z = alpha z + scale g.
 */
export function resnetReluLayers(
  from: i32,
  to: i32,
  n: i32,
  z: usize,
  g: usize,
  pend: usize,
  alpha: f64,
  coef: f64,
): void {
  for (let l = from; l <= to; l++) {
    let ss: f64 = 0;
    for (let i = 0; i < n; i++) {
      const hi = Math.max(load<f64>(z + ((<usize>i) << 3)), 0);
      ss += hi * hi;
    }
    const scale = coef * Math.sqrt(ss);
    fillNormal(g, n, pend);
    for (let i = 0; i < n; i++) {
      const o = (<usize>i) << 3;
      store<f64>(z + o, alpha * load<f64>(z + o) + scale * load<f64>(g + o));
    }
  }
}

// ---- natural log in WebAssembly --------------------------------------------------------------------
// fdlibm's __ieee754_log (FreeBSD msun e_log.c), the algorithm of V8's Math.log in Node 20 and of
// @stdlib/math-base-special-ln: bit-identical to both (tested on 10^6 arguments), without a call out of
// WebAssembly, and the same on every JavaScript engine.
export const LN2_HI: f64 = 6.93147180369123816490e-1;
export const LN2_LO: f64 = 1.90821492927058770002e-10;
const TWO54: f64 = 1.8014398509481984e16;
export const LG1: f64 = 6.666666666666735130e-1;
export const LG2: f64 = 3.999999999940941908e-1;
export const LG3: f64 = 2.857142874366239149e-1;
export const LG4: f64 = 2.222219843214978396e-1;
export const LG5: f64 = 1.818357216161805012e-1;
export const LG6: f64 = 1.531383769920937332e-1;
export const LG7: f64 = 1.479819860511658591e-1;

export function ln(x: f64): f64 {
  let bits = reinterpret<u64>(x);
  let hx = <i32>(bits >> 32);
  const lx = <u32>bits;
  let k: i32 = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) == 0) return -Infinity; // log(+-0)
    if (hx < 0) return NaN; // log(negative)
    k -= 54; // subnormal: scale up
    x *= TWO54;
    bits = reinterpret<u64>(x);
    hx = <i32>(bits >> 32);
  }
  if (hx >= 0x7ff00000) return x + x; // inf or NaN
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  // Normalize x or x/2: replace the high word.
  x = reinterpret<f64>((<u64>(<u32>(hx | (i0 ^ 0x3ff00000))) << 32) | (reinterpret<u64>(x) & 0xffffffff));
  k += i0 >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20
    if (f == 0) {
      if (k == 0) return 0;
      const dk = <f64>k;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    const dk = <f64>k;
    return dk * LN2_HI - (R - dk * LN2_LO - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
  const z = s * s;
  let i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}

// fdlibm's __ieee754_exp (FreeBSD msun e_exp.c), the algorithm of V8's Math.exp in Node 20 and of
// @stdlib/math-base-special-exp: bit-identical to both (tested).
const O_THRESHOLD: f64 = 7.09782712893383973096e2;
const U_THRESHOLD: f64 = -7.45133219101941108420e2;
const INVLN2: f64 = 1.44269504088896338700e0;
const P1: f64 = 1.66666666666666019037e-1;
const P2: f64 = -2.77777777770155933842e-3;
const P3: f64 = 6.61375632143793436117e-5;
const P4: f64 = -1.65339022054652515390e-6;
const P5: f64 = 4.13813679705723846039e-8;
const TWOM1000: f64 = 9.33263618503218878990e-302;

export function exp(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let hx = <u32>(bits >> 32);
  const xsb = <i32>((hx >> 31) & 1);
  hx &= 0x7fffffff;
  let hi: f64 = 0;
  let lo: f64 = 0;
  let k: i32 = 0;
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | <u32>bits) != 0) return x + x; // NaN
      return xsb == 0 ? x : 0.0; // exp(+-inf)
    }
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0;
  }
  if (hx > 0x3fd62e42) {
    // |x| > 0.5 ln2
    if (hx < 0x3ff0a2b2) {
      // and |x| < 1.5 ln2
      hi = xsb == 0 ? x - LN2_HI : x + LN2_HI;
      lo = xsb == 0 ? LN2_LO : -LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(INVLN2 * x + (xsb == 0 ? 0.5 : -0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI; // t * LN2_HI is exact here
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28
    return 1 + x;
  } else k = 0;
  const t = x * x;
  const twopk =
    k >= -1021
      ? reinterpret<f64>((<u64>(<u32>(0x3ff00000 + (k << 20)))) << 32)
      : reinterpret<f64>((<u64>(<u32>(0x3ff00000 + ((k + 1000) << 20)))) << 32);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - (lo - (x * c) / (2.0 - c) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * 8.98846567431158e307; // 2^1023
    return y * twopk;
  }
  return y * twopk * TWOM1000;
}

// ---- the MLP's product engine (src/families/mlp/product.ts) -----------------------------------------
// The same draws and float operations as its JavaScript path (Rng.normal, gamma.ts, binomial.ts), with
// fdlibm's log and exp (Node 20's Math.log, Math.exp): bit-identical (tested), and independent of the
// JavaScript engine (Math.pow is imported only for non-integer degrees of freedom, never used here).

/** Rng.normal (the sign by a select: bit 7 is a coin flip, a branch on it mispredicts half the time). */
function normal(): f64 {
  const u = next();
  const i = <usize>(u & 127);
  if (<i32>(u >>> 8) < load<i32>(ZK + (i << 2))) {
    const x = <f64>(u >>> 8) * load<f64>(ZW + (i << 3));
    return select<f64>(-x, x, (u & 128) != 0);
  }
  return normalSlow(u);
}

/** Gamma(a >= 1) by Marsaglia & Tsang (gamma.ts gammaAtLeastOne). */
function gammaAtLeastOne(a: f64): f64 {
  const d = a - 1.0 / 3.0;
  const c = 1.0 / Math.sqrt(9.0 * d);
  while (true) {
    let x: f64;
    let v: f64;
    do {
      x = normal();
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = uniformOpen();
    const x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (ln(u) < 0.5 * x2 + d * (1.0 - v + ln(v))) return d * v;
  }
  return 0; // unreachable
}

/** chiSquare(k) of gamma.ts: 0 for k = 0, else 2 Gamma(k / 2) (shapes below 1 boosted by U^(1/a)). */
export function chiSquare(k: f64): f64 {
  if (k == 0) return 0;
  const shape = k / 2;
  if (shape < 1) {
    const g = gammaAtLeastOne(shape + 1);
    // Integer degrees of freedom give shape 1/2 here: u^2 is u * u exactly (as V8's pow gives it).
    const u = uniformOpen();
    return 2 * (g * (shape == 0.5 ? u * u : jsPow(u, 1 / shape)));
  }
  return 2 * gammaAtLeastOne(shape);
}

/** Bin(n, 1/2): set bits among n fresh bits (binomial.ts binomialHalf). */
function binomialHalf(n: i32): i32 {
  let k: i32 = 0;
  let left = n;
  while (left >= 32) {
    k += <i32>popcnt<u32>(next());
    left -= 32;
  }
  if (left > 0) k += <i32>popcnt<u32>(next() >>> (32 - left));
  return k;
}

/**
 * One sample of the product engine without per-layer observables: G = sum_{l<d} (logGain_l +
 * ln(a2 P_l + b2 N_l)) + ln(Q / n_d) to out[0] and, when nOut > 0, logC + G + ln chi2_{nOut} to out[1].
 * widths and logGain are f64 arrays of d + 1 and d entries.
 */
export function mlpProductSample(
  d: i32,
  widths: usize,
  logGain: usize,
  a2: f64,
  b2: f64,
  logC: f64,
  nOut: i32,
  out: usize,
): void {
  let S: f64 = 0;
  for (let l = 0; l < d; l++) {
    const n = <i32>load<f64>(widths + ((<usize>l) << 3));
    const B = binomialHalf(n);
    const P = chiSquare(<f64>B);
    const N: f64 = b2 != 0 ? chiSquare(<f64>(n - B)) : 0;
    S += load<f64>(logGain + ((<usize>l) << 3)) + ln(a2 * P + b2 * N);
  }
  const nd = load<f64>(widths + ((<usize>d) << 3));
  const Q = chiSquare(nd);
  const G = S + ln(Q / nd);
  store<f64>(out, G);
  if (nOut > 0) store<f64>(out + 8, logC + G + ln(chiSquare(<f64>nOut)));
}

/**
 * Set the generator to the stream (seed, sample index, stream 0) exactly as Rng.reset does: one
 * Philox4x32-10 block with counter (index lo, index hi, 0, "deep") and key (seed lo, seed hi).
 */
export function resetStream(seedLo: u32, seedHi: u32, idxLo: u32, idxHi: u32): void {
  let x0 = idxLo;
  let x1 = idxHi;
  let x2: u32 = 0;
  let x3: u32 = 0x64656570;
  let k0 = seedLo;
  let k1 = seedHi;
  for (let r = 0; r < 10; r++) {
    const p0 = <u64>0xd2511f53 * <u64>x0;
    const p1 = <u64>0xcd9e8d57 * <u64>x2;
    const n0 = (<u32>(p1 >> 32)) ^ x1 ^ k0;
    const n2 = (<u32>(p0 >> 32)) ^ x3 ^ k1;
    x0 = n0;
    x1 = <u32>p1;
    x2 = n2;
    x3 = <u32>p0;
    k0 += 0x9e3779b9;
    k1 += 0xbb67ae85;
  }
  s0 = x0;
  s1 = x1;
  s2 = x2;
  s3 = x3;
  if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
}

/**
 * Samples start .. start + count - 1 of the product engine, each on its own stream (resetStream):
 * G to outG[i] and, when nOut > 0, the output norm to outO[i]. tmp holds 2 f64.
 */
export function mlpProductChunk(
  seedLo: u32,
  seedHi: u32,
  start: u32,
  count: i32,
  d: i32,
  widths: usize,
  logGain: usize,
  a2: f64,
  b2: f64,
  logC: f64,
  nOut: i32,
  outG: usize,
  outO: usize,
  tmp: usize,
): void {
  for (let i = 0; i < count; i++) {
    resetStream(seedLo, seedHi, start + <u32>i, 0);
    mlpProductSample(d, widths, logGain, a2, b2, logC, nOut, tmp);
    store<f64>(outG + ((<usize>i) << 3), load<f64>(tmp));
    if (nOut > 0) store<f64>(outO + ((<usize>i) << 3), load<f64>(tmp + 8));
  }
}

