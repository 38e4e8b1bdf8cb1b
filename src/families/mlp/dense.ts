/**
 * Dense MLP (docs/theory/log-gaussian.md §1.1): every weight of every layer is drawn for every sample. All inputs of
 * a sample share its weights. With logJvpNorm2 requested, the tangent d z / dx [u] of each input is
 * propagated alongside (forward mode): dz^l = sqrt(gain/n) W^l (phi'(z^{l-1}) * dz^{l-1}).
 */
import type { MlpSpec } from "./schema.js";
import type { Observable } from "../../engines/observables.js";
import type { SampleKernel } from "../../engines/types.js";
import { matvec, sumSquares } from "../../engines/dense/kernels.js";
import { denseSetup } from "../shared/slots.js";
import { wantsNtk, writeNtk } from "../shared/ntk.js";
import { ChainNtk } from "../shared/ntk-dense.js";

export function compileDenseMlp(spec: MlpSpec, observables: readonly Observable[]): SampleKernel {
  const widths = spec.widths;
  const d = spec.depth;
  const nMax = widths.reduce((a, b) => Math.max(a, b), Math.max(spec.nIn, spec.nOut));
  const { slots, jvp, k, m, xs, fill, wasm, act, row, readout } = denseSetup(spec, observables, nMax);
  const z = new Float64Array(m * nMax);
  const h = new Float64Array(m * nMax);
  const scale = (l: number) => Math.sqrt(spec.gain / widths[l - 1]);
  const ntk = wantsNtk(observables)
    ? new ChainNtk({ widths, nIn: spec.nIn, k, alpha: 0, scale, signs: false, act }, xs)
    : null;

  return (rng, out) => {
    // Vectors are stored with stride n_l (inputs with stride n_in).
    let n = widths[0];
    ntk?.save(0, rng);
    matvec(rng, fill, row, n, spec.nIn, xs, m, 1 / Math.sqrt(spec.nIn), z, wasm);
    for (const [a, slot] of slots.layer[0]) out[slot] = Math.log(sumSquares(z, a * n, n));
    ntk?.record(0, z);
    for (let l = 1; l <= d; l++) {
      const nPrev = n;
      n = widths[l];
      act.apply(z, h, k * nPrev);
      if (jvp) {
        for (let a = 0; a < k; a++) {
          const p = a * nPrev;
          const t = (k + a) * nPrev;
          for (let i = 0; i < nPrev; i++) h[t + i] = act.df(z[p + i]) * z[t + i];
        }
      }
      ntk?.save(l, rng);
      matvec(rng, fill, row, n, nPrev, h, m, scale(l), z, wasm);
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
