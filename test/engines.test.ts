import { describe, expect, it } from "vitest";
import { simulate } from "../src/simulate.js";
import { parseSpec, presetSpec } from "../src/spec/index.js";
import { compileProduct } from "../src/families/mlp/product.js";
import { compileProductNtk } from "../src/families/mlp/product-ntk.js";
import type { MlpSpec } from "../src/families/mlp/schema.js";
import { parseObservables } from "../src/engines/observables.js";
import { expectWasmMatchesJs, kernelRows } from "./helpers.js";
import { ksTwoSample } from "../src/stats/index.js";
import { exactGMoments } from "../src/theory/loggaussian/index.js";

const mlp = (width: number | number[], depth: number | undefined, extra: Record<string, unknown> = {}) =>
  parseSpec({ family: "mlp", width, depth, nIn: 10, nOut: 10, ...extra });

describe("dense vs product engine: same law (two-sample KS, fixed seeds)", () => {
  const cases: [number, number, number][] = [
    [4, 3, 20000],
    [10, 10, 8000],
    [100, 10, 2000],
  ];
  for (const [n, d, N] of cases) {
    it(`n=${n}, d=${d}: G, logOutNorm2 and per-layer norms`, () => {
      const spec = mlp(n, d);
      const observables = ["G", "logOutNorm2", "logNorm2[0]", `logNorm2[${d}]`];
      const a = simulate(spec, { samples: N, seed: 101, engine: "dense", observables });
      const b = simulate(spec, { samples: N, seed: 202, engine: "product", observables });
      for (const key of observables) {
        const ks = ksTwoSample(a.samples[key], b.samples[key]);
        expect(ks.pValue, key).toBeGreaterThan(0.01);
      }
    });
  }
  it("two-slope activation (leaky ReLU) also agrees", () => {
    const spec = mlp(8, 6, { activation: { name: "two-slope", a: 1, b: 0.3 } });
    const a = simulate(spec, { samples: 10000, seed: 5, engine: "dense" });
    const b = simulate(spec, { samples: 10000, seed: 6, engine: "product" });
    expect(ksTwoSample(a.samples.G, b.samples.G).pValue).toBeGreaterThan(0.01);
  });
  it("the KS check has power: a wrong gain is detected", () => {
    const a = simulate(mlp(10, 10), { samples: 8000, seed: 101, engine: "dense" });
    const b = simulate(mlp(10, 10, { gain: 2.1 }), { samples: 8000, seed: 202, engine: "product" });
    expect(ksTwoSample(a.samples.G, b.samples.G).pValue).toBeLessThan(1e-6);
  });
});

describe("mean and variance of G within 5 standard errors of the exact formulas (1.4)", () => {
  const cases: { widths: number[]; engine: "dense" | "product"; N: number }[] = [
    { widths: new Array(11).fill(100), engine: "product", N: 200000 },
    { widths: new Array(21).fill(50), engine: "product", N: 200000 },
    { widths: new Array(6).fill(10), engine: "product", N: 200000 },
    { widths: new Array(4).fill(4), engine: "product", N: 200000 },
    { widths: [20, 400], engine: "product", N: 200000 },
    { widths: [400, 20], engine: "product", N: 200000 },
    { widths: [10, 30, 50, 7], engine: "product", N: 200000 },
    { widths: new Array(11).fill(100), engine: "dense", N: 3000 },
    { widths: new Array(6).fill(10), engine: "dense", N: 20000 },
    { widths: [20, 400], engine: "dense", N: 20000 },
    { widths: [400, 20], engine: "dense", N: 20000 },
  ];
  for (const { widths, engine, N } of cases) {
    it(`${engine}, widths ${widths.length > 4 ? `${widths[0]} x ${widths.length}` : `[${widths}]`}`, () => {
      const r = simulate(mlp(widths, undefined), { samples: N, seed: 7, engine });
      const s = r.stats.G;
      const m = exactGMoments(widths);
      // Moments are over live networks (G finite), i.e. conditional on alive, like the formulas.
      expect(Math.abs(s.mean - m.mean)).toBeLessThan(5 * s.seMean);
      expect(Math.abs(s.variance - m.variance)).toBeLessThan(5 * s.seVariance);
    });
  }
  it("unequal widths: the variance matches the exact sum, not the notes' mirrored beta", () => {
    const r = simulate(mlp([20, 400], undefined), { samples: 200000, seed: 8, engine: "product" });
    const mirrored = 2 / 20 + 5 / 400;
    expect(Math.abs(r.stats.G.variance - mirrored)).toBeGreaterThan(20 * r.stats.G.seVariance);
  });
});

