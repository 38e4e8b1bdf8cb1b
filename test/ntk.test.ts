/**
 * The NTK (docs/theory/ntk.md): the fast engines agree in law with the dense engine, the exact moments of
 * §3 match simulation (and the checks reject the plausible wrong values), the limits of §4-§5 match wide
 * networks.
 */
import { describe, expect, it } from "vitest";
import { simulate } from "../src/simulate.js";
import { parseSpec } from "../src/spec/index.js";
import { ksTwoSample } from "../src/stats/ks.js";
import { momentRatio } from "../src/stats/moment-ratio.js";
import {
  hayouNtkLimit,
  hnBeta,
  reluNtkGroupMeans,
  reluNtkLimit,
  reluNtkMoments,
  reluResNetNtkLimit,
} from "../src/theory/ntk/index.js";

const P_MIN = 1e-4;
const finite = (x: Float64Array) => x.filter(Number.isFinite);

describe("NTK engines agree in law with the dense engine", () => {
  const configs: [string, Record<string, unknown>, "product" | "reduced"][] = [
    ["mlp n=8 d=3", { family: "mlp", width: 8, depth: 3, nIn: 4, nOut: 2 }, "product"],
    ["mlp widths [5,9,4]", { family: "mlp", width: [5, 9, 4], nIn: 3, nOut: 2 }, "product"],
    ["mlp n=4 d=6", { family: "mlp", width: 4, depth: 6, nIn: 3, nOut: 2 }, "product"],
    [
      "mlp widths [3,12,6,2], gain 1.5",
      { family: "mlp", width: [3, 12, 6, 2], nIn: 3, nOut: 2, gain: 1.5 },
      "product",
    ],
    ["mlp tanh [5,9,4]", { family: "mlp", width: [5, 9, 4], nIn: 3, nOut: 2, activation: "tanh" }, "reduced"],
    ["mlp relu n=6 d=5", { family: "mlp", width: 6, depth: 5, nIn: 2, nOut: 3 }, "reduced"],
    ["resnet n=6 d=4", { family: "resnet", width: 6, depth: 4, nIn: 3, nOut: 2, alpha2: 0.5 }, "reduced"],
    [
      "resnet balanced tanh",
      { family: "resnet", width: 5, depth: 6, nIn: 3, nOut: 2, balanced: true, activation: "tanh" },
      "reduced",
    ],
    [
      "resnet lambda^2 = 1/d",
      { family: "resnet", width: 10, depth: 20, nIn: 3, nOut: 3, lambda2Depth: 1 },
      "reduced",
    ],
    [
      "resnet gelu n=4 d=3",
      { family: "resnet", width: 4, depth: 3, nIn: 2, nOut: 2, activation: "gelu" },
      "reduced",
    ],
  ];
  const keys = ["ntk", "logNtk", "ntkLayer[1]", "ntkOut", "ntkLayer[0]"];
  const hayou: [string, Record<string, unknown>][] = [
    ["relu, 2 inputs", { width: 5, depth: 6, nIn: 3, gain: 2, activation: "relu", inputs: ["ones", "e1"] }],
    ["tanh, 2 inputs", { width: 3, depth: 6, nIn: 2, activation: "tanh", inputs: ["unit", "e1"] }],
    [
      "relu, 3 inputs",
      { width: 8, depth: 10, nIn: 3, activation: "relu", inputs: ["ones", "e1", [1, -1, 0.5]] },
    ],
    [
      "gelu, 2 inputs, gain 1.5",
      { width: 4, depth: 3, nIn: 2, activation: "gelu", gain: 1.5, inputs: ["ones", "e1"] },
    ],
  ];
  for (const [label, spec] of hayou) {
    it(`reduced: hayou ${label} (joint backward: ntkCross, ntkCos)`, () => {
      const s = parseSpec({ family: "hayou", ...spec });
      const k = ["ntk", "logNtk", "ntkLayer[1]", "ntkLayer[0]", "ntkCross", "ntkCos", "ntk@1"];
      const fast = simulate(s, { samples: 6000, seed: 21, engine: "reduced", observables: k });
      const dense = simulate(s, { samples: 6000, seed: 22, engine: "dense", observables: k });
      for (const key of k) {
        const p = ksTwoSample(finite(fast.samples[key]), finite(dense.samples[key])).pValue;
        expect(p, `${key}: KS p-value`).toBeGreaterThan(P_MIN);
      }
    });
  }
  for (const [label, spec, engine] of configs) {
    it(`${engine}: ${label}`, () => {
      const s = parseSpec({ ...spec, inputs: [{ kind: "ones" }] });
      const fast = simulate(s, { samples: 6000, seed: 21, engine, observables: keys });
      const dense = simulate(s, { samples: 6000, seed: 22, engine: "dense", observables: keys });
      for (const k of keys) {
        const p = ksTwoSample(finite(fast.samples[k]), finite(dense.samples[k])).pValue;
        expect(p, `${k}: KS p-value`).toBeGreaterThan(P_MIN);
      }
    });
  }
  it("the check has power: the NTK at one more layer is told apart", () => {
    const a = parseSpec({ family: "mlp", width: 8, depth: 3, nIn: 4, nOut: 2, inputs: ["ones"] });
    const b = parseSpec({ family: "mlp", width: 8, depth: 4, nIn: 4, nOut: 2, inputs: ["ones"] });
    const x = simulate(a, { samples: 6000, seed: 21, engine: "product", observables: ["ntk"] });
    const y = simulate(b, { samples: 6000, seed: 22, engine: "dense", observables: ["ntk"] });
    expect(ksTwoSample(x.samples.ntk, y.samples.ntk).pValue).toBeLessThan(P_MIN);
  });
});

