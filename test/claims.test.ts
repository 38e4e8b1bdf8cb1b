/** Every verdict path of the claims machinery, on numbers where the right verdict is known. */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  alternativeFor,
  claimCounts,
  expectedFor,
  holds,
  ksClaim,
  ksEffect,
  toleranceClaim,
  zClaim,
} from "../src/claims/index.js";

const base = {
  id: "t",
  statement: "s",
  explanation: "e",
  basis: "exact" as const,
  wrong: { name: "zero", theory: 0 },
};

describe("claims: verdicts computed from numbers", () => {
  it("two-sided z: |z| <= threshold agrees, beyond it (either side) deviates", () => {
    expect(zClaim({ ...base, theory: 1, simulated: 1.4, se: 0.1 }).verdict).toBe("agrees");
    expect(zClaim({ ...base, theory: 1, simulated: 1.6, se: 0.1 }).verdict).toBe("deviates");
    expect(zClaim({ ...base, theory: 1, simulated: 0.4, se: 0.1 }).verdict).toBe("deviates");
    expect(zClaim({ ...base, theory: 1, simulated: 1.2, se: 0.1, threshold: 1 }).statistic).toBeCloseTo(
      2,
      12,
    );
  });
  it("one-sided z (greater): only a deviation in the predicted direction deviates; the sign counts", () => {
    const sign = (simulated: number) =>
      zClaim({
        ...base,
        theory: 0,
        simulated,
        se: 0.01,
        threshold: 3,
        alternative: "greater",
        basis: "asymptotic",
        effect: 17, // the predicted mean 0.17 at SE 0.01
      });
    expect(sign(0.17).verdict).toBe("deviates");
    expect(holds(sign(0.17))).toBe(true);
    // The wrong sign (the alternative a two-sided test could not tell apart) agrees, and the claim fails.
    expect(sign(-0.17).verdict).toBe("agrees");
    expect(holds(sign(-0.17))).toBe(false);
    expect(sign(0.02).verdict).toBe("agrees");
  });
  it("a z claim with no finite statistic is not applicable and never holds", () => {
    const c = zClaim({ ...base, theory: 1, simulated: Number.NaN, se: 0.1 });
    expect(c.verdict).toBe("not applicable");
    expect(holds({ ...c, expected: "either" })).toBe(false);
  });
  it("KS: p >= threshold agrees (default 0.001), below deviates", () => {
    const ksBase = { ...base, wrong: { name: "other law", statistic: 0.3, pValue: 1e-9 } };
    expect(ksClaim({ ...ksBase, statistic: 0.01, pValue: 0.2 }).verdict).toBe("agrees");
    expect(ksClaim({ ...ksBase, statistic: 0.2, pValue: 1e-6 }).verdict).toBe("deviates");
    expect(ksClaim({ ...ksBase, statistic: 0.2, pValue: 0.004, threshold: 0.01 }).verdict).toBe("deviates");
    expect(Number.isNaN(ksClaim({ ...ksBase, statistic: 0.1, pValue: 0.5 }).theory)).toBe(true);
  });
  it("tolerance: |simulated - theory| <= tolerance agrees, whatever the standard error", () => {
    const t = (simulated: number) =>
      toleranceClaim({ ...base, basis: "tolerance", theory: 0.5, simulated, se: 1e-6, tolerance: 0.1 });
    expect(t(0.58).verdict).toBe("agrees");
    expect(t(0.62).verdict).toBe("deviates");
    expect(t(0.38).verdict).toBe("deviates");
    expect(t(0.58).statistic).toBeCloseTo(0.08, 12);
  });
  it("expected verdict from the effect size: agrees below threshold - margin, deviates above threshold + margin", () => {
    expect(expectedFor(1)).toBe("agrees");
    expect(expectedFor(-2.9)).toBe("agrees");
    expect(expectedFor(4)).toBe("either");
    expect(expectedFor(7.5)).toBe("deviates");
    expect(expectedFor(-8)).toBe("deviates");
    expect(expectedFor(4, 3, 0.5)).toBe("deviates");
  });
  it("holds: the verdict is the expected one, or either with a real verdict", () => {
    const agrees = zClaim({ ...base, theory: 0, simulated: 0, se: 1 });
    expect(holds(agrees)).toBe(true);
    expect(holds({ ...agrees, expected: "deviates" })).toBe(false);
    expect(holds({ ...agrees, expected: "either" })).toBe(true);
  });
  it("expected verdicts are computed from the basis and effect: exact agrees, asymptotic from its effect", () => {
    expect(zClaim({ ...base, theory: 1, simulated: 1, se: 0.1 }).expected).toBe("agrees");
    const asym = (effect: number) =>
      zClaim({ ...base, basis: "asymptotic", effect, theory: 1, simulated: 1, se: 0.1 }).expected;
    expect(asym(1)).toBe("agrees");
    expect(asym(4.5)).toBe("either");
    expect(asym(-9)).toBe("deviates");
    // An asymptotic claim without its computed effect is a programming error, not a silent "agrees".
    expect(() => zClaim({ ...base, basis: "asymptotic", theory: 1, simulated: 1, se: 0.1 })).toThrow(
      /effect/,
    );
    // Tolerance claims: the predicted offset against the tolerance, in Monte Carlo errors.
    const tol = (effect: number) =>
      toleranceClaim({
        ...base,
        basis: "tolerance",
        effect,
        theory: 0.5,
        simulated: 0.5,
        se: 0.01,
        tolerance: 0.1,
      }).expected;
    expect(tol(0)).toBe("agrees");
    expect(tol(0.2)).toBe("deviates");
    expect(tol(0.1)).toBe("either");
    // KS effects: 5 D / D_crit (two-sample at p = 0.001).
    expect(ksEffect(1.9495 * Math.sqrt(2 / 1000), 1000, 1000)).toBeCloseTo(5, 10);
  });
  it("power: the wrong alternative is judged by the same test; a claim that cannot tell it apart is weak", () => {
    const strong = zClaim({
      ...base,
      theory: 1,
      simulated: 1.01,
      se: 0.01,
      wrong: { name: "w", theory: 0.5 },
    });
    expect(strong.wrong.verdict).toBe("deviates");
    expect(strong.wrong.statistic).toBeCloseTo(51, 10);
    expect(strong.weak).toBe(false);
    const weak = zClaim({ ...base, theory: 1, simulated: 1.01, se: 0.1, wrong: { name: "w", theory: 0.9 } });
    expect(weak.wrong.verdict).toBe("agrees");
    expect(weak.weak).toBe(true);
    // "either" cannot fail: weak whatever its alternative.
    const either = zClaim({ ...base, basis: "asymptotic", effect: 5, theory: 1, simulated: 1, se: 0.1 });
    expect(either.weak).toBe(true);
    // A predicted deviation has its power in the effect; its default alternative is "no deviation".
    const dev = zClaim({
      ...base,
      basis: "asymptotic",
      effect: 20,
      theory: 1,
      simulated: 3,
      se: 0.1,
      wrong: undefined,
    });
    expect(dev.wrong.name).toMatch(/no deviation/);
    expect(dev.weak).toBe(false);
    // A claim expected to agree must name its alternative.
    expect(() => zClaim({ ...base, theory: 1, simulated: 1, se: 0.1, wrong: undefined })).toThrow(
      /wrong alternative/,
    );
    // alternativeFor: the rival while agreement is expected, the prediction when a deviation is.
    expect(alternativeFor(1, { name: "r", theory: 0 }, { name: "p", theory: 2 }).name).toBe("r");
    expect(alternativeFor(9, { name: "r", theory: 0 }, { name: "p", theory: 2 }).name).toBe("p");
    const counts = claimCounts([strong, weak, either, dev, { ...strong, verdict: "deviates" }]);
    expect(counts).toEqual({ total: 5, falsifiableHolding: 2, weak: 2, empirical: 0, unexpected: 1 });
  });
  it("no experiment types an expected verdict in: every one comes from a basis and a computed effect", () => {
    const root = new URL("../src/experiments/", import.meta.url).pathname;
    const files = readdirSync(root, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const text = readFileSync(join(root, f), "utf8");
      expect(text, f).not.toMatch(/\bexpected\s*:/);
      expect(text, f).not.toMatch(/["'](agrees|deviates|either)["']/);
    }
  });
});
