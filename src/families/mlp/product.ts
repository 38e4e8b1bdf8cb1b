/**
 * Product engine: the exact O(d)-per-sample law of the MLP's norms (docs/theory/log-gaussian.md §1.3).
 *
 * For Gaussian weights, W v =d ||v|| g with g ~ N(0, I) independent of v. Layer by layer,
 * z^l = sqrt(gain/n_{l-1}) ||phi(z^{l-1})|| g^l, and for a positively homogeneous phi (two slopes
 * a for x > 0, b for x <= 0; ReLU is a = 1, b = 0) phi(z^l) is the same scalar times phi(g^l). So
 *   ||z^l||^2 = c * prod_{m<l} (gain/n_m) ||phi(g^m)||^2 * ||g^l||^2,   c = ||x||^2 / n_in,
 * with ||phi(g)||^2 = a^2 P + b^2 N, ||g||^2 = P + N, P ~ chi2_B, N ~ chi2_{n-B}, B ~ Bin(n, 1/2),
 * all independent. G = sum_{l<d} ln((gain/n_l) ||phi(g^l)||^2) + ln(chi2_{n_d} / n_d). A layer with
 * phi(g) = 0 kills the network: G = -inf, exactly as in the dense network (counted, not dropped).
 * Exact for one input (the joint law of several inputs is not a product).
 */
import { makeActivation } from "../../activations/index.js";
import { binomialHalf } from "../../rng/binomial.js";
import { chiSquare } from "../../rng/gamma.js";
import { inputVector } from "../../spec/vectors.js";
import type { SampleKernel } from "../../engines/types.js";
import type { Observable } from "../../engines/observables.js";
import { drawing, samplerArena } from "../../engines/dense/gaussian-wasm.js";
import type { KernelDef } from "../types.js";
import type { MlpSpec } from "./schema.js";
import { wantsNtk } from "../shared/ntk.js";
import { compileProductNtk } from "./product-ntk.js";

export const productKernel: KernelDef<MlpSpec> = {
  computes: ["G", "logOutNorm2", "logNorm2", "ntk", "logNtk", "ntkLayer", "ntkOut"],
  unsupported(spec, observables) {
    if (spec.weights.law !== "gaussian") return `needs Gaussian weights (spec has ${spec.weights.law})`;
    if (wantsNtk(observables) && spec.activation.name !== "relu") {
      return `computes the NTK for relu only (Euler's identity and relu(z) = 1{z > 0} z; spec has ${spec.activation.name})`;
    }
    const a = spec.activation.name;
    if (makeActivation(spec.activation).slopes === null) {
      return `needs a positively homogeneous activation (relu, identity, linear, two-slope, leaky-relu), not ${a}`;
    }
    if (observables.some((o) => o.input !== 0) || spec.inputs.length > 1) {
      return "simulates a single input (the joint law of several inputs is not a product of chi-squares)";
    }
    return null;
  },
  cost(spec, observables) {
    // 90 ns per layer (one popcount binomial, one chi-square, one log; the NTK adds a backward
    // chi-square: 200) was the one-sample loop's cost. The four-lane kernels take ~21 and ~30 ns
    // (docs/performance.md); the constants are kept: they size chunks (~5 ms now), and larger ones would
    // leave two workers unbalanced on the notes' 2^15 samples and regroup every stored summary.
    return (wantsNtk(observables) ? 200 : 90) * (spec.depth + 2);
  },
  compile: (spec, observables) =>
    wantsNtk(observables) ? compileProductNtk(spec, observables) : compileProduct(spec, observables),
};

/**
 * The product engine's sampler: in WebAssembly (assembly/normals.ts mlpProductSample: the same draws
 * and float operations, Math.log and Math.pow imported; bit-identical, tested) unless per-layer norms
 * are asked for, or `wasm` is false (the JavaScript loop below).
 */
/** The output slots of the product engine's forward observables (-1: not asked). */
export function productSlots(observables: readonly Observable[], d: number) {
  const layerSlot = new Int32Array(d + 1).fill(-1);
  let gSlot = -1;
  let outSlot = -1;
  observables.forEach((o, slot) => {
    if (o.name === "logNorm2") layerSlot[o.layer!] = slot;
    else if (o.name === "G") gSlot = slot;
    else if (o.name === "logOutNorm2") outSlot = slot;
  });
  return { layerSlot, gSlot, outSlot };
}