describe("exact NTK moments of the ReLU MLP (docs/theory/ntk.md §3)", () => {
  const pairs: (number | number[])[][] = [
    [20, 4],
    [10, 8],
    [[30, 10, 50, 20], 3],
    [[6, 40, 12], 2],
  ];
  for (const [width, depth] of pairs) {
    const cfg = Array.isArray(width) ? { width } : { width, depth };
    it(`E[K] within 5 SE, E[K^2] too, and the wrong values rejected: ${JSON.stringify(cfg)}`, () => {
      const spec = parseSpec({ family: "mlp", ...cfg, nIn: 5, nOut: 1, inputs: [[1, 2, 0, -1, 0.5]] });
      const c = (1 + 4 + 1 + 0.25) / 5;
      const th = reluNtkMoments(spec.widths, 2, c);
      const r = simulate(spec, { samples: 2 ** 17, seed: 3, engine: "product", observables: ["ntk"] });
      const m = momentRatio(r.samples.ntk);
      expect(Math.abs(m.mean - th.mean) / m.seMean).toBeLessThan(5);
      expect(Math.abs(m.ratio - th.ratio) / m.seRatio).toBeLessThan(5);
      // Wrong: the log-normal leading order exp(5 beta); the infinite-width value 1 (K deterministic).
      expect(Math.abs(m.ratio - Math.exp(5 * hnBeta(spec.widths))) / m.seRatio).toBeGreaterThan(5);
      expect(Math.abs(m.ratio - 1) / m.seRatio).toBeGreaterThan(5);
      // The dense engine (every weight drawn) agrees with the exact mean as well.
      const dense = simulate(spec, { samples: 4000, seed: 4, engine: "dense", observables: ["ntk"] });
      const md = momentRatio(dense.samples.ntk);
      expect(Math.abs(md.mean - th.mean) / md.seMean).toBeLessThan(5);
    });
  }
  it("E[K] = (d + 2) c for gain 2 at every width, each group contributing c", () => {
    for (const widths of [
      [3, 3, 3],
      [1, 2, 1, 5],
      [100, 7],
    ]) {
      const means = reluNtkGroupMeans(widths, 2, 0.7);
      for (const v of means) expect(v).toBeCloseTo(0.7, 12);
      expect(reluNtkMoments(widths, 2, 0.7).mean).toBeCloseTo(0.7 * (widths.length + 1), 12);
    }
  });
  it("any gain: E[K] = (d + 2) c (g/2)^d, the infinite-width value, exactly at finite width", () => {
    for (const [n, d, g] of [
      [2, 4, 3],
      [3, 6, 1],
      [4, 6, 1.2],
    ]) {
      const exact = reluNtkMoments(new Array(d + 1).fill(n), g, 1).mean;
      expect(exact / ((d + 2) * (g / 2) ** d)).toBeCloseTo(1, 12);
    }
    const spec = parseSpec({ family: "mlp", width: 3, depth: 4, nIn: 2, nOut: 1, gain: 3, inputs: ["ones"] });
    const th = reluNtkMoments(spec.widths, 3, 1);
    const r = simulate(spec, { samples: 2 ** 17, seed: 9, engine: "product", observables: ["ntk"] });
    const m = momentRatio(r.samples.ntk);
    expect(Math.abs(m.mean - th.mean) / m.seMean).toBeLessThan(5);
    // Wrong: the gain-2 value (d + 2) c.
    expect(Math.abs(m.mean - 6) / m.seMean).toBeGreaterThan(5);
  });
  it("group weights: Hanin & Nica's standard parametrisation reweights each layer by n_{l-1} / g", () => {
    const widths = [4, 6, 5];
    const nIn = 3;
    const w = [nIn, 4 / 2, 6 / 2, 5];
    const hn = reluNtkMoments(widths, 2, 1, { weights: w });
    const means = reluNtkGroupMeans(widths, 2, 1);
    expect(hn.mean).toBeCloseTo(
      means.reduce((s, v, i) => s + v * w[i], 0),
      10,
    );
    expect(hn.ratio).toBeGreaterThan(1);
  });
});

