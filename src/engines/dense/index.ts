/**
 * Dense engine: materialises every weight of every layer for every sample (the ground truth). Rows of
 * each weight matrix are drawn and consumed at once, so memory is O(max width) whatever the depth.
 */
import type { Engine, SampleKernel } from "../types.js";
import { compileDenseMlp } from "./mlp.js";
import { compileDenseHayou } from "../hayou/dense.js";
import { compileDenseMarion, marionDenseCost } from "../marion/dense.js";
import { compileDenseResNet } from "./resnet.js";

export const denseEngine: Engine = {
  name: "dense",
  description: "materialises every weight (ground truth); O(sum n_l n_{l-1}) per sample",
  unsupported: () => null,
  costPerSample(spec, observables) {
    if (spec.family === "marion") return marionDenseCost(spec, observables);
    if (spec.family === "hayou") {
      const grad = observables.some((o) => o.name === "gradNorm") ? 2 : 1;
      return (
        (spec.width * spec.nIn + spec.depth * spec.width * spec.width * grad) *
          (7 + 2 * (spec.inputs.length - 1)) +
        150 * spec.depth
      );
    }
    const k = spec.inputs.length * (observables.some((o) => o.name === "logJvpNorm2") ? 2 : 1);
    const w = spec.widths;
    let c = w[0] * spec.nIn;
    for (let l = 1; l < w.length; l++) c += w[l] * w[l - 1];
    c += spec.nOut * w[w.length - 1];
    // ~7 ns per Gaussian weight with its multiply-add (docs/performance.md), ~2 ns per extra vector.
    return c * (7 + 2 * (k - 1));
  },
  compile(spec, observables): SampleKernel {
    if (spec.family === "mlp") return compileDenseMlp(spec, observables);
    if (spec.family === "resnet") return compileDenseResNet(spec, observables);
    if (spec.family === "hayou") return compileDenseHayou(spec, observables);
    return compileDenseMarion(spec, observables);
  },
};
