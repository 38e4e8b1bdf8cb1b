/** Every verdict path of the claims machinery, on numbers where the right verdict is known. */
import { describe, expect, it } from "vitest";
import { expectedFor, holds, ksClaim, toleranceClaim, zClaim } from "../src/claims/index.js";

const base = { id: "t", statement: "s", explanation: "e", expected: "agrees" as const };

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
        expected: "deviates",
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
    expect(ksClaim({ ...base, statistic: 0.01, pValue: 0.2 }).verdict).toBe("agrees");
    expect(ksClaim({ ...base, statistic: 0.2, pValue: 1e-6 }).verdict).toBe("deviates");
    expect(ksClaim({ ...base, statistic: 0.2, pValue: 0.004, threshold: 0.01 }).verdict).toBe("deviates");
    expect(Number.isNaN(ksClaim({ ...base, statistic: 0.1, pValue: 0.5 }).theory)).toBe(true);
  });
  it("tolerance: |simulated - theory| <= tolerance agrees, whatever the standard error", () => {
    const t = (simulated: number) =>
      toleranceClaim({ ...base, theory: 0.5, simulated, se: 1e-6, tolerance: 0.1 });
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
});
