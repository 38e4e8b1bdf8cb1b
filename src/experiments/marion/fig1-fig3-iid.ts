/**
 * Marion et al. (JMLR 2025, arXiv:2206.06929) Figs 1 and 3, Props. 3-4: relative displacement of the hidden
 * state and of the gradient against depth for alpha_L = L^{-beta} with iid weights, and the regimes' slopes. Setup of the reference code: res-3, ReLU,
 * d = 40, n_in = 64, n_out = 1, uniform weights, x ~ U[0,1)^64 and y ~ U[0,1) drawn per run
 * (docs/theory/scaling-resnets.md §4).
 */

import { bandAgainstDepthChart } from "../../report/charts.js";
import { parseSpec } from "../../spec/index.js";
import { weightedSlope } from "../../stats/estimators.js";
import { stats, summarize } from "../../stats/summary.js";
import { iidRegime, logNormRatioLaw, meanSquaredRelDisp } from "../../theory/marion/index.js";
import { type Claim, zClaim } from "../../claims/index.js";
import { defineExperiment } from "../../runner/define.js";

const BETAS = [1, 0.25, 0.5];
const DEPTHS = Array.from({ length: 10 }, (_, i) => Math.round(10 + (i * 990) / 9)); // linspace(10, 1000, 10)
const D = 40;
const N_IN = 64;
const OBS = ["relDisp", "gradRelDisp"];

const spec = (beta: number, L: number) =>
  parseSpec({
    family: "marion",
    model: "res3",
    width: D,
    depth: L,
    nIn: N_IN,
    beta,
    weights: { law: "uniform" },
  });

