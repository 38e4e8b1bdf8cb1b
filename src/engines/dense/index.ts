/**
 * Dense engine: materialises every weight of every layer for every sample (the ground truth). Rows of
 * each weight matrix are drawn and consumed at once, so memory is O(max width) whatever the depth.
 */
import { familyObservables } from "../observables.js";
import type { Engine, SampleKernel } from "../types.js";
import { compileDenseMlp } from "./mlp.js";
import { compileDenseHayou } from "../hayou/dense.js";
import { compileDenseMarion, marionDenseBytes, marionDenseCost } from "../marion/dense.js";
import { compileDenseResNet } from "./resnet.js";
import { WASM_NORMAL_MAX_COLS } from "./gaussian-wasm.js";

/**
 * Nanoseconds per weight with its multiply-add (docs/performance.md): ~4 for Gaussian weights drawn in
 * the WebAssembly kernel (rows up to 4096), ~7 in JavaScript; ~2 more per extra propagated vector.
 */
function perWeight(law: string, widest: number): number {
  return law === "gaussian" && widest <= WASM_NORMAL_MAX_COLS ? 4 : 7;
}

export const denseEngine: Engine = {
  name: "dense",
  description: "materialises every weight (ground truth); O(sum n_l n_{l-1}) per sample",
  computes: (spec) => familyObservables(spec.family),
  unsupported: () => null,
  costPerSample(spec, observables) {
    if (spec.family === "marion") return marionDenseCost(spec, observables);
    if (spec.family === "hayou") {
      const grad = observables.some((o) => o.name === "gradNorm") ? 2 : 1;
      return (
        (spec.width * spec.nIn + spec.depth * spec.width * spec.width * grad) *
          (perWeight(spec.weights.law, Math.max(spec.width, spec.nIn)) + 2 * (spec.inputs.length - 1)) +
        150 * spec.depth
      );
    }
    const k = spec.inputs.length * (observables.some((o) => o.name === "logJvpNorm2") ? 2 : 1);
    const w = spec.widths;
    let c = w[0] * spec.nIn;
    for (let l = 1; l < w.length; l++) c += w[l] * w[l - 1];
    c += spec.nOut * w[w.length - 1];
    return (
      c *
      (perWeight(
        spec.weights.law,
        w.reduce((a, b) => Math.max(a, b), Math.max(spec.nIn, spec.nOut)),
      ) +
        2 * (k - 1))
    );
  },
  memory(spec, observables) {
    if (spec.family === "marion") return marionDenseBytes(spec, observables);
    // Hayou gradients keep every layer's activations for the backward pass.
    if (spec.family === "hayou" && observables.some((o) => o.name === "gradNorm"))
      return { bytes: 8 * (spec.depth + 1) * spec.width * spec.inputs.length * 3, wasmBytes: 0 };
    return { bytes: 0, wasmBytes: 0 };
  },
  compile(spec, observables): SampleKernel {
    if (spec.family === "mlp") return compileDenseMlp(spec, observables);
    if (spec.family === "resnet") return compileDenseResNet(spec, observables);
    if (spec.family === "hayou") return compileDenseHayou(spec, observables);
    return compileDenseMarion(spec, observables);
  },
};
