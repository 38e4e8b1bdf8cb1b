/**
 * Hayou 2023 (arXiv:2210.00688), Thm 1 and Figs. 13-21 (docs/theory/infinite-depth.md §3, 7): the Quasi-GBM law of the log growth
 * G_t = ln(||phi(Y_l)|| / ||phi(Y_0)||) at several layers and widths.
 */
import {
  estimatesVsTheoryChart,
  type EstimateRow,
  overlaidHistogramsChart,
  stackCharts,
  type TheoryRow,
} from "../../report/charts.js";
import { fromPreset } from "../../spec/index.js";
import { meanLogGrowthFactor } from "../../theory/hayou/index.js";
import { type Claim, ksClaim, zClaim } from "../../claims/index.js";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import { ksOneSample } from "../../stats/ks.js";
import { stats, summarize } from "../../stats/summary.js";
import {
  commonRange,
  densityRows,
  histogramRows,
  meanRow,
  normalPdf,
  varianceRow,
} from "../../runner/rows.js";
import { defineExperiment } from "../../runner/define.js";

const Q_WIDTHS = [3, 10, 50, 200];
const Q_L = 200;
const Q_LAYERS = [50, 100, 200];

/**
 * Var[G_1] = (1 + c)/n: the volatility of ln||phi(X_t)|| is 1/sqrt(n) (Thm 1), and the drift's own
 * randomness (the activity pattern fluctuates by O(1/sqrt n)) adds a term of the same order 1/n. Its
 * constant is empirical (docs/claims.md): n Var[G_1] - 1 measured with 6 x 10^4 networks at seed 7
 * (not the default run's): 0.068, 0.058, 0.085 (+- 0.006) at n = 10, 50, 200; their mean c = 0.070
 * +- 0.0035 is what the claim tests (the widths' own c may differ by about 0.015: not resolved).
 */
const QGBM_C = 0.07;
/**
 * The random drift removed (docs/theory/infinite-depth.md §3): by Ito for ReLU, G_t = int_0^t (a_s / 2 -
 * 1/n) ds + W_t / sqrt(n) with a_s the active fraction of X_s, so M_t = G_t - t (abar_t / 2 - 1/n), abar_t
 * the time-averaged active fraction, is N(0, t/n) in the limit L -> infinity (left-point rule at
 * L = 200: an O(1/L) error, below what these samples resolve). Widths and the budget multiple.
 */
const M_WIDTHS = [10, 50];
const M_SAMPLES = 4;
const QGBM_C_ERR = 0.0035;

