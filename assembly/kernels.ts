// WebAssembly SIMD kernels (AssemblyScript, compiled by `npm run build:wasm` into a module that
// src/wasm embeds). All arguments are byte offsets into the instance's own memory, which the caller
// lays out (src/wasm/index.ts). Every kernel sums in a fixed order, so results do not depend on the
// machine: WebAssembly float arithmetic is IEEE 754 without fused multiply-add.

export {
  zigTables,
  setState,
  getState,
  matvecNormal,
  fillNormal,
  fillCentredInt24,
  matvecNormalMulti,
  matvecNormalT,
  hayouReluLayers,
  resnetReluLayers,
  ln,
  exp,
  mlpProductSample,
  mlpProductChunk,
} from "./normals";
export { fillNormal4, hayouRelu4, resnetRelu4 } from "./lanes";

/** First byte free for the caller's buffers. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(15 as usize);
}

/**
 * Dot products of the rows of a d x d matrix M (row-major, f64) with m columns X (column c at X + 8 c d):
 * Y[c d + r] = sc * sum_j M[r d + j] X[c d + j]. Two columns at a time share the loads of a row; four
 * partial sums per column (lanes j mod 4), added as (l0 + l1) + (l2 + l3), then the tail j >= 4 floor(d/4).
 */
export function mulRows64(M: usize, X: usize, Y: usize, d: i32, m: i32, sc: f64): void {
  const d4 = d & ~3;
  const stride = (<usize>d) << 3;
  let c = 0;
  for (; c + 1 < m; c += 2) {
    const x0 = X + <usize>c * stride;
    const x1 = x0 + stride;
    for (let r = 0; r < d; r++) {
      const row = M + <usize>r * stride;
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      let b0 = f64x2.splat(0);
      let b1 = f64x2.splat(0);
      for (let j = 0; j < d4; j += 4) {
        const o = (<usize>j) << 3;
        const m0 = v128.load(row + o);
        const m1 = v128.load(row + o + 16);
        a0 = f64x2.add(a0, f64x2.mul(m0, v128.load(x0 + o)));
        a1 = f64x2.add(a1, f64x2.mul(m1, v128.load(x0 + o + 16)));
        b0 = f64x2.add(b0, f64x2.mul(m0, v128.load(x1 + o)));
        b1 = f64x2.add(b1, f64x2.mul(m1, v128.load(x1 + o + 16)));
      }
      let sa =
        f64x2.extract_lane(a0, 0) +
        f64x2.extract_lane(a0, 1) +
        (f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1));
      let sb =
        f64x2.extract_lane(b0, 0) +
        f64x2.extract_lane(b0, 1) +
        (f64x2.extract_lane(b1, 0) + f64x2.extract_lane(b1, 1));
      for (let j = d4; j < d; j++) {
        const o = (<usize>j) << 3;
        const mv = load<f64>(row + o);
        sa += mv * load<f64>(x0 + o);
        sb += mv * load<f64>(x1 + o);
      }
      store<f64>(x0 - X + Y + ((<usize>r) << 3), sa * sc);
      store<f64>(x1 - X + Y + ((<usize>r) << 3), sb * sc);
    }
  }
  if (c < m) {
    const x0 = X + <usize>c * stride;
    for (let r = 0; r < d; r++) {
      const row = M + <usize>r * stride;
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      for (let j = 0; j < d4; j += 4) {
        const o = (<usize>j) << 3;
        a0 = f64x2.add(a0, f64x2.mul(v128.load(row + o), v128.load(x0 + o)));
        a1 = f64x2.add(a1, f64x2.mul(v128.load(row + o + 16), v128.load(x0 + o + 16)));
      }
      let sa =
        f64x2.extract_lane(a0, 0) +
        f64x2.extract_lane(a0, 1) +
        (f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1));
      for (let j = d4; j < d; j++) {
        const o = (<usize>j) << 3;
        sa += load<f64>(row + o) * load<f64>(x0 + o);
      }
      store<f64>(x0 - X + Y + ((<usize>r) << 3), sa * sc);
    }
  }
}

