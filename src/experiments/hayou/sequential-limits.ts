/**
 * Hayou 2023 (arXiv:2210.00688), Thms 2-3 (docs/theory/infinite-depth.md §4): at large width the preactivation variance tends to
 * q_0 e^{t/2} and the log growth of ||phi(Y_L)|| to t/4.
 */

import { type EstimateRow, estimatesVsTheoryChart, type TheoryRow } from "../../report/charts.js";
import { fromPreset } from "../../spec/index.js";

import { sequentialLimit } from "../../theory/hayou/index.js";
import { type Claim, zClaim } from "../../claims/index.js";
import { meanRow, varianceRow } from "../../runner/rows.js";
import { defineExperiment } from "../../runner/define.js";

const S_WIDTHS = [10, 30, 100, 300, 1000];
const S_L = 100;

export default defineExperiment({
  title: "Sequential limits: preactivation variance q_0 e^{t/2} and log growth t/4 at large width",
  reference: "Hayou 2023 (arXiv:2210.00688), Thms 2-3 (docs/theory/infinite-depth.md §4)",
  description:
    "variance of Y_L^1 and mean log growth of ||phi(Y_L)|| against width 10..1000 (L = 100), against the two limits",
  budgets: { default: { samples: 2000, seed: 1 }, full: { samples: 20000 } },
  cells: () =>
    S_WIDTHS.map((n) => ({
      key: { n },
      spec: fromPreset("hayou-resnet", { width: n, depth: S_L, nIn: 10 }),
      observables: ["preact", "logPostNormGrowth"],
    })),
  analyse(sims) {
    const lim = sequentialLimit(1 / 10, 1);
    const estimates: EstimateRow[] = [];
    const theory: TheoryRow[] = [];
    const claims: Claim[] = [];
    for (const n of S_WIDTHS) {
      const sim = sims.get({ n });
      const p = sim.stats.preact;
      const g = sim.stats.logPostNormGrowth;
      estimates.push(
        varianceRow("Var Y_L^i", `n=${n}`, "simulation", p),
        meanRow("mean log growth", `n=${n}`, "simulation", g),
      );
      theory.push(
        {
          panel: "Var Y_L^i",
          config: `n=${n}`,
          source: "q_0 e^{1/2} (Thms 2, 3)",
          value: lim.preactVariance,
        },
        { panel: "mean log growth", config: `n=${n}`, source: "t/4 (Thms 2, 3)", value: lim.logGrowth },
      );
      if (n >= 100)
        claims.push(
          zClaim({
            reference: "docs/theory/infinite-depth.md §4",
            id: `variance:n=${n}`,
            statement: `Var Y_L^1 = (||x||^2/d) e^{1/2} at width ${n} (L = ${S_L})`,
            theory: lim.preactVariance,
            simulated: p.variance,
            // the finite-L value is q0 (1 + 1/(2L))^L, 0.2% below the limit: inside the allowance
            se: Math.hypot(p.seVariance, (0.005 * lim.preactVariance) / 5),
            basis: "tolerance",
            wrong: {
              name: "no growth through the blocks: ||x||^2/d",
              theory: lim.preactVariance / Math.exp(0.5),
            },
            explanation:
              "E[Y^2] grows by 1 + 1/(2L) per block at every width: the variance limit holds in both orders",
          }),
        );
      if (n >= 300) {
        claims.push(
          zClaim({
            reference: "docs/theory/infinite-depth.md §4",
            id: `growth:n=${n}`,
            statement: `mean log growth -> t/4 at large width (n = ${n})`,
            theory: lim.logGrowth,
            simulated: g.mean,
            se: Math.hypot(g.seMean, 1 / n),
            basis: "tolerance",
            wrong: { name: "no log growth (the mean of a GBM without drift)", theory: 0 },
            explanation: "A(n) -> 1/4 with O(1/n) corrections (SE widened by 1/n)",
          }),
        );
      }
    }
    return {
      estimates,
      theory,
      claims,
      figure: estimatesVsTheoryChart({
        title: "Sequential limits (ReLU, L = 100, ||x|| = 1, d = 10)",
        estimates,
        theory,
        configTitle: "width",
        configOrder: S_WIDTHS.map((n) => `n=${n}`),
      }),
      caption:
        "Variance of a preactivation coordinate at the last layer and the mean log growth of ||phi(Y_L)||, against width, with the infinite-width-and-depth limits q_0 e^{1/2} and 1/4. At finite width the log growth has a spread of order 1/sqrt(n) (the Quasi-GBM).",
    };
  },
});
