/**
 * Theory of Hayou's infinite-depth limit (docs/theory/infinite-depth.md). All formulas are the sheet's
 * reconstructions, each tested here against simulation of the finite network.
 */
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import { Rng } from "../../rng/rng.js";
import { erfi, erfiInv } from "../special/erfi.js";

/**
 * Mean logarithmic growth factor of ||phi(X_t)|| per unit time for ReLU at width n (Thm 1):
 * A(n) = E[(N_0 - 2)/(2n) | N_0 >= 1] = 2^{n-2}/(2^n - 1) - 1/n. A(n) < 0 for n <= 3 and > 0 for
 * n >= 4 (the regime change), A(n) -> 1/4. Exact for the drift at t = 0; E[G_1] is 0.001-0.003 lower
 * because E[N_t] drifts slowly (docs/theory/infinite-depth.md §3).
 */
export function meanLogGrowthFactor(n: number): number {
  return 2 ** (n - 2) / (2 ** n - 1) - 1 / n;
}

/** Identity activation (Prop. 9): ||X_t|| = ||X_0|| exp(((n - 2)/(2n)) t + W_t / sqrt(n)). */
export function identityLogGrowth(n: number, t = 1): { mean: number; variance: number } {
  return { mean: ((n - 2) / (2 * n)) * t, variance: t / n };
}

/** Width 1, linear phi(x) = alpha x (Prop. 2): log|X_t| | X_0 ~ N(log|X_0| - alpha^2 t/2, alpha^2 t). */
export function width1LinearLogLaw(alpha: number, t = 1): { mean: number; variance: number } {
  return { mean: -(alpha * alpha * t) / 2, variance: alpha * alpha * t };
}

/** Width 1, ReLU (Prop. 3): given X_0 > 0, log X_t - log X_0 ~ N(-t/2, t); X_0 <= 0 stays constant. */
export function width1ReluLogLaw(t = 1): { mean: number; variance: number } {
  return { mean: -t / 2, variance: t };
}

/**
 * Width 1, ReLU, finite depth L, gain 1: the exact mean and variance of log(Y_L / Y_0) given survival.
 * Each block multiplies Y by 1 + w/sqrt(L), w ~ N(0, 1), and survives when w > -sqrt(L); given survival
 * the w's are iid truncated normals, so log(Y_L/Y_0) is a sum of L iid terms log(1 + w/sqrt(L)). Their
 * moments are integrals over u = w + sqrt(L) > 0 of log(u / sqrt L)^k phi(u - sqrt L), computed with
 * u = t^4 (which tames the log singularity at 0) and Simpson's rule. Tends to N(-1/2, 1) as L grows
 * (Prop. 3), with an O(1/L) error: e.g. mean -0.5x and variance 1.x at L = 5 (docs/theory/hayou.md).
 */
export function width1FiniteDepthLogMoments(L: number, steps = 20000): { mean: number; variance: number } {
  const s = Math.sqrt(L);
  // u = t^4: the integrand 4 t^3 log(t^4 / s) phi(t^4 - s) is smooth enough at t = 0 for Simpson.
  const tMax = (s + 12) ** 0.25;
  const h = tMax / steps;
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i <= steps; i++) {
    const t = i * h;
    const wgt = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    const u = t ** 4;
    const dens = (4 * t ** 3 * Math.exp(-0.5 * (u - s) ** 2)) / Math.sqrt(2 * Math.PI);
    const lg = t === 0 ? 0 : Math.log(u / s);
    m0 += wgt * dens;
    m1 += wgt * dens * lg;
    m2 += wgt * dens * lg * lg;
  }
  // Simpson's factor h/3 cancels in the ratios.
  const mean = m1 / m0;
  const variance = m2 / m0 - mean * mean;
  return { mean: L * mean, variance: L * variance };
}

/**
 * Width 1, linear phi(x) = a x, finite depth L: the exact mean and variance of log|Y_L / Y_0|, a sum of L
 * iid terms log|1 + a w / sqrt(L)|, w ~ N(0, 1) (Simpson on |w| <= 12; the log's singularity at
 * w = -sqrt(L)/a lies beyond it when sqrt(L)/|a| > 13, where its mass is below 10^-37). Tends to Prop. 2's
 * N(-a^2/2, a^2) with an O(1/L) error.
 */
