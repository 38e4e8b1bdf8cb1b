/**
 * Densities of Y = ln ||z^out||^2 for the ReLU MLP (docs/theory/log-gaussian.md §1.5), Y = ln c + G + ln chi2_k,
 * c = ||x||^2 / n_in, k = n_out:
 *   blue  - infinite width (G = 0): ln of c chi2_k;
 *   red   - log-Gaussian (Theorem 2): G ~ N(mean, variance), by default (-beta/2, beta);
 *   exact - finite (n, d): inversion of the characteristic function (Mellin transform of chi2 laws).
 */
import gammaln from "@stdlib/math-base-special-gammaln";
import { lgammaComplex, logSumExpComplex } from "../special/complex.js";
import { logBinomHalf } from "./moments.js";

/** Density of ln(c chi2_k) at each y: exp((k/2)(y - ln c) - e^{y - ln c}/2) / (2^{k/2} Gamma(k/2)). */
export function blueDensity(y: ArrayLike<number>, k: number, logC = 0): Float64Array {
  const norm = (k / 2) * Math.LN2 + gammaln(k / 2);
  return Float64Array.from(y as ArrayLike<number>, (v) => {
    const u = v - logC;
    return Math.exp((k / 2) * u - Math.exp(u) / 2 - norm);
  });
}

/**
 * Density of ln c + N(mean, variance) + ln chi2_k: the blue density convolved with a Gaussian,
 * integrated by the trapezoid rule over mean +- 12 sd (801 nodes; the integrand is smooth and
 * decays like a Gaussian, so the rule converges geometrically).
 */
export function redDensity(
  y: ArrayLike<number>,
  k: number,
  logC: number,
  mean: number,
  variance: number,
): Float64Array {
  if (!(variance > 0))
    return blueDensity(
      Float64Array.from(y as ArrayLike<number>, (v) => v - mean),
      k,
      logC,
    );
  const sd = Math.sqrt(variance);
  const nodes = 801;
  const h = (24 * sd) / (nodes - 1);
  const g = new Float64Array(nodes);
  const w = new Float64Array(nodes);
  for (let i = 0; i < nodes; i++) {
    const u = -12 + (24 * i) / (nodes - 1);
    g[i] = mean + u * sd;
    w[i] =
      ((i === 0 || i === nodes - 1 ? 0.5 : 1) * h * Math.exp(-0.5 * u * u)) / (sd * Math.sqrt(2 * Math.PI));
  }
  const norm = (k / 2) * Math.LN2 + gammaln(k / 2);
  return Float64Array.from(y as ArrayLike<number>, (v) => {
    let s = 0;
    for (let i = 0; i < nodes; i++) {
      const u = v - g[i] - logC;
      s += w[i] * Math.exp((k / 2) * u - Math.exp(u) / 2 - norm);
    }
    return s;
  });
}

export interface ExactSetting {
  /** Widths n_0..n_d. */
  widths: readonly number[];
  /** k = n_out. */
  nOut: number;
  /** ln c = ln(||x||^2 / n_in). */
  logC?: number;
  /** Hidden-layer gain (2 = He). */
  gain?: number;
  /** false: the density of G itself (no ln c, no output layer); default true: of ln ||z_out||^2. */
  output?: boolean;
}

export interface ExactDensityOptions {
  /** Step of the frequency grid (default min(0.004, 2 pi / (4 span))). */
  dt?: number;
  /** Largest frequency (default: where |phi(t)| < 1e-15, at most 400). */
  tMax?: number;
}

