import { describe, expect, it } from "vitest";
import { fillCorrelated, rbfLowRank } from "../src/families/marion/weights.js";
import { Rng } from "../src/rng/index.js";
import { FgnSampler, fgnAutocovariance } from "../src/rng/fgn.js";
import { rbfCholesky, rbfPath } from "../src/rng/rbf.js";
import { simulate } from "../src/simulate.js";
import { ksTwoSample } from "../src/stats/index.js";
import { parseSpec } from "../src/spec/index.js";
import { parseObservables } from "../src/engines/observables.js";
import { compileReducedMarion } from "../src/families/marion/reduced.js";
import type { MarionSpec } from "../src/families/marion/schema.js";
import { expectWasmMatchesJs } from "./helpers.js";

const marion = (extra: Record<string, unknown>) =>
  parseSpec({ family: "marion", model: "res3", width: 20, depth: 50, nIn: 16, ...extra });

describe("depth-correlated weight generators", () => {
  for (const H of [0.2, 0.5, 0.8, 0.95]) {
    it(`fGn autocovariance matches rho_H(k) for H = ${H} (per-path estimates, 5 SE)`, () => {
      const N = 128;
      const s = new FgnSampler(N, H);
      const rng = new Rng(31, Math.round(H * 100));
      const a = new Float64Array(N);
      const b = new Float64Array(N);
      const lags = [0, 1, 2, 5];
      const vals: number[][] = lags.map(() => []);
      for (let p = 0; p < 3000; p++) {
        s.sample2(rng, a, b);
        for (const x of [a, b]) {
          lags.forEach((lag, li) => {
            let t = 0;
            for (let k = 0; k + lag < N; k++) t += x[k] * x[k + lag];
            vals[li].push(t / (N - lag));
          });
        }
      }
      lags.forEach((lag, li) => {
        const v = vals[li];
        const m = v.reduce((x, y) => x + y, 0) / v.length;
        const se = Math.sqrt(v.reduce((x, y) => x + (y - m) ** 2, 0) / (v.length - 1) / v.length);
        expect(Math.abs(m - fgnAutocovariance(H, lag)), `lag ${lag}`).toBeLessThan(5 * se);
      });
    });
  }
  it("the RBF Gaussian process has the kernel's covariance (full and low-rank factors)", () => {
    const n = 101;
    const times = Array.from({ length: n }, (_, k) => k / (n - 1));
    const C = rbfCholesky(times, 0.1);
    const { rank, F } = rbfLowRank(times, 0.1);
    expect(rank).toBeLessThan(40);
    const rng = new Rng(32);
    const z = new Float64Array(n);
    const path = new Float64Array(n);
    const zr = new Float64Array(rank);
    const pairs: [number, number][] = [
      [50, 50],
      [50, 55],
      [50, 60],
      [10, 40],
    ];
    const N = 20000;
    for (const lowRank of [false, true]) {
      const acc = pairs.map(() => [0, 0]);
      for (let p = 0; p < N; p++) {
        if (lowRank) {
          rng.fillNormal(zr, 0, rank);
          for (let i = 0; i < n; i++) {
            let v = 0;
            for (let r = 0; r < rank; r++) v += F[i * rank + r] * zr[r];
            path[i] = v;
          }
        } else rbfPath(rng, C, n, path, z);
        pairs.forEach(([i, j], q) => {
          const v = path[i] * path[j];
          acc[q][0] += v;
          acc[q][1] += v * v;
        });
      }
      pairs.forEach(([i, j], q) => {
        const m = acc[q][0] / N;
        const se = Math.sqrt((acc[q][1] / N - m * m) / N);
        const k = Math.exp(-((times[i] - times[j]) ** 2) / (2 * 0.01));
        expect(Math.abs(m - k), `${lowRank ? "low-rank" : "full"} (${i}, ${j})`).toBeLessThan(5 * se);
      });
    }
  });
  it("correlated weights have variance 1/fan_in per entry", () => {
    for (const kind of ["fbm", "smooth-values", "smooth-increments"] as const) {
      const L = 64;
      const entries = 400;
      const W = new Float64Array(L * entries);
      fillCorrelated(new Rng(33), kind, L, entries, 20, W, { H: 0.7, bandwidth: 0.1 });
      let m2 = 0;
      for (const v of W) m2 += v * v;
      expect(m2 / W.length, kind).toBeCloseTo(1 / 20, 2);
    }
  });
});

