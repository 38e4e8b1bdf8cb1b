/**
 * The NTK of a ReLU MLP with Gaussian weights at finite depth and width (docs/theory/ntk.md).
 *
 * Exact moments (§3). The diagonal K = K(x, x) has the product representation of §2:
 *   K = sum_{l=0}^{d} omega_l s_l^2 B_l + omega_out s_d^2 T / n_d,
 * with s_l^2 = c prod_{i<l} (g/n_i) P_i the forward scale, B_l the backward norm, and per hidden layer
 * i < d three variables of one m_i ~ Bin(n_i, 1/2): P_i ~ chi2_{m_i}, X_i ~ chi2_{m_i - 1} and
 * I_i = 1{m_i >= 1}. Expanding B_l, K is a sum of words over the automaton
 *   A (forward prefix, factor (g/n) P)  -> B (backward chain, factor (g/n) X)  -> C (after the output
 *   factor f^2 / N_j was taken at layer j: factor (g/n) I there, then (g/n) P),
 * each word ending in a top factor from the readout. Every factor of one word is a function of one
 * layer's (m, P, X) or of the readout, all independent, so E[K] and E[K^2] are sums over one word or
 * a pair of words of products of per-layer moments: a 3-state (mean) and 9-state (second moment)
 * transfer recursion, O(d), exact for every widths list, gain and group weights omega.
 */

export interface NtkMomentsOptions {
  /** Weight of each group's contribution: layers 0..d, then the readout (default all 1: the NTK). */
  weights?: readonly number[];
}

export interface NtkMoments {
  mean: number;
  /** E[K^2]. */
  second: number;
  variance: number;
  /** E[K^2] / E[K]^2. */
  ratio: number;
}

/** Joint moments of one hidden layer's (P, X, I) for m ~ Bin(n, 1/2) (kinds 0 = P, 1 = X, 2 = I). */
function layerMoments(n: number): { m1: number[]; m2: number[][] } {
  const q = 2 ** -n; // P(m = 0): the network is dead
  const eP = n / 2;
  const eX = n / 2 - 1 + q;
  const eI = 1 - q;
  const m2 = (n * n) / 4 + n / 4; // E[m^2]
  const PP = m2 + n; // E[m^2 + 2m]
  const XX = m2 - 1 + q; // E[(m^2 - 1) 1{m >= 1}]
  const PX = m2 - n / 2; // E[m (m - 1)]
  return {
    m1: [eP, eX, eI],
    m2: [
      [PP, PX, eP],
      [PX, XX, eX],
      [eP, eX, eI],
    ],
  };
}

// Transitions of one layer: [from, to, kind, takes omega_i (the word leaves the prefix here)].
const A = 0;
const B = 1;
const C = 2;
const TRANSITIONS: [number, number, number, boolean][] = [
  [A, A, 0, false],
  [A, B, 1, true],
  [A, C, 2, true],
  [B, B, 1, false],
  [B, C, 2, false],
  [C, C, 0, false],
];

/**
 * Exact E[K] and E[K^2] of the NTK diagonal of a ReLU MLP with iid N(0, 1) weights: hidden widths
 * n_0..n_d (`widths`), z^l = sqrt(gain / n_{l-1}) W^l relu(z^{l-1}), c = ||x||^2 / n_in, readout
 * f = W^out_1 z^d / sqrt(n_d) (docs/theory/ntk.md §3).
 */
export function reluNtkMoments(
  widths: readonly number[],
  gain: number,
  c: number,
  opts: NtkMomentsOptions = {},
): NtkMoments {
  const d = widths.length - 1;
  const w = opts.weights ?? new Array(d + 2).fill(1);
  if (w.length !== d + 2) throw new RangeError(`weights must have d + 2 = ${d + 2} entries`);
  let v = [c, 0, 0];
  let V = [c * c, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < d; i++) {
    const f = gain / widths[i];
    const { m1, m2 } = layerMoments(widths[i]);
    const nv = [0, 0, 0];
    for (const [p, q, kind, om] of TRANSITIONS) nv[q] += v[p] * (om ? w[i] : 1) * f * m1[kind];
    const nV = new Array(9).fill(0);
    for (const [p1, q1, k1, o1] of TRANSITIONS) {
      for (const [p2, q2, k2, o2] of TRANSITIONS) {
        const from = V[p1 * 3 + p2];
        if (from === 0) continue;
        nV[q1 * 3 + q2] += from * (o1 ? w[i] : 1) * (o2 ? w[i] : 1) * f * f * m2[k1][k2];
      }
    }
    v = nv;
    V = nV;
  }
  // Readout: B_d = (eta^2 + chi2_{n-1}) / n, T' = chi2_n / n, E' = eta^2 T'; top_A = w_d B_d + w_out T'.
  const n = widths[d];
  const e = 1 + 2 / n;
  const wd = w[d];
  const wo = w[d + 1];
  const top1 = [wd + wo, 1, 1];
  const AA = wd * wd * e + 2 * wd * wo + wo * wo * e;
  const AB = wd * e + wo;
  const AC = (wd + wo) * e;
  const top2 = [
    [AA, AB, AC],
    [AB, e, e],
    [AC, e, 3 * e],
  ];
  let mean = 0;
  for (let s = 0; s < 3; s++) mean += v[s] * top1[s];
  let second = 0;
  for (let s = 0; s < 3; s++) for (let t = 0; t < 3; t++) second += V[s * 3 + t] * top2[s][t];
  return { mean, second, variance: second - mean * mean, ratio: second / (mean * mean) };
}

