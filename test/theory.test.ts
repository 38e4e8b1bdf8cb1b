import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  beta,
  betaEqual,
  betaNotesMirrored,
  blueDensity,
  exactDensity,
  exactGMoments,
  exactMass,
  expMomentG,
  redDensity,
} from "../src/theory/loggaussian/index.js";
import { lgammaComplex } from "../src/theory/special/complex.js";

const ref = JSON.parse(readFileSync(new URL("./fixtures/reference-values.json", import.meta.url), "utf8"));

function integrate(y: Float64Array, f: Float64Array) {
  let mass = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 1; i < y.length; i++) {
    const h = y[i] - y[i - 1];
    const a = f[i - 1];
    const b = f[i];
    mass += (h * (a + b)) / 2;
    m1 += (h * (a * y[i - 1] + b * y[i])) / 2;
    m2 += (h * (a * y[i - 1] ** 2 + b * y[i] ** 2)) / 2;
  }
  return { mass, mean: m1 / mass, variance: m2 / mass - (m1 / mass) ** 2 };
}
const grid = (lo: number, hi: number, n: number) =>
  Float64Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

describe("complex log-gamma", () => {
  it("matches mpmath.loggamma to 1e-13 (fixtures from scripts/reference-values.py)", () => {
    for (const r of ref.lgammaComplex) {
      const v = lgammaComplex(r.x, r.y);
      expect(Math.abs(v.re - r.re)).toBeLessThan(1e-13 * Math.max(1, Math.abs(r.re)));
      expect(Math.abs(v.im - r.im)).toBeLessThan(1e-13 * Math.max(1, Math.abs(r.im)));
    }
  });
});

describe("beta", () => {
  it("equal widths: 2/n + 5d/n, and the list form reduces to it", () => {
    expect(betaEqual(100, 10)).toBeCloseTo(0.52, 15);
    expect(beta(new Array(11).fill(100))).toBeCloseTo(0.52, 14);
  });
  it("unequal widths: corrected form vs the notes' mirrored form (sheet 2.1)", () => {
    expect(beta([20, 400])).toBeCloseTo(5 / 20 + 2 / 400, 15);
    expect(betaNotesMirrored([20, 400])).toBeCloseTo(2 / 20 + 5 / 400, 15);
  });
});

describe("exact moments of G", () => {
  it("match 30-digit mpmath values", () => {
    for (const r of ref.gMoments) {
      const m = exactGMoments(r.widths);
      expect(Math.abs(m.mean - r.mean)).toBeLessThan(1e-11);
      expect(Math.abs(m.variance - r.variance)).toBeLessThan(1e-11);
    }
  });
  it("reproduce the sheet's table for n = 100 (1.4)", () => {
    const table: [number, number, number][] = [
      [1, -0.03545, 0.07214],
      [10, -0.26424, 0.5396],
      [100, -2.55212, 5.2142],
    ];
    for (const [d, mean, variance] of table) {
      const m = exactGMoments(new Array(d + 1).fill(100));
      expect(m.mean).toBeCloseTo(mean, 5);
      expect(m.variance).toBeCloseTo(variance, 4);
    }
  });
  it("agree with the 1/n expansions: E = -beta/2 + O(d/n^2), Var = beta + O(d/n^2)", () => {
    const n = 10000;
    const d = 50;
    const m = exactGMoments(new Array(d + 1).fill(n));
    const b = betaEqual(n, d);
    // Next-order terms from the sheet: -(1/3 + 49d/12)/n^2 and (2 + 37d/2)/n^2.
    expect(Math.abs(m.mean - (-b / 2 - (1 / 3 + (49 * d) / 12) / n ** 2))).toBeLessThan((20 * d) / n ** 3);
    expect(Math.abs(m.variance - (b + (2 + (37 * d) / 2) / n ** 2))).toBeLessThan((100 * d) / n ** 3);
  });
  it("exponential moments: E e^G = 1, E e^{2G} = (1 + 2/n)(1 + 5/n)^d", () => {
    expect(expMomentG(new Array(11).fill(100), 1)).toBeCloseTo(1, 12);
    expect(expMomentG(new Array(11).fill(100), 2)).toBeCloseTo(1.02 * 1.05 ** 10, 11);
    expect(() => expMomentG([10, 10], 0)).toThrow(/s > 0/);
  });
});

