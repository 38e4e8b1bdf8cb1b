/**
 * Dense ResNet (log-gaussian.md 2.3): z^l = alpha z^{l-1} + lambda sqrt(gain/n) W^l phi(s^l * z^{l-1}),
 * every weight drawn; the balanced variant draws the sign vector s^l (fresh per layer) before W^l.
 * Forward-mode tangents: dz^l = alpha dz^{l-1} + lambda sqrt(gain/n) W^l (s^l * phi'(s^l * z^{l-1}) * dz^{l-1}).
 */
import { makeActivation } from "../../activations/index.js";
import type { ResNetSpec } from "./schema.js";
import type { Observable } from "../../engines/observables.js";
import type { SampleKernel } from "../../engines/types.js";
import {
  fillSigns,
  gaussianWasm,
  matvec,
  prepareInputs,
  rowFiller,
  sumSquares,
} from "../../engines/dense/kernels.js";
import { slotsFor } from "../shared/slots.js";

export function compileDenseResNet(spec: ResNetSpec, observables: readonly Observable[]): SampleKernel {
  const n = spec.width;
  const d = spec.depth;
  const k = spec.inputs.length;
  const slots = slotsFor(observables, d);
  const jvp = slots.jvp.length > 0;
  const m = jvp ? 2 * k : k;
  const nMax = Math.max(spec.nIn, spec.nOut, n);
  const fill = rowFiller(spec.weights.law);
  const wasm = gaussianWasm(spec.weights.law, nMax, nMax, m);
  const act = makeActivation(spec.activation);
  const { alpha, lambda, balanced } = spec;
  const branchScale = lambda * Math.sqrt(spec.gain / n);
  const { xs, logC } = prepareInputs(spec, jvp);
  const row = new Float64Array(nMax);
  const z = new Float64Array(m * n);
  const h = new Float64Array(m * n);
  const u = new Float64Array(m * n);
  const s = new Float64Array(n).fill(1);
  const zOut = new Float64Array(m * spec.nOut);
  const needOut = slots.out.length > 0 || jvp;

  return (rng, out) => {
    matvec(rng, fill, row, n, spec.nIn, xs, m, 1 / Math.sqrt(spec.nIn), z, wasm);
    for (const [a, slot] of slots.layer[0]) out[slot] = Math.log(sumSquares(z, a * n, n));
    for (let l = 1; l <= d; l++) {
      if (balanced) fillSigns(rng, s, n);
      for (let a = 0; a < k; a++) {
        const p = a * n;
        for (let i = 0; i < n; i++) u[p + i] = s[i] * z[p + i];
      }
      act.apply(u, h, k * n);
      if (jvp) {
        for (let a = 0; a < k; a++) {
          const p = a * n;
          const t = (k + a) * n;
          for (let i = 0; i < n; i++) h[t + i] = s[i] * act.df(u[p + i]) * z[t + i];
        }
      }
      matvec(rng, fill, row, n, n, h, m, branchScale, u, wasm);
      for (let i = 0; i < m * n; i++) z[i] = alpha * z[i] + u[i];
      for (const [a, slot] of slots.layer[l]) out[slot] = Math.log(sumSquares(z, a * n, n));
    }
    for (const [a, slot] of slots.G) out[slot] = Math.log(sumSquares(z, a * n, n) / n) - logC[a];
    if (needOut) {
      matvec(rng, fill, row, spec.nOut, n, z, m, 1 / Math.sqrt(n), zOut, wasm);
      for (const [a, slot] of slots.out) out[slot] = Math.log(sumSquares(zOut, a * spec.nOut, spec.nOut));
      for (const [a, slot] of slots.jvp)
        out[slot] = Math.log(sumSquares(zOut, (k + a) * spec.nOut, spec.nOut));
    }
  };
}
