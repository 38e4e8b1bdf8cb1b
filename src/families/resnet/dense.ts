/**
 * Dense ResNet (docs/theory/log-gaussian.md §2.3): z^l = alpha z^{l-1} + lambda sqrt(gain/n) W^l phi(s^l * z^{l-1}),
 * every weight drawn; the balanced variant draws the sign vector s^l (fresh per layer) before W^l.
 * Forward-mode tangents: dz^l = alpha dz^{l-1} + lambda sqrt(gain/n) W^l (s^l * phi'(s^l * z^{l-1}) * dz^{l-1}).
 */
import type { ResNetSpec } from "./schema.js";
import type { Observable } from "../../engines/observables.js";
import type { SampleKernel } from "../../engines/types.js";
import { fillSigns, matvec, sumSquares } from "../../engines/dense/kernels.js";
import { denseSetup } from "../shared/slots.js";
import { wantsNtk, writeNtk } from "../shared/ntk.js";
import { ChainNtk } from "../shared/ntk-dense.js";

export function compileDenseResNet(spec: ResNetSpec, observables: readonly Observable[]): SampleKernel {
  const n = spec.width;
  const d = spec.depth;
  const { slots, jvp, k, m, xs, fill, wasm, act, row, readout } = denseSetup(
    spec,
    observables,
    Math.max(spec.nIn, spec.nOut, n),
  );
  const { alpha, lambda, balanced } = spec;
  const branchScale = lambda * Math.sqrt(spec.gain / n);
  const z = new Float64Array(m * n);
  const h = new Float64Array(m * n);
  const u = new Float64Array(m * n);
  const s = new Float64Array(n).fill(1);
  const ntk = wantsNtk(observables)
    ? new ChainNtk(
        { widths: spec.widths, nIn: spec.nIn, k, alpha, scale: () => branchScale, signs: balanced, act },
        xs,
      )
    : null;

  return (rng, out) => {
    ntk?.save(0, rng);
    matvec(rng, fill, row, n, spec.nIn, xs, m, 1 / Math.sqrt(spec.nIn), z, wasm);
    for (const [a, slot] of slots.layer[0]) out[slot] = Math.log(sumSquares(z, a * n, n));
    ntk?.record(0, z);
    for (let l = 1; l <= d; l++) {
      if (balanced) {
        fillSigns(rng, s, n);
        ntk?.signs![l].set(s);
      }
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
      ntk?.save(l, rng);
      matvec(rng, fill, row, n, n, h, m, branchScale, u, wasm);
      for (let i = 0; i < m * n; i++) z[i] = alpha * z[i] + u[i];
      for (const [a, slot] of slots.layer[l]) out[slot] = Math.log(sumSquares(z, a * n, n));
      ntk?.record(l, z);
    }
    ntk?.save(d + 1, rng);
    readout(rng, fill, row, z, n, wasm, out);
    if (ntk) {
      ntk.backward(rng, fill, row, wasm);
      writeNtk(observables, ntk.gram, d + 1, out);
    }
  };
}
