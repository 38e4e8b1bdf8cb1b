/**
 * Hayou 2023 (arXiv:2210.00688), Prop. 4 and Fig. 2 (docs/theory/infinite-depth.md §2): the graph of the OU-inducing activation
 * phi(x) = alpha exp(erfi^-1(beta x)^2) and a check of the ODE that defines it (no sampling).
 */
import { makeActivation } from "../../activations/index.js";
import { linesChart } from "../../report/charts.js";

import { ouMap, ouTheta } from "../../theory/hayou/index.js";
import { type Claim, zClaim } from "../../claims/index.js";

import { tableFromRows } from "../../runner/tidy.js";
import { defineExperiment } from "../../runner/define.js";

const F2_PARAMS: [number, number][] = [
  [1, 1],
  [0.5, 2],
  [1, 0.5],
];

export default defineExperiment({
  title: "The exotic activation phi(x) = alpha exp(erfi^-1(beta x)^2) and its derivative",
  reference: "Hayou 2023 (arXiv:2210.00688), Prop. 4 and Fig. 2 (docs/theory/infinite-depth.md §2)",
  description: "graph of the OU-inducing activation for three (alpha, beta); pure theory (no sampling)",
  budgets: { default: { samples: 1, seed: 1 }, full: { samples: 1 } },
  cells: () => [],
  analyse() {
    const xs = Array.from({ length: 241 }, (_, i) => -3 + (6 * i) / 240);
    const rows: Record<string, unknown>[] = [];
    const claims: Claim[] = [];
    for (const [alpha, beta] of F2_PARAMS) {
      const act = makeActivation({ name: "ou", alpha, beta });
      const label = `alpha = ${alpha}, beta = ${beta}`;
      for (const x of xs) {
        rows.push(
          { panel: "phi(x)", x, y: act.f(x), curve: label, alpha, beta },
          {
            panel: "phi'(x) = sqrt(pi) alpha beta erfi^-1(beta x)",
            x,
            y: act.df(x),
            curve: label,
            alpha,
            beta,
          },
        );
      }
      // phi solves (1/2) phi^2 g'' = -theta g with |phi| g' = sigma (docs/theory/infinite-depth.md §2): check the Ito drift of g(X)
      // numerically at a few points: (1/2) phi(x)^2 g''(x) + theta g(x) = 0, g = erfi^-1(beta .).
      const theta = ouTheta(alpha, beta);
      let worst = 0;
      let worstRival = 0; // the same residual for a wrong rate 2 theta
      for (const x of [-1.5, -0.4, 0.3, 1.2]) {
        const h = 1e-4;
        const g = (u: number) => ouMap(beta, u);
        const g2 = (g(x + h) - 2 * g(x) + g(x - h)) / (h * h);
        worst = Math.max(worst, Math.abs(0.5 * act.f(x) ** 2 * g2 + theta * g(x)));
        worstRival = Math.max(worstRival, Math.abs(0.5 * act.f(x) ** 2 * g2 + 2 * theta * g(x)));
      }
      claims.push(
        zClaim({
          experiment: "hayou/fig2-activation",
          reference: "docs/theory/infinite-depth.md §2 (Prop. 4 reverse engineering)",
          id: `ito-drift:alpha=${alpha},beta=${beta}`,
          statement: `g = erfi^-1(beta .) turns dX = |phi(X)| dB into an OU drift: (1/2) phi^2 g'' + theta g = 0 (alpha = ${alpha}, beta = ${beta})`,
          theory: 0,
          simulated: worst,
          se: 1e-4,
          basis: "exact",
          // The rival's residual, as if it were the simulated value (the test's power against 2 theta).
          wrong: { name: "the OU rate doubled (2 theta)", theory: worst - worstRival },
          explanation:
            "finite-difference check of the ODE that defines phi (max residual at 4 points; step 1e-4, tolerance 5e-4)",
        }),
      );
    }
    return {
      params: { alphaBeta: F2_PARAMS },
      results: { params: F2_PARAMS },
      claims,
      tables: [tableFromRows("graph", rows)],
      figure: linesChart({
        title: "The OU-inducing activation (Prop. 4)",
        rows,
        x: { field: "x", title: "x" },
        y: { field: "y" },
        color: { field: "curve" },
        facet: { field: "panel", independentY: true },
        strokeWidth: 2,
      }),
      caption:
        "phi(x) = alpha exp(erfi^-1(beta x)^2) is even, positive, convex and grows like x sqrt(log x); its derivative is unbounded, so phi is only locally Lipschitz. The paper's parameter values are not recovered: these three are the project's choice.",
      table: [],
    };
  },
});