describe("infinite-width NTK limits (docs/theory/ntk.md §4, §5)", () => {
  it("ReLU MLP: two inputs, wide network", () => {
    const spec = parseSpec({ family: "mlp", width: 400, depth: 3, nIn: 4, nOut: 1, inputs: ["ones", "e1"] });
    const r = simulate(spec, {
      samples: 400,
      seed: 2,
      engine: "dense",
      observables: ["ntk", "ntkCross", "ntkCos"],
    });
    const lim = reluNtkLimit(1, 0.25, 0.25, 3, 2);
    expect(reluNtkLimit(1, 1, 1, 3, 2)).toBeCloseTo(5, 12);
    const cross = r.stats.ntkCross;
    expect(Math.abs(cross.mean - lim)).toBeLessThan(5 * cross.seMean + 0.02 * lim);
    const cos = lim / Math.sqrt(5 * reluNtkLimit(0.25, 0.25, 0.25, 3, 2));
    expect(Math.abs(r.stats.ntkCos.mean - cos)).toBeLessThan(0.02);
  });
  it("ResNet lambda^2 = 1/d and Hayou's ResNet: E[K] near the bounded limits", () => {
    const res = parseSpec({
      family: "resnet",
      width: 200,
      depth: 20,
      nIn: 10,
      nOut: 1,
      lambda2Depth: 1,
      inputs: ["ones"],
    });
    const a = simulate(res, { samples: 2000, seed: 1, engine: "reduced", observables: ["ntk"] }).stats.ntk;
    const limR = reluResNetNtkLimit(1, 20, Math.sqrt(1 - 1 / 20), Math.sqrt(1 / 20), 2);
    expect(limR).toBeCloseTo(3, 10);
    expect(Math.abs(a.mean - limR) / limR).toBeLessThan(0.03);
    const hay = parseSpec({
      family: "hayou",
      width: 150,
      depth: 10,
      nIn: 10,
      gain: 2,
      activation: "relu",
      inputs: ["ones"],
    });
    const b = simulate(hay, { samples: 300, seed: 1, engine: "dense", observables: ["ntk"] }).stats.ntk;
    const limH = hayouNtkLimit(1, 10, 2);
    expect(Math.abs(b.mean - limH) / limH).toBeLessThan(0.03 + 3 * (b.seMean / limH));
  });
});

describe("the NTK of Hayou's and Marion's ResNets (dense engine)", () => {
  const groupMean = (r: ReturnType<typeof simulate>, k: string) => r.stats[k];
  it("Hayou, one block: E[K] = q0 (1 + g) exactly at any width; a missing activity factor 1/2 is rejected", () => {
    const spec = parseSpec({
      family: "hayou",
      width: 3,
      depth: 1,
      nIn: 2,
      gain: 2,
      activation: "relu",
      inputs: ["ones"],
    });
    const r = simulate(spec, {
      samples: 40000,
      seed: 5,
      engine: "dense",
      observables: ["ntk", "ntkLayer[1]"],
    });
    const k = r.stats.ntk;
    expect(hayouNtkLimit(1, 1, 2)).toBeCloseTo(3, 12);
    expect(Math.abs(k.mean - 3) / k.seMean).toBeLessThan(5);
    // Wrong: every unit active (E||D W^T p||^2 = g instead of g/2): E[K] = 1 + g + g/2.
    expect(Math.abs(k.mean - 4) / k.seMean).toBeGreaterThan(5);
    const k1 = r.stats["ntkLayer[1]"];
    expect(Math.abs(k1.mean - 1) / k1.seMean).toBeLessThan(5);
  });
  for (const [model, total] of [
    ["res1", 3.5 / 3],
    ["res3", 4 / 3],
  ] as const) {
    it(`Marion ${model}, one block: E[K] and every group's mean exact (q = ||x||^2/n_in, E q = 1/3)`, () => {
      const spec = parseSpec({
        family: "marion",
        model,
        width: 8,
        depth: 1,
        nIn: 3,
        nOut: 2,
        beta: 0.5,
        activation: "relu",
        weights: { law: "gaussian" },
        correlation: { kind: "iid" },
      });
      const keys = ["ntk", "ntkLayer[0]", "ntkLayer[1]", "ntkOut"];
      const r = simulate(spec, { samples: 40000, seed: 6, engine: "dense", observables: keys });
      // alpha = 1: A and B contribute q (1 + 1/2) / ... (docs/theory/ntk.md §1): 1/2 each at E q = 1/3.
      const expected = [total, 0.5, total - 1, 0.5];
      keys.forEach((key, i) => {
        const s = groupMean(r, key);
        expect(Math.abs(s.mean - expected[i]) / s.seMean, key).toBeLessThan(5);
      });
      // Wrong: the block's activity factor forgotten (each V or W term twice as large).
      const wrong = total + (total - 1);
      expect(Math.abs(r.stats.ntk.mean - wrong) / r.stats.ntk.seMean).toBeGreaterThan(5);
    });
  }
  it("Marion in the exploding regime: ln K stays finite (log-scale accumulation) and equals ln of K", () => {
    const spec = parseSpec({
      family: "marion",
      model: "res3",
      width: 10,
      depth: 400,
      nIn: 3,
      nOut: 1,
      beta: 0.05,
      betas: [0.05, 1],
      nInputs: 2,
      activation: "relu",
      weights: { law: "gaussian" },
      correlation: { kind: "iid" },
    });
    const r = simulate(spec, {
      samples: 20,
      seed: 1,
      engine: "dense",
      observables: ["ntk", "logNtk", "logNtk#1", "ntkCos", "ntkCos#1"],
    });
    const log = r.samples.logNtk;
    expect(log.every(Number.isFinite)).toBe(true);
    expect(Math.min(...log)).toBeGreaterThan(20); // K far above 1: the forward pass explodes at beta = 0.05
    r.samples.ntk.forEach((k, i) => expect(Math.log(k)).toBeCloseTo(log[i], 8));
    for (const c of [...r.samples.ntkCos, ...r.samples["ntkCos#1"]])
      expect(Math.abs(c)).toBeLessThanOrEqual(1 + 1e-12);
    expect(Math.max(...r.samples["logNtk#1"])).toBeLessThan(5);
  });
});

