/**
 * Hayou 2023 (arXiv:2210.00688), Props. 2, 9 and 10 (docs/theory/infinite-depth.md §2, §5): a linear
 * activation at width 1 gives a geometric Brownian motion, log|Y_1/Y_0| ~ N(-a^2/2, a^2); the identity
 * activation at width n gives a log growth of the norm with mean (n - 2)/(2n) and variance 1/n; a
 * two-slope activation (1 for x > 0, beta for x <= 0) at width 1 has the mean log drift -(1 + beta^2)/4,
 * not the ReLU's -1/2 however small beta is (the "discontinuity at the poles").
 */
import { estimatesVsTheoryChart, type EstimateRow, type TheoryRow } from "../../report/charts.js";
import { fromPreset } from "../../spec/index.js";
import {
  identityLogGrowth,
  meanLogGrowthFactor,
  twoSlopeMeanLogDrift,
  width1LinearFiniteDepthLogMoments,
  width1LinearLogLaw,
} from "../../theory/hayou/index.js";
import { type Claim, zClaim } from "../../claims/index.js";
import { meanRow, varianceRow } from "../../runner/rows.js";
import { defineExperiment } from "../../runner/define.js";

const L = 1000;
const A = 0.8; // the linear activation's slope (Prop. 2); 1 would coincide with the ReLU's law
const N_ID = 3; // the identity activation's width (Prop. 9)
const BETAS = [0.5, 0.1]; // the two-slope activation's negative slope (Prop. 10), alpha = 1

/**
 * Width 1, phi(x) = x (x > 0), beta x (x <= 0), Y_0 of either sign with probability 1/2: given the sign,
 * Y keeps it (a flip needs w < -sqrt(L)/slope: probability below 1e-200 at L = 1000) and log|phi(Y_L) /
 * phi(Y_0)| is the linear activation's with slope 1 or beta. So the law is the half-half mixture of the
 * two (exact finite-L moments: width1LinearFiniteDepthLogMoments); its limit has mean -(1 + beta^2)/4
 * and variance (1 + beta^2)/2 + (1 - beta^2)^2/16.
 */
function twoSlopeWidth1(beta: number, depth: number | null) {
  const m = (a: number) =>
    depth === null ? width1LinearLogLaw(a) : width1LinearFiniteDepthLogMoments(a, depth);
  const [p, q] = [m(1), m(beta)];
  return {
    mean: (p.mean + q.mean) / 2,
    variance: (p.variance + q.variance) / 2 + ((p.mean - q.mean) / 2) ** 2,
  };
}