export default defineExperiment({
  title: "Scaling regimes with iid weights: ||h_L - h_0||/||h_0|| and ||p_0 - p_L||/||p_L|| against depth",
  reference: "Marion et al. 2025 (arXiv:2206.06929), Figs 1 and 3 (docs/theory/scaling-resnets.md §2.2, 4)",
  description:
    "res-3, ReLU, d = 40, uniform iid weights, alpha_L = L^-beta for beta in {1, 1/4, 1/2}, L from 10 to 1000: identity, explosion, stable",
  budgets: { default: { samples: 20, seed: 1 }, full: { samples: 50 } },
  cells: () =>
    BETAS.flatMap((beta) =>
      DEPTHS.map((L) => ({
        key: { beta, L },
        spec: spec(beta, L),
        observables: OBS,
      })),
    ),
  analyse(sims) {
    const rows: Record<string, unknown>[] = [];
    const claims: Claim[] = [];
    for (const beta of BETAS) {
      for (const L of DEPTHS) {
        const sim = sims.get({ beta, L });
        const rms = Math.sqrt(meanSquaredRelDisp(L, beta));
        for (const key of OBS) {
          const s = sim.stats[key];
          rows.push({
            panel: `beta = ${beta}`,
            quantity: key === "relDisp" ? "||h_L - h_0|| / ||h_0||" : "||p_0 - p_L|| / ||p_L||",
            L,
            mean: s.mean,
            lo: s.mean - 1.96 * s.seMean,
            hi: s.mean + 1.96 * s.seMean,
            rms,
          });
        }
        const sq = stats(summarize(sim.samples.relDisp.map((v) => v * v)));
        const exact = meanSquaredRelDisp(L, beta);
        if (L === DEPTHS[0] || L === DEPTHS[DEPTHS.length - 1]) {
          const logVar = logNormRatioLaw(L, beta, D).variance;
          const heavy = logVar > 1;
          // In the explosion regime the ratio is log-normal with a heavy tail: the sample mean of a few
          // dozen runs is dominated by rare draws and its SE is unreliable, so the identity is not claimed
          // there (reported in the figure only).
          if (!heavy)
            claims.push(
              zClaim({
                reference: "docs/theory/scaling-resnets.md §2.2 (exact identity)",
                id: `identity:beta=${beta}:L=${L}`,
                statement: `E||h_L - h_0||^2/||h_0||^2 = (1 + alpha^2/2)^L - 1 (res-3, ReLU, uniform weights, beta = ${beta}, L = ${L}; regime: ${iidRegime(beta)})`,
                theory: exact,
                simulated: sq.mean,
                se: sq.seMean,
                basis: "exact",
                wrong: {
                  name: "the ReLU's halving forgotten: (1 + alpha^2)^L - 1",
                  theory: (1 + L ** (-2 * beta)) ** L - 1,
                },
                explanation:
                  "h_L - h_0 is a sum of orthogonal martingale increments and E||relu(W h)||^2 = ||h||^2/2 for any symmetric law",
              }),
            );
        }
      }
    }
    // The regimes against depth, forward (Fig. 1) and backward (Prop. 4, Fig. 3): the slope of log10 of
    // the mean ratio against log10 L over L >= 230 is 1/2 - beta in the identity regime (beta = 1) and 0
    // in the stable one (beta = 1/2). The exact forward identity's RMS gives the finite-L slope (its
    // O(1/L) departure from the limit is the computed effect; the backward ratio tracks the forward one,
    // docs/theory/scaling-resnets.md §2.2); the wrong alternative is the other regime's slope.
    const far = DEPTHS.filter((L) => L >= 230);
    for (const beta of [1, 0.5]) {
      const limit = beta > 0.5 ? 0.5 - beta : 0;
      const exactSlope = weightedSlope(
        far.map((L) => Math.log10(L)),
        far.map((L) => Math.log10(Math.sqrt(meanSquaredRelDisp(L, beta)))),
        far.map(() => 1),
      ).slope;
      for (const key of OBS) {
        const pts = far.map((L) => sims.stats({ beta, L }, key));
        const fit = weightedSlope(
          far.map((L) => Math.log10(L)),
          pts.map((s) => Math.log10(s.mean)),
          pts.map((s) => s.seMean / (s.mean * Math.LN10)),
        );
        const backward = key === "gradRelDisp";
        claims.push(
          zClaim({
            reference: backward
              ? "Marion et al. 2025 (arXiv:2206.06929), Prop. 4 and Fig. 3; docs/theory/scaling-resnets.md §2.2"
              : "Marion et al. 2025 (arXiv:2206.06929), Prop. 3 and Fig. 1; docs/theory/scaling-resnets.md §2.2",
            id: `slope:${key}:beta=${beta}`,
            statement: `${backward ? "backward: ||p_0 - p_L||/||p_L||" : "forward: ||h_L - h_0||/||h_0||"} ~ L^(${limit}) (beta = ${beta}, ${iidRegime(beta)} regime): slope of log10 mean against log10 L, L = 230..1000`,
            theory: limit,
            simulated: fit.slope,
            se: fit.se,
            basis: "asymptotic",
            effect: (exactSlope - limit) / fit.se,
            wrong:
              beta === 1
                ? { name: "the stable regime: a flat ratio (slope 0)", theory: 0 }
                : { name: "the identity regime's slope 1/2 - beta at beta = 1 (-1/2)", theory: -0.5 },
            explanation: `the exact forward RMS sqrt((1 + L^(-2 beta)/2)^L - 1) has slope ${exactSlope.toFixed(4)} over these depths; measured ${fit.slope.toFixed(3)} +- ${fit.se.toFixed(3)}`,
          }),
        );
      }
    }
    return {
      results: { rows },
      claims,
      figure: bandAgainstDepthChart({
        title: "iid weights: relative displacement against depth (res-3, d = 40)",
        rows,
        panels: BETAS.map((b) => `beta = ${b}`),
        theoryField: "rms",
        theoryLabel:
          "exact root mean square sqrt((1 + alpha^2/2)^L - 1) (docs/theory/scaling-resnets.md §2.2)",
      }),
      caption:
        "Mean over runs (band: 95% normal interval) of the relative displacement of the hidden state (top) and of the back-propagated gradient (bottom). Dashed: the exact root-mean-square sqrt((1 + alpha^2/2)^L - 1) (docs/theory/scaling-resnets.md §2.2), an upper bound of the mean. beta = 1: identity; beta = 1/4: explosion; beta = 1/2: a stable, non-trivial limit.",
    };
  },
});
