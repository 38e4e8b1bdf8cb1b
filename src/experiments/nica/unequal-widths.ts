/**
 * nica/unequal-widths: Var[G] for MLPs with unequal widths (docs/theory/log-gaussian.md §2.1): the exact sum, the
 * corrected beta = 5 sum_{l<d} 1/n_l + 2/n_d, and the notes' mirrored 2/n_0 + 5 sum_{l>=1} 1/n_l.
 */
import { theoryMoments } from "../../theory/overlays.js";
import { estimatesVsTheoryChart, type EstimateRow, type TheoryRow } from "../../report/charts.js";
import { fromPreset } from "../../spec/index.js";
import { betaNotesMirrored } from "../../theory/loggaussian/index.js";
import { type Claim, alternativeFor, zClaim } from "../../claims/index.js";
import { meanRow, varianceRow } from "../../runner/rows.js";
import { defineExperiment } from "../../runner/define.js";

const WIDTHS = [
  [20, 400],
  [400, 20],
  [50, 100, 200],
  [200, 100, 50],
  [30, 300, 30, 300],
];
const EXACT = "exact finite law (docs/theory/log-gaussian.md §1.3, 2.1)";
const CORRECTED = "beta = 5 sum 1/n_l (l < d) + 2/n_d (corrected, docs/theory/log-gaussian.md §2.1)";
const MIRRORED = "notes: 2/n_0 + 5 sum 1/n_l (l >= 1) (mirrored)";

export default defineExperiment({
  title: "Unequal widths: the corrected beta against the notes' mirrored formula",
  reference: "Nica's notes, unequal widths; erratum in docs/theory/log-gaussian.md §2.1",
  description:
    "Var[G] for ReLU MLPs with unequal widths against the exact sum, the corrected beta and the notes' mirrored beta",
  budgets: { default: { samples: 2 ** 18, seed: 1 }, full: { samples: 2 ** 20 } },
  cells: () =>
    WIDTHS.map((w) => ({
      key: { widths: `[${w}]` },
      spec: fromPreset("nica-mlp", { width: w, depth: undefined }),
      observables: ["G"],
    })),
  analyse(sims) {
    const estimates: EstimateRow[] = [];
    const theory: TheoryRow[] = [];
    const claims: Claim[] = [];
    for (const w of WIDTHS) {
      const sim = sims.get({ widths: `[${w}]` });
      const G = sim.stats.G;
      const cfg = `[${w.join(",")}]`;
      // The family's theory of G (src/families/mlp): the exact law, then Nica's N(-beta/2, beta).
      const [ex, { variance: b }] = theoryMoments(sims.spec({ widths: `[${w}]` }), "G");
      const bm = betaNotesMirrored(w);
      estimates.push(varianceRow("Var[G]", cfg, "simulation", G), meanRow("E[G]", cfg, "simulation", G));
      theory.push(
        { panel: "Var[G]", config: cfg, source: EXACT, value: ex.variance },
        { panel: "Var[G]", config: cfg, source: CORRECTED, value: b },
        { panel: "Var[G]", config: cfg, source: MIRRORED, value: bm },
        { panel: "E[G]", config: cfg, source: EXACT, value: ex.mean },
        { panel: "E[G]", config: cfg, source: CORRECTED, value: -b / 2 },
        { panel: "E[G]", config: cfg, source: MIRRORED, value: -bm / 2 },
      );
      claims.push(
        zClaim({
          id: `var-exact:${cfg}`,
          statement: `Var[G] equals the exact sum for widths ${cfg}`,
          theory: ex.variance,
          simulated: G.variance,
          se: G.seVariance,
          basis: "exact",
          wrong: { name: "the notes' mirrored formula", theory: bm },
          explanation: "ReLU factors carry n_0..n_{d-1}, the plain chi-square carries n_d",
        }),
        zClaim({
          id: `var-corrected-beta:${cfg}`,
          statement: `Var[G] = corrected beta + O(1/n^2) for widths ${cfg}`,
          theory: b,
          simulated: G.variance,
          se: G.seVariance,
          basis: "asymptotic",
          effect: (ex.variance - b) / G.seVariance,
          wrong: alternativeFor(
            (ex.variance - b) / G.seVariance,
            { name: "the notes' mirrored formula", theory: bm },
            { name: "the exact sum (no O(1/n^2) remainder)", theory: ex.variance },
          ),
          explanation: `leading order; the exact O(1/n^2) remainder is ${(ex.variance - b).toFixed(4)} here`,
        }),
        zClaim({
          id: `var-notes-mirrored:${cfg}`,
          statement: `Var[G] = the notes' beta 2/n_0 + 5 sum_{l>=1} 1/n_l for widths ${cfg}`,
          theory: bm,
          simulated: G.variance,
          se: G.seVariance,
          basis: "asymptotic",
          effect: (ex.variance - bm) / G.seVariance,
          wrong: alternativeFor(
            (ex.variance - bm) / G.seVariance,
            { name: "infinite width: Var[G] = 0", theory: 0 },
            { name: "the exact sum", theory: ex.variance },
          ),
          explanation:
            "the notes' formula indexes the widths from the wrong end (erratum, docs/theory/log-gaussian.md §2.1); it only agrees when the widths are symmetric",
        }),
      );
    }
    return {
      estimates,
      theory,
      claims,
      figure: estimatesVsTheoryChart({
        title:
          "Unequal widths: Var[G] and E[G] against the exact law, the corrected beta and the notes' formula",
        estimates,
        theory,
        configTitle: "widths n_0..n_d",
        configOrder: WIDTHS.map((w) => `[${w.join(",")}]`),
      }),
      caption:
        "Simulated moments of G (+-2 SE, exact product engine) for ReLU MLPs with unequal widths, against the exact finite law, the corrected beta (ReLU layers carry n_0..n_{d-1}) and the notes' mirrored formula. The widths are the project's choice.",
    };
  },
});
