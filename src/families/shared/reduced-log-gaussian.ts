/**
 * Reduced engine: exact in law for Gaussian weights and one input, O(width) per layer.
 *
 * If W has iid N(0, 1) entries and v is independent of W, then W v =d ||v|| g with g ~ N(0, I)
 * independent of v (docs/theory/log-gaussian.md §1.3, 2.3 (i)). Each layer's weights are fresh, so
 *   MLP:    z^l = sqrt(gain/n_{l-1}) ||phi(z^{l-1})|| g^l
 *   ResNet: z^l = alpha z^{l-1} + lambda sqrt(gain/n) ||phi(s^l * z^{l-1})|| g^l
 * for any activation phi, and z^0 = (||x|| / sqrt(n_in)) g^0, ||z^out||^2 = (||z^d||^2 / n_d) chi2_{n_out}.
 * Unlike the product engine, the direction of z is kept (the ResNet's G is not a sum of independent
 * terms: its skip connection remembers the past), so the cost is O(n d) rather than O(d).
 */
import { makeActivation } from "../../activations/index.js";
import { chiSquare } from "../../rng/gamma.js";
import { Rng } from "../../rng/rng.js";
import type { SpecBase } from "../../spec/base.js";
import { inputVector } from "../../spec/vectors.js";
import { fillSigns, sumSquares } from "../../engines/dense/kernels.js";
import { drawing, samplerArena, WASM_NORMAL_MAX_COLS } from "../../engines/dense/gaussian-wasm.js";
import { batchByLanes, GaussianLanes, LANES } from "../../engines/dense/gaussian-lanes.js";
import type { Observable } from "../../engines/observables.js";
import type { SampleKernel } from "../../engines/types.js";
import { slotsFor } from "../shared/slots.js";

/** The skip branch of a log-Gaussian ResNet z^l = alpha z^{l-1} + lambda sqrt(gain/n) W phi(s^l z^{l-1}). */
export interface SkipBranch {
  alpha: number;
  lambda: number;
  balanced: boolean;
}

/**
 * The reduced kernel of the MLP and the log-Gaussian ResNet. For the ResNet with ReLU, one input and
 * no balanced signs, the layers run in WebAssembly (assembly/normals.ts resnetReluLayers, between two
 * observed layers in one call), bit-identical to the JavaScript loop (tested); `wasm = false` forces
 * the JavaScript loop.
 */