/** log of the characteristic function of Y at frequency t > 0. */
function makeLogCf(s: ExactSetting): (t: number) => { re: number; im: number } {
  const k = s.nOut;
  const widths = s.widths;
  const d = widths.length - 1;
  const nd = widths[d];
  const gain = s.gain ?? 2;
  const logC = s.logC ?? 0;
  const withOutput = s.output !== false;
  const counts = new Map<number, number>();
  for (let l = 0; l < d; l++) counts.set(widths[l], (counts.get(widths[l]) ?? 0) + 1);
  const layers = [...counts.entries()].map(([n, count]) => {
    const logW = Float64Array.from({ length: n + 1 }, (_, j) => logBinomHalf(n, j));
    const lgReal = Float64Array.from({ length: n + 1 }, (_, j) => (j === 0 ? 0 : gammaln(j / 2)));
    return {
      n,
      count,
      logW,
      lgReal,
      re: new Float64Array(n),
      im: new Float64Array(n),
      scale: Math.log((2 * gain) / n),
    };
  });
  const lgK = gammaln(k / 2);
  const lgNd = gammaln(nd / 2);
  return (t: number) => {
    // ln c, chi2_k and chi2_{n_d}/n_d factors: E[(2 chi2_k/2)^{it}] = 2^{it} Gamma(k/2 + it)/Gamma(k/2).
    const b = lgammaComplex(nd / 2, t);
    let re = b.re - lgNd;
    let im = t * (Math.LN2 + Math.log(1 / nd)) + b.im;
    if (withOutput) {
      const a = lgammaComplex(k / 2, t);
      re += a.re - lgK;
      im += t * (logC + Math.LN2) + a.im;
    }
    for (const L of layers) {
      // Gamma(j/2 + it) by the recurrence Gamma(z + 1) = z Gamma(z), from j = 1 and j = 2.
      let g1 = lgammaComplex(0.5, t);
      let g2 = lgammaComplex(1, t);
      for (let j = 1; j <= L.n; j++) {
        const g = j % 2 === 1 ? g1 : g2;
        L.re[j - 1] = L.logW[j] + g.re - L.lgReal[j];
        L.im[j - 1] = g.im + t * L.scale;
        // advance: lnGamma(j/2 + 1 + it) = lnGamma(j/2 + it) + ln(j/2 + it)
        const x = j / 2;
        const next = { re: g.re + 0.5 * Math.log(x * x + t * t), im: g.im + Math.atan2(t, x) };
        if (j % 2 === 1) g1 = next;
        else g2 = next;
      }
      const br = logSumExpComplex(L.re, L.im, L.n);
      re += L.count * br.re;
      im += L.count * br.im;
    }
    return { re, im };
  };
}

/** Total mass of the exact density: P(alive) = prod_l (1 - 2^-n_l); the rest is the atom at -inf. */
export function exactMass(widths: readonly number[]): number {
  let m = 1;
  for (let l = 0; l < widths.length - 1; l++) m *= 1 - 2 ** -widths[l];
  return m;
}

/**
 * Exact density of Y on the grid y, f(y) = (1/pi) int_0^inf Re[e^{-ity} phi_Y(t)] dt (trapezoid).
 * Integrates to exactMass(widths).
 */
export function exactDensity(
  y: ArrayLike<number>,
  s: ExactSetting,
  opts: ExactDensityOptions = {},
): Float64Array {
  const logCf = makeLogCf(s);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < y.length; i++) {
    lo = Math.min(lo, y[i]);
    hi = Math.max(hi, y[i]);
  }
  const span = Math.max(hi - lo, 50);
  const dt = opts.dt ?? Math.min(0.004, (2 * Math.PI) / (4 * span));
  // Tabulate phi(t) until it is negligible.
  const cfRe: number[] = [exactMass(s.widths)];
  const cfIm: number[] = [0];
  const tMax = opts.tMax ?? 400;
  for (let m = 1; m * dt <= tMax; m++) {
    const l = logCf(m * dt);
    const mod = Math.exp(l.re);
    cfRe.push(mod * Math.cos(l.im));
    cfIm.push(mod * Math.sin(l.im));
    if (opts.tMax === undefined && l.re < -36) break; // |phi| < 2e-16
  }
  const M = cfRe.length;
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    // e^{-i t_m y} by rotation, renormalised every 256 steps.
    const cr = Math.cos(dt * y[i]);
    const ci = -Math.sin(dt * y[i]);
    let pr = 1;
    let pi = 0;
    let acc = 0.5 * cfRe[0];
    for (let m = 1; m < M; m++) {
      const t = pr * cr - pi * ci;
      pi = pr * ci + pi * cr;
      pr = t;
      if ((m & 255) === 0) {
        const r = Math.hypot(pr, pi);
        pr /= r;
        pi /= r;
      }
      acc += pr * cfRe[m] - pi * cfIm[m];
    }
    out[i] = Math.max(0, (acc * dt) / Math.PI);
  }
  return out;
}
