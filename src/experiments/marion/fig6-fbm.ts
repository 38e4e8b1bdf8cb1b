/**
 * Marion et al. (JMLR 2025, arXiv:2206.06929) Fig 6: fractional Brownian motion sample paths from the exact circulant-embedding
 * fGn generator that draws the fBM weights (docs/theory/scaling-resnets.md §3), and claims on many
 * paths: the increments' lag-1 correlation 2^{2H-1} - 1 and Var B_H(1) = 1.
 */

const HS = [0.2, 0.5, 0.8];
const STEPS = 1000;

/**
 * Per path: the mean lag-1 product of its unit-variance fGn increments, and B_H(1)^2 (the increments
 * summed, times STEPS^-H). Paths are independent, so the standard errors come from their spread.
 */
function pathStatistics(H: number, paths: number, seed: number) {
  const sampler = new FgnSampler(STEPS, H);
  const rng = new Rng(seed, 1000 + Math.round(100 * H), 11);
  const a = new Float64Array(STEPS);
  const b = new Float64Array(STEPS);
  const lag1: number[] = [];
  const end2: number[] = [];
  const scale = STEPS ** -H;
  for (let p = 0; p < paths; p += 2) {
    sampler.sample2(rng, a, b);
    for (const g of p + 1 < paths ? [a, b] : [a]) {
      let s = 0;
      let sum = 0;
      for (let k = 0; k < STEPS; k++) {
        sum += g[k];
        if (k + 1 < STEPS) s += g[k] * g[k + 1];
      }
      lag1.push(s / (STEPS - 1));
      end2.push((sum * scale) ** 2);
    }
  }
  const meanSe = (x: number[]) => {
    const m = x.reduce((u, v) => u + v, 0) / x.length;
    const v = x.reduce((u, y) => u + (y - m) ** 2, 0) / (x.length - 1);
    return { mean: m, se: Math.sqrt(v / x.length) };
  };
  return { lag1: meanSe(lag1), end2: meanSe(end2) };
}
import { fbmPath, fgnAutocovariance, FgnSampler } from "../../rng/fgn.js";
import { type Claim, zClaim } from "../../claims/index.js";
import { Rng } from "../../rng/rng.js";
import { linesChart } from "../../report/charts.js";
import { tableFromRows } from "../../runner/tidy.js";
import { defineExperiment } from "../../runner/define.js";

export default defineExperiment({
  title: "Fractional Brownian motion sample paths for H = 0.2, 0.5, 0.8",
  reference: "Marion et al. 2025 (arXiv:2206.06929), Fig. 6 (docs/theory/scaling-resnets.md §3)",
  description:
    "fBM on [0, 1] with 1000 steps from the exact circulant-embedding fGn generator used for the weights",
  budgets: { default: { samples: 400, seed: 1 }, full: { samples: 4000 } },
  cells: () => [],
  analyse(_sims, { seed, samples }) {
    // The generator is exact (circulant embedding), so both statistics are exact: the claims test the
    // draws of the fBM weights, with a plausible wrong generator (iid increments, or a Brownian scaling).
    const claims: Claim[] = [];
    for (const H of HS) {
      const st = pathStatistics(H, samples, seed);
      const rho = fgnAutocovariance(H, 1);
      claims.push(
        zClaim({
          id: `lag1:H=${H}`,
          statement: `fGn with H = ${H}: the increments' lag-1 correlation is 2^(2H - 1) - 1 = ${rho.toFixed(4)} (${samples} paths of ${STEPS} steps)`,
          theory: rho,
          simulated: st.lag1.mean,
          se: st.lag1.se,
          basis: "exact",
          wrong:
            H === 0.5
              ? { name: "the H = 0.8 correlation (long memory)", theory: fgnAutocovariance(0.8, 1) }
              : { name: "independent increments (H = 1/2)", theory: 0 },
          explanation: "the covariance of fractional Gaussian noise, rho_H(1) = (2^{2H} - 2)/2",
        }),
        zClaim({
          id: `variance:H=${H}`,
          statement: `fBM with H = ${H}: Var B_H(1) = 1 (${STEPS} increments scaled by ${STEPS}^-H)`,
          theory: 1,
          simulated: st.end2.mean,
          se: st.end2.se,
          basis: "exact",
          wrong:
            H === 0.5
              ? { name: "Var B(1) = 2 (the increments double counted)", theory: 2 }
              : {
                  name: `Brownian scaling ${STEPS}^-1/2 of the sum: Var = ${STEPS}^(2H - 1)`,
                  theory: STEPS ** (2 * H - 1),
                },
          explanation: "Var of the sum of N unit fGn increments is N^{2H}: the self-similarity of fBM",
        }),
      );
    }
    const rows: Record<string, unknown>[] = [];
    const paths: Record<string, number>[] = [];
    for (const [i, H] of HS.entries()) {
      const path = fbmPath(new Rng(seed, i, 7), 1000, H);
      path.forEach((B, step) => paths.push({ H, step, t: step / 1000, B }));
      path.forEach((v, k) => {
        if (k % 2 === 0) rows.push({ panel: `H = ${H}`, t: k / 1000, B: v });
      });
    }
    return {
      params: { H: HS, steps: STEPS, paths: samples },
      claims,
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
        "fBM paths: see figure; the claims below test the generator on the run's paths (its autocovariance at every lag is tested against rho_H(k) in test/marion.test.ts)",
      ],
    };
  },
});