export default defineExperiment({
  title:
    "Piecewise-linear activations: the GBM of a linear width-1 ResNet, the identity's log growth, two slopes",
  reference: "Hayou 2023 (arXiv:2210.00688), Props. 2, 9 and 10 (docs/theory/infinite-depth.md §2, §5)",
  description: `log|Y_L/Y_0| for width 1 and phi(x) = ${A} x, and ln(||Y_L||/||Y_0||) for the identity at width ${N_ID}, L = ${L}, against Props. 2 and 9`,
  budgets: { default: { samples: 2 ** 14, seed: 1 }, full: { samples: 10 ** 5 } },
  cells: (run) => [
    {
      key: { prop: 2 },
      label: `width 1, phi(x) = ${A} x`,
      spec: fromPreset("hayou-resnet", {
        width: 1,
        depth: L,
        nIn: 1,
        y0: 1,
        inputs: ["unit"],
        activation: { name: "linear", a: A },
      }),
      observables: ["logPostNormGrowth"],
    },
    {
      key: { prop: 9 },
      label: `width ${N_ID}, identity`,
      spec: fromPreset("hayou-resnet", {
        width: N_ID,
        depth: L,
        nIn: N_ID,
        activation: { name: "identity" },
      }),
      observables: ["logPostNormGrowth"],
    },
    ...BETAS.map((beta) => ({
      key: { prop: 10, beta },
      label: `width 1, two-slope (1, ${beta})`,
      // A quarter of the budget: the ReLU alternative is still 14 standard errors away or more.
      samples: Math.max(1, Math.round(run.samples / 4)),
      // Y_0 = W_in x: either sign with probability 1/2.
      spec: fromPreset("hayou-resnet", {
        width: 1,
        depth: L,
        nIn: 1,
        inputs: ["unit"],
        activation: { name: "two-slope", a: 1, b: beta },
      }),
      observables: ["logPostNormGrowth"],
    })),
  ],
  analyse(sims) {
    const claims: Claim[] = [];
    const estimates: EstimateRow[] = [];
    const theory: TheoryRow[] = [];
    // Prop. 2: the exact finite-L moments give the asymptotic law's effect at this run's SE.
    const lin = sims.stats({ prop: 2 }, "logPostNormGrowth");
    const gbm = width1LinearLogLaw(A);
    const finite = width1LinearFiniteDepthLogMoments(A, L);
    // Prop. 9: the O(1/L) error of the identity's law is below 1/L in the mean (a bound, not computed).
    const id = sims.stats({ prop: 9 }, "logPostNormGrowth");
    const idLaw = identityLogGrowth(N_ID);
    const cases = [
      {
        id: "prop2",
        name: `width 1, phi = ${A} x`,
        s: lin,
        law: gbm,
        effect: { mean: finite.mean - gbm.mean, variance: finite.variance - gbm.variance },
        wrong: { mean: -0.5, variance: 1, name: "the ReLU's law N(-1/2, 1)" },
      },
      {
        id: "prop9",
        name: `identity, n = ${N_ID}`,
        s: id,
        law: idLaw,
        effect: { mean: 1 / L, variance: 1 / L },
        wrong: {
          mean: meanLogGrowthFactor(N_ID),
          variance: 1.07 / N_ID,
          name: "the ReLU network's Quasi-GBM (drift A(n), variance (1 + c)/n)",
        },
      },
      ...BETAS.map((beta) => {
        const law = twoSlopeWidth1(beta, null);
        const finite = twoSlopeWidth1(beta, L);
        return {
          id: `prop10:beta=${beta}`,
          name: `two-slope (1, ${beta}), n = 1`,
          s: sims.stats({ prop: 10, beta }, "logPostNormGrowth"),
          // The mean is Prop. 10's log drift at n = 1 (constant in t given the sign of X_0).
          law: { mean: twoSlopeMeanLogDrift(1, 1, beta), variance: law.variance },
          effect: { mean: finite.mean - law.mean, variance: finite.variance - law.variance },
          wrong: { mean: -0.5, variance: 1, name: "the ReLU's law N(-1/2, 1) (beta -> 0 without the jump)" },
        };
      }),
    ];
    for (const c of cases) {
      estimates.push(
        meanRow("mean", c.name, "simulation", c.s),
        varianceRow("variance", c.name, "simulation", c.s),
      );
      theory.push(
        { panel: "mean", config: c.name, source: "Props. 2, 9, 10", value: c.law.mean },
        { panel: "variance", config: c.name, source: "Props. 2, 9, 10", value: c.law.variance },
      );
      const moments = [
        { m: "mean" as const, what: "mean", sim: c.s.mean, se: c.s.seMean },
        { m: "variance" as const, what: "variance", sim: c.s.variance, se: c.s.seVariance },
      ];
      for (const q of moments)
        claims.push(
          zClaim({
            id: `${c.id}:${q.m}`,
            statement: `${c.name}: the ${q.what} of the log growth at t = 1 is ${c.law[q.m].toFixed(4)} (L = ${L})`,
            theory: c.law[q.m],
            simulated: q.sim,
            se: q.se,
            basis: "asymptotic",
            effect: c.effect[q.m] / q.se,
            wrong: { name: c.wrong.name, theory: c.wrong[q.m] },
            explanation:
              q.m === "variance"
                ? "the martingale part's quadratic variation; O(1/L) error"
                : c.id === "prop2"
                  ? "GBM: log|Y| has drift -a^2/2 and volatility a; the exact finite-L moments give the O(1/L) error"
                  : c.id.startsWith("prop10")
                    ? "the sign of Y_0 picks slope 1 or beta for the whole path: a half-half mixture of two GBMs; exact finite-L moments give the effect"
                    : "each block multiplies ||Y|| by ||(I + W/sqrt L) u||, iid over blocks by rotation invariance; O(1/L) error",
          }),
        );
    }
    return {
      estimates,
      theory,
      claims,
      figure: estimatesVsTheoryChart({
        title:
          "Linear, two-slope (width 1) and identity (width 3) activations: log growth at t = 1 against Props. 2, 9, 10",
        estimates,
        theory,
        configTitle: "network",
      }),
      caption: `Mean and variance (+-2 SE) of the log growth over ${L} blocks. Prop. 2: N(-a^2/2, a^2) for phi(x) = a x at width 1 (a = ${A}); Prop. 9: mean (n - 2)/(2n), variance 1/n for the identity at width n = ${N_ID}. Prop. 10 at width 1: phi(x) = x (x > 0), beta x (x <= 0), beta in {${BETAS.join(", ")}}, mean -(1 + beta^2)/4 (the ReLU's -1/2 is not its beta -> 0 limit), variance of the half-half mixture of the two slopes' GBMs. Slopes, widths and depth are the project's choices.`,
    };
  },
});
