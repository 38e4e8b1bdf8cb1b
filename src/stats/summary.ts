/**
 * Mergeable streaming summary of one scalar observable.
 *
 * Moments use the pairwise update of Chan, Golub & LeVeque (1983) extended to the 3rd and 4th central
 * moments (Pébay 2008), so summaries of disjoint chunks merge exactly in law and, when merged in a
 * fixed order, bit-identically. Non-finite values are counted by kind and kept out of the moments.
 */
import { statsWorkspace } from "./workspace.js";

export interface Summary {
  /** Every value pushed, finite or not. */
  count: number;
  /** Finite values (the moments below are over these). */
  n: number;
  nan: number;
  posInf: number;
  negInf: number;
  mean: number;
  /** Sum of squared deviations from the mean. */
  m2: number;
  m3: number;
  m4: number;
  min: number;
  max: number;
}

export function emptySummary(): Summary {
  return {
    count: 0,
    n: 0,
    nan: 0,
    posInf: 0,
    negInf: 0,
    mean: 0,
    m2: 0,
    m3: 0,
    m4: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
  };
}

/** Add one value (in place). */
export function push(s: Summary, x: number): Summary {
  s.count++;
  if (!Number.isFinite(x)) {
    if (Number.isNaN(x)) s.nan++;
    else if (x > 0) s.posInf++;
    else s.negInf++;
    return s;
  }
  const n1 = s.n;
  const n = n1 + 1;
  const delta = x - s.mean;
  const dn = delta / n;
  const dn2 = dn * dn;
  const term1 = delta * dn * n1;
  s.mean += dn;
  s.m4 += term1 * dn2 * (n * n - 3 * n + 3) + 6 * dn2 * s.m2 - 4 * dn * s.m3;
  s.m3 += term1 * dn * (n - 2) - 3 * dn * s.m2;
  s.m2 += term1;
  s.n = n;
  if (x < s.min) s.min = x;
  if (x > s.max) s.max = x;
  return s;
}

/**
 * The summary of values, pushed in order: in WebAssembly from 64 values up (assembly/summary.ts, push's
 * float operations in push's order: bit-identical, tested).
 */
export function summarize(values: ArrayLike<number>): Summary {
  const s = emptySummary();
  if (values.length < 64) {
    for (let i = 0; i < values.length; i++) push(s, values[i]);
    return s;
  }
  const w = statsWorkspace(values.length);
  w.data.a.set(values);
  const t = w.small.a;
  [t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10]] = [
    s.count,
    s.n,
    s.nan,
    s.posInf,
    s.negInf,
    s.mean,
    s.m2,
    s.m3,
    s.m4,
    s.min,
    s.max,
  ];
  w.k.summaryPush(w.data.ptr, values.length, w.small.ptr);
  return {
    count: t[0],
    n: t[1],
    nan: t[2],
    posInf: t[3],
    negInf: t[4],
    mean: t[5],
    m2: t[6],
    m3: t[7],
    m4: t[8],
    min: t[9],
    max: t[10],
  };
}

/** Combine two summaries of disjoint data (returns a new object). */
export function merge(a: Summary, b: Summary): Summary {
  const out = emptySummary();
  out.count = a.count + b.count;
  out.nan = a.nan + b.nan;
  out.posInf = a.posInf + b.posInf;
  out.negInf = a.negInf + b.negInf;
  out.min = Math.min(a.min, b.min);
  out.max = Math.max(a.max, b.max);
  const na = a.n;
  const nb = b.n;
  const n = na + nb;
  out.n = n;
  if (na === 0) return { ...b, count: out.count, nan: out.nan, posInf: out.posInf, negInf: out.negInf };
  if (nb === 0) return { ...a, count: out.count, nan: out.nan, posInf: out.posInf, negInf: out.negInf };
  const delta = b.mean - a.mean;
  const d2 = delta * delta;
  const d3 = d2 * delta;
  const d4 = d2 * d2;
  out.mean = a.mean + (delta * nb) / n;
  out.m2 = a.m2 + b.m2 + (d2 * na * nb) / n;
  out.m3 = a.m3 + b.m3 + (d3 * na * nb * (na - nb)) / (n * n) + (3 * delta * (na * b.m2 - nb * a.m2)) / n;
  out.m4 =
    a.m4 +
    b.m4 +
    (d4 * na * nb * (na * na - na * nb + nb * nb)) / (n * n * n) +
    (6 * d2 * (na * na * b.m2 + nb * nb * a.m2)) / (n * n) +
    (4 * delta * (na * b.m3 - nb * a.m3)) / n;
  return out;
}

export function mergeAll(parts: readonly Summary[]): Summary {
  let acc = emptySummary();
  for (const p of parts) acc = merge(acc, p);
  return acc;
}

/** Derived statistics with Monte Carlo standard errors. */
export interface SummaryStats {
  count: number;
  n: number;
  nonFinite: number;
  nan: number;
  posInf: number;
  negInf: number;
  mean: number;
  /** Unbiased sample variance. */
  variance: number;
  sd: number;
  /** Standard error of the mean: sd / sqrt(n). */
  seMean: number;
  /** Standard error of the variance, sqrt((m4 - var^2 (n-3)/(n-1)) / n) (normal-theory free). */
  seVariance: number;
  skewness: number;
  excessKurtosis: number;
  min: number;
  max: number;
}

export function stats(s: Summary): SummaryStats {
  const n = s.n;
  const variance = n > 1 ? s.m2 / (n - 1) : Number.NaN;
  const mu2 = n > 0 ? s.m2 / n : Number.NaN;
  const mu4 = n > 0 ? s.m4 / n : Number.NaN;
  const mu3 = n > 0 ? s.m3 / n : Number.NaN;
  const seVar =
    n > 3 ? Math.sqrt(Math.max(mu4 - (variance * variance * (n - 3)) / (n - 1), 0) / n) : Number.NaN;
  return {
    count: s.count,
    n,
    nonFinite: s.nan + s.posInf + s.negInf,
    nan: s.nan,
    posInf: s.posInf,
    negInf: s.negInf,
    mean: n > 0 ? s.mean : Number.NaN,
    variance,
    sd: Math.sqrt(variance),
    seMean: Math.sqrt(variance / n),
    seVariance: seVar,
    skewness: mu3 / mu2 ** 1.5,
    excessKurtosis: mu4 / (mu2 * mu2) - 3,
    min: s.min,
    max: s.max,
  };
}