describe("pairs of inputs: ntkCross@a,b and ntkCos@a,b (any two inputs)", () => {
  it("K(x_a, x_b) is symmetric, pairs with input 0 by default, and bad pairs are refused by name", async () => {
    const { parseObservables, splitObservableList } = await import("../src/engines/observables.js");
    const spec = parseSpec({
      family: "mlp",
      width: 6,
      depth: 3,
      nIn: 3,
      nOut: 2,
      inputs: ["ones", "e1", [1, -2, 0.5]],
    });
    const keys = [
      "ntkCross@1,2",
      "ntkCross@2,1",
      "ntkCross@0,2",
      "ntkCross@2",
      "ntkCos@2,1",
      "ntk@1",
      "ntk@2",
    ];
    expect(parseObservables(keys, spec).map((o) => o.key)).toEqual([
      "ntkCross@1,2",
      "ntkCross@2,1",
      "ntkCross@2",
      "ntkCos@2,1",
      "ntk@1",
      "ntk@2",
    ]);
    const r = simulate(spec, { samples: 200, seed: 4, engine: "dense", observables: keys });
    for (let i = 0; i < 200; i++) {
      expect(r.samples["ntkCross@1,2"][i]).toBe(r.samples["ntkCross@2,1"][i]);
      const cos = r.samples["ntkCross@1,2"][i] / Math.sqrt(r.samples["ntk@1"][i] * r.samples["ntk@2"][i]);
      // A dead network (every unit of a layer off for an input) has K = 0 there: the cosine is NaN (counted).
      if (Number.isFinite(cos)) expect(r.samples["ntkCos@2,1"][i]).toBeCloseTo(cos, 12);
      else expect(Number.isNaN(r.samples["ntkCos@2,1"][i])).toBe(true);
    }
    expect(() => parseObservables(["ntkCross@2,2"], spec)).toThrow(/pair input 2 with itself/);
    // The command line's comma-separated list keeps a pair together (no observable name starts with a digit).
    expect(splitObservableList("G, ntkCross@1,2,ntkCos@2, 1,logNorm2[3]@1")).toEqual([
      "G",
      "ntkCross@1,2",
      "ntkCos@2,1",
      "logNorm2[3]@1",
    ]);
    expect(() => parseObservables(["ntkCross@3,1"], spec)).toThrow(/input index must be below/);
    expect(() => parseObservables(["ntk@1,2"], spec)).toThrow(/takes one input index/);
    // Hayou's corr takes pairs the same way: corr@1,2 is corr@2,1.
    const h = parseSpec({
      family: "hayou",
      width: 5,
      depth: 4,
      nIn: 3,
      inputs: ["ones", "e1", [1, -2, 0.5]],
    });
    const c = simulate(h, {
      samples: 50,
      seed: 1,
      engine: "reduced",
      observables: ["corr@1,2", "corr@2,1", "corr"],
    });
    for (let i = 0; i < 50; i++) expect(c.samples["corr@1,2"][i]).toBeCloseTo(c.samples["corr@2,1"][i], 14);
  });
});
