/** The experiment registry: every reference figure is one named experiment. */
import nicaLogGaussian from "./nica/log-gaussian.js";
import nicaUnequalWidths from "./nica/unequal-widths.js";
import nicaUniversality from "./nica/universality.js";
import nicaJacobian from "./nica/jacobian.js";
import nicaNtkFluctuations from "./nica/ntk-fluctuations.js";
import lnrResnetLogGaussian from "./lnr/resnet-log-gaussian.js";
import lnrDepthScaledBranches from "./lnr/depth-scaled-branches.js";
import lnrNtkDepthScaled from "./lnr/ntk-depth-scaled.js";
import hayouFig1Width1 from "./hayou/fig1-width1.js";
import hayouFig2Activation from "./hayou/fig2-activation.js";
import hayouFig3Ou from "./hayou/fig3-ou.js";
import hayouCollapse from "./hayou/collapse.js";
import hayouRegimeChange from "./hayou/regime-change.js";
import hayouFig8Gradients from "./hayou/fig8-gradients.js";
import hayouSequentialLimits from "./hayou/sequential-limits.js";
import hayouSdeLimit from "./hayou/sde-limit.js";
import hayouQuasiGbm from "./hayou/quasi-gbm.js";
import hayouFig7Correlation from "./hayou/fig7-correlation.js";
import hayouPropsLinear from "./hayou/props-linear.js";
import marionFig1Fig3Iid from "./marion/fig1-fig3-iid.js";
import marionFig2Histograms from "./marion/fig2-histograms.js";
import marionFig4Fig5Smooth from "./marion/fig4-fig5-smooth.js";
import marionFig6Fbm from "./marion/fig6-fbm.js";
import marionFig7Heatmap from "./marion/fig7-heatmap.js";
import marionTrainedWeights from "./marion/trained-weights.js";
import marionAccuracyHeatmap from "./marion/accuracy-heatmap.js";
import { buildExperiment, type ExperimentDeclaration, globMatcher } from "../runner/define.js";
export { estimateExperimentSeconds } from "../runner/define.js";
import type { Experiment } from "../runner/types.js";

export * from "../claims/index.js";
export * from "../runner/types.js";

/**
 * The experiments, in report order: each key is the declaring file's path under src/experiments (its
 * id; test/architecture.test.ts checks that they match).
 */
export const DECLARATIONS: Record<string, ExperimentDeclaration> = {
  "nica/log-gaussian": nicaLogGaussian,
  "nica/unequal-widths": nicaUnequalWidths,
  "nica/universality": nicaUniversality,
  "nica/jacobian": nicaJacobian,
  "nica/ntk-fluctuations": nicaNtkFluctuations,
  "lnr/resnet-log-gaussian": lnrResnetLogGaussian,
  "lnr/depth-scaled-branches": lnrDepthScaledBranches,
  "lnr/ntk-depth-scaled": lnrNtkDepthScaled,
  "hayou/fig1-width1": hayouFig1Width1,
  "hayou/fig2-activation": hayouFig2Activation,
  "hayou/fig3-ou": hayouFig3Ou,
  "hayou/collapse": hayouCollapse,
  "hayou/regime-change": hayouRegimeChange,
  "hayou/fig8-gradients": hayouFig8Gradients,
  "hayou/sequential-limits": hayouSequentialLimits,
  "hayou/sde-limit": hayouSdeLimit,
  "hayou/quasi-gbm": hayouQuasiGbm,
  "hayou/fig7-correlation": hayouFig7Correlation,
  "hayou/props-linear": hayouPropsLinear,
  "marion/fig1-fig3-iid": marionFig1Fig3Iid,
  "marion/fig2-histograms": marionFig2Histograms,
  "marion/fig4-fig5-smooth": marionFig4Fig5Smooth,
  "marion/fig6-fbm": marionFig6Fbm,
  "marion/fig7-heatmap": marionFig7Heatmap,
  "marion/trained-weights": marionTrainedWeights,
  "marion/accuracy-heatmap": marionAccuracyHeatmap,
};

export const EXPERIMENTS: Experiment[] = Object.entries(DECLARATIONS).map(([id, d]) =>
  buildExperiment(id, d),
);

export function findExperiment(id: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}

/**
 * Experiments whose id matches a glob (`*` any run of characters, `?` one character), or any of several
 * comma-separated globs (e.g. 'nica/*,hayou/*').
 */
export function selectExperiments(glob: string | undefined): Experiment[] {
  if (!glob) return EXPERIMENTS;
  const matchers = glob.split(",").map((g) => globMatcher(g.trim()));
  return EXPERIMENTS.filter((e) => matchers.some((m) => m(e.id)));
}
