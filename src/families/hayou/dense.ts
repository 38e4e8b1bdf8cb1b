/**
 * Dense engine for Hayou's ResNet (docs/theory/infinite-depth.md Eq. 1): every weight drawn. Layer l's
 * weights come from their own stream (seed, sample, 1 + l) so that the backward pass can replay them
 * instead of storing L matrices: gradients g_{l-1} = g_l + L^{-1/2} phi'(Y_{l-1}) * (W_l^T g_l), with
 * g_L = (1,...,1)/sqrt(n) (sheet section 8), cost O(L n^2) and memory O(L n).
 */
import { makeActivation } from "../../activations/index.js";
import { inputVector } from "../../spec/vectors.js";
import type { HayouSpec } from "./schema.js";
import { gaussianWasm, matvec, rowFiller, sumSquares } from "../../engines/dense/kernels.js";
import type { Observable } from "../../engines/observables.js";
import type { SampleKernel } from "../../engines/types.js";
import { ActiveAverage, fixedY0, hayouSlots, observeLayer } from "./observe.js";
import { dotAt, dotRows, NtkGram, wantsNtk, writeNtk } from "../shared/ntk.js";

export function compileDenseHayou(spec: HayouSpec, observables: readonly Observable[]): SampleKernel {
  const n = spec.width;
  const L = spec.depth;
  const d = spec.nIn;
  const k = spec.inputs.length;
  const slots = hayouSlots(observables);
  const act = makeActivation(spec.activation);
  const fill = rowFiller(spec.weights.law);
  const wasm = gaussianWasm(spec.weights.law, n, Math.max(n, d), Math.max(k, 1));
  const xs = new Float64Array(k * d);
  for (let a = 0; a < k; a++) xs.set(inputVector(spec, a), a * d);
  // The NTK (docs/theory/ntk.md §1) needs every input's gradients at every layer: f = sum(Y_L) / sqrt(n).
  const ntk = wantsNtk(observables) ? new NtkGram(k, L + 1) : null;
  const gradInputs = ntk
    ? Array.from({ length: k }, (_, a) => a)
    : [...new Set([...slots.grad.values()].flat().map(([a]) => a))];
  const grads = ntk ? Array.from({ length: k }, () => new Float64Array((L + 1) * n)) : null;
  const phi = new Float64Array(ntk ? k * n : 0);
  const history = new Map(gradInputs.map((a) => [a, new Float64Array((L + 1) * n)]));
  const Y = new Float64Array(k * n);
  const H = new Float64Array(k * n);
  const U = new Float64Array(k * n);
  const row = new Float64Array(Math.max(n, d));
  const postNorm = new Float64Array(k);
  const postNorm0 = new Float64Array(k);
  const collapsedAt = new Int8Array(k);
  const g = new Float64Array(n);
  const acc = new Float64Array(n);
  const wScale = Math.sqrt(spec.gain / n);
  const invSqrtL = L > 0 ? 1 / Math.sqrt(L) : 0;
  const y0 = fixedY0(spec);
  const avg = slots.meanActive.size > 0 ? new ActiveAverage(k) : null;

  const post = () => {
    act.apply(Y, H, k * n);
    for (let a = 0; a < k; a++) {
      postNorm[a] = Math.sqrt(sumSquares(H, a * n, n));
      if (postNorm[a] === 0) collapsedAt[a] = 1;
    }
  };

  return (rng, out, key) => {
    rng.reset(key.seed, key.index, 1);
    if (y0) Y.set(y0);
    else matvec(rng, fill, row, n, d, xs, k, 1 / Math.sqrt(d), Y, wasm);
    collapsedAt.fill(0);
    post();
    postNorm0.set(postNorm);
    for (const [a, h] of history) h.set(Y.subarray(a * n, (a + 1) * n), 0);
    avg?.reset();
    observeLayer(slots, 0, Y, n, postNorm, postNorm0, out, avg);
    avg?.add(Y, n);
    for (let l = 1; l <= L; l++) {
      rng.reset(key.seed, key.index, 1 + l);
      matvec(rng, fill, row, n, n, H, k, wScale, U, wasm);
      for (let i = 0; i < k * n; i++) Y[i] += invSqrtL * U[i];
      post();
      for (const [a, h] of history) h.set(Y.subarray(a * n, (a + 1) * n), l * n);
      if (slots.layers.has(l)) observeLayer(slots, l, Y, n, postNorm, postNorm0, out, avg);
      avg?.add(Y, n);
    }
    for (const [a, slot] of slots.collapsed) out[slot] = collapsedAt[a];
    for (const [a, slot] of slots.preact) out[slot] = Y[a * n];
    // Backward pass for each input with gradient requests.
    for (const [a, h] of history) {
      g.fill(1 / Math.sqrt(n));
      const atL = slots.grad.get(L);
      if (atL) for (const [b, slot] of atL) if (b === a) out[slot] = Math.sqrt(sumSquares(g, 0, n));
      grads?.[a].set(g, L * n);
      for (let l = L; l >= 1; l--) {
        // W_l^T g = sum_r g_r W_l[r, :], replaying layer l's rows in the forward order.
        rng.reset(key.seed, key.index, 1 + l);
        acc.fill(0);
        if (wasm) wasm.matvecT(rng, n, n, g, wScale, acc);
        else {
          for (let r = 0; r < n; r++) {
            fill(rng, row, n);
            const gr = g[r] * wScale;
            for (let j = 0; j < n; j++) acc[j] += gr * row[j];
          }
        }
        const off = (l - 1) * n;
        for (let j = 0; j < n; j++) g[j] += invSqrtL * act.df(h[off + j]) * acc[j];
        grads?.[a].set(g, (l - 1) * n);
        const req = slots.grad.get(l - 1);
        if (req) for (const [b, slot] of req) if (b === a) out[slot] = Math.sqrt(sumSquares(g, 0, n));
      }
    }
    if (ntk && grads) {
      // K_l(a, b) = (gain / (n L)) <g_l^a, g_l^b> <phi(Y_{l-1}^a), phi(Y_{l-1}^b)>; K_0 from W_in (none when Y_0 is fixed).
      const c2 = (invSqrtL * wScale) ** 2;
      for (let l = 1; l <= L; l++) {
        for (let a = 0; a < k; a++)
          act.apply(history.get(a)!.subarray((l - 1) * n, l * n), phi.subarray(a * n), n);
        for (let a = 0; a < k; a++)
          for (let b = 0; b <= a; b++) {
            const gg = dotAt(grads[a], grads[b], l * n, n);
            ntk.set(l, a, b, c2 * gg * dotRows(phi, a, b, n));
          }
      }
      for (let a = 0; a < k; a++)
        for (let b = 0; b <= a; b++)
          ntk.set(0, a, b, y0 ? 0 : (dotAt(grads[a], grads[b], 0, n) * dotRows(xs, a, b, d)) / d);
      writeNtk(observables, ntk, -1, out);
    }
  };
}