/** Samples per WebAssembly call of the batched path. */
const BATCH = 2048;

export function compileProduct(spec: MlpSpec, observables: readonly Observable[], wasm = true): SampleKernel {
  {
    const widths = spec.widths;
    const d = spec.depth;
    const s = spec.activation;
    const slopes = makeActivation(s).slopes;
    const [sa, sb] = slopes ? [slopes.a, slopes.b] : [Number.NaN, Number.NaN];
    const a2 = sa * sa;
    const b2 = sb * sb;
    const x = inputVector(spec, 0);
    let x2 = 0;
    for (const v of x) x2 += v * v;
    const logC = Math.log(x2 / spec.nIn);
    const logGain = widths.map((n) => Math.log(spec.gain / n));
    const { layerSlot, gSlot, outSlot } = productSlots(observables, d);
    const nOut = spec.nOut;
    const nd = widths[d];
    if (wasm && !layerSlot.some((slot) => slot >= 0)) {
      const { arena, bufs } = samplerArena([d + 1, d + 1, 2, BATCH, BATCH]);
      const [w, g, o, bg, bo] = bufs;
      const K = arena.k;
      w.a.set(widths);
      // ln(gain / n_l) with the kernels' own log: the same bits in every JavaScript engine.
      g.a.set(widths.map((n) => K.ln(spec.gain / n)));
      const wantOut = outSlot >= 0 ? nOut : 0;
      const lc = K.ln(x2 / spec.nIn);
      const kernel: SampleKernel = (rng, out) => {
        drawing(arena, rng, () => K.mlpProductSample(d, w.ptr, g.ptr, a2, b2, lc, wantOut, o.ptr));
        if (gSlot >= 0) out[gSlot] = o.a[0];
        if (outSlot >= 0) out[outSlot] = o.a[1];
      };
      // Whole chunks in WebAssembly, BATCH samples a call, each seeded there as Rng.reset seeds it.
      kernel.batch = (seed, start, end, columns) => {
        const seedLo = seed >>> 0;
        const seedHi = Math.floor(seed / 4294967296) >>> 0;
        for (let at = start; at < end; at += BATCH) {
          const count = Math.min(BATCH, end - at);
          // Without a negative part (b2 = 0), groups of four samples in SIMD lanes (bit-identical).
          const lanes = b2 === 0 ? count - (count % 4) : 0;
          if (lanes > 0)
            K.mlpProductChunk4(seedLo, seedHi, at, lanes, d, w.ptr, g.ptr, a2, lc, wantOut, bg.ptr, bo.ptr);
          if (lanes < count)
            K.mlpProductChunk(
              seedLo,
              seedHi,
              at + lanes,
              count - lanes,
              d,
              w.ptr,
              g.ptr,
              a2,
              b2,
              lc,
              wantOut,
              bg.ptr + 8 * lanes,
              bo.ptr + 8 * lanes,
              o.ptr,
            );
          if (gSlot >= 0) columns[gSlot].set(bg.a.subarray(0, count), at - start);
          if (outSlot >= 0) columns[outSlot].set(bo.a.subarray(0, count), at - start);
        }
      };
      return kernel;
    }
    return (rng, out) => {
      // S = sum_{m<l} ln((gain/n_m) ||phi(g^m)||^2), the log of ||z^l||^2 / (c ||g^l||^2).
      let S = 0;
      for (let l = 0; l < d; l++) {
        const n = widths[l];
        const B = binomialHalf(rng, n);
        const P = chiSquare(rng, B);
        // The negative part is needed when phi uses it (b != 0) or when ||z^l||^2 itself is requested.
        const N = b2 !== 0 || layerSlot[l] >= 0 ? chiSquare(rng, n - B) : 0;
        if (layerSlot[l] >= 0) out[layerSlot[l]] = logC + S + Math.log(P + N);
        S += logGain[l] + Math.log(a2 * P + b2 * N);
      }
      const Q = chiSquare(rng, nd);
      const G = S + Math.log(Q / nd);
      if (layerSlot[d] >= 0) out[layerSlot[d]] = logC + S + Math.log(Q);
      if (gSlot >= 0) out[gSlot] = G;
      if (outSlot >= 0) out[outSlot] = logC + G + Math.log(chiSquare(rng, nOut));
    };
  }
}
