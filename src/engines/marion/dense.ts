/**
 * Dense engine for Marion's ResNets (marion-scaling-resnets.md 1): forward h_{k+1} = h_k + alpha V sigma(W h_k)
 * (res-3) or h_k + alpha V sigma(h_k) (res-1), output B h_L, loss ||B h_L - y||^2 with x ~ U[0,1)^{n_in},
 * y ~ U[0,1) drawn per sample; backward p_k = p_{k+1} + alpha W^T D V^T p_{k+1} (res-3) or
 * p_{k+1} + alpha diag(sigma'(h_k)) V^T p_{k+1} (res-1).
 *
 * iid weights come from one stream per layer (seed, sample, 1 + k), replayed by the backward pass;
 * smooth and fBM weights are generated as whole paths per entry and kept (memory L d^2 per matrix).
 * Exploding regimes: for positively homogeneous activations h is renormalised when its norm passes
 * 1e150 and the log scale is carried, so the log10 observables stay finite; the linear ones overflow
 * to Infinity and are counted as non-finite.
 */
import { makeActivation } from "../../activations/index.js";
import type { Rng } from "../../rng/rng.js";
import type { MarionSpec } from "../../spec/index.js";
import type { Observable } from "../observables.js";
import type { SampleKernel } from "../types.js";
import { fillCorrelated } from "./weights.js";

const SQRT3 = Math.sqrt(3);
const TWO_M32 = 2 ** -32;
const LN10 = Math.LN10;
const BIG = 1e150;