describe("densities of ln ||z_out||^2", () => {
  const y = grid(-25, 12, 3701);
  it("blue density integrates to 1 with mean ln c + psi(k/2) + ln 2 and variance psi'(k/2)", () => {
    const m = integrate(y, blueDensity(y, 10, 0.5));
    expect(m.mass).toBeCloseTo(1, 8);
    expect(m.mean).toBeCloseTo(0.5 + 2.19926, 4);
    expect(m.variance).toBeCloseTo(0.22132, 4);
  });
  it("red density has mean ln c - beta/2 + E ln chi2_k and variance beta + psi'(k/2)", () => {
    const m = integrate(y, redDensity(y, 10, 0, -0.26, 0.52));
    expect(m.mass).toBeCloseTo(1, 8);
    expect(m.mean).toBeCloseTo(-0.26 + 2.19926, 4);
    expect(m.variance).toBeCloseTo(0.52 + 0.22132, 4);
  });
  it("exact density reproduces the sheet's moments of Y (n = 100, k = 10)", () => {
    const table: [number, number, number][] = [
      [1, 2.1638, 0.2935],
      [10, 1.935, 0.7609],
      [100, -0.3529, 5.435],
    ];
    for (const [d, mean, variance] of table) {
      const widths = new Array(d + 1).fill(100);
      const m = integrate(y, exactDensity(y, { widths, nOut: 10 }));
      expect(m.mass).toBeCloseTo(1, 6);
      expect(m.mean).toBeCloseTo(mean, 3);
      expect(m.variance).toBeCloseTo(variance, 2);
      // and its moments equal E ln chi2_k + E[G], Var ln chi2_k + Var[G] from the exact formulas
      const g = exactGMoments(widths);
      expect(m.mean).toBeCloseTo(g.mean + 2.1992564, 4);
      expect(m.variance).toBeCloseTo(g.variance + 0.221323, 4);
    }
  });
  it("exact density integrates to (1 - 2^-n)^d: dead networks are the atom at -inf", () => {
    for (const [n, d] of [
      [2, 3],
      [3, 5],
      [1, 2],
    ]) {
      const widths = new Array(d + 1).fill(n);
      const yy = grid(-120, 15, 9001);
      const f = exactDensity(yy, { widths, nOut: 2 });
      expect(integrate(yy, f).mass).toBeCloseTo((1 - 2 ** -n) ** d, 6);
      expect(exactMass(widths)).toBeCloseTo((1 - 2 ** -n) ** d, 15);
    }
  });
});

describe("theory overlays (report, explorer)", () => {
  it("the exact density of G alone has the exact moments and mass P(alive)", async () => {
    const { theoryCurves, theoryMoments } = await import("../src/theory/overlays.js");
    const { parseSpec, presetSpec } = await import("../src/spec/index.js");
    const spec = parseSpec({ ...presetSpec("nica-mlp"), width: 6, depth: 4 });
    const curves = theoryCurves(spec, "G", [-40, 8], 4001);
    const exact = curves.find((c) => c.name.startsWith("exact"))!;
    const m = integrate(exact.x, exact.density);
    const ex = exactGMoments(spec.widths);
    expect(m.mass).toBeCloseTo(ex.pAlive, 5);
    expect(exact.leftAtom).toBeCloseTo(1 - ex.pAlive, 12);
    expect(m.mean).toBeCloseTo(ex.mean, 3);
    expect(m.variance).toBeCloseTo(ex.variance, 2);
    expect(theoryMoments(spec, "G").map((t) => t.name)).toEqual([
      "exact finite (n, d)",
      "log-Gaussian N(-beta/2, beta)",
    ]);
    const r = parseSpec({ ...presetSpec("lnr-resnet") });
    expect(theoryMoments(r, "G").map((t) => t.name)).toEqual([
      "notes' beta N(-beta/2, beta)",
      "corrected (correlations, hypoactivation)",
    ]);
    expect(theoryCurves(parseSpec({ ...presetSpec("nica-mlp"), activation: "tanh" }), "G")).toEqual([]);
  });
});
