/** Engines specific to Hayou's ResNet: the reduced (exact) and SDE (infinite-depth limit) engines. */
import { familyObservables } from "../observables.js";
import type { Engine } from "../types.js";
import { compileReducedHayou } from "./reduced.js";

const needsGaussian = (law: string) =>
  law === "gaussian" ? null : `needs Gaussian weights (spec has ${law})`;

export const sdeEngine: Engine = {
  name: "sde",
  description:
    "Euler-Maruyama for the infinite-depth SDE dX = n^{-1/2} ||phi(X)|| dB on sdeSteps steps (the L -> infinity limit, not exact at finite L)",
  computes: (spec) =>
    spec.family === "hayou" ? familyObservables("hayou").filter((n) => n !== "gradNorm") : [],
  unsupported(spec) {
    if (spec.family !== "hayou") return "integrates Hayou's infinite-depth SDE only (family hayou)";
    return needsGaussian(spec.weights.law);
  },
  costPerSample(spec) {
    const k = spec.inputs.length;
    return spec.family === "hayou" ? spec.sdeSteps * (spec.width * (8 + 3 * k * k) + 50 * k * k * k) : 0;
  },
  compile(spec, observables) {
    if (spec.family !== "hayou") throw new Error("sde engine: family hayou only");
    return compileReducedHayou(spec, observables, true);
  },
};

export { compileReducedHayou };