describe("Marion's ResNets: the exact identity E||h_L - h_0||^2 / ||h_0||^2 = (1 + alpha^2/2)^L - 1 (res-3, ReLU)", () => {
  for (const law of ["uniform", "gaussian"]) {
    for (const beta of [0.25, 0.5, 1]) {
      it(`${law} weights, beta = ${beta}`, () => {
        const r = simulate(marion({ beta, weights: { law } }), {
          samples: 3000,
          seed: 41,
          observables: ["relDisp"],
        });
        const x2 = r.samples.relDisp.map((v) => v * v);
        const m = x2.reduce((a, b) => a + b, 0) / x2.length;
        const se = Math.sqrt(x2.reduce((a, b) => a + (b - m) ** 2, 0) / (x2.length - 1) / x2.length);
        const alpha = 50 ** -beta;
        expect(Math.abs(m - ((1 + (alpha * alpha) / 2) ** 50 - 1))).toBeLessThan(5 * se);
      });
    }
  }
  it("the backward ratio tracks the forward one at beta = 1/2 (sheet 2.2)", () => {
    const r = simulate(marion({ beta: 0.5 }), {
      samples: 2000,
      seed: 42,
      observables: ["normRatio", "gradNormRatio"],
    });
    expect(Math.abs(r.stats.gradNormRatio.mean - r.stats.normRatio.mean)).toBeLessThan(
      5 * Math.hypot(r.stats.gradNormRatio.seMean, r.stats.normRatio.seMean) + 0.05,
    );
  });
  it("explosion never throws: beta = 0.1, L = 1000 gives finite log10 values; overflow is counted, not dropped", () => {
    const r = simulate(marion({ beta: 0.1, depth: 1000, width: 10 }), {
      samples: 10,
      seed: 43,
      observables: ["relDisp", "log10RelDisp", "log10GradRelDisp"],
    });
    expect(r.stats.log10RelDisp.nonFinite).toBe(0);
    expect(r.stats.log10RelDisp.mean).toBeGreaterThan(5);
    const o = simulate(marion({ beta: -0.5, depth: 1000, width: 10 }), {
      samples: 5,
      seed: 44,
      observables: ["relDisp", "log10RelDisp"],
    });
    expect(o.stats.relDisp.posInf).toBe(5); // e^{2000}-sized: counted as +inf
    expect(o.stats.log10RelDisp.nonFinite).toBe(0);
    expect(o.stats.log10RelDisp.mean).toBeGreaterThan(308);
  });
  it("validates the Hurst index and the correlation kind", () => {
    expect(() => marion({ correlation: { kind: "fbm", H: 1.2 } })).toThrow(
      /^correlation.H: correlation.H must be a number in \(0, 1\)/,
    );
    expect(() => marion({ correlation: { kind: "fbm", H: 0 } })).toThrow(
      /correlation.H must be a number in \(0, 1\)/,
    );
    expect(() => marion({ correlation: "brownian" })).toThrow(/correlation must be one of iid, smooth, fbm/);
    expect(() => marion({ model: "res2" })).toThrow(/^model: model must be one of res1, res3/);
  });
});

