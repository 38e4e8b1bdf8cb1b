import { readFileSync } from "node:fs";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import { describe, expect, it } from "vitest";
import { expectWasmMatchesJs } from "./helpers.js";
import { makeActivation } from "../src/activations/index.js";
import { parseObservables } from "../src/engines/index.js";
import { compileReducedHayou } from "../src/families/hayou/reduced.js";
import { simulate } from "../src/simulate.js";
import { type HayouSpec, parseSpec, presetSpec } from "../src/spec/index.js";
import { ksOneSample, ksTwoSample } from "../src/stats/index.js";
import {
  identityLogGrowth,
  meanLogGrowthFactor,
  ouLaw,
  ouMap,
  sequentialLimit,
  width1CollapseProbability,
  width1FiniteDepthLogMoments,
  width1LinearFiniteDepthLogMoments,
  width1LinearLogLaw,
  width1ReluLogLaw,
} from "../src/theory/hayou/index.js";
import { erfi, erfiInv, erfiInvByNewton } from "../src/theory/special/erfi.js";

const ref = JSON.parse(readFileSync(new URL("./fixtures/reference-values.json", import.meta.url), "utf8"));
const hayou = (extra: Record<string, unknown>) => parseSpec({ ...presetSpec("hayou-resnet"), ...extra });
const finite = (x: Float64Array) => x.filter((v) => !Number.isNaN(v));

describe("erfi and its inverse", () => {
  it("match mpmath to 1e-12 relative (fixtures), over the range the simulations reach", () => {
    for (const r of ref.erfi) expect(Math.abs(erfi(r.x) - r.erfi) / Math.abs(r.erfi)).toBeLessThan(1e-12);
    for (const r of ref.erfiInv) expect(Math.abs(erfiInv(r.y) - r.z) / Math.abs(r.z)).toBeLessThan(1e-12);
    for (const y of [-1e5, -3, -1e-9, 0, 2.5, 1e8])
      expect(erfi(erfiInv(y))).toBeCloseTo(y, 12 - Math.max(0, Math.log10(Math.abs(y) + 1)));
    expect(erfi(-1.3)).toBe(-erfi(1.3));
  });
  it("the fast inverse (Chebyshev guess + one Newton step) equals the Newton-on-series one to 1e-14", () => {
    let worst = 0;
    for (let e = -30; e <= 308; e += 0.013) {
      for (const y of [10 ** e, -(10 ** e), 10 ** e * 1.7]) {
        if (!Number.isFinite(y)) continue;
        worst = Math.max(worst, Math.abs(erfiInv(y) - erfiInvByNewton(y)) / Math.abs(erfiInvByNewton(y)));
      }
    }
    expect(worst).toBeLessThan(1e-14);
    // Tiny arguments, against mpmath (findroot of erfi(z) = y at 40 digits), where the log-form Newton
    // itself loses ~1e-13.
    for (const [y, z] of [
      [3.090295432076818e-233, 2.7387030195101406e-233],
      [9.54992585739829e-43, 8.46340143090388e-43],
      [1.380384264191311e-35, 1.2233337023976332e-35],
    ])
      expect(Math.abs(erfiInv(y) - z) / z).toBeLessThan(1e-15);
    expect(erfiInv(0)).toBe(0);
    expect(erfiInv(-Infinity)).toBe(-Infinity);
    expect(erfiInv(Number.MAX_VALUE)).toBeCloseTo(26.714033109640937, 13); // mpmath
    expect(Number.isNaN(erfiInv(Number.NaN))).toBe(true);
  });
  it("the OU activation and its derivative are consistent (finite differences)", () => {
    const act = makeActivation({ name: "ou", alpha: 0.7, beta: 1.3 });
    for (const x of [-2, -0.3, 0, 0.4, 3]) {
      const h = 1e-6;
      expect(act.df(x)).toBeCloseTo((act.f(x + h) - act.f(x - h)) / (2 * h), 5);
    }
    expect(act.f(0)).toBeCloseTo(0.7, 15);
  });
});

