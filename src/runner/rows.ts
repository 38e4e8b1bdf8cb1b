/** Helpers shared by experiment files. */
import { histDensity, histogramOf } from "../stats/histogram.js";
import type { SummaryStats } from "../stats/summary.js";
import type { HistogramRow } from "../report/charts.js";

/** Density histogram rows over [lo, hi) (finite values only). */
export function histogramRows(
  panel: string,
  series: string,
  values: ArrayLike<number>,
  lo: number,
  hi: number,
  bins: number,
): HistogramRow[] {
  const h = histDensity(histogramOf(values, lo, hi, bins));
  return h.x.map((x, i) => ({
    panel,
    series,
    x0: x - h.width / 2,
    x1: x + h.width / 2,
    density: h.density[i],
  }));
}

/** Rows of a density f evaluated at the centres of `bins` bins of [lo, hi) (a curve drawn as bars). */
export function densityRows(
  panel: string,
  series: string,
  lo: number,
  hi: number,
  bins: number,
  f: (x: number) => number,
): HistogramRow[] {
  const w = (hi - lo) / bins;
  return Array.from({ length: bins }, (_, j) => lo + (j + 0.5) * w).map((x) => ({
    panel,
    series,
    x0: x - w / 2,
    x1: x + w / 2,
    density: f(x),
  }));
}

/** The N(m, v) density function. */
export const normalPdf = (m: number, v: number) => (x: number) =>
  Math.exp(-((x - m) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v);

/** Range covering the central mass of several samples (finite values), padded by 5%. */
export function commonRange(samples: ArrayLike<number>[], q = 0.001): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of samples) {
    const s = Float64Array.from(x as ArrayLike<number>)
      .filter(Number.isFinite)
      .sort();
    lo = Math.min(lo, s[Math.floor(q * (s.length - 1))]);
    hi = Math.max(hi, s[Math.ceil((1 - q) * (s.length - 1))]);
  }
  const pad = 0.05 * (hi - lo);
  return [lo - pad, hi + pad];
}

/** An estimate row: a value and its +-2 SE interval. */
const estimateRow = (panel: string, config: string, series: string, value: number, se: number) => ({
  panel,
  config,
  series,
  value,
  lo: value - 2 * se,
  hi: value + 2 * se,
});

export const meanRow = (panel: string, config: string, series: string, s: SummaryStats) =>
  estimateRow(panel, config, series, s.mean, s.seMean);

export const varianceRow = (panel: string, config: string, series: string, s: SummaryStats) =>
  estimateRow(panel, config, series, s.variance, s.seVariance);