describe("Marion's ResNets: reduced engine and batching", () => {
  const obs = ["log10RelDisp", "log10NormRatio", "log10GradRelDisp", "log10GradNormRatio"];
  const cases: [string, Record<string, unknown>][] = [
    ["res-3 ReLU beta = 1/2", { model: "res3", beta: 0.5 }],
    ["res-3 ReLU beta = 1/4 (explosion)", { model: "res3", beta: 0.25 }],
    ["res-1 ReLU beta = 1/2", { model: "res1", beta: 0.5 }],
    ["res-3 tanh beta = 1/4", { model: "res3", beta: 0.25, activation: { name: "tanh" } }],
  ];
  for (const [name, extra] of cases) {
    it(`dense and reduced agree in law (KS, forward and backward ratios): ${name}`, () => {
      const spec = marion({ width: 16, depth: 100, nIn: 8, weights: { law: "gaussian" }, ...extra });
      const a = simulate(spec, { samples: 600, seed: 3, engine: "dense", observables: obs });
      const b = simulate(spec, { samples: 1500, seed: 4, engine: "reduced", observables: obs });
      for (const o of obs) {
        expect(ksTwoSample(a.samples[o], b.samples[o]).pValue, o).toBeGreaterThan(1e-3);
        expect(a.stats[o].nonFinite + b.stats[o].nonFinite).toBe(0);
      }
    });
  }
  // The four-lane WebAssembly path (whole chunks, ReLU) against the JavaScript kernel, bit for bit:
  // res-3 and res-1, with and without gradients, and a depth where ||h|| passes 1e150 (the rescale).
  const lanesCases: [string, Record<string, unknown>, string[]][] = [
    ["res-3, forward and backward", { model: "res3", beta: 0.5 }, obs],
    ["res-1, forward and backward", { model: "res1", beta: 0.25 }, obs],
    ["res-3, forward only (no history kept)", { model: "res3", beta: 0.5 }, ["normRatio", "relDisp"]],
    ["res-3, beta = 0: norms past 1e150 rescaled", { model: "res3", beta: 0, depth: 3000, width: 8 }, obs],
    ["n_out = 3: the readout's rows drawn in WebAssembly", { model: "res3", beta: 0.5, nOut: 3 }, obs],
    ["n_in > d: h_0 and the readout drawn in JavaScript", { model: "res1", beta: 0.25, nIn: 20 }, obs],
  ];
  for (const [name, extra, keys] of lanesCases) {
    it(`the four-lane WebAssembly path equals the JavaScript kernel bit for bit: ${name}`, () => {
      const spec = marion({
        width: 12,
        depth: 40,
        nIn: 8,
        weights: { law: "gaussian" },
        ...extra,
      }) as MarionSpec;
      const o = parseObservables(keys, spec);
      expectWasmMatchesJs((wasm) => compileReducedMarion(spec, o, wasm), o.length, 11);
    });
  }
  it("the reduced engine is refused where it is not exact, and picked by auto where it is", () => {
    const obs1 = ["relDisp"];
    expect(() => simulate(marion({}), { samples: 1, engine: "reduced", observables: obs1 })).toThrow(
      /reduced is not exact for this spec: it needs Gaussian weights \(spec has uniform\)/,
    );
    expect(() =>
      simulate(marion({ weights: { law: "gaussian" }, betas: [0.5, 1] }), {
        samples: 1,
        engine: "reduced",
        observables: obs1,
      }),
    ).toThrow(/one input and one beta/);
    const auto = simulate(marion({ weights: { law: "gaussian" } }), { samples: 2, observables: obs1 });
    expect(auto.plan.engine).toBe("reduced");
  });
  it("betas share the weights: column #j equals the single-beta network bit for bit; so does input 0", () => {
    const betas = [0.25, 0.5, 1];
    const many = simulate(marion({ depth: 30, betas, nInputs: 2 }), {
      samples: 3,
      seed: 7,
      observables: ["log10RelDisp#1", "log10GradRelDisp#2@1", "log10GradRelDisp#2"],
    });
    const one = simulate(marion({ depth: 30, beta: 0.5 }), {
      samples: 3,
      seed: 7,
      observables: ["log10RelDisp"],
    });
    expect(Array.from(many.samples["log10RelDisp#1"])).toEqual(Array.from(one.samples.log10RelDisp));
    const b1 = simulate(marion({ depth: 30, beta: 1 }), {
      samples: 3,
      seed: 7,
      observables: ["log10GradRelDisp"],
    });
    expect(Array.from(many.samples["log10GradRelDisp#2"])).toEqual(Array.from(b1.samples.log10GradRelDisp));
    // Input 1 is another (x, y): a different value.
    expect(many.samples["log10GradRelDisp#2@1"][0]).not.toBe(many.samples["log10GradRelDisp#2"][0]);
    expect(() => simulate(marion({ betas }), { samples: 1, observables: ["relDisp#3"] })).toThrow(
      /beta index #j must be in 0..2/,
    );
    expect(() => marion({ betas: [] })).toThrow(/^betas: betas must be a list of 1 to 256 finite numbers/);
  });
  for (const law of ["uniform", "gaussian"]) {
    it(`the backward pass gives identical numbers from the weight cache and from replayed streams (${law})`, async () => {
      const { compileDenseMarion, marionCacheBytes } = await import("../src/families/marion/dense.js");
      const { parseObservables } = await import("../src/engines/index.js");
      const spec = marion({ width: 12, depth: 40, weights: { law }, betas: [0.3, 0.7], nInputs: 2 });
      const keys = ["log10GradRelDisp", "log10GradNormRatio#1@1", "log10RelDisp#1"];
      const obsv = parseObservables(keys, spec as never);
      expect(marionCacheBytes(spec as never, true)).toBeGreaterThan(0);
      expect(marionCacheBytes(spec as never, true, 0)).toBe(0);
      const cached = compileDenseMarion(spec as never, obsv);
      const replay = compileDenseMarion(spec as never, obsv, 0);
      const rng = new Rng();
      for (let i = 0; i < 3; i++) {
        const o1 = new Float64Array(3);
        const o2 = new Float64Array(3);
        cached(rng.reset(5, i, 0), o1, { seed: 5, index: i });
        replay(rng.reset(5, i, 0), o2, { seed: 5, index: i });
        expect(Array.from(o2)).toEqual(Array.from(o1));
        expect(o1.every(Number.isFinite)).toBe(true);
      }
    });
  }
  it("uniform weights are symmetric odd multiples of 2^-24 (exact in float32) with variance 1/3", () => {
    const a = new Float32Array(200_000);
    new Rng(9).fillCentredInt24(a);
    let m = 0;
    let v = 0;
    let even = 0;
    for (const x of a) {
      if (Math.abs(x) % 2 !== 1 || Math.abs(x) >= 2 ** 24) even++;
      m += x / 2 ** 24;
      v += (x / 2 ** 24) ** 2;
    }
    expect(even).toBe(0);
    m /= a.length;
    v /= a.length;
    // U(-1, 1): mean 0 (SE sqrt(1/3 / n)), E x^2 = 1/3 (SE sqrt(4/45 / n)).
    expect(Math.abs(m)).toBeLessThan(5 * Math.sqrt(1 / 3 / a.length));
    expect(Math.abs(v - 1 / 3)).toBeLessThan(5 * Math.sqrt(4 / 45 / a.length));
  });
});