describe("dead networks", () => {
  it("are counted as G = -inf, at rate 1 - (1 - 2^-n)^d, by both engines", () => {
    const n = 2;
    const d = 4;
    const p = 1 - (1 - 2 ** -n) ** d;
    for (const engine of ["dense", "product"] as const) {
      const N = 20000;
      const r = simulate(mlp(n, d), { samples: N, seed: 9, engine });
      const s = r.stats.G;
      expect(s.count).toBe(N);
      expect(s.nan + s.posInf).toBe(0);
      expect(Math.abs(s.negInf - N * p)).toBeLessThan(5 * Math.sqrt(N * p * (1 - p)));
      expect(r.stats.logOutNorm2.negInf).toBe(s.negInf);
    }
  });
});

describe("engine choice and determinism", () => {
  it("auto picks product, then reduced, then dense, whichever is exact first", () => {
    expect(simulate(mlp(10, 2), { samples: 10 }).plan.engine).toBe("product");
    expect(simulate(mlp(10, 2, { activation: "tanh" }), { samples: 10 }).plan.engine).toBe("reduced");
    expect(simulate(mlp(10, 2, { weights: { law: "uniform" } }), { samples: 10 }).plan.engine).toBe("dense");
    expect(simulate(mlp(10, 2), { samples: 10, observables: ["logJvpNorm2"] }).plan.engine).toBe("dense");
    expect(simulate(mlp(10, 2, { inputs: ["ones", "e1"] }), { samples: 10 }).plan.engine).toBe("dense");
  });
  it("an explicit engine that is not exact is refused with the reason", () => {
    expect(() => simulate(mlp(10, 2, { activation: "tanh" }), { samples: 10, engine: "product" })).toThrow(
      /engine: product is not exact for this spec: it needs a positively homogeneous activation/,
    );
  });
  it("the same seed gives bit-identical samples; another seed does not", () => {
    for (const engine of ["dense", "product"] as const) {
      const a = simulate(mlp(16, 5), { samples: 300, seed: 3, engine });
      const b = simulate(mlp(16, 5), { samples: 300, seed: 3, engine });
      const c = simulate(mlp(16, 5), { samples: 300, seed: 4, engine });
      expect(a.samples.G).toEqual(b.samples.G);
      expect(a.summaries.G).toEqual(b.summaries.G);
      expect(a.samples.G).not.toEqual(c.samples.G);
    }
  });
  it("a sample's value does not depend on the run size (streams keyed by sample index)", () => {
    const a = simulate(mlp(16, 5), { samples: 100, seed: 3, engine: "dense" });
    const b = simulate(mlp(16, 5), { samples: 37, seed: 3, engine: "dense" });
    expect(a.samples.G.subarray(0, 37)).toEqual(b.samples.G);
  });
  it("several inputs share the weights: identical inputs give identical values", () => {
    const r = simulate(mlp(12, 4, { inputs: ["ones", "ones", "e1"] }), {
      samples: 50,
      seed: 1,
      observables: ["G", "G@1", "G@2"],
    });
    expect(r.samples.G).toEqual(r.samples["G@1"]);
    expect(r.samples.G).not.toEqual(r.samples["G@2"]);
  });
  it("uniform and Rademacher weights give G with the Gaussian-weight mean to leading order", () => {
    // Universality (sheet 2.2): for a delocalised input the 4th moment enters at O(1/n^2) per layer, so
    // the mean may differ by O(d/n^2) = 0.002 times a constant of order 1: allow 0.01 beyond 5 SE.
    const m = exactGMoments(new Array(6).fill(50));
    for (const law of ["uniform", "rademacher"]) {
      const r = simulate(mlp(50, 5, { weights: { law } }), { samples: 4000, seed: 2 });
      expect(Math.abs(r.stats.G.mean - m.mean)).toBeLessThan(5 * r.stats.G.seMean + 0.01);
    }
  });
});