describe("Hayou engines: dense vs reduced agree in law (two-sample KS, fixed seeds)", () => {
  const configs: [string, Record<string, unknown>, string[]][] = [
    [
      "ReLU, 1 input, forward",
      { width: 10, depth: 40, nIn: 5 },
      ["logPostNormGrowth", "logPostNormGrowth[10]", "preact", "activeFraction", "collapsed"],
    ],
    ["ReLU, 1 input, gradients", { width: 10, depth: 40, nIn: 5 }, ["gradNorm", "gradNorm[20]"]],
    [
      "tanh, 1 input, forward + gradients",
      { width: 12, depth: 30, nIn: 4, activation: "tanh" },
      ["logPostNormGrowth", "preact", "gradNorm"],
    ],
    [
      "ReLU, 3 inputs, forward",
      { width: 8, depth: 30, nIn: 5, inputs: ["unit", [1, 0, 0, 0, 0], [0, 1, 1, 0, 0]] },
      ["logPostNormGrowth@1", "corr", "corr[10]@2", "preact@2"],
    ],
    [
      "tanh, 3 inputs, gradients",
      { width: 8, depth: 30, nIn: 5, activation: "tanh", inputs: ["unit", [1, 0, 0, 0, 0], [0, 1, 1, 0, 0]] },
      ["gradNorm", "gradNorm[15]@2"],
    ],
    ["width 1 ReLU, Y_0 = 1", { width: 1, depth: 20, nIn: 1, y0: 1 }, ["logPostNormGrowth", "collapsed"]],
    ["GELU, width 3", { width: 3, depth: 25, nIn: 3, activation: "gelu" }, ["logPostNormGrowth", "gradNorm"]],
  ];
  for (const [name, extra, observables] of configs) {
    it(name, () => {
      const spec = hayou(extra);
      const a = simulate(spec, { samples: 6000, seed: 31, engine: "dense", observables });
      const b = simulate(spec, { samples: 6000, seed: 32, engine: "reduced", observables });
      for (const key of observables)
        expect(ksTwoSample(finite(a.samples[key]), finite(b.samples[key])).pValue, key).toBeGreaterThan(0.01);
    });
  }
  it("reduced with step 1/L and the SDE engine on a fine grid agree for large L", () => {
    const spec = hayou({ width: 6, depth: 500, nIn: 6, sdeSteps: 2000, inputs: ["unit", "e1"] });
    const observables = ["logPostNormGrowth", "logPostNormGrowth[250]", "corr"];
    const a = simulate(spec, { samples: 4000, seed: 41, engine: "reduced", observables });
    const b = simulate(spec, { samples: 4000, seed: 42, engine: "sde", observables });
    for (const key of observables)
      expect(ksTwoSample(finite(a.samples[key]), finite(b.samples[key])).pValue, key).toBeGreaterThan(0.01);
    expect(() => simulate(spec, { samples: 10, engine: "sde", observables: ["gradNorm"] })).toThrow(
      /sde is not exact for this spec: it does not compute gradNorm for family hayou; engines that can serve it: reduced, dense/,
    );
  });
  it("auto never picks the SDE engine (a limit, not exact)", () => {
    expect(
      simulate(hayou({ width: 4, depth: 5 }), { samples: 5, observables: ["logPostNormGrowth"] }).plan.engine,
    ).toBe("reduced");
    expect(
      simulate(hayou({ width: 4, depth: 5, weights: { law: "uniform" } }), {
        samples: 5,
        observables: ["logPostNormGrowth"],
      }).plan.engine,
    ).toBe("dense");
  });
});