describe("Marion theory functions", () => {
  it("regimes, the exact identity's limit and beta_c(H)", async () => {
    const M = await import("../src/theory/marion/index.js");
    expect(M.meanSquaredRelDisp(1e6, 0.5)).toBeCloseTo(Math.exp(0.5) - 1, 5); // L alpha^2 = 1: e^{1/2} - 1 = 0.6487
    expect(M.meanSquaredNormRatio(100, 1)).toBeCloseTo((1 + 1 / 2e4) ** 100, 12);
    expect([M.iidRegime(1), M.iidRegime(0.5), M.iidRegime(0.25)]).toEqual([
      "identity",
      "stable",
      "explosion",
    ]);
    expect([M.smoothRegime(2), M.smoothRegime(1), M.smoothRegime(0.5)]).toEqual([
      "identity",
      "ode",
      "explosion",
    ]);
    expect([M.criticalBeta(0.3), M.criticalBeta(0.8)]).toEqual([0.5, 0.8]);
    // log-normal approximation vs simulation at beta = 1/2 (d = 20, L = 50): mean and variance of ln normRatio^2
    const r = simulate(marion({ beta: 0.5 }), { samples: 3000, seed: 45, observables: ["log10NormRatio"] });
    const ln2 = r.samples.log10NormRatio.map((v) => 2 * v * Math.LN10);
    const mean = ln2.reduce((a, b) => a + b, 0) / ln2.length;
    const law = M.logNormRatioLaw(50, 0.5, 20);
    // The approximation is first order in L alpha^2 / d (= 0.05 here): allow 5 SE + 0.05.
    expect(Math.abs(mean - law.mean)).toBeLessThan(5 * Math.sqrt(law.variance / ln2.length) + 0.05);
  });
});

