/**
 * Marion et al. (JMLR 2025, arXiv:2206.06929) Fig 6: fractional Brownian motion sample paths from the exact circulant-embedding
 * fGn generator that draws the fBM weights (docs/theory/scaling-resnets.md §3).
 */
import { fbmPath } from "../../rng/fgn.js";
import { Rng } from "../../rng/rng.js";
import { linesChart } from "../../report/charts.js";
import { tableFromRows } from "../../runner/tidy.js";
import { defineExperiment } from "../../runner/define.js";

export default defineExperiment({
  title: "Fractional Brownian motion sample paths for H = 0.2, 0.5, 0.8",
  reference: "Marion et al. 2025 (arXiv:2206.06929), Fig. 6 (docs/theory/scaling-resnets.md §3)",
  description:
    "fBM on [0, 1] with 1000 steps from the exact circulant-embedding fGn generator used for the weights",
  budgets: { default: { samples: 1, seed: 1 }, full: { samples: 1 } },
  cells: () => [],
  analyse(_sims, { seed }) {
    const rows: Record<string, unknown>[] = [];
    const paths: Record<string, number>[] = [];
    for (const [i, H] of [0.2, 0.5, 0.8].entries()) {
      const path = fbmPath(new Rng(seed, i, 7), 1000, H);
      path.forEach((B, step) => paths.push({ H, step, t: step / 1000, B }));
      path.forEach((v, k) => {
        if (k % 2 === 0) rows.push({ panel: `H = ${H}`, t: k / 1000, B: v });
      });
    }
    return {
      params: { H: [0.2, 0.5, 0.8], steps: 1000 },
      claims: [],
      tables: [tableFromRows("paths", paths)],
      figure: linesChart({
        title: "Fractional Brownian motion (exact circulant embedding)",
        rows,
        x: { field: "t", title: "t" },
        y: { field: "B", title: "B_H(t)" },
        facet: { field: "panel" },
        strokeWidth: 1,
        width: 260,
        height: 180,
      }),
      caption:
        "One path per Hurst index; rougher than Brownian motion for H < 1/2, smoother for H > 1/2. The fGn increments (unit variance per step, / sqrt(d)) are the fBM weights of the heatmap experiments.",
      table: [
        "fBM paths: see figure (the generator's autocovariance is tested against rho_H(k) in test/marion.test.ts)",
      ],
    };
  },
});