/** mulRows64 for a float32 matrix (entries widened exactly to f64). */
export function mulRows32(M: usize, X: usize, Y: usize, d: i32, m: i32, sc: f64): void {
  const d4 = d & ~3;
  const stride = (<usize>d) << 3;
  const mstride = (<usize>d) << 2;
  let c = 0;
  for (; c + 1 < m; c += 2) {
    const x0 = X + <usize>c * stride;
    const x1 = x0 + stride;
    for (let r = 0; r < d; r++) {
      const row = M + <usize>r * mstride;
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      let b0 = f64x2.splat(0);
      let b1 = f64x2.splat(0);
      for (let j = 0; j < d4; j += 4) {
        const o = (<usize>j) << 3;
        const q = v128.load(row + ((<usize>j) << 2));
        const m0 = f64x2.promote_low_f32x4(q);
        const m1 = f64x2.promote_low_f32x4(i32x4.shuffle(q, q, 2, 3, 0, 1));
        a0 = f64x2.add(a0, f64x2.mul(m0, v128.load(x0 + o)));
        a1 = f64x2.add(a1, f64x2.mul(m1, v128.load(x0 + o + 16)));
        b0 = f64x2.add(b0, f64x2.mul(m0, v128.load(x1 + o)));
        b1 = f64x2.add(b1, f64x2.mul(m1, v128.load(x1 + o + 16)));
      }
      let sa =
        f64x2.extract_lane(a0, 0) +
        f64x2.extract_lane(a0, 1) +
        (f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1));
      let sb =
        f64x2.extract_lane(b0, 0) +
        f64x2.extract_lane(b0, 1) +
        (f64x2.extract_lane(b1, 0) + f64x2.extract_lane(b1, 1));
      for (let j = d4; j < d; j++) {
        const mv = <f64>load<f32>(row + ((<usize>j) << 2));
        sa += mv * load<f64>(x0 + ((<usize>j) << 3));
        sb += mv * load<f64>(x1 + ((<usize>j) << 3));
      }
      store<f64>(x0 - X + Y + ((<usize>r) << 3), sa * sc);
      store<f64>(x1 - X + Y + ((<usize>r) << 3), sb * sc);
    }
  }
  if (c < m) {
    const x0 = X + <usize>c * stride;
    for (let r = 0; r < d; r++) {
      const row = M + <usize>r * mstride;
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      for (let j = 0; j < d4; j += 4) {
        const o = (<usize>j) << 3;
        const q = v128.load(row + ((<usize>j) << 2));
        a0 = f64x2.add(a0, f64x2.mul(f64x2.promote_low_f32x4(q), v128.load(x0 + o)));
        a1 = f64x2.add(
          a1,
          f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(q, q, 2, 3, 0, 1)), v128.load(x0 + o + 16)),
        );
      }
      let sa =
        f64x2.extract_lane(a0, 0) +
        f64x2.extract_lane(a0, 1) +
        (f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1));
      for (let j = d4; j < d; j++) {
        sa += <f64>load<f32>(row + ((<usize>j) << 2)) * load<f64>(x0 + ((<usize>j) << 3));
      }
      store<f64>(x0 - X + Y + ((<usize>r) << 3), sa * sc);
    }
  }
}

/**
 * Transposed products Y[c d + j] = sc * sum_r M[r d + j] X[c d + r], summed over r = 0, 1, ..., d - 1 in
 * order for every j (the order of a scalar loop), with 8 outputs held in registers while r runs.
 */
