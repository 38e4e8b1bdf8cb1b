/**
 * Depth-correlated weight paths for Marion's ResNets: for each entry (i, j) of a d x d matrix, the
 * sequence over layers k = 1..L is iid, a smooth Gaussian process in t = k/L (RBF, low-rank pivoted
 * Cholesky of the kernel: its spectrum decays super-exponentially), or fractional Gaussian noise.
 * Every variant has marginal variance 1/fan_in per entry (fBM and smooth are Gaussian whatever the law).
 */
import { FgnSampler } from "../../rng/fgn.js";
import type { Rng } from "../../rng/rng.js";

const lowRankCache = new Map<string, { rank: number; F: Float64Array }>();

/**
 * Low-rank factor F (n x r, row-major) with F F^T ~= K for the RBF kernel on t_k, by pivoted Cholesky
 * stopped when the largest residual diagonal is below tol (1e-12 of the unit diagonal).
 */
export function rbfLowRank(
  times: readonly number[],
  lengthScale: number,
  tol = 1e-12,
): { rank: number; F: Float64Array } {
  const key = `${lengthScale}:${times.length}:${times[0]}:${times[times.length - 1]}`;
  const hit = lowRankCache.get(key);
  if (hit) return hit;
  const n = times.length;
  const kern = (i: number, j: number) =>
    Math.exp(-((times[i] - times[j]) ** 2) / (2 * lengthScale * lengthScale));
  const diag = new Float64Array(n).fill(1);
  const cols: Float64Array[] = [];
  for (let r = 0; r < n; r++) {
    let piv = 0;
    for (let i = 1; i < n; i++) if (diag[i] > diag[piv]) piv = i;
    if (diag[piv] <= tol) break;
    const c = new Float64Array(n);
    const sp = Math.sqrt(diag[piv]);
    for (let i = 0; i < n; i++) {
      let v = kern(i, piv);
      for (const prev of cols) v -= prev[i] * prev[piv];
      c[i] = v / sp;
    }
    for (let i = 0; i < n; i++) diag[i] = Math.max(0, diag[i] - c[i] * c[i]);
    cols.push(c);
  }
  const rank = cols.length;
  const F = new Float64Array(n * rank);
  cols.forEach((c, r) => {
    for (let i = 0; i < n; i++) F[i * rank + r] = c[i];
  });
  const out = { rank, F };
  if (lowRankCache.size > 16) lowRankCache.clear();
  lowRankCache.set(key, out);
  return out;
}

/** Entries per transposed block of fGn paths (even, so that paths come in pairs). */
const BLOCK = 32;
let fbmBlock = new Float64Array(0);
let fgnCache: FgnSampler | null = null;

/** The sampler for (L, H), kept between samples (its eigenvalues cost an FFT of size 2L..4L). */
function samplerFor(L: number, H: number): FgnSampler {
  if (!fgnCache || fgnCache.N !== L || fgnCache.H !== H) fgnCache = new FgnSampler(L, H);
  return fgnCache;
}

/**
 * Fill W (layout [k][i][j], k = 0..L-1, d x fanIn entries per layer) with correlated weights of
 * variance 1/fanIn per entry.
 */
export function fillCorrelated(
  rng: Rng,
  kind: "smooth-values" | "smooth-increments" | "fbm",
  L: number,
  entries: number,
  fanIn: number,
  W: Float64Array,
  opts: { H?: number; bandwidth?: number },
): void {
  const s = 1 / Math.sqrt(fanIn);
  if (kind === "fbm") {
    const sampler = samplerFor(L, opts.H!);
    // Paths are generated entry-major into a block of BLOCK entries, then written layer-major (W's
    // layout) one contiguous run of BLOCK entries per layer: the cache-friendly transpose.
    const tmp = fbmBlock.length >= BLOCK * L ? fbmBlock : (fbmBlock = new Float64Array(BLOCK * L));
    for (let e0 = 0; e0 < entries; e0 += BLOCK) {
      const n = Math.min(BLOCK, entries - e0);
      for (let i = 0; i < n; i += 2) sampler.sample2(rng, tmp, tmp, i * L, (i + 1) * L);
      for (let k = 0; k < L; k++) {
        const o = k * entries + e0;
        for (let i = 0; i < n; i++) W[o + i] = tmp[i * L + k] * s;
      }
    }
    return;
  }
  const points = kind === "smooth-values" ? L : L + 1;
  const times = Array.from({ length: points }, (_, k) => (kind === "smooth-values" ? k / L : k / L));
  const { rank, F } = rbfLowRank(times, opts.bandwidth ?? 0.1);
  const z = new Float64Array(rank);
  const path = new Float64Array(points);
  for (let e = 0; e < entries; e++) {
    rng.fillNormal(z, 0, rank);
    for (let k = 0; k < points; k++) {
      let v = 0;
      const row = k * rank;
      for (let r = 0; r < rank; r++) v += F[row + r] * z[r];
      path[k] = v;
    }
    if (kind === "smooth-values") for (let k = 0; k < L; k++) W[k * entries + e] = path[k] * s;
    else for (let k = 0; k < L; k++) W[k * entries + e] = path[k + 1] - path[k];
  }
  if (kind === "smooth-increments") {
    // 2022 variant: divide by mean_k(std over entries of the increments) * sqrt(fanIn).
    let meanStd = 0;
    for (let k = 0; k < L; k++) {
      let m = 0;
      let m2 = 0;
      for (let e = 0; e < entries; e++) {
        const v = W[k * entries + e];
        m += v;
        m2 += v * v;
      }
      m /= entries;
      meanStd += Math.sqrt(Math.max(m2 / entries - m * m, 0));
    }
    meanStd /= L;
    const c = 1 / (meanStd * Math.sqrt(fanIn));
    for (let i = 0; i < L * entries; i++) W[i] *= c;
  }
}