describe("the reduced engine's WebAssembly layers (one input, ReLU) are bit-identical to its JavaScript loop", () => {
  const CASES: [string, Record<string, unknown>, string[], boolean][] = [
    ["n = 100, L = 200, the last layer only", { width: 100, depth: 200 }, ["logPostNormGrowth"], false],
    [
      "width 2 (collapses), observed layers in between",
      { width: 2, depth: 60 },
      ["logPostNormGrowth[10]", "collapsed", "preact", "activeFraction[25]", "logPostNormGrowth"],
      false,
    ],
    [
      "gain 1e17: K overflows, the JavaScript path takes over",
      { width: 10, depth: 20, gain: 1e17 },
      ["logPostNormGrowth"],
      false,
    ],
    [
      "width 1 with a fixed Y_0",
      { width: 1, depth: 30, y0: [0.7] },
      ["logPostNormGrowth", "collapsed"],
      false,
    ],
    [
      "meanActiveFraction: the layer kernel stops at every layer",
      { width: 12, depth: 40 },
      ["logPostNormGrowth", "meanActiveFraction", "meanActiveFraction[7]"],
      false,
    ],
    [
      "the SDE engine (100 steps)",
      { width: 20, depth: 1000, sdeSteps: 100 },
      ["logPostNormGrowth[5]", "logPostNormGrowth"],
      true,
    ],
  ];
  for (const [label, extra, keys, sde] of CASES) {
    it(label, () => {
      const spec = hayou(extra) as HayouSpec;
      const obs = parseObservables(keys, spec);
      expectWasmMatchesJs((wasm) => compileReducedHayou(spec, obs, sde, wasm), obs.length, 5);
    });
  }
});