export function width1LinearFiniteDepthLogMoments(
  a: number,
  L: number,
  steps = 20000,
): { mean: number; variance: number } {
  const s = Math.sqrt(L);
  if (!(s / Math.abs(a) > 13))
    throw new RangeError("width1LinearFiniteDepthLogMoments needs sqrt(L)/|a| > 13");
  const h = 24 / steps;
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i <= steps; i++) {
    const w = -12 + i * h;
    const wgt = (i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2) * Math.exp(-0.5 * w * w);
    const lg = Math.log1p((a * w) / s);
    m0 += wgt;
    m1 += wgt * lg;
    m2 += wgt * lg * lg;
  }
  const mean = m1 / m0;
  return { mean: L * mean, variance: L * (m2 / m0 - mean * mean) };
}

/**
 * Width 1, ReLU, depth L, gain 1: P(the network collapses by depth L | Y_0 > 0) = 1 - Phi(sqrt L)^L
 * exactly (each block multiplies Y by 1 + w/sqrt(L), w ~ N(0, 1), and dies when w <= -sqrt(L)).
 */
export function width1CollapseProbability(L: number): number {
  return -Math.expm1(L * Math.log(normalCdf(Math.sqrt(L), 0, 1)));
}

/**
 * ReLU at width n, L = 1 (docs/theory/infinite-depth.md §3, Fig. 4): P(phi(Y_1) = 0 | phi(Y_0) != 0).
 * Given Y_0 the block's coordinates Y_1^i = Y_0^i + (W phi(Y_0))_i are independent N(Y_0^i,
 * ||phi(Y_0)||^2 / n), so collapse has probability prod_i Phi(-sqrt(n) Y_0^i / ||phi(Y_0)||), a
 * scale-free function of Y_0 ~ N(0, I_n); its mean over Y_0 with phi(Y_0) != 0 is estimated from
 * `draws` draws (Rao-Blackwellised: the average of the conditional probability, a fixed stream), with
 * its numerical standard error. n = 1: exactly Phi(-1) (se 0).
 */
export function collapseFirstBlock(n: number, draws = 2 ** 17): { p: number; se: number } {
  if (n === 1) return { p: normalCdf(-1, 0, 1), se: 0 };
  const rng = new Rng(7, n, 0x636f6c6c); // "coll"
  const y = new Float64Array(n);
  const sn = Math.sqrt(n);
  let m = 0;
  let s1 = 0;
  let s2 = 0;
  for (let t = 0; t < draws; t++) {
    let r2 = 0;
    for (let i = 0; i < n; i++) {
      y[i] = rng.normal();
      if (y[i] > 0) r2 += y[i] * y[i];
    }
    if (r2 === 0) continue;
    const r = Math.sqrt(r2);
    let f = 1;
    for (let i = 0; i < n; i++) f *= normalCdf((-sn * y[i]) / r, 0, 1);
    m++;
    s1 += f;
    s2 += f * f;
  }
  const p = s1 / m;
  return { p, se: Math.sqrt(Math.max(s2 / m - p * p, 0) / m) };
}

/** The exotic activation's OU rate (Prop. 4): theta = pi alpha^2 beta^2 / 4. */
export function ouTheta(alpha: number, beta: number): number {
  return (Math.PI * alpha * alpha * beta * beta) / 4;
}

/** g(x) = erfi^-1(beta x), the map that turns X into the OU process Z (Prop. 4). */
export function ouMap(beta: number, x: number): number {
  return erfiInv(beta * x);
}

/** Z_t | X_0 ~ N(g(X_0) e^{-theta t}, (1 - e^{-2 theta t})/2) (Prop. 4). */
export function ouLaw(alpha: number, beta: number, x0: number, t = 1): { mean: number; variance: number } {
  const th = ouTheta(alpha, beta);
  return { mean: ouMap(beta, x0) * Math.exp(-th * t), variance: -Math.expm1(-2 * th * t) / 2 };
}

/** Density of X_t = erfi(Z_t)/beta (Prop. 4): p_Z(erfi^-1(beta x)) beta (sqrt(pi)/2) exp(erfi^-1(beta x)^2). */
export function ouXDensity(alpha: number, beta: number, x0: number, x: number, t = 1): number {
  const { mean, variance } = ouLaw(alpha, beta, x0, t);
  const z = erfiInv(beta * x);
  const pz = Math.exp(-((z - mean) ** 2) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance);
  // dz/dx = beta / erfi'(z) = beta (sqrt(pi)/2) e^{-z^2}
  return pz * beta * (Math.sqrt(Math.PI) / 2) * Math.exp(-z * z);
}

