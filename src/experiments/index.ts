/** The experiment registry: every reference figure is one named experiment. */
import { makePlan, estimateSeconds } from "../simulate.js";
import { hayouActivation, hayouGradients, hayouOu, hayouSequential } from "./hayou-limits.js";
import { hayouCorrelation, hayouQuasiGbm } from "./hayou-paths.js";
import { hayouCollapse, hayouRegimeChange, hayouWidth1 } from "./hayou-regime.js";
import { lnrDepthScaled } from "./lnr-depth-scaled.js";
import { marionHeatmap } from "./marion-heatmap.js";
import { marionHistograms, marionSmooth } from "./marion-regimes.js";
import { marionFbmPaths, marionIid } from "./marion-scaling.js";
import { marionAccuracyHeatmap, marionTrainedWeights } from "./marion-training.js";
import { lnrResnetLogGaussian } from "./lnr-resnet-log-gaussian.js";
import { nicaJacobian } from "./nica-jacobian.js";
import { nicaLogGaussian } from "./nica-log-gaussian.js";
import { nicaUnequalWidths } from "./nica-unequal-widths.js";
import { nicaUniversality } from "./nica-universality.js";
import type { Experiment, ExperimentOptions } from "./types.js";

export * from "./claims.js";
export * from "./types.js";

export const EXPERIMENTS: Experiment[] = [
  nicaLogGaussian,
  nicaUnequalWidths,
  nicaUniversality,
  nicaJacobian,
  lnrResnetLogGaussian,
  lnrDepthScaled,
  hayouWidth1,
  hayouActivation,
  hayouOu,
  hayouCollapse,
  hayouRegimeChange,
  hayouGradients,
  hayouSequential,
  hayouQuasiGbm,
  hayouCorrelation,
  marionIid,
  marionHistograms,
  marionSmooth,
  marionFbmPaths,
  marionHeatmap,
  marionTrainedWeights,
  marionAccuracyHeatmap,
];

export function findExperiment(id: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}

/** Experiments whose id matches a glob (`*` any run of characters, `?` one character). */
export function selectExperiments(glob: string | undefined): Experiment[] {
  if (!glob) return EXPERIMENTS;
  const re = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return EXPERIMENTS.filter((e) => re.test(e.id));
}

/** Estimated single-core seconds of the sampling an experiment will do. */
export function estimateExperimentSeconds(e: Experiment, opts: ExperimentOptions = {}): number {
  const sims = e.plan(opts).reduce((s, r) => s + estimateSeconds(makePlan(r.spec, r.options)), 0);
  return sims + (e.extraSeconds?.(opts) ?? 0);
}