describe("Hayou theory against simulation", () => {
  it("regime change: the mean log growth is < 0 for widths 2, 3 and > 0 for widths 4, 5, near A(n)", () => {
    for (const n of [2, 3, 4, 5]) {
      const r = simulate(hayou({ width: n, depth: 200, nIn: n }), {
        samples: 60000,
        seed: 50 + n,
        observables: ["logPostNormGrowth"],
      });
      const s = r.stats.logPostNormGrowth; // NaN (phi(Y_0) = 0) excluded: conditioned on N_0 >= 1
      expect(Math.sign(s.mean), `n=${n}`).toBe(n <= 3 ? -1 : 1);
      expect(Math.abs(s.mean) / s.seMean, `n=${n}`).toBeGreaterThan(3);
      // A(n) is the drift at t = 0; E[G_1] is 0.001-0.003 lower (sheet 3): allow 0.004 beyond 5 SE.
      expect(Math.abs(s.mean - meanLogGrowthFactor(n))).toBeLessThan(5 * s.seMean + 0.004);
    }
    expect(meanLogGrowthFactor(3)).toBeCloseTo(-1 / 21, 14);
    expect(meanLogGrowthFactor(4)).toBeCloseTo(1 / 60, 14);
  });
  it("width 1, ReLU: log Y_L - log Y_0 ~ N(-1/2, 1) given Y_0 > 0 at L = 500 (KS), poor at L = 5", () => {
    const law = width1ReluLogLaw(1);
    const cdf = (v: number) => normalCdf(v, law.mean, Math.sqrt(law.variance));
    const deep = simulate(hayou({ width: 1, depth: 500, nIn: 1, y0: 1 }), {
      samples: 20000,
      seed: 61,
      observables: ["logPostNormGrowth"],
    });
    expect(ksOneSample(deep.samples.logPostNormGrowth, cdf).pValue).toBeGreaterThan(0.001);
    const shallow = simulate(hayou({ width: 1, depth: 5, nIn: 1, y0: 1 }), {
      samples: 20000,
      seed: 62,
      observables: ["logPostNormGrowth"],
    });
    expect(ksOneSample(shallow.samples.logPostNormGrowth, cdf).pValue).toBeLessThan(1e-6);
  });
  it("width 1, linear(alpha): a GBM, log|Y_L/Y_0| ~ N(-alpha^2/2, alpha^2)", () => {
    const r = simulate(
      hayou({ width: 1, depth: 500, nIn: 1, y0: -0.7, activation: { name: "linear", a: 0.5 } }),
      {
        samples: 20000,
        seed: 63,
        observables: ["logPostNormGrowth"],
      },
    );
    const law = width1LinearLogLaw(0.5);
    const s = r.stats.logPostNormGrowth;
    expect(Math.abs(s.mean - law.mean)).toBeLessThan(5 * s.seMean);
    expect(Math.abs(s.variance - law.variance)).toBeLessThan(5 * s.seVariance);
  });
  it("width 1 collapse probability by depth L is 1 - Phi(sqrt L)^L (given Y_0 > 0)", () => {
    for (const L of [1, 2, 5]) {
      const N = 40000;
      const r = simulate(hayou({ width: 1, depth: L, nIn: 1, y0: 1 }), {
        samples: N,
        seed: 70 + L,
        observables: ["collapsed"],
      });
      const p = width1CollapseProbability(L);
      expect(Math.abs(r.stats.collapsed.mean - p), `L=${L}`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
    }
    expect(width1CollapseProbability(5)).toBeCloseTo(0.0622, 3);
  });
  it("finite-depth width-1 log moments (ReLU given survival; linear) equal mpmath quadrature", () => {
    // mpmath.quad at 30 digits of L E[log(1 + a w/sqrt L) (| w > -sqrt L for ReLU)] and L Var[...].
    for (const [L, mean, variance] of [
      [5, -0.561604249035016, 1.75739015195306],
      [50, -0.516123749448858, 1.05489133227767],
    ]) {
      const m = width1FiniteDepthLogMoments(L);
      expect(m.mean, `L=${L}`).toBeCloseTo(mean, 9);
      expect(m.variance, `L=${L}`).toBeCloseTo(variance, 9);
    }
    const lin = width1LinearFiniteDepthLogMoments(0.8, 1000);
    expect(lin.mean).toBeCloseTo(-0.3203078575722165, 10);
    expect(lin.variance).toBeCloseTo(0.6410268071638094, 10);
    expect(() => width1LinearFiniteDepthLogMoments(3, 100)).toThrow(RangeError);
  });
  it("OU activation: g(Y_L) has the OU mean and variance (Prop. 4), width 1, Y_0 fixed", () => {
    for (const [alpha, beta, y0] of [
      [1, 1, 1],
      [0.5, 2, 1],
      [1, 2, 0.5],
    ]) {
      // L = 400: the Euler bias is O(1/L), inside the 0.005 allowance.
      const r = simulate(
        hayou({ width: 1, depth: 400, nIn: 1, y0, activation: { name: "ou", alpha, beta } }),
        {
          samples: 5000,
          seed: 80,
          observables: ["preact"],
        },
      );
      const z = r.samples.preact.map((y) => ouMap(beta, y));
      const mean = z.reduce((a, b) => a + b, 0) / z.length;
      const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / (z.length - 1);
      const law = ouLaw(alpha, beta, y0, 1);
      // Y_L itself against the pushforward law: P(Y <= y) = Phi((g(y) - mean) / sd), g monotone.
      const cdf = (y: number) => normalCdf(ouMap(beta, y), law.mean, Math.sqrt(law.variance));
      expect(ksOneSample(r.samples.preact, cdf).pValue).toBeGreaterThan(0.001);
      const se = Math.sqrt(law.variance / z.length);
      expect(Math.abs(mean - law.mean), `alpha=${alpha} beta=${beta}`).toBeLessThan(5 * se + 0.005);
      expect(Math.abs(variance - law.variance)).toBeLessThan(
        5 * law.variance * Math.sqrt(2 / z.length) + 0.005,
      );
    }
  });
  it("identity activation (Prop. 9): log growth has mean (n - 2)/(2n) and variance 1/n", () => {
    const n = 3;
    const r = simulate(hayou({ width: n, depth: 300, nIn: n, activation: "identity" }), {
      samples: 30000,
      seed: 90,
      observables: ["logPostNormGrowth"],
    });
    const law = identityLogGrowth(n);
    const s = r.stats.logPostNormGrowth;
    expect(Math.abs(s.mean - law.mean)).toBeLessThan(5 * s.seMean + 0.003);
    expect(Math.abs(s.variance - law.variance)).toBeLessThan(5 * s.seVariance + 0.003);
  });
  it("two-slope activations (Prop. 10): exact t = 0 mean log drift, closed forms and simulation", async () => {
    const { twoSlopeMeanLogDrift } = await import("../src/theory/hayou/index.js");
    for (const b of [0.1, 0.5, 0.9]) {
      expect(twoSlopeMeanLogDrift(1, 1, b)).toBeCloseTo(-(1 + b * b) / 4, 8);
      expect(twoSlopeMeanLogDrift(2, 1, b)).toBeCloseTo(-((1 - b) ** 2) / 8, 8);
    }
    expect(twoSlopeMeanLogDrift(5, 1, 1)).toBeCloseTo(identityLogGrowth(5).mean, 8);
    expect(twoSlopeMeanLogDrift(3, 1, 0.25)).toBeCloseTo(0.015, 3); // sheet 5, table
    // Simulation at n = 3, beta = 0.5: E[G_1] within 5 SE of the t = 0 drift, plus the drift's slow
    // change in time (sheet: sim 0.072 vs 0.071), allowed 0.007.
    const r = simulate(
      hayou({ width: 3, depth: 200, nIn: 3, activation: { name: "two-slope", a: 1, b: 0.5 } }),
      {
        samples: 30000,
        seed: 95,
        observables: ["logPostNormGrowth"],
      },
    );
    const s = r.stats.logPostNormGrowth;
    expect(Math.abs(s.mean - twoSlopeMeanLogDrift(3, 1, 0.5))).toBeLessThan(5 * s.seMean + 0.007);
  });
  it("sequential limits (Thms 2, 3): preactivation variance q0 e^{1/2}, log growth 1/4, at large width", () => {
    const r = simulate(hayou({ width: 400, depth: 100, nIn: 10 }), {
      samples: 2000,
      seed: 91,
      observables: ["logPostNormGrowth", "preact"],
    });
    const lim = sequentialLimit(1 / 10, 1); // x unit-norm: q0 = 1/d
    const g = r.stats.logPostNormGrowth;
    const p = r.stats.preact;
    // Finite n and L: O(1/n) and O(1/L) corrections of the limit; allow 5 SE + 0.01.
    expect(Math.abs(g.mean - lim.logGrowth)).toBeLessThan(5 * g.seMean + 0.01);
    expect(Math.abs(p.variance - lim.preactVariance)).toBeLessThan(5 * p.seVariance + 0.01);
  });
});

describe("Hayou spec", () => {
  it("validates y0, sdeSteps and the OU parameters", () => {
    expect(() => hayou({ y0: [1, 2] })).toThrow(/^y0: must have length width = 100 \(got 2\)/);
    expect(() => hayou({ y0: 1, inputs: ["unit", "e1"] })).toThrow(/^y0: fixes Y_0 for a single input/);
    expect(() => hayou({ sdeSteps: 0 })).toThrow(/^sdeSteps: sdeSteps must be an integer from 1/);
    expect(() => hayou({ activation: { name: "ou", alpha: -1, beta: 1 } })).toThrow(
      /activation.alpha must be a number > 0/,
    );
    expect(() => simulate(hayou({ width: 4, depth: 3 }), { samples: 2, observables: ["G"] })).toThrow(
      /unknown observable for family hayou/,
    );
    expect(() => simulate(hayou({ width: 4, depth: 3 }), { samples: 2, observables: ["corr"] })).toThrow(
      /corr needs a second input/,
    );
  });
});

describe("meanActiveFraction (the random drift of G_t, docs/theory/infinite-depth.md §3)", () => {
  it("is the average of activeFraction over layers 0..l-1 of the same network, in every engine", () => {
    const spec = parseSpec({
      family: "hayou",
      width: 6,
      depth: 8,
      nIn: 3,
      activation: "relu",
      inputs: ["unit", "e1"],
    });
    const per = Array.from({ length: 8 }, (_, l) => `activeFraction[${l}]@1`);
    for (const engine of ["dense", "reduced", "sde"] as const) {
      const r = simulate(spec, {
        samples: 50,
        seed: 2,
        engine,
        observables: ["meanActiveFraction@1", "meanActiveFraction[3]@1", "meanActiveFraction[0]", ...per],
      });
      for (let i = 0; i < 50; i++) {
        const f = per.map((k) => r.samples[k][i]);
        if (engine !== "sde") {
          expect(r.samples["meanActiveFraction@1"][i]).toBeCloseTo(f.reduce((a, b) => a + b, 0) / 8, 12);
          expect(r.samples["meanActiveFraction[3]@1"][i]).toBeCloseTo((f[0] + f[1] + f[2]) / 3, 12);
        }
        expect(Number.isNaN(r.samples["meanActiveFraction[0]"][i])).toBe(true);
      }
    }
  });
});
