import { describe, expect, it } from "vitest";
import { expectWasmMatchesJs } from "./helpers.js";
import { parseObservables } from "../src/engines/index.js";
import { compileReducedLogGaussian } from "../src/families/shared/reduced-log-gaussian.js";
import { simulate } from "../src/simulate.js";
import { parseSpec, presetSpec, type ResNetSpec } from "../src/spec/index.js";
import { ksTwoSample } from "../src/stats/index.js";
import {
  betaResNet,
  correlationSum,
  reluFourthMoment,
  varianceStandardResNet,
} from "../src/theory/lnr/index.js";
import { secondOrderAllowance } from "../src/theory/lnr/index.js";

const resnet = (extra: Record<string, unknown>) => parseSpec({ ...presetSpec("lnr-resnet"), ...extra });

describe("ResNet theory (log-gaussian.md 2.3)", () => {
  it("J(rho) = E[relu(u)^2 relu(w)^2]: J(1) = 3/2, J(0) = 1/4, and Monte Carlo at rho = 0.6", () => {
    expect(reluFourthMoment(1)).toBeCloseTo(1.5, 14);
    expect(reluFourthMoment(0)).toBeCloseTo(0.25, 14);
    expect(reluFourthMoment(-1)).toBeCloseTo(0, 14);
    // Monte Carlo with a fixed seed: u, w standard normal with correlation 0.6.
    let s = 0;
    let s2 = 0;
    const N = 400000;
    let x = 12345;
    const unif = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) + 0.5) / 2 ** 32;
    for (let i = 0; i < N; i++) {
      const r = Math.sqrt(-2 * Math.log(unif()));
      const t = 2 * Math.PI * unif();
      const a = r * Math.cos(t);
      const b = r * Math.sin(t);
      const u = a;
      const w = 0.6 * a + 0.8 * b;
      const v = Math.max(u, 0) ** 2 * Math.max(w, 0) ** 2;
      s += v;
      s2 += v * v;
    }
    const mean = s / N;
    const se = Math.sqrt((s2 / N - mean * mean) / N);
    expect(Math.abs(mean - reluFourthMoment(0.6))).toBeLessThan(5 * se);
  });
  it("S(alpha) and the corrected variances reproduce the sheet's numbers", () => {
    expect(correlationSum(Math.SQRT1_2)).toBeCloseTo(3.1925, 4);
    expect(correlationSum(Math.sqrt(0.9))).toBeCloseTo(24.82, 2);
    expect(varianceStandardResNet(100, 100, 0.5)).toBeCloseTo(5.36, 2);
    expect(varianceStandardResNet(200, 200, 0.5)).toBeCloseTo(5.4, 2);
    expect(varianceStandardResNet(100, 100, 0.9)).toBeCloseTo(1.24, 2);
    expect(varianceStandardResNet(200, 200, 0.9)).toBeCloseTo(1.32, 2);
    expect(betaResNet(100, 100, 0.5)).toBeCloseTo(2.27, 12);
  });
});

describe("dense vs reduced ResNet/MLP engines: same law (two-sample KS, fixed seeds)", () => {
  const cases: [string, ReturnType<typeof parseSpec>][] = [
    ["standard ResNet n=10 d=10", resnet({ width: 10, depth: 10 })],
    ["balanced ResNet n=10 d=10", resnet({ width: 10, depth: 10, balanced: true })],
    ["tanh ResNet alpha^2=0.9 n=20 d=5", resnet({ width: 20, depth: 5, alpha2: 0.9, activation: "tanh" })],
    ["depth-scaled ResNet c=2 n=8 d=12", resnet({ width: 8, depth: 12, lambda2Depth: 2 })],
    [
      "gelu MLP n=12 d=6",
      parseSpec({ ...presetSpec("nica-mlp"), width: 12, depth: 6, activation: "gelu", gain: 2.5 }),
    ],
  ];
  for (const [name, spec] of cases) {
    it(name, () => {
      const observables = ["G", "logOutNorm2", "logNorm2[2]"];
      const a = simulate(spec, { samples: 8000, seed: 11, engine: "dense", observables });
      const b = simulate(spec, { samples: 8000, seed: 12, engine: "reduced", observables });
      for (const key of observables)
        expect(ksTwoSample(a.samples[key], b.samples[key]).pValue, key).toBeGreaterThan(0.01);
    });
  }
});

describe("log-Gaussian ResNets against theory", () => {
  it("balanced ResNet at n = d = 200: E[G], Var[G] within 5 SE (+ the O(d/n^2) allowance) of -beta/2, beta", () => {
    // The notes' beta is exact to leading order for the balanced net; the neglected O(d/n^2) terms are
    // bounded by twice the MLP's exact second-order coefficients times lambda^4 (secondOrderAllowance).
    const spec = resnet({ width: 200, depth: 200, balanced: true });
    const r = simulate(spec, { samples: 4096, seed: 5 });
    expect(r.plan.engine).toBe("reduced");
    const b = betaResNet(200, 200, 0.5);
    const allow = secondOrderAllowance(200, 200, 0.5);
    expect(Math.abs(r.stats.G.mean + b / 2)).toBeLessThan(5 * r.stats.G.seMean + allow.mean);
    expect(Math.abs(r.stats.G.variance - b)).toBeLessThan(5 * r.stats.G.seVariance + allow.variance);
  });
  for (const alpha2 of [0.5, 0.9]) {
    it(`standard ResNet (alpha^2 = ${alpha2}, n = d = 100): Var[G] within 10% of the corrected formula, far from the notes' beta`, () => {
      const r = simulate(resnet({ width: 100, depth: 100, alpha2 }), { samples: 4096, seed: 6 });
      const v = varianceStandardResNet(100, 100, alpha2);
      expect(Math.abs(r.stats.G.variance - v) / v).toBeLessThan(0.1);
      expect(Math.abs(r.stats.G.variance - betaResNet(100, 100, alpha2))).toBeGreaterThan(
        10 * r.stats.G.seVariance,
      );
    });
  }
});