export function mulRowsT64(M: usize, X: usize, Y: usize, d: i32, m: i32, sc: f64): void {
  const stride = (<usize>d) << 3;
  const d8 = d & ~7;
  const d2 = d & ~1;
  const s = f64x2.splat(sc);
  for (let c = 0; c < m; c++) {
    const x = X + <usize>c * stride;
    const y = Y + <usize>c * stride;
    let j = 0;
    for (; j < d8; j += 8) {
      let y0 = f64x2.splat(0);
      let y1 = f64x2.splat(0);
      let y2 = f64x2.splat(0);
      let y3 = f64x2.splat(0);
      let p = M + ((<usize>j) << 3);
      for (let r = 0; r < d; r++) {
        const v = f64x2.splat(load<f64>(x + ((<usize>r) << 3)));
        y0 = f64x2.add(y0, f64x2.mul(v128.load(p), v));
        y1 = f64x2.add(y1, f64x2.mul(v128.load(p + 16), v));
        y2 = f64x2.add(y2, f64x2.mul(v128.load(p + 32), v));
        y3 = f64x2.add(y3, f64x2.mul(v128.load(p + 48), v));
        p += stride;
      }
      const o = y + ((<usize>j) << 3);
      v128.store(o, f64x2.mul(y0, s));
      v128.store(o + 16, f64x2.mul(y1, s));
      v128.store(o + 32, f64x2.mul(y2, s));
      v128.store(o + 48, f64x2.mul(y3, s));
    }
    for (; j < d2; j += 2) {
      let y0 = f64x2.splat(0);
      let p = M + ((<usize>j) << 3);
      for (let r = 0; r < d; r++) {
        y0 = f64x2.add(y0, f64x2.mul(v128.load(p), f64x2.splat(load<f64>(x + ((<usize>r) << 3)))));
        p += stride;
      }
      v128.store(y + ((<usize>j) << 3), f64x2.mul(y0, s));
    }
    for (; j < d; j++) {
      let acc: f64 = 0;
      let p = M + ((<usize>j) << 3);
      for (let r = 0; r < d; r++) {
        acc += load<f64>(p) * load<f64>(x + ((<usize>r) << 3));
        p += stride;
      }
      store<f64>(y + ((<usize>j) << 3), acc * sc);
    }
  }
}

/** mulRowsT64 for a float32 matrix (entries widened exactly to f64). */
export function mulRowsT32(M: usize, X: usize, Y: usize, d: i32, m: i32, sc: f64): void {
  const stride = (<usize>d) << 3;
  const mstride = (<usize>d) << 2;
  const d8 = d & ~7;
  const d2 = d & ~1;
  const s = f64x2.splat(sc);
  for (let c = 0; c < m; c++) {
    const x = X + <usize>c * stride;
    const y = Y + <usize>c * stride;
    let j = 0;
    for (; j < d8; j += 8) {
      let y0 = f64x2.splat(0);
      let y1 = f64x2.splat(0);
      let y2 = f64x2.splat(0);
      let y3 = f64x2.splat(0);
      let p = M + ((<usize>j) << 2);
      for (let r = 0; r < d; r++) {
        const v = f64x2.splat(load<f64>(x + ((<usize>r) << 3)));
        const q0 = v128.load(p);
        const q1 = v128.load(p + 16);
        y0 = f64x2.add(y0, f64x2.mul(f64x2.promote_low_f32x4(q0), v));
        y1 = f64x2.add(y1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(q0, q0, 2, 3, 0, 1)), v));
        y2 = f64x2.add(y2, f64x2.mul(f64x2.promote_low_f32x4(q1), v));
        y3 = f64x2.add(y3, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(q1, q1, 2, 3, 0, 1)), v));
        p += mstride;
      }
      const o = y + ((<usize>j) << 3);
      v128.store(o, f64x2.mul(y0, s));
      v128.store(o + 16, f64x2.mul(y1, s));
      v128.store(o + 32, f64x2.mul(y2, s));
      v128.store(o + 48, f64x2.mul(y3, s));
    }
    for (; j < d2; j += 2) {
      let y0 = f64x2.splat(0);
      let p = M + ((<usize>j) << 2);
      for (let r = 0; r < d; r++) {
        const w = f64x2.promote_low_f32x4(v128.load64_zero(p));
        y0 = f64x2.add(y0, f64x2.mul(w, f64x2.splat(load<f64>(x + ((<usize>r) << 3)))));
        p += mstride;
      }
      v128.store(y + ((<usize>j) << 3), f64x2.mul(y0, s));
    }
    for (; j < d; j++) {
      let acc: f64 = 0;
      let p = M + ((<usize>j) << 2);
      for (let r = 0; r < d; r++) {
        acc += <f64>load<f32>(p) * load<f64>(x + ((<usize>r) << 3));
        p += mstride;
      }
      store<f64>(y + ((<usize>j) << 3), acc * sc);
    }
  }
}

