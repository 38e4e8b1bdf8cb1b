export { cumulativeTrapezoid, gridCdfFunction } from "./gridcdf.js";
export * from "./histogram.js";
export { DEFAULT_PROBS, quantiles } from "./quantile.js";
export { type KsResult, kolmogorovQ, ksOneSample, ksOneSampleDiscrete, ksTwoSample } from "./ks.js";
export * from "./summary.js";
export { w1ToGridCdf, w1TwoSample } from "./wasserstein.js";
export { type MomentRatio, momentRatio, pairedMoments } from "./moment-ratio.js";