/** X_t from Z_t: erfi(z)/beta. */
export function ouInverseMap(beta: number, z: number): number {
  return erfi(z) / beta;
}

/**
 * Sequential limits (Thms 2, 3), ReLU, gain 1: Y^i_{tL} -> N(0, q_0 e^{t/2}) with q_0 = ||x||^2/d, and
 * log(||phi(Y_{tL})|| / ||phi(Y_0)||) -> t/4.
 */
export function sequentialLimit(q0: number, t = 1): { preactVariance: number; logGrowth: number } {
  return { preactVariance: q0 * Math.exp(t / 2), logGrowth: t / 4 };
}

/**
 * E[rho_0^2] for the two-slope activation (Prop. 10, docs/theory/infinite-depth.md §5): rho^2 = sum c_i^4 X_i^2 / sum c_i^2 X_i^2,
 * c_i in {alpha, beta} by the sign of X_i ~ N(0, 1) iid, computed from 1/D = int_0^inf e^{-sD} ds:
 *   E[rho^2] = n int_0^inf E_a[a^2 (1 + 2sa)^{-3/2}] (E_a[(1 + 2sa)^{-1/2}])^{n-1} ds,  a in {alpha^2, beta^2} w.p. 1/2.
 * Integrated in v = ln s by the trapezoid rule.
 */
export function twoSlopeRhoSquared(n: number, alpha: number, beta: number): number {
  const A = [alpha * alpha, beta * beta];
  const f = (s: number) => {
    let e1 = 0;
    let e0 = 0;
    for (const a of A) {
      e1 += 0.5 * a * a * (1 + 2 * s * a) ** -1.5;
      e0 += 0.5 * (1 + 2 * s * a) ** -0.5;
    }
    return n * e1 * e0 ** (n - 1);
  };
  const lo = -40;
  const hi = 80;
  const steps = 24000;
  const h = (hi - lo) / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const v = lo + i * h;
    const s = Math.exp(v);
    sum += (i === 0 || i === steps ? 0.5 : 1) * f(s) * s;
  }
  return sum * h;
}

/**
 * Mean log drift of ||phi(X_t)|| at t = 0 for phi(x) = alpha x (x > 0), beta x (x <= 0) with alpha beta != 0
 * (Prop. 10): E[sum c_i^2 - 2 rho^2] / (2n) with E[sum c_i^2] = n (alpha^2 + beta^2)/2. For beta = 0
 * (ReLU) use meanLogGrowthFactor, which conditions on phi(X_0) != 0. n = 1, alpha = 1: -(1 + beta^2)/4.
 */
export function twoSlopeMeanLogDrift(n: number, alpha: number, beta: number): number {
  if (alpha === 0 || beta === 0)
    throw new RangeError("twoSlopeMeanLogDrift needs alpha beta != 0 (use meanLogGrowthFactor for ReLU)");
  return ((n * (alpha * alpha + beta * beta)) / 2 - 2 * twoSlopeRhoSquared(n, alpha, beta)) / (2 * n);
}

/** ReLU arc-cosine kernel: E[relu(u) relu(v)] / sqrt(q_a q_b) for correlation rho. */
export function reluCorrelationKernel(rho: number): number {
  const r = Math.max(-1, Math.min(1, rho));
  return (Math.sqrt(1 - r * r) + (Math.PI - Math.acos(r)) * r) / (2 * Math.PI);
}

/**
 * Infinite-width correlation of two inputs under 1/sqrt(L) branches (ReLU, gain 1): with q^{aa} growing
 * like e^{t/2}, rho_t solves d rho/dt = kappa(rho) - rho/2 (kappa the arc-cosine kernel); RK4 in t.
 * From rho_0 = cos(1) = 0.540 it reaches 0.585 at t = 1 (docs/theory/infinite-depth.md §8).
 */
export function infiniteWidthCorrelation(rho0: number, t = 1, steps = 1000): number {
  const f = (r: number) => reluCorrelationKernel(r) - r / 2;
  const h = t / steps;
  let r = rho0;
  for (let i = 0; i < steps; i++) {
    const k1 = f(r);
    const k2 = f(r + (h / 2) * k1);
    const k3 = f(r + (h / 2) * k2);
    const k4 = f(r + h * k3);
    r += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return r;
}