describe("forward-mode Jacobian-vector products (dense engine)", () => {
  it("Euler's identity for positively homogeneous nets: J x = z_out exactly (ReLU MLP, ResNets)", () => {
    const x = Array.from({ length: 10 }, (_, i) => Math.cos(i + 1));
    for (const spec of [
      parseSpec({ ...presetSpec("nica-mlp"), width: 7, depth: 4, inputs: [x], tangent: x }),
      resnet({ width: 7, depth: 6, inputs: [x], tangent: x }),
      resnet({
        width: 7,
        depth: 6,
        inputs: [x],
        tangent: x,
        balanced: true,
        activation: { name: "two-slope", a: 1, b: 0.2 },
      }),
    ]) {
      const r = simulate(spec, { samples: 200, seed: 1, observables: ["logOutNorm2", "logJvpNorm2"] });
      for (let i = 0; i < 200; i++) {
        expect(r.samples.logJvpNorm2[i]).toBeCloseTo(r.samples.logOutNorm2[i], 9);
      }
    }
  });
  it("the JVP is linear in the tangent: J(2u) = 2 J(u)", () => {
    const u = Array.from({ length: 10 }, (_, i) => (i % 3) - 1);
    const a = simulate(resnet({ width: 9, depth: 5, activation: "tanh", tangent: u }), {
      samples: 50,
      seed: 2,
      observables: ["logJvpNorm2"],
    });
    const b = simulate(resnet({ width: 9, depth: 5, activation: "tanh", tangent: u.map((v) => 2 * v) }), {
      samples: 50,
      seed: 2,
      observables: ["logJvpNorm2"],
    });
    for (let i = 0; i < 50; i++)
      expect(b.samples.logJvpNorm2[i] - a.samples.logJvpNorm2[i]).toBeCloseTo(Math.log(4), 9);
  });
  it("identity d z_out/dx [u] =d z_out (||x|| = 1): holds for the MLP (p > 0.01), fails for the standard ResNet (p < 1e-6), n = d = 10", () => {
    const N = 20000;
    const check = (spec: Record<string, unknown>) => {
      const jv = simulate(parseSpec({ ...spec, inputs: ["unit"], tangent: "orthogonal" }), {
        samples: N,
        seed: 21,
        observables: ["logJvpNorm2"],
      });
      const out = simulate(parseSpec({ ...spec, inputs: ["unit"] }), {
        samples: N,
        seed: 22,
        observables: ["logOutNorm2"],
      });
      return ksTwoSample(jv.samples.logJvpNorm2, out.samples.logOutNorm2).pValue;
    };
    expect(check({ ...presetSpec("nica-mlp"), width: 10, depth: 10 })).toBeGreaterThan(0.01);
    expect(check({ ...presetSpec("lnr-resnet-balanced"), width: 10, depth: 10 })).toBeGreaterThan(0.01);
    expect(check({ ...presetSpec("lnr-resnet"), width: 10, depth: 10 })).toBeLessThan(1e-6);
  });
});

describe("ResNet spec validation", () => {
  it("names the field and the allowed range", () => {
    expect(() => resnet({ alpha2: 1.5 })).toThrow(/^alpha2: alpha2 must be a number in \[0, 1\]/);
    expect(() => resnet({ lambda2Depth: 500 })).toThrow(/^lambda2Depth: must be at most depth \(100\)/);
    expect(() => resnet({ width: [10, 20] })).toThrow(/^width: /);
    expect(() => resnet({ balanced: "yes" })).toThrow(/^balanced: balanced must be true or false/);
    expect(() => resnet({ tangent: [1, 2] })).toThrow(/^tangent: must have length nIn = 10 \(got 2\)/);
    const s = resnet({ depth: 50, lambda2Depth: 2 });
    expect(s.family === "resnet" && s.lambda ** 2).toBeCloseTo(2 / 50, 14);
  });
});

describe("the reduced ResNet's WebAssembly layers (ReLU, one input) are bit-identical to its JavaScript loop", () => {
  const CASES: [string, Record<string, unknown>, string[]][] = [
    ["n = d = 100, G and the output norm", {}, ["G", "logOutNorm2"]],
    ["observed hidden layers", { width: 30, depth: 60 }, ["logNorm2[0]", "logNorm2[3]", "logNorm2[59]", "G"]],
    ["alpha^2 = 0.9, depth-scaled branches", { alpha2: 0.9, lambda2Depth: 1 }, ["G"]],
    ["gain 1e16: overflow in some networks", { width: 10, depth: 20, gain: 1e16 }, ["G", "logNorm2[10]"]],
  ];
  for (const [label, extra, keys] of CASES) {
    it(label, () => {
      const spec = parseSpec({ ...presetSpec("lnr-resnet"), ...extra }) as ResNetSpec;
      const obs = parseObservables(keys, spec);
      expectWasmMatchesJs((wasm) => compileReducedLogGaussian(spec, spec, obs, wasm), obs.length, 9);
    });
  }
});