export function compileDenseMarion(spec: MarionSpec, observables: readonly Observable[]): SampleKernel {
  const d = spec.width;
  const L = spec.depth;
  const nIn = spec.nIn;
  const nOut = spec.nOut;
  const res3 = spec.model === "res3";
  const alpha = spec.alpha;
  const act = makeActivation(spec.activation);
  const homogeneous = act.slopes !== null;
  const uniform = spec.weights.law === "uniform";
  const corr = spec.correlation;
  const needGrad = observables.some((o) => o.name.toLowerCase().includes("grad"));
  const dd = d * d;
  const Vall = corr.kind === "iid" ? null : new Float64Array(L * dd);
  const Wall = corr.kind === "iid" || !res3 ? null : new Float64Array(L * dd);
  const row = new Float64Array(Math.max(d, nIn));
  const x = new Float64Array(nIn);
  const h = new Float64Array(d);
  const h0 = new Float64Array(d);
  const u = new Float64Array(d);
  const s = new Float64Array(d);
  const t = new Float64Array(d);
  const B = new Float64Array(nOut * d);
  const y = new Float64Array(nOut);
  const p = new Float64Array(d);
  const pL = new Float64Array(d);
  const q = new Float64Array(d);
  // Backward needs the branch inputs of every layer: u_k = W_k h_{k-1} (res-3) or h_{k-1} (res-1).
  const hist = needGrad ? new Float64Array(L * d) : new Float64Array(0);
  const fan = (m: number) => (uniform ? SQRT3 / Math.sqrt(m) : 1 / Math.sqrt(m));
  /** A row of iid weights with variance 1/fanIn. */
  const drawRow = (rng: Rng, n: number, fanIn: number) => {
    const c = fan(fanIn);
    if (uniform) for (let j = 0; j < n; j++) row[j] = ((rng.nextU32() + 0.5) * TWO_M32 * 2 - 1) * c;
    else {
      rng.fillNormal(row, 0, n);
      for (let j = 0; j < n; j++) row[j] *= c;
    }
  };
  /** out = M v for the layer's d x d matrix (iid: drawn from rng; else the stored slice). */
  const apply = (rng: Rng, stored: Float64Array | null, k: number, v: Float64Array, out: Float64Array) => {
    for (let r = 0; r < d; r++) {
      let acc = 0;
      if (stored) {
        const off = k * dd + r * d;
        for (let j = 0; j < d; j++) acc += stored[off + j] * v[j];
      } else {
        drawRow(rng, d, d);
        for (let j = 0; j < d; j++) acc += row[j] * v[j];
      }
      out[r] = acc;
    }
  };
  /** out = M^T v (iid: replays the rows in the forward order). */
  const applyT = (rng: Rng, stored: Float64Array | null, k: number, v: Float64Array, out: Float64Array) => {
    out.fill(0);
    for (let r = 0; r < d; r++) {
      const vr = v[r];
      if (stored) {
        const off = k * dd + r * d;
        for (let j = 0; j < d; j++) out[j] += stored[off + j] * vr;
      } else {
        drawRow(rng, d, d);
        for (let j = 0; j < d; j++) out[j] += row[j] * vr;
      }
    }
  };
  const norm = (v: Float64Array) => {
    let a = 0;
    for (let i = 0; i < v.length; i++) a += v[i] * v[i];
    return Math.sqrt(a);
  };
  const slots = observables.map((o) => o.name);

  return (rng, out, key) => {
    // Per-sample data: x, y, A, B from stream 0 (the rng as given).
    for (let i = 0; i < nIn; i++) x[i] = rng.uniform();
    for (let i = 0; i < nOut; i++) y[i] = rng.uniform();
    for (let r = 0; r < d; r++) {
      drawRow(rng, nIn, nIn);
      let acc = 0;
      for (let j = 0; j < nIn; j++) acc += row[j] * x[j];
      h[r] = acc;
    }
    for (let r = 0; r < nOut; r++) {
      drawRow(rng, d, d);
      B.set(row.subarray(0, d), r * d);
    }
    if (Vall) {
      rng.reset(key.seed, key.index, 1);
      const kind =
        corr.kind === "fbm"
          ? "fbm"
          : corr.kind === "smooth" && corr.variant === "values"
            ? "smooth-values"
            : "smooth-increments";
      const o = {
        H: corr.kind === "fbm" ? corr.H : undefined,
        bandwidth: corr.kind === "smooth" ? corr.bandwidth : undefined,
      };
      fillCorrelated(rng, kind, L, dd, d, Vall, o);
      if (Wall) fillCorrelated(rng, kind, L, dd, d, Wall, o);
    }
    h0.set(h);
    const n0 = norm(h0);
    let logScale = 0; // h_true = e^{logScale} h
    for (let k = 0; k < L; k++) {
      if (!Vall) rng.reset(key.seed, key.index, 2 + k);
      if (res3) {
        apply(rng, Wall, k, h, u);
      } else u.set(h);
      if (needGrad) hist.set(u, k * d);
      act.apply(u, s, d);
      apply(rng, Vall, k, s, t);
      for (let i = 0; i < d; i++) h[i] += alpha * t[i];
      if (homogeneous) {
        const nh = norm(h);
        if (nh > BIG) {
          for (let i = 0; i < d; i++) h[i] /= nh;
          logScale += Math.log(nh);
        }
      }
    }
    // ||h_L - h_0|| in log scale: h_L - h_0 = e^{s} (h - e^{-s} h_0).
    const back = Math.exp(-logScale);
    let disp2 = 0;
    for (let i = 0; i < d; i++) disp2 += (h[i] - back * h0[i]) ** 2;
    const logRel = logScale + 0.5 * Math.log(disp2) - Math.log(n0);
    const logNorm = logScale + Math.log(norm(h)) - Math.log(n0);
    let logGradRel = Number.NaN;
    let logGradNorm = Number.NaN;
    if (needGrad) {
      // p_L = 2 B^T (B h_L - y), normalised to unit norm (only ratios are observed); in the log scale,
      // B h_L - y = e^{s} (B h - e^{-s} y).
      for (let j = 0; j < d; j++) p[j] = 0;
      for (let r = 0; r < nOut; r++) {
        let bh = 0;
        for (let j = 0; j < d; j++) bh += B[r * d + j] * h[j];
        const res = bh - back * y[r];
        for (let j = 0; j < d; j++) p[j] += 2 * B[r * d + j] * res;
      }
      const np = norm(p);
      for (let j = 0; j < d; j++) p[j] /= np;
      pL.set(p);
      let gScale = 0;
      for (let k = L - 1; k >= 0; k--) {
        // q = V^T p; res-3: then D (sigma'(W h)) and W^T; res-1: diag(sigma'(h)).
        if (!Vall) rng.reset(key.seed, key.index, 2 + k);
        const uk = hist.subarray(k * d, (k + 1) * d);
        if (res3) {
          // Replay order of the forward pass: W_k rows first, then V_k rows.
          if (!Vall) {
            for (let r = 0; r < d; r++) drawRow(rng, d, d); // skip W (re-drawn below from a fresh replay)
          }
          applyT(rng, Vall, k, p, q);
          for (let i = 0; i < d; i++) q[i] *= act.df(uk[i]);
          if (!Vall) rng.reset(key.seed, key.index, 2 + k);
          applyT(rng, Wall, k, q, t);
        } else {
          applyT(rng, Vall, k, p, q);
          for (let i = 0; i < d; i++) t[i] = act.df(uk[i]) * q[i];
        }
        for (let i = 0; i < d; i++) p[i] += alpha * t[i];
        const npk = norm(p);
        if (npk > BIG) {
          for (let i = 0; i < d; i++) p[i] /= npk;
          gScale += Math.log(npk);
        }
      }
      const backP = Math.exp(-gScale);
      let pd = 0;
      for (let i = 0; i < d; i++) pd += (p[i] - backP * pL[i]) ** 2;
      logGradRel = gScale + 0.5 * Math.log(pd);
      logGradNorm = gScale + Math.log(norm(p));
    }
    for (let o = 0; o < slots.length; o++) {
      switch (slots[o]) {
        case "relDisp":
          out[o] = Math.exp(logRel);
          break;
        case "normRatio":
          out[o] = Math.exp(logNorm);
          break;
        case "gradRelDisp":
          out[o] = Math.exp(logGradRel);
          break;
        case "gradNormRatio":
          out[o] = Math.exp(logGradNorm);
          break;
        case "log10RelDisp":
          out[o] = logRel / LN10;
          break;
        case "log10NormRatio":
          out[o] = logNorm / LN10;
          break;
        case "log10GradRelDisp":
          out[o] = logGradRel / LN10;
          break;
        case "log10GradNormRatio":
          out[o] = logGradNorm / LN10;
          break;
      }
    }
  };
}
