/**
 * Reduced engine for the NTK of the MLP and the log-Gaussian ResNet: exact in law for Gaussian weights,
 * one input and any activation, O(width) per layer (docs/theory/ntk.md §2.3).
 *
 * Forward as in ./reduced-log-gaussian.ts: W^l h =d ||h|| xi^l with xi^l ~ N(0, I) fresh (h = phi(s^l z^{l-1})).
 * Backward by Gaussian conditioning on that forward draw: given W^l h = ||h|| xi^l, W^l =d xi^l h^T / ||h|| +
 * W~ (I - h h^T / ||h||^2) with W~ an independent copy, so
 *   W^l^T delta = h_hat (xi^l . delta) + ||delta|| (zeta - h_hat (h_hat . zeta)),   zeta ~ N(0, I) fresh,
 * and delta^{l-1} = alpha delta^l + c_l s^l * phi'(s^l z^{l-1}) * W^l^T delta^l. The readout row is fresh:
 * delta^d = w / sqrt(n_d), w ~ N(0, I), f = delta^d . z^d. Memory: z^l and xi^l of every layer.
 */
import { makeActivation } from "../../activations/index.js";
import { chiSquare } from "../../rng/gamma.js";
import type { SpecBase } from "../../spec/base.js";
import { inputVector } from "../../spec/vectors.js";
import { fillSigns, sumSquares } from "../../engines/dense/kernels.js";
import type { Observable } from "../../engines/observables.js";
import type { SampleKernel } from "../../engines/types.js";
import { NtkGram, writeNtk } from "./ntk.js";
import type { SkipBranch } from "./reduced-log-gaussian.js";
import { slotsFor } from "./slots.js";

export function compileReducedNtk(
  spec: SpecBase,
  resnet: SkipBranch | null,
  observables: readonly Observable[],
): SampleKernel {
  const widths = spec.widths;
  const d = spec.depth;
  const slots = slotsFor(observables, d);
  const act = makeActivation(spec.activation);
  const x = inputVector(spec, 0);
  const c0 = sumSquares(x, 0, spec.nIn) / spec.nIn;
  const logC = Math.log(c0);
  const sqrtC = Math.sqrt(c0);
  const nMax = widths.reduce((a, b) => Math.max(a, b), 0);
  const alpha = resnet ? resnet.alpha : 0;
  const balanced = resnet?.balanced ?? false;
  const scale = (l: number) =>
    resnet ? resnet.lambda * Math.sqrt(spec.gain / widths[l]) : Math.sqrt(spec.gain / widths[l - 1]);
  const zs = widths.map((n) => new Float64Array(n));
  const xis = widths.map((n) => new Float64Array(n));
  const signs = balanced ? widths.map((n) => new Float64Array(n)) : null;
  const u = new Float64Array(nMax);
  const h = new Float64Array(nMax);
  const delta = new Float64Array(nMax);
  const zeta = new Float64Array(nMax);
  const gram = new NtkGram(1, d + 2);
  const parts = gram.parts;
  const branchInput = (l: number) => {
    const n = widths[l - 1];
    const zPrev = zs[l - 1];
    const s = signs?.[l];
    for (let i = 0; i < n; i++) u[i] = s ? s[i] * zPrev[i] : zPrev[i];
    act.apply(u, h, n);
    return Math.sqrt(sumSquares(h, 0, n));
  };

  return (rng, out) => {
    rng.fillNormal(zs[0], 0, widths[0]);
    for (let i = 0; i < widths[0]; i++) zs[0][i] *= sqrtC;
    for (const [, slot] of slots.layer[0]) out[slot] = Math.log(sumSquares(zs[0], 0, widths[0]));
    for (let l = 1; l <= d; l++) {
      const n = widths[l];
      if (signs) fillSigns(rng, signs[l], n);
      const norm = branchInput(l);
      const xi = xis[l];
      rng.fillNormal(xi, 0, n);
      const z = zs[l];
      const zPrev = zs[l - 1];
      const cs = scale(l) * norm;
      for (let i = 0; i < n; i++) z[i] = (alpha === 0 ? 0 : alpha * zPrev[i]) + cs * xi[i];
      for (const [, slot] of slots.layer[l]) out[slot] = Math.log(sumSquares(z, 0, n));
    }
    const nd = widths[d];
    const zd = zs[d];
    const zd2 = sumSquares(zd, 0, nd);
    for (const [, slot] of slots.G) out[slot] = Math.log(zd2 / nd) - logC;
    // The readout's first row, then f = delta^d . z^d.
    rng.fillNormal(delta, 0, nd);
    const inv = 1 / Math.sqrt(nd);
    let f = 0;
    for (let i = 0; i < nd; i++) {
      delta[i] *= inv;
      f += delta[i] * zd[i];
    }
    for (const [, slot] of slots.out)
      out[slot] = Math.log(f * f + (zd2 / nd) * chiSquare(rng, spec.nOut - 1));
    parts[d + 1] = zd2 / nd;
    let n = nd;
    for (let l = d; l >= 1; l--) {
      const nPrev = widths[l - 1];
      const c = scale(l);
      const norm = branchInput(l);
      const dd = sumSquares(delta, 0, n);
      parts[l] = c * c * dd * norm * norm;
      // W^l^T delta: the conditioned part along h_hat plus a fresh part orthogonal to it.
      const xi = xis[l];
      let proj = 0;
      for (let i = 0; i < n; i++) proj += xi[i] * delta[i];
      rng.fillNormal(zeta, 0, nPrev);
      const dn = Math.sqrt(dd);
      let hz = 0;
      if (norm > 0) for (let j = 0; j < nPrev; j++) hz += (h[j] / norm) * zeta[j];
      const s = signs?.[l];
      for (let j = 0; j < nPrev; j++) {
        const hh = norm > 0 ? h[j] / norm : 0;
        const wt = hh * proj + dn * (zeta[j] - hh * hz);
        const back = c * (s ? s[j] : 1) * act.df(u[j]) * wt;
        delta[j] = (alpha === 0 ? 0 : alpha * delta[j]) + back;
      }
      n = nPrev;
    }
    parts[0] = sumSquares(delta, 0, n) * c0;
    writeNtk(observables, gram, d + 1, out);
  };
}