describe("Marion Fig 7: the fBM regime boundary at L = 1000", () => {
  it("the simulated forward boundary (where the ratio stops depending on depth) is within 0.1 of max(1/2, H) for H in {0.3, 0.5, 0.7, 0.9}", async () => {
    const { heatmapSpec } = await import("../src/experiments/marion/fig7-heatmap.js");
    const { downCrossing } = await import("../src/stats/estimators.js");
    const betas = Array.from({ length: 17 }, (_, i) => Number((0.3 + 0.05 * i).toFixed(2)));
    const inputs = 4;
    const obs = betas.flatMap((_, j) =>
      Array.from({ length: inputs }, (_, i) => `log10RelDisp${j ? `#${j}` : ""}${i ? `@${i}` : ""}`),
    );
    const meanLog = (L: number, H: number) => {
      const r = simulate(heatmapSpec(H, L, betas, inputs), { samples: 8, seed: 21, observables: obs });
      return betas.map((_, j) => {
        let a = 0;
        for (let i = 0; i < inputs; i++) a += r.stats[obs[j * inputs + i]].mean;
        return a / inputs;
      });
    };
    for (const H of [0.3, 0.5, 0.7, 0.9]) {
      const long = meanLog(1000, H);
      const short = meanLog(100, H);
      const boundary = downCrossing(
        betas,
        long.map((v, j) => v - short[j]),
      ).at;
      expect(Math.abs(boundary - Math.max(0.5, H)), `H = ${H}: boundary ${boundary}`).toBeLessThan(0.1);
      // Below the boundary the ratio explodes with depth, above it it shrinks (the regimes themselves).
      expect(long[0]).toBeGreaterThan(short[0]);
      expect(long[betas.length - 1]).toBeLessThan(short[betas.length - 1]);
    }
  }, 120_000);
});

describe("Marion presets and activations", () => {
  it("marion-res1 / marion-res3 presets parse to the reference setups; leaky-relu and sigmoid are accepted", async () => {
    const { presetSpec } = await import("../src/spec/index.js");
    const r3 = parseSpec(presetSpec("marion-res3"));
    const r1 = parseSpec(presetSpec("marion-res1"));
    expect(r3.family === "marion" && [r3.model, r3.width, r3.depth, r3.nIn, r3.beta, r3.weights.law]).toEqual(
      ["res3", 40, 1000, 64, 0.5, "uniform"],
    );
    expect(r1.family === "marion" && [r1.model, r1.width]).toEqual(["res1", 30]);
    for (const activation of [
      { name: "leaky-relu", slope: 0.8 },
      { name: "sigmoid" },
      { name: "identity" },
    ]) {
      const r = simulate(marion({ depth: 20, activation }), {
        samples: 8,
        seed: 2,
        observables: ["log10RelDisp"],
      });
      expect(r.stats.log10RelDisp.nonFinite).toBe(0);
    }
    // leaky-relu(slope) is two-slope(1, slope): the same numbers.
    const a = simulate(marion({ depth: 20, activation: { name: "leaky-relu", slope: 0.8 } }), {
      samples: 4,
      seed: 2,
      observables: ["log10GradRelDisp"],
    });
    const b = simulate(marion({ depth: 20, activation: { name: "two-slope", a: 1, b: 0.8 } }), {
      samples: 4,
      seed: 2,
      observables: ["log10GradRelDisp"],
    });
    expect(Array.from(a.samples.log10GradRelDisp)).toEqual(Array.from(b.samples.log10GradRelDisp));
  });
});