export default defineExperiment({
  title: "Quasi-GBM: the log growth of ||phi(Y_l)|| at several layers and widths",
  reference: "Hayou 2023 (arXiv:2210.00688), Thm 1 and Figs. 13-21 (docs/theory/infinite-depth.md §3, 7)",
  description:
    "histograms of sqrt(n)-scaled G_t = ln(||phi(Y_l)||/||phi(Y_0)||), t = l/L, for widths 3, 10, 50, 200 (L = 200), against N(t A(n), t/n)",
  budgets: { default: { samples: 2 ** 14, seed: 1 }, full: { samples: 10 ** 5 } },
  cells: (run) => [
    ...Q_WIDTHS.map((n) => ({
      key: { n },
      spec: fromPreset("hayou-resnet", { width: n, depth: Q_L, nIn: Math.min(n, 10) }),
      observables: Q_LAYERS.map((l) => `logPostNormGrowth[${l}]`),
    })),
    ...M_WIDTHS.map((n) => ({
      key: { n, part: "martingale" },
      spec: fromPreset("hayou-resnet", { width: n, depth: Q_L, nIn: Math.min(n, 10) }),
      observables: Q_LAYERS.slice(1).flatMap((l) => [`logPostNormGrowth[${l}]`, `meanActiveFraction[${l}]`]),
      // 4x the default budget (the KS needs it to tell the frozen drift apart); --full's budget as is.
      samples: run.full ? run.samples : M_SAMPLES * run.samples,
    })),
  ],
  analyse(results) {
    const hist: ReturnType<typeof histogramRows> = [];
    const estimates: EstimateRow[] = [];
    const theory: TheoryRow[] = [];
    const claims: Claim[] = [];
    const excess: { value: number; se: number }[] = [];
    for (const n of Q_WIDTHS) {
      const A = meanLogGrowthFactor(n);
      for (const l of Q_LAYERS) {
        const t = l / Q_L;
        const key = `logPostNormGrowth[${l}]`;
        const s = results.stats({ n }, key);
        const cfg = `n=${n}, t=${t}`;
        estimates.push(
          meanRow("E[G_t]", cfg, "simulation", s),
          varianceRow("Var[G_t]", cfg, "simulation", s),
        );
        theory.push(
          { panel: "E[G_t]", config: cfg, source: "t A(n) (Thm 1, drift at t = 0)", value: t * A },
          { panel: "Var[G_t]", config: cfg, source: "t/n (Quasi-GBM volatility alone)", value: t / n },
        );
        // Thm 1's mean t A(n) at t = 1/4 and 1/2 (t = 1: hayou/regime-change). A(n) is the drift at t = 0;
        // its time average is up to 0.003 lower (docs/claims.md), an allowance of 0.004 t in the SE.
        // Claimed at n = 10 and 50: at 200, A(n) is too close to 1/4 for the test to tell them apart.
        if (l !== Q_L && n >= 10 && n <= 50)
          claims.push(
            zClaim({
              reference: "Hayou 2023 (arXiv:2210.00688), Thm 1 (docs/theory/infinite-depth.md §3)",
              id: `mean:n=${n},t=${t}`,
              statement: `E[G_t] = t A(n) (ReLU, width ${n}, t = ${t})`,
              theory: t * A,
              simulated: s.mean,
              se: Math.hypot(s.seMean, (0.004 * t) / 5),
              basis: "tolerance",
              wrong: { name: "the infinite-width drift t/4", theory: t / 4 },
              explanation: `Quasi-GBM drift A(${n}) = ${A.toFixed(4)} times t; SE widened by 0.004 t / 5 for the drift's time average`,
            }),
          );
        if (l !== Q_L) continue;
        const scaled = results
          .samples({ n }, key)
          .filter(Number.isFinite)
          .map((v) => Math.sqrt(n) * (v - t * A));
        const [lo, hi] = commonRange([scaled]);
        const panel = `n = ${n}, t = 1 (sqrt(n) (G - A(n)))`;
        hist.push(
          ...histogramRows(panel, "simulation", scaled, lo, hi, 40),
          ...densityRows(panel, "N(0, 1) (Quasi-GBM)", lo, hi, 40, normalPdf(0, 1)),
        );
        if (n >= 10) excess.push({ value: n * s.variance - 1, se: n * s.seVariance });
      }
    }
    // The martingale part M_t = G_t - t (abar_t / 2 - 1/n): N(0, t/n) (Ito; the drift's randomness removed).
    for (const n of M_WIDTHS) {
      const A = meanLogGrowthFactor(n);
      for (const l of Q_LAYERS.slice(1)) {
        const t = l / Q_L;
        const key = { n, part: "martingale" };
        const G = results.samples(key, `logPostNormGrowth[${l}]`);
        const abar = results.samples(key, `meanActiveFraction[${l}]`);
        const M: number[] = [];
        const Gq: number[] = [];
        for (let i = 0; i < G.length; i++) {
          const m = G[i] - t * (abar[i] / 2 - 1 / n);
          if (Number.isFinite(m)) {
            M.push(m);
            Gq.push(G[i] - t * A);
          }
        }
        const sm = stats(summarize(M));
        const sg = stats(summarize(Gq));
        const scale = n / t;
        const cfg = `n=${n}, t=${t}`;
        claims.push(
          zClaim({
            reference: "Hayou 2023 (arXiv:2210.00688), Thm 1 (docs/theory/infinite-depth.md §3)",
            id: `martingale-variance:n=${n},t=${t}`,
            statement: `with the random drift removed, G_t - t (abar_t/2 - 1/n) has variance t/n (ReLU, ${cfg})`,
            theory: 1,
            simulated: scale * sm.variance,
            se: scale * sm.seVariance,
            basis: "asymptotic",
            effect: 0,
            wrong: {
              name: "G_t's own variance (the drift's randomness left in)",
              theory: scale * sg.variance,
            },
            explanation:
              "Ito for ||relu(X_t)||^2: the noise is W_t / sqrt(n) exactly; the left-point rule at L = 200 is O(1/L)",
          }),
        );
        if (n < 50 || l !== Q_L) continue;
        const sd = Math.sqrt(t / n);
        claims.push(
          ksClaim({
            reference:
              "Hayou 2023 (arXiv:2210.00688), Thm 1 and Figs. 13-21 (docs/theory/infinite-depth.md §3)",
            id: `martingale-gaussian:n=${n},t=${t}`,
            statement: `G_t with the random drift removed is Gaussian N(0, t/n) (ReLU, ${cfg}, KS)`,
            ...ksOneSample(M, (v: number) => normalCdf(v, 0, sd)),
            basis: "asymptotic",
            effect: 0,
            wrong: {
              name: "the Quasi-GBM with the drift frozen at A(n): G_t - t A(n) ~ N(0, t/n)",
              ...ksOneSample(Gq, (v: number) => normalCdf(v, 0, sd)),
            },
            explanation:
              "the volatility part of G_t is exactly Gaussian in the limit; the random drift is what makes G_t itself only nearly so",
          }),
        );
        const scaled = M.map((v) => Math.sqrt(n / t) * v);
        const [lo, hi] = commonRange([scaled]);
        const panel = `n = ${n}, t = 1, drift removed (sqrt(n) M_1)`;
        hist.push(
          ...histogramRows(panel, "simulation", scaled, lo, hi, 40),
          ...densityRows(panel, "N(0, 1) (Quasi-GBM)", lo, hi, 40, normalPdf(0, 1)),
        );
      }
    }
    // n Var[G_1] - 1, averaged over the widths >= 10 (one claim with the power no single width has).
    const cHat = excess.reduce((a, e) => a + e.value, 0) / excess.length;
    const cSe = Math.sqrt(excess.reduce((a, e) => a + e.se ** 2, 0)) / excess.length;
    claims.push(
      zClaim({
        reference: "docs/theory/infinite-depth.md §3",
        id: `variance-excess`,
        statement: `Var[G_1] = (1 + c)/n: the mean over n = 10, 50, 200 of n Var[G_1] - 1 is c = ${QGBM_C} (empirical)`,
        theory: QGBM_C,
        simulated: cHat,
        se: Math.hypot(cSe, QGBM_C_ERR),
        basis: "empirical",
        wrong: { name: "Var[G_1] = 1/n: the Quasi-GBM volatility alone (no drift term)", theory: 0 },
        explanation: `the volatility 1/sqrt(n) (Thm 1) plus the drift's randomness, of the same order 1/n: c = ${QGBM_C} +- ${QGBM_C_ERR} fitted by simulation at another seed`,
      }),
    );
    return {
      estimates,
      theory,
      claims,
      figure: stackCharts([
        estimatesVsTheoryChart({
          title: "Log growth of ||phi(Y_l)|| (ReLU, L = 200)",
          estimates,
          theory,
          configTitle: "width, t = l/L",
          configOrder: Q_WIDTHS.flatMap((n) => Q_LAYERS.map((l) => `n=${n}, t=${l / Q_L}`)),
          width: 520,
        }),
        overlaidHistogramsChart({
          title: "sqrt(n) (G_1 - A(n)) against N(0, 1)",
          rows: hist,
          xTitle: "scaled log growth",
          columns: 5,
        }),
      ]),
      caption:
        "Top: mean and variance (+-2 SE) of G_t = ln(||phi(Y_l)|| / ||phi(Y_0)||) at t = l/L against t A(n) and t/n. Bottom: the sqrt(n)-scaled, centred G_1 against N(0, 1): Gaussian at every width here; last panel: G_1 with its random drift removed (Ito: exactly the volatility part W_1 / sqrt(n) in the limit); without the scaling it concentrates on 1/4 as n grows (Thm 2). Widths, layers and L are the project's choice.",
    };
  },
});