/**
 * In-place radix-2 decimation-in-time FFT of n = 2^k complex values (re, im: f64 arrays), forward
 * (e^{-2 pi i jk/n}). tw holds the twiddles stage by stage: for len = 2, 4, ..., n, len/2 cosines then
 * len/2 sines of -2 pi j / len (n - 1 pairs in all, built by the caller). Butterflies of a stage run two
 * at a time in f64x2 lanes (consecutive j).
 */
export function fft(re: usize, im: usize, n: i32, tw: usize): void {
  // bit reversal
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const oi = (<usize>i) << 3;
      const oj = (<usize>j) << 3;
      let t = load<f64>(re + oi);
      store<f64>(re + oi, load<f64>(re + oj));
      store<f64>(re + oj, t);
      t = load<f64>(im + oi);
      store<f64>(im + oi, load<f64>(im + oj));
      store<f64>(im + oj, t);
    }
  }
  // len = 2: w = 1
  for (let i = 0; i < n; i += 2) {
    const a = (<usize>i) << 3;
    const b = a + 8;
    const ar = load<f64>(re + b);
    const ai = load<f64>(im + b);
    const xr = load<f64>(re + a);
    const xi = load<f64>(im + a);
    store<f64>(re + b, xr - ar);
    store<f64>(im + b, xi - ai);
    store<f64>(re + a, xr + ar);
    store<f64>(im + a, xi + ai);
  }
  let twOff: usize = tw + 16; // skip the len = 2 stage's (cos, sin) pair
  for (let len = 4; len <= n; len <<= 1) {
    const half = len >> 1;
    const cosT = twOff;
    const sinT = twOff + ((<usize>half) << 3);
    for (let i = 0; i < n; i += len) {
      const base = (<usize>i) << 3;
      const hb = (<usize>half) << 3;
      for (let j = 0; j < half; j += 2) {
        const o = (<usize>j) << 3;
        const wr = v128.load(cosT + o);
        const wi = v128.load(sinT + o);
        const pr = re + base + hb + o;
        const pi = im + base + hb + o;
        const br = v128.load(pr);
        const bi = v128.load(pi);
        const ar = f64x2.sub(f64x2.mul(br, wr), f64x2.mul(bi, wi));
        const ai = f64x2.add(f64x2.mul(br, wi), f64x2.mul(bi, wr));
        const qr = re + base + o;
        const qi = im + base + o;
        const xr = v128.load(qr);
        const xi = v128.load(qi);
        v128.store(pr, f64x2.sub(xr, ar));
        v128.store(pi, f64x2.sub(xi, ai));
        v128.store(qr, f64x2.add(xr, ar));
        v128.store(qi, f64x2.add(xi, ai));
      }
    }
    twOff += (<usize>len) << 3;
  }
}

/** H[c d + i] += alpha[c] T[c d + i] for m columns of length d (alpha: m f64). */
export function axpyCols(H: usize, T: usize, alpha: usize, d: i32, m: i32): void {
  const d2 = d & ~1;
  const stride = (<usize>d) << 3;
  for (let c = 0; c < m; c++) {
    const a = load<f64>(alpha + ((<usize>c) << 3));
    const av = f64x2.splat(a);
    const h = H + <usize>c * stride;
    const t = T + <usize>c * stride;
    for (let i = 0; i < d2; i += 2) {
      const o = (<usize>i) << 3;
      v128.store(h + o, f64x2.add(v128.load(h + o), f64x2.mul(av, v128.load(t + o))));
    }
    if (d2 < d) {
      const o = (<usize>d2) << 3;
      store<f64>(h + o, load<f64>(h + o) + a * load<f64>(t + o));
    }
  }
}

