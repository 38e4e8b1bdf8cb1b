/**
 * Exact finite-(n, d) moments of G for the ReLU MLP (docs/theory/log-gaussian.md §1.3-1.4):
 *   G =d ln(chi2_{n_d} / n_d) + sum_{l<d} ln((gain/n_l) chi2_{B_l}),  B_l ~ Bin(n_l, 1/2).
 * Mean and variance are conditional on the network being alive (all B_l >= 1); P(alive) is given.
 */
import binomcoefln from "@stdlib/math-base-special-binomcoefln";
import digamma from "@stdlib/math-base-special-digamma";
import gammaln from "@stdlib/math-base-special-gammaln";
import trigamma from "@stdlib/math-base-special-trigamma";

const LN2 = Math.LN2;

/** log P(B = j) for B ~ Bin(n, 1/2). */
export function logBinomHalf(n: number, j: number): number {
  return binomcoefln(n, j) - n * LN2;
}

/** E and Var of ln(chi2_B) with B ~ Bin(n, 1/2) conditioned on B >= 1. */
function reluLayerLogChi2(n: number): { mean: number; variance: number } {
  const logAlive = Math.log1p(-(2 ** -n));
  let e = 0;
  let e2 = 0;
  let et = 0;
  for (let j = 1; j <= n; j++) {
    const w = Math.exp(logBinomHalf(n, j) - logAlive);
    if (w === 0) continue;
    const psi = digamma(j / 2);
    e += w * psi;
    e2 += w * psi * psi;
    et += w * trigamma(j / 2);
  }
  // E ln chi2_j = psi(j/2) + ln 2; Var ln chi2_j = psi'(j/2); total variance adds Var_B psi(B/2).
  return { mean: e + LN2, variance: et + (e2 - e * e) };
}

export interface GMoments {
  /** E[G | alive]. */
  mean: number;
  /** Var[G | alive]. */
  variance: number;
  /** P(the network is alive) = prod_l (1 - 2^-n_l). */
  pAlive: number;
}

/** Exact E[G], Var[G] (given alive) for widths n_0..n_d and hidden-layer gain (2 = He). */
export function exactGMoments(widths: readonly number[], gain = 2): GMoments {
  const d = widths.length - 1;
  const nd = widths[d];
  let mean = digamma(nd / 2) + LN2 - Math.log(nd);
  let variance = trigamma(nd / 2);
  let logAlive = 0;
  const cache = new Map<number, { mean: number; variance: number }>();
  for (let l = 0; l < d; l++) {
    const n = widths[l];
    let m = cache.get(n);
    if (!m) {
      m = reluLayerLogChi2(n);
      cache.set(n, m);
    }
    mean += m.mean + Math.log(gain / n);
    variance += m.variance;
    logAlive += Math.log1p(-(2 ** -n));
  }
  return { mean, variance, pAlive: Math.exp(logAlive) };
}

/**
 * E[e^{sG}] for s > 0 (dead networks contribute 0):
 *   [(2/n_d)^s Gamma(n_d/2 + s)/Gamma(n_d/2)] prod_l E_B[(2 gain/n_l)^s Gamma(B/2 + s)/Gamma(B/2)].
 * E[e^G] = 1 exactly for gain 2; E[e^{2G}] = (1 + 2/n)(1 + 5/n)^d for equal widths.
 */
export function expMomentG(widths: readonly number[], s: number, gain = 2): number {
  if (!(s > 0))
    throw new RangeError(`expMomentG needs s > 0 (got ${s}); for s <= 0 dead networks make it infinite`);
  const d = widths.length - 1;
  const nd = widths[d];
  let logM = s * Math.log(2 / nd) + gammaln(nd / 2 + s) - gammaln(nd / 2);
  for (let l = 0; l < d; l++) {
    const n = widths[l];
    let acc = 0;
    for (let j = 1; j <= n; j++) {
      acc += Math.exp(
        logBinomHalf(n, j) + s * Math.log((2 * gain) / n) + gammaln(j / 2 + s) - gammaln(j / 2),
      );
    }
    logM += Math.log(acc);
  }
  return Math.exp(logM);
}
