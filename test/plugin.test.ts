/**
 * Adding a family is one folder plus one registry line: a toy family from a fixture folder
 * (test/fixtures/toy-family) is registered and then parsed, simulated, engine-checked, theory-checked
 * and law-checked by the same code paths as the built-in families.
 */
import { describe, expect, it } from "vitest";
import { familyNamed, registerFamily } from "../src/families/index.js";
import { OBSERVABLE_NAMES } from "../src/engines/index.js";
import { makePlan, simulate } from "../src/simulate.js";
import { describeSpec, parseSpec, PRESETS, presetSpec, SpecError } from "../src/spec/index.js";
import { theoryCurves, theoryMoments } from "../src/theory/overlays.js";
import { toyFamily } from "./fixtures/toy-family/index.js";
import { lawSuite } from "./law-suite.js";

registerFamily(toyFamily); // the one registry line

describe("a family plugin from a fixture folder", () => {
  it("is parsed, described and offered like a built-in family (presets, observables)", () => {
    const spec = parseSpec(presetSpec("toy-chain"));
    expect(describeSpec(spec)).toBe("toy chain L=20 gain=1");
    expect(PRESETS["toy-chain"].description).toMatch(/linear chain/);
    expect(OBSERVABLE_NAMES).toContain("sign");
    expect(() => parseSpec({ family: "toy-chain", depth: 3, width: 4 })).toThrow(SpecError);
    expect(() => parseSpec({ family: "toy-chain", depth: -1 })).toThrow(/depth/);
    expect(() => registerFamily(toyFamily)).toThrow(/already registered/);
  });
  it("gets engines by positive capability: auto picks product for logAbs, dense when sign is asked", () => {
    const spec = parseSpec({ family: "toy-chain", depth: 8 });
    expect(makePlan(spec, { samples: 10, observables: ["logAbs"] }).engine).toBe("product");
    expect(makePlan(spec, { samples: 10, observables: ["logAbs", "sign"] }).engine).toBe("dense");
    expect(() => makePlan(spec, { samples: 10, engine: "product", observables: ["sign"] })).toThrow(
      /does not compute sign.*engines that can serve it: dense/,
    );
    expect(() => makePlan(spec, { samples: 10, engine: "reduced" })).toThrow(/does not compute logAbs/);
    expect(() => makePlan(spec, { samples: 10, observables: ["G"] })).toThrow(/allowed: logAbs, sign/);
  });
  it("its theory reaches the one theory path, and the simulation agrees with it", () => {
    const spec = parseSpec({ family: "toy-chain", depth: 10, gain: 3 });
    const [m] = theoryMoments(spec, "logAbs");
    const sim = simulate(spec, { samples: 20000, seed: 5 });
    const s = sim.stats.logAbs;
    expect(Math.abs(s.mean - m.mean)).toBeLessThan(5 * s.seMean);
    expect(Math.abs(s.variance - m.variance)).toBeLessThan(5 * s.seVariance);
    // A wrong alternative (the gain ignored) is rejected by the same test.
    expect(Math.abs(s.mean - (m.mean - (10 * Math.log(3)) / 2))).toBeGreaterThan(5 * s.seMean);
    expect(theoryCurves(spec, "logAbs")[0].density.length).toBe(401);
    expect(familyNamed("toy-chain").form.toSpec({ depth: 4, gain: 2, width: 1, activation: "relu" })).toEqual(
      {
        family: "toy-chain",
        depth: 4,
        gain: 2,
      },
    );
  });
});

lawSuite(familyNamed("toy-chain"));