/** out[c] = sum_i X[c d + i]^2 (lanes i mod 2 added last, then the tail). */
export function colNorms2(X: usize, out: usize, d: i32, m: i32): void {
  const d2 = d & ~1;
  const stride = (<usize>d) << 3;
  for (let c = 0; c < m; c++) {
    const x = X + <usize>c * stride;
    let acc = f64x2.splat(0);
    for (let i = 0; i < d2; i += 2) {
      const v = v128.load(x + ((<usize>i) << 3));
      acc = f64x2.add(acc, f64x2.mul(v, v));
    }
    let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    if (d2 < d) {
      const v = load<f64>(x + ((<usize>d2) << 3));
      s += v * v;
    }
    store<f64>(out + ((<usize>c) << 3), s);
  }
}

/** Y[i] = max(X[i], 0) for i < n (the same as Math.max(x, 0) for every non-NaN x, and -0 -> 0). */
export function relu(X: usize, Y: usize, n: i32): void {
  const n2 = n & ~1;
  const z = f64x2.splat(0);
  for (let i = 0; i < n2; i += 2) {
    const o = (<usize>i) << 3;
    const v = v128.load(X + o);
    v128.store(Y + o, v128.and(v, f64x2.gt(v, z)));
  }
  if (n2 < n) {
    const o = (<usize>n2) << 3;
    const v = load<f64>(X + o);
    store<f64>(Y + o, v > 0 ? v : 0);
  }
}

/** Q[i] = U[i] > 0 ? Q[i] : 0 for i < n (the ReLU derivative applied to a backward vector). */
export function reluMask(Q: usize, U: usize, n: i32): void {
  const n2 = n & ~1;
  const z = f64x2.splat(0);
  for (let i = 0; i < n2; i += 2) {
    const o = (<usize>i) << 3;
    v128.store(Q + o, v128.and(v128.load(Q + o), f64x2.gt(v128.load(U + o), z)));
  }
  if (n2 < n) {
    const o = (<usize>n2) << 3;
    if (!(load<f64>(U + o) > 0)) store<f64>(Q + o, 0);
  }
}

/** re[k] = s[k] z[k], im[k] = s[k] z[M + k] for k < M (the fGn sampler's spectral weights). */
export function scaleComplex(z: usize, s: usize, re: usize, im: usize, M: i32): void {
  const zi = z + ((<usize>M) << 3);
  for (let k = 0; k < M; k += 2) {
    const o = (<usize>k) << 3;
    const w = v128.load(s + o);
    v128.store(re + o, f64x2.mul(w, v128.load(z + o)));
    v128.store(im + o, f64x2.mul(w, v128.load(zi + o)));
  }
}

/**
 * Weight-gradient accumulation G[r d + j] += sc * sum_c P[c d + r] S[c d + j] (a d x d matrix from m
 * column pairs), summing over c in order.
 */
export function outerAcc(G: usize, P: usize, S: usize, d: i32, m: i32, sc: f64): void {
  const d2 = d & ~1;
  const stride = (<usize>d) << 3;
  for (let r = 0; r < d; r++) {
    const g = G + <usize>r * stride;
    for (let c = 0; c < m; c++) {
      const pv = load<f64>(P + <usize>c * stride + ((<usize>r) << 3)) * sc;
      const v = f64x2.splat(pv);
      const s = S + <usize>c * stride;
      for (let j = 0; j < d2; j += 2) {
        const o = (<usize>j) << 3;
        v128.store(g + o, f64x2.add(v128.load(g + o), f64x2.mul(v128.load(s + o), v)));
      }
      if (d2 < d) {
        const o = (<usize>d2) << 3;
        store<f64>(g + o, load<f64>(g + o) + load<f64>(s + o) * pv);
      }
    }
  }
}
export * from "./marion-lanes";
export { mlpProductChunk4 } from "./product-lanes";
export { lnPairs } from "./log-lanes";
export { compactNotNaN, selectByBuckets, selectRanks } from "./select";
export { summaryPush } from "./summary";
export { mlpNtkChunk4 } from "./ntk-lanes";
export { chiLanesRepeat } from "./chi-lanes";
