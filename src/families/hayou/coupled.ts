/**
 * Hayou's ResNet and its SDE on one Brownian path (docs/theory/infinite-depth.md §1, Prop. 1's strong rate).
 *
 * The network of depth L is, in law, the Euler-Maruyama scheme with step 1/L of
 *   dX = sqrt(gain/n) ||phi(X)|| dB,   X_0 = W_in x / sqrt(d)
 * (Lemma 6). Coupling: one fine path of S steps (the SDE's reference, S a multiple of every L), and for
 * each depth L the network driven by the sums of the fine increments over blocks of S/L steps. Then
 * Y_L - X_S measures the strong error at depth L; for nested Euler grids E||Y_L - X_S||^2 ~ C (1/L - 1/S)
 * to leading order, and between doublings E||Y_L - Y_{2L}||^2 ~ C / (2L): slope -1/2 with no reference
 * correction (and the doublings' sum bounds ||Y_L - X||: a Cauchy sequence at that rate).
 * Isomorphic: the project's Rng, seeded per path (seed, path index, stream 0).
 */
import { makeActivation, type ActivationSpec } from "../../activations/index.js";
import { Rng } from "../../rng/rng.js";
import { pairedMoments } from "../../stats/moment-ratio.js";

export interface CoupledOptions {
  width: number;
  gain: number;
  activation: ActivationSpec;
  /** q0 = ||x||^2 / d: X_0 ~ N(0, q0 I). */
  q0: number;
  /** The depths L (each must divide steps). */
  depths: readonly number[];
  /** Fine steps S of the reference path. */
  steps: number;
  paths: number;
  seed: number;
  /** Distances between consecutive depths instead of to the reference. */
  doublings?: boolean;
}

/**
 * Per path and depth k: ||Y_{L_k} - X_S||^2, or with `doublings` ||Y_{L_k} - Y_{L_{k+1}}||^2 between
 * consecutive depths (the last entry then against X_S) (row-major paths x depths).
 */
export function coupledSquaredErrors(o: CoupledOptions): Float64Array {
  const { width: n, steps: S, depths } = o;
  for (const L of depths)
    if (S % L !== 0) throw new RangeError(`depth ${L} must divide the reference's steps ${S}`);
  const act = makeActivation(o.activation);
  const sigma = Math.sqrt(o.gain / n);
  const rng = new Rng();
  const out = new Float64Array(o.paths * depths.length);
  const X = new Float64Array(n);
  const H = new Float64Array(n);
  const dB = new Float64Array(n);
  const Ys = depths.map(() => new Float64Array(n));
  const sums = depths.map(() => new Float64Array(n));
  const sdB = Math.sqrt(1 / S);
  const norm = (v: Float64Array) => {
    act.apply(v, H, n);
    let s = 0;
    for (let i = 0; i < n; i++) s += H[i] * H[i];
    return Math.sqrt(s);
  };
  for (let p = 0; p < o.paths; p++) {
    rng.reset(o.seed, p, 0);
    rng.fillNormal(X, 0, n);
    for (let i = 0; i < n; i++) X[i] *= Math.sqrt(o.q0);
    for (let k = 0; k < depths.length; k++) {
      Ys[k].set(X);
      sums[k].fill(0);
    }
    for (let j = 1; j <= S; j++) {
      rng.fillNormal(dB, 0, n);
      for (let i = 0; i < n; i++) dB[i] *= sdB;
      const c = sigma * norm(X);
      for (let i = 0; i < n; i++) X[i] += c * dB[i];
      for (let k = 0; k < depths.length; k++) {
        const s = sums[k];
        for (let i = 0; i < n; i++) s[i] += dB[i];
        if (j % (S / depths[k]) === 0) {
          const Y = Ys[k];
          const cy = sigma * norm(Y);
          for (let i = 0; i < n; i++) Y[i] += cy * s[i];
          s.fill(0);
        }
      }
    }
    for (let k = 0; k < depths.length; k++) {
      const ref = o.doublings && k + 1 < depths.length ? Ys[k + 1] : X;
      let e = 0;
      for (let i = 0; i < n; i++) e += (Ys[k][i] - ref[i]) ** 2;
      out[p * depths.length + k] = e;
    }
  }
  return out;
}

/**
 * The slope of ln RMS error between depths a < b (indices into depths) and its standard error from the
 * paired per-path errors (delta method with their covariance).
 */
export function strongRateSlope(
  e2: Float64Array,
  depths: readonly number[],
  a: number,
  b: number,
): { slope: number; se: number; rmsA: number; rmsB: number } {
  const k = depths.length;
  const N = e2.length / k;
  const { ma, mb, va, vb, cab } = pairedMoments(
    N,
    (p) => e2[p * k + a],
    (p) => e2[p * k + b],
  );
  const span = Math.log(depths[b] / depths[a]);
  const slope = (0.5 * Math.log(mb) - 0.5 * Math.log(ma)) / span;
  const varDiff = (0.25 * (va / (ma * ma) + vb / (mb * mb) - (2 * cab) / (ma * mb))) / N;
  return { slope, se: Math.sqrt(varDiff) / span, rmsA: Math.sqrt(ma), rmsB: Math.sqrt(mb) };
}

/** The nested-grid prediction of that slope: ln sqrt(1/L - 1/S) between the two depths. */
export function nestedEulerSlope(La: number, Lb: number, S: number): number {
  return (0.5 * Math.log(1 / Lb - 1 / S) - 0.5 * Math.log(1 / La - 1 / S)) / Math.log(Lb / La);
}