/** Exact E[K_l] of each group (layers 0..d, then the readout). */
export function reluNtkGroupMeans(widths: readonly number[], gain: number, c: number): number[] {
  const d = widths.length - 1;
  return Array.from({ length: d + 2 }, (_, g) => {
    const weights = new Array(d + 2).fill(0);
    weights[g] = 1;
    return reluNtkMoments(widths, gain, c, { weights }).mean;
  });
}

/** Hanin & Nica's beta = sum of 1/n_l over the ReLU layers (l < d here), and exp(5 beta). */
export function hnBeta(widths: readonly number[]): number {
  let b = 0;
  for (let l = 0; l < widths.length - 1; l++) b += 1 / widths[l];
  return b;
}

/**
 * The infinite-width NTK of the ReLU MLP (Jacot et al.; arc-cosine kernels of Cho & Saul) for two
 * inputs with Gram entries q1 = ||x||^2/n_in, q2 = ||x'||^2/n_in, q12 = <x, x'>/n_in and d hidden ReLU
 * layers: Theta = Theta^d + Sigma^d (the readout reads z^d, docs/theory/ntk.md §4).
 */
export function reluNtkLimit(q1: number, q2: number, q12: number, depth: number, gain: number): number {
  let s1 = q1;
  let s2 = q2;
  let s12 = q12;
  let theta = q12;
  for (let l = 1; l <= depth; l++) {
    const norm = Math.sqrt(s1 * s2);
    const rho = norm > 0 ? Math.max(-1, Math.min(1, s12 / norm)) : 0;
    const t = Math.acos(rho);
    const dotSigma = (gain * (Math.PI - t)) / (2 * Math.PI);
    s12 = ((gain * norm) / (2 * Math.PI)) * (Math.sin(t) + (Math.PI - t) * Math.cos(t));
    s1 *= gain / 2;
    s2 *= gain / 2;
    theta = s12 + dotSigma * theta;
  }
  return theta + s12;
}

/**
 * The infinite-width NTK diagonal of the ReLU ResNet z^l = alpha z^{l-1} + lambda sqrt(g/n) W^l relu(z^{l-1})
 * with Gaussian weights: with r = alpha^2 + lambda^2 g / 2, Theta = c r^d (2 + d lambda^2 g / (2 r))
 * (docs/theory/ntk.md §5); bounded in d when lambda^2 = k/d and alpha^2 = 1 - lambda^2.
 */
export function reluResNetNtkLimit(c: number, depth: number, alpha: number, lambda: number, gain: number) {
  const r = alpha * alpha + (lambda * lambda * gain) / 2;
  return c * r ** depth * (2 + (depth * lambda * lambda * gain) / (2 * r));
}

/**
 * The infinite-width NTK diagonal of Hayou's ReLU ResNet Y_l = Y_{l-1} + L^{-1/2} sqrt(g/n) W_l relu(Y_{l-1})
 * for f = sum(Y_L) / sqrt(n): with r = 1 + g / (2L), Theta = q0 r^{L-1} (r + g / 2), q0 = ||x||^2 / n_in
 * (docs/theory/ntk.md §5); q0 e^{g/2} (1 + g/2) as L -> infinity.
 */
export function hayouNtkLimit(q0: number, depth: number, gain: number): number {
  if (depth === 0) return q0;
  const r = 1 + gain / (2 * depth);
  return q0 * r ** (depth - 1) * (r + gain / 2);
}
