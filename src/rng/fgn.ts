/**
 * Fractional Gaussian noise (unit variance per step, Hurst H in (0, 1)) by exact circulant embedding
 * (Davies & Harte 1987; Dietrich & Newsam 1997) with our radix-2 FFT. The autocovariance is
 * rho_H(k) = (|k+1|^{2H} - 2|k|^{2H} + |k-1|^{2H}) / 2 (docs/theory/scaling-resnets.md §2.6). The embedding of
 * size M = 2m (m >= N, a power of two) uses the exact covariances (no zero in the middle, unlike the
 * reference code), which is nonnegative definite for fGn at every H (Craigmile 2003). The radix-2 FFT
 * here (JS) computes the eigenvalues once; paths use the WebAssembly kernel of the same algorithm.
 */
import { Arena, type F64Buf, fftTwiddles } from "../wasm/index.js";
import type { Rng } from "./rng.js";

export function fgnAutocovariance(H: number, k: number): number {
  const a = Math.abs(k);
  const h2 = 2 * H;
  return 0.5 * ((a + 1) ** h2 - 2 * a ** h2 + Math.abs(a - 1) ** h2);
}

/** In-place iterative radix-2 FFT of (re, im), length a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let j = 0; j < len / 2; j++) {
        const ar = re[i + j + len / 2] * cr - im[i + j + len / 2] * ci;
        const ai = re[i + j + len / 2] * ci + im[i + j + len / 2] * cr;
        re[i + j + len / 2] = re[i + j] - ar;
        im[i + j + len / 2] = im[i + j] - ai;
        re[i + j] += ar;
        im[i + j] += ai;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/**
 * A reusable fGn sampler for paths of length N and Hurst index H (the eigenvalues are computed once;
 * the per-path FFT runs in the WebAssembly SIMD kernel, src/wasm).
 */
export class FgnSampler {
  readonly M: number;
  private readonly arena: Arena;
  private readonly sqrtEig: F64Buf;
  private readonly re: F64Buf;
  private readonly im: F64Buf;
  private readonly tw: F64Buf;
  private readonly z: F64Buf;

  constructor(
    readonly N: number,
    readonly H: number,
  ) {
    if (!(H > 0 && H < 1)) throw new RangeError(`Hurst index must be in (0, 1) (got ${H})`);
    let m = 1;
    while (m < N) m <<= 1;
    const M = 2 * m;
    this.M = M;
    const re = new Float64Array(M);
    const im = new Float64Array(M);
    for (let k = 0; k <= m; k++) re[k] = fgnAutocovariance(H, k);
    for (let k = m + 1; k < M; k++) re[k] = re[M - k];
    fft(re, im);
    this.arena = new Arena();
    this.sqrtEig = this.arena.f64(M);
    this.re = this.arena.f64(M);
    this.im = this.arena.f64(M);
    this.tw = this.arena.f64(2 * M);
    this.z = this.arena.f64(2 * M);
    this.arena.commit();
    for (let k = 0; k < M; k++) this.sqrtEig.a[k] = Math.sqrt(Math.max(re[k], 0) / M);
    fftTwiddles(M, this.tw.a);
  }

  /**
   * Two independent fGn paths of length N from one FFT (the real and imaginary parts of
   * FFT(sqrt(lambda/M) (z1 + i z2)) are independent with the target covariance).
   */
  sample2(rng: Rng, a: Float64Array, b: Float64Array, offsetA = 0, offsetB = 0): void {
    const k = this.arena.k;
    rng.fillNormal(this.z.a, 0, 2 * this.M);
    k.scaleComplex(this.z.ptr, this.sqrtEig.ptr, this.re.ptr, this.im.ptr, this.M);
    k.fft(this.re.ptr, this.im.ptr, this.M, this.tw.ptr);
    a.set(this.re.a.subarray(0, this.N), offsetA);
    b.set(this.im.a.subarray(0, this.N), offsetB);
  }
}

/** Fractional Brownian motion on [0, 1] at t = k/N: cumulative sums of fGn scaled by N^{-H}, with B_0 = 0. */
export function fbmPath(rng: Rng, N: number, H: number): Float64Array {
  const s = new FgnSampler(N, H);
  const a = new Float64Array(N);
  const b = new Float64Array(N);
  s.sample2(rng, a, b);
  const out = new Float64Array(N + 1);
  const scale = N ** -H;
  for (let k = 0; k < N; k++) out[k + 1] = out[k] + a[k] * scale;
  return out;
}