describe("library API (the example in src/index.ts and the README)", () => {
  it("runs as documented", async () => {
    const { parseSpec: ps, presetSpec, simulate: sim, theory } = await import("../src/index.js");
    const spec = ps({ ...presetSpec("nica-mlp"), depth: 50 });
    const r = sim(spec, { samples: 10000, seed: 1 });
    const exact = theory.loggaussian.exactGMoments(spec.widths);
    expect(Math.abs(r.stats.G.mean - exact.mean)).toBeLessThan(5 * r.stats.G.seMean);
  });
});

describe("the NTK product engine's four-lane WebAssembly kernel is bit-identical to its JavaScript loop", () => {
  // Widths 1-5 give dead networks (m = 0), chi-squares with 0 and 1 degrees (m = 1, 2: no draw, the
  // boosted small shape) and the scalar fallbacks; depth 70 runs long backward recursions.
  const CASES: [string, Record<string, unknown>, string[]][] = [
    [
      "notes' network, the NTK and its parts",
      { depth: 10, nOut: 1 },
      ["ntk", "logNtk", "ntkLayer[3]", "ntkOut", "G"],
    ],
    [
      "narrow layers, three outputs",
      { width: [3, 1, 5, 2, 4, 3], depth: undefined, nOut: 3 },
      ["ntk", "G", "logOutNorm2"],
    ],
    ["depth 70, width 12", { depth: 70, width: 12, nOut: 2 }, ["logNtk", "logOutNorm2", "ntkLayer[0]"]],
  ];
  for (const [label, extra, keys] of CASES) {
    it(label, () => {
      const spec = parseSpec({ ...presetSpec("nica-mlp"), ...extra }) as MlpSpec;
      const obs = parseObservables(keys, spec);
      expectWasmMatchesJs((wasm) => compileProductNtk(spec, obs, wasm), obs.length, 29);
    });
  }
});

describe("the product engine's WebAssembly sampler is bit-identical to its JavaScript loop", () => {
  // Widths 1, 31, 32, 33 cross the popcount word boundary; n = 1 and 2 give chi-square shapes below 1
  // (the U^(1/a) boost through Math.pow); leaky ReLU draws the negative part too.
  const CASES: [string, Record<string, unknown>, string[]][] = [
    ["notes' network, G and the output norm", { depth: 10 }, ["G", "logOutNorm2"]],
    [
      "widths 1, 31, 32, 33, 2 (dead networks: -inf)",
      { width: [1, 31, 32, 33, 2], depth: undefined, nOut: 3 },
      ["G", "logOutNorm2"],
    ],
    ["leaky ReLU, gain 1, depth 40", { width: 7, depth: 40, activation: "leaky-relu", gain: 1 }, ["G"]],
    ["depth 0", { depth: 0, width: 5 }, ["G", "logOutNorm2"]],
    // Past the four-lane kernel's blocks of 32 layers (logs taken per block), narrow layers (more
    // log tests and rejections).
    ["depth 70, width 12", { depth: 70, width: 12 }, ["G", "logOutNorm2"]],
  ];
  for (const [label, extra, keys] of CASES) {
    it(label, () => {
      const spec = parseSpec({ ...presetSpec("nica-mlp"), ...extra }) as MlpSpec;
      const obs = parseObservables(keys, spec);
      expectWasmMatchesJs((wasm) => compileProduct(spec, obs, wasm), obs.length, 17);
      // The batched path (whole chunks in WebAssembly, each sample seeded there) too, across batches
      // and at a large seed (both key words) and a start that is not 0.
      const k = obs.length;
      const seed = 2 ** 40 + 17;
      const start = 2040;
      const end = start + 2 * 2048 + 9;
      const js = kernelRows(compileProduct(spec, obs, false), k, end, seed).slice(start * k);
      const columns = obs.map(() => new Float64Array(end - start));
      compileProduct(spec, obs, true).batch!(seed, start, end, columns);
      const rows = Array.from({ length: (end - start) * k }, (_, j) => columns[j % k][Math.floor(j / k)]);
      expect(rows).toEqual(js);
    });
  }
});