export function compileReducedLogGaussian(
  spec: SpecBase,
  resnet: SkipBranch | null,
  observables: readonly Observable[],
  wasm = true,
): SampleKernel {
  const widths = spec.widths;
  const d = spec.depth;
  const slots = slotsFor(observables, d);
  const act = makeActivation(spec.activation);
  const x = inputVector(spec, 0);
  const logC = Math.log(sumSquares(x, 0, spec.nIn) / spec.nIn);
  const c = Math.exp(0.5 * logC);
  const nMax = widths.reduce((a, b) => Math.max(a, b), 0);
  const fast =
    wasm && resnet && !resnet.balanced && spec.activation.name === "relu" && nMax <= WASM_NORMAL_MAX_COLS
      ? samplerArena([nMax, nMax])
      : null;
  const z = fast ? fast.bufs[0].a : new Float64Array(nMax);
  const g = fast ? fast.bufs[1].a : new Float64Array(nMax);
  const h = new Float64Array(nMax);
  const s = new Float64Array(nMax).fill(1);
  const nOut = spec.nOut;
  // The next observed layer at or after each layer (the WebAssembly path runs up to it in one call).
  const stopAt = new Int32Array(d + 2).fill(d);
  for (let l = d; l >= 1; l--) stopAt[l] = slots.layer[l].length > 0 ? l : stopAt[l + 1];
  const coef = resnet ? resnet.lambda * Math.sqrt(spec.gain / widths[0]) : 0;
  /** Layer 0 of a sample into z, and its observables. */
  const begin = (rng: Rng, out: Float64Array) => {
    const n = widths[0];
    rng.fillNormal(z, 0, n);
    for (let i = 0; i < n; i++) z[i] *= c;
    for (const [, slot] of slots.layer[0]) out[slot] = Math.log(sumSquares(z, 0, n));
  };
  /** The observables of the last layer, from z = z_d (and rng's stream for the output layer). */
  const end = (rng: Rng, out: Float64Array, n: number) => {
    const zd2 = sumSquares(z, 0, n);
    for (const [, slot] of slots.G) out[slot] = Math.log(zd2 / n) - logC;
    for (const [, slot] of slots.out) out[slot] = Math.log((zd2 / n) * chiSquare(rng, nOut));
  };
  const kernel: SampleKernel = (rng, out) => {
    let n = widths[0];
    begin(rng, out);
    for (let l = 1; l <= d; l++) {
      if (fast && resnet) {
        const to = stopAt[l];
        const { arena, pend, bufs } = fast;
        drawing(arena, rng, () =>
          arena.k.resnetReluLayers(l, to, n, bufs[0].ptr, bufs[1].ptr, pend, resnet.alpha, coef),
        );
        l = to;
        for (const [, slot] of slots.layer[l]) out[slot] = Math.log(sumSquares(z, 0, n));
        continue;
      }
      const nPrev = n;
      n = widths[l];
      if (resnet) {
        if (resnet.balanced) {
          fillSigns(rng, s, n);
          for (let i = 0; i < n; i++) h[i] = s[i] * z[i];
          act.apply(h, h, n);
        } else act.apply(z, h, n);
        const scale = resnet.lambda * Math.sqrt(spec.gain / n) * Math.sqrt(sumSquares(h, 0, n));
        rng.fillNormal(g, 0, n);
        const alpha = resnet.alpha;
        for (let i = 0; i < n; i++) z[i] = alpha * z[i] + scale * g[i];
      } else {
        act.apply(z, h, nPrev);
        const scale = Math.sqrt((spec.gain / nPrev) * sumSquares(h, 0, nPrev));
        rng.fillNormal(z, 0, n);
        for (let i = 0; i < n; i++) z[i] *= scale;
      }
      for (const [, slot] of slots.layer[l]) out[slot] = Math.log(sumSquares(z, 0, n));
    }
    end(rng, out, n);
  };
  if (fast && resnet && LANES * nMax <= WASM_NORMAL_MAX_COLS) {
    // Whole chunks four networks at a time (GaussianLanes: bit-identical to the kernel, tested).
    const n = widths[0];
    const lanes = new GaussianLanes(n);
    const rngs = Array.from({ length: LANES }, () => new Rng());
    const outs = rngs.map(() => new Float64Array(observables.length));
    const group = (seed: number, at: number) => {
      for (let lane = 0; lane < LANES; lane++) {
        begin(rngs[lane].reset(seed, at + lane), outs[lane]);
        lanes.load(lane, z, rngs[lane]);
      }
      for (let l = 1; l <= d; l++) {
        const to = stopAt[l];
        lanes.resnetRelu(l, to, resnet.alpha, coef);
        l = to;
        if (slots.layer[l].length === 0) continue;
        for (let lane = 0; lane < LANES; lane++) {
          lanes.read(lane, z);
          for (const [, slot] of slots.layer[l]) outs[lane][slot] = Math.log(sumSquares(z, 0, n));
        }
      }
      for (let lane = 0; lane < LANES; lane++) {
        lanes.read(lane, z);
        lanes.restore(lane, rngs[lane]);
        end(rngs[lane], outs[lane], n);
      }
      return true;
    };
    kernel.batch = batchByLanes(outs, group, (seed, index, out) =>
      kernel(rngs[0].reset(seed, index), out, { seed, index }),
    );
  }
  return kernel;
}
