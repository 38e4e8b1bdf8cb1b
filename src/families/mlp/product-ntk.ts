/**
 * Product engine for the NTK of the ReLU MLP: exact in law, O(d) per sample (docs/theory/ntk.md §2).
 *
 * Forward as in ./product.ts: s_l^2 = c prod_{i<l} (g/n_i) P_i, P_i ~ chi2_{m_i}, m_i ~ Bin(n_i, 1/2),
 * N_i = s_i^2 P_i = ||relu(z^i)||^2, ||z^d||^2 = s_d^2 T, T ~ chi2_{n_d}. The readout row w = W^out_1 / sqrt(n_d)
 * gives f = sqrt(||z^d||^2 / n_d) eta and ||w||^2 = (eta^2 + chi2_{n_d - 1}) / n_d, eta ~ N(0, 1).
 * Backward (Gaussian conditioning of W^l on its forward image, plus Euler's identity z^l . delta^l = f
 * for the positively homogeneous network): B_l = ||delta^l||^2 follows
 *   B_{l-1} = f^2 / N_{l-1} + (g / n_{l-1}) B_l X_{l-1},   X_{l-1} ~ chi2_{m_{l-1} - 1} fresh,
 * and K_l = s_l^2 B_l (weights of layer l), K_out = ||z^d||^2 / n_d. A dead layer (m_i = 0, i < d)
 * makes K = 0 exactly, as in the dense network.
 */
import { binomialHalf } from "../../rng/binomial.js";
import { chiSquare } from "../../rng/gamma.js";
import { inputVector } from "../../spec/vectors.js";
import type { SampleKernel } from "../../engines/types.js";
import type { Observable } from "../../engines/observables.js";
import { NtkGram, writeNtk } from "../shared/ntk.js";
import type { MlpSpec } from "./schema.js";
import { productSlots } from "./product.js";
import { Rng } from "../../rng/rng.js";
import { samplerArena } from "../../engines/dense/gaussian-wasm.js";

/**
 * The NTK product kernel: per sample in JavaScript (below), and whole chunks four samples at a time in
 * WebAssembly (assembly/ntk-lanes.ts: the same draws and float operations, bit-identical, tested)
 * unless per-layer norms are asked for (their extra chi-squares) or `wasm` is false.
 */
export function compileProductNtk(
  spec: MlpSpec,
  observables: readonly Observable[],
  wasm = true,
): SampleKernel {
  const widths = spec.widths;
  const d = spec.depth;
  const g = spec.gain;
  const x = inputVector(spec, 0);
  let x2 = 0;
  for (const v of x) x2 += v * v;
  const c = x2 / spec.nIn;
  const logC = Math.log(c);
  const { layerSlot, gSlot, outSlot } = productSlots(observables, d);
  const s2 = new Float64Array(d + 1);
  const post = new Float64Array(d);
  const active = new Int32Array(d);
  const gram = new NtkGram(1, d + 2);
  const parts = gram.parts;
  const nd = widths[d];
  const kernel: SampleKernel = (rng, out) => {
    let S = c;
    let dead = false;
    for (let l = 0; l < d; l++) {
      const n = widths[l];
      const m = binomialHalf(rng, n);
      const P = chiSquare(rng, m);
      if (layerSlot[l] >= 0) out[layerSlot[l]] = Math.log(S * (P + chiSquare(rng, n - m)));
      s2[l] = S;
      post[l] = S * P;
      active[l] = m;
      if (m === 0) dead = true;
      S *= (g / n) * P;
    }
    s2[d] = S;
    const Q = S * chiSquare(rng, nd);
    if (layerSlot[d] >= 0) out[layerSlot[d]] = Math.log(Q);
    if (gSlot >= 0) out[gSlot] = Math.log(Q / nd) - logC;
    const eta = rng.normal();
    const eta2 = eta * eta;
    if (outSlot >= 0) out[outSlot] = Math.log((Q / nd) * (eta2 + chiSquare(rng, spec.nOut - 1)));
    if (dead) parts.fill(0);
    else {
      const f2 = (Q * eta2) / nd;
      let B = (eta2 + chiSquare(rng, nd - 1)) / nd;
      parts[d + 1] = Q / nd;
      parts[d] = S * B;
      for (let l = d; l >= 1; l--) {
        const i = l - 1;
        B = f2 / post[i] + (g / widths[i]) * B * chiSquare(rng, active[i] - 1);
        parts[i] = s2[i] * B;
      }
    }
    writeNtk(observables, gram, d + 1, out);
  };
  if (!wasm || layerSlot.some((slot) => slot >= 0)) return kernel;
  // Samples per WebAssembly call: their parts (d + 2 each) in at most 16 MiB.
  const batch = Math.max(4, Math.min(2048, Math.floor(2 ** 21 / (d + 2)) & ~3));
  const { arena, bufs } = samplerArena([d + 1, batch * (d + 2), batch, batch, 10 * d + 8]);
  const [w, partsBuf, bg, bo, work] = bufs;
  w.a.set(widths);
  const K = arena.k;
  const row = new Float64Array(observables.length);
  const rng = new Rng();
  kernel.batch = (seed, start, end, columns) => {
    const seedLo = seed >>> 0;
    const seedHi = Math.floor(seed / 4294967296) >>> 0;
    for (let at = start; at < end; at += batch) {
      const count = Math.min(batch, end - at);
      const lanes = count - (count % 4);
      if (lanes > 0) {
        K.mlpNtkChunk4(
          seedLo,
          seedHi,
          at,
          lanes,
          d,
          w.ptr,
          g,
          c,
          logC,
          spec.nOut,
          outSlot >= 0,
          bg.ptr,
          bo.ptr,
          partsBuf.ptr,
          work.ptr,
        );
      }
      for (let i = 0; i < count; i++) {
        if (i < lanes) {
          parts.set(partsBuf.a.subarray(i * (d + 2), (i + 1) * (d + 2)));
          writeNtk(observables, gram, d + 1, row);
          if (gSlot >= 0) row[gSlot] = bg.a[i];
          if (outSlot >= 0) row[outSlot] = bo.a[i];
        } else {
          // The last samples of a chunk that is not a multiple of four, one at a time.
          rng.reset(seed, at + i);
          kernel(rng, row, { seed, index: at + i });
        }
        for (let o = 0; o < row.length; o++) columns[o][at - start + i] = row[o];
      }
    }
  };
  return kernel;
}
