/**
 * Smooth weights in depth: a Gaussian process on t in [0, 1] with the RBF kernel
 * K(s, t) = exp(-(s - t)^2 / (2 l^2)), l = 0.1 (docs/theory/scaling-resnets.md §3). The Cholesky factor of K
 * on the grid is computed once per (points, l) and cached. K is numerically singular for fine grids,
 * so a jitter of 1e-10 times the diagonal is added: the sampled covariance is K + 1e-10 I (documented;
 * a relative perturbation far below Monte Carlo error).
 */
import type { Rng } from "./rng.js";

const cache = new Map<string, Float64Array>();
export const RBF_JITTER = 1e-10;

/** Lower Cholesky factor (row-major, n x n) of the RBF kernel on t_k = times[k] (cached). */
export function rbfCholesky(times: readonly number[], lengthScale: number): Float64Array {
  const key = `${lengthScale}:${times.length}:${times[0]}:${times[times.length - 1]}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const n = times.length;
  const L = new Float64Array(n * n);
  const k = (i: number, j: number) =>
    Math.exp(-((times[i] - times[j]) ** 2) / (2 * lengthScale * lengthScale)) + (i === j ? RBF_JITTER : 0);
  for (let j = 0; j < n; j++) {
    let s = k(j, j);
    for (let p = 0; p < j; p++) s -= L[j * n + p] * L[j * n + p];
    const d = Math.sqrt(Math.max(s, 0));
    L[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = k(i, j);
      for (let p = 0; p < j; p++) t -= L[i * n + p] * L[j * n + p];
      L[i * n + j] = d > 0 ? t / d : 0;
    }
  }
  if (cache.size > 16) cache.clear();
  cache.set(key, L);
  return L;
}

/** One GP path on the grid: out[k] = (C z)_k with z standard normal (C the cached Cholesky factor). */
export function rbfPath(
  rng: Rng,
  C: Float64Array,
  n: number,
  out: Float64Array,
  z: Float64Array,
  offset = 0,
): void {
  rng.fillNormal(z, 0, n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let p = 0; p <= i; p++) s += C[row + p] * z[p];
    out[offset + i] = s;
  }
}
