/**
 * Reduced engine for Marion's ResNets with iid Gaussian weights N(0, 1/d): exact in law, O(d) per layer.
 *
 * Forward: each block's matrices are fresh and independent of h_k, so W v =d (||v|| / sqrt d) g with g ~ N(0, I)
 * independent of v (the identity of docs/theory/log-gaussian.md §1.3): res-3 u_k = (||h_k|| / sqrt d) g, s_k = sigma(u_k),
 * t_k = (||s_k|| / sqrt d) g'; res-1 s_k = sigma(h_k); then h_{k+1} = h_k + alpha t_k.
 * Backward: given the forward pass, V_k is only constrained by V_k s_k = t_k, and Gaussian conditioning gives
 *   V_k^T p =d s_k (t_k . p) / ||s_k||^2 + (I - s_k s_k^T / ||s_k||^2) (||p|| / sqrt d) g'',
 * and the same for W_k given W_k h_k = u_k (the argument of docs/engines.md for Hayou's backward pass).
 * A, B, x and y are drawn as in the dense engine (they are O(d n_in) per sample).
 */
import { fromLog, ratioOf } from "./observe.js";
import { makeActivation } from "../../activations/index.js";
import type { MarionSpec } from "./schema.js";
import type { Observable } from "../../engines/observables.js";
import type { SampleKernel } from "../../engines/types.js";
import { Rng } from "../../rng/rng.js";
import { batchByLanes, GaussianLanes, LANES } from "../../engines/dense/gaussian-lanes.js";
import { needsGradient } from "./dense.js";

const BIG = 1e150;

/** Divide v by its norm when that norm passes BIG (and is finite); the log of the factor taken out, else 0. */
function rescale(v: Float64Array, d: number): number {
  const nv = Math.sqrt(dot(v, 0, v, 0, d));
  if (!(nv > BIG && Number.isFinite(nv))) return 0;
  for (let i = 0; i < d; i++) v[i] /= nv;
  return Math.log(nv);
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[ao + i] * b[bo + i];
  return s;
}

/** Why the reduced engine is not exact for this Marion spec, or null. */
export function marionReducedUnsupported(spec: MarionSpec): string | null {
  if (spec.weights.law !== "gaussian") return `needs Gaussian weights (spec has ${spec.weights.law})`;
  if (spec.correlation.kind !== "iid")
    return `needs iid weights across depth (spec has ${spec.correlation.kind})`;
  if (spec.nInputs > 1 || spec.alphas.length > 1)
    return "simulates one input and one beta (columns sharing weights need their joint Gram matrix)";
  return null;
}

/**
 * The four-lane path's WebAssembly memory (ReLU only; it keeps four networks' layer histories, so it
 * is used only up to 256 MiB), or 0 where the kernel runs one network at a time.
 */
export function marionLaneBytes(spec: MarionSpec, observables: readonly Observable[]): number {
  const grad = needsGradient(observables);
  const bytes =
    8 *
    LANES *
    (spec.width * (5 + spec.nOut + (grad ? 3 * spec.depth : 0)) + 2 * spec.nIn + (grad ? 2 * spec.depth : 0));
  return spec.activation.name === "relu" && bytes <= 2 ** 28 ? bytes : 0;
}

export function compileReducedMarion(
  spec: MarionSpec,
  observables: readonly Observable[],
  wasm = true,
): SampleKernel {
  const d = spec.width;
  const L = spec.depth;
  const nIn = spec.nIn;
  const nOut = spec.nOut;
  const res3 = spec.model === "res3";
  const alpha = spec.alphas[0];
  const act = makeActivation(spec.activation);
  const homogeneous = act.slopes !== null;
  const needGrad = needsGradient(observables);
  const ratios = observables.map((o) => ratioOf(o.name));
  const isd = 1 / Math.sqrt(d);
  const x = new Float64Array(nIn);
  const y = new Float64Array(nOut);
  const row = new Float64Array(Math.max(d, nIn));
  const B = new Float64Array(nOut * d);
  const h = new Float64Array(d);
  const h0 = new Float64Array(d);
  const g = new Float64Array(d);
  const p = new Float64Array(d);
  const pL = new Float64Array(d);
  const q = new Float64Array(d);
  // Per layer (for the backward pass): block input h_k, branch pre-activation u_k (res-3), output t_k.
  const hin = needGrad ? new Float64Array(L * d) : new Float64Array(0);
  const us = needGrad && res3 ? new Float64Array(L * d) : new Float64Array(0);
  const ts = needGrad ? new Float64Array(L * d) : new Float64Array(0);
  const u = new Float64Array(d);
  const s = new Float64Array(d);
  const t = new Float64Array(d);

  /**
   * out = M^T v for the Gaussian M conditioned on M a = b: a (b . v) / ||a||^2 + (I - P_a) (||v|| / sqrt d) g.
   */
  const condT = (
    rng: Parameters<SampleKernel>[0],
    a: Float64Array,
    ao: number,
    b: Float64Array,
    bo: number,
    v: Float64Array,
    out: Float64Array,
  ) => {
    rng.fillNormal(g, 0, d);
    const nv = Math.sqrt(dot(v, 0, v, 0, d)) * isd;
    for (let i = 0; i < d; i++) g[i] *= nv;
    const aa = dot(a, ao, a, ao, d);
    if (aa > 0) {
      const c1 = dot(b, bo, v, 0, d) / aa;
      const c2 = dot(a, ao, g, 0, d) / aa;
      for (let i = 0; i < d; i++) out[i] = a[ao + i] * (c1 - c2) + g[i];
    } else out.set(g);
  };

  /** A sample's input x and target y (its first draws). */
  const inputs = (rng: Rng) => {
    for (let j = 0; j < nIn; j++) x[j] = rng.uniform();
    for (let j = 0; j < nOut; j++) y[j] = rng.uniform();
  };
  /** A sample's input x, target y, first hidden state h = h0 and readout B (its first draws). */
  const init = (rng: Rng) => {
    inputs(rng);
    for (let r = 0; r < d; r++) {
      rng.fillNormal(row, 0, nIn);
      h[r] = dot(row, 0, x, 0, nIn) / Math.sqrt(nIn);
    }
    for (let r = 0; r < nOut; r++) {
      rng.fillNormal(row, 0, d);
      for (let j = 0; j < d; j++) B[r * d + j] = row[j] * isd;
    }
    h0.set(h);
  };
  /** From h = h_L e^{-hScale}: logs[0], logs[1]; with gradients p = pL = the normalised output gradient. */
  const afterForward = (hScale: number, logs: Float64Array) => {
    const back = Math.exp(-hScale);
    let disp2 = 0;
    for (let i = 0; i < d; i++) disp2 += (h[i] - back * h0[i]) ** 2;
    const ln0 = 0.5 * Math.log(dot(h0, 0, h0, 0, d));
    logs[0] = hScale + 0.5 * Math.log(disp2) - ln0;
    logs[1] = hScale + 0.5 * Math.log(dot(h, 0, h, 0, d)) - ln0;
    logs[2] = Number.NaN;
    logs[3] = Number.NaN;
    if (!needGrad) return;
    p.fill(0);
    for (let r = 0; r < nOut; r++) {
      const res = dot(B, r * d, h, 0, d) - back * y[r];
      for (let j = 0; j < d; j++) p[j] += 2 * B[r * d + j] * res;
    }
    const np = Math.sqrt(dot(p, 0, p, 0, d));
    for (let j = 0; j < d; j++) p[j] /= np;
    pL.set(p);
  };
  /** From p = p_0 e^{-pScale} (and pL): logs[2], logs[3]. */
  const afterBackward = (pScale: number, logs: Float64Array) => {
    const backP = Math.exp(-pScale);
    let pd = 0;
    for (let i = 0; i < d; i++) pd += (p[i] - backP * pL[i]) ** 2;
    logs[2] = pScale + 0.5 * Math.log(pd);
    logs[3] = pScale + 0.5 * Math.log(dot(p, 0, p, 0, d));
  };
  const write = (logs: Float64Array, out: Float64Array) =>
    ratios.forEach(([r, log10], i) => (out[i] = fromLog(log10, logs[r])));
  const logs = new Float64Array(4);

  const kernel: SampleKernel = (rng, out) => {
    init(rng);
    let hScale = 0;
    for (let k = 0; k < L; k++) {
      if (needGrad) hin.set(h, k * d);
      if (res3) {
        rng.fillNormal(u, 0, d);
        const c = Math.sqrt(dot(h, 0, h, 0, d)) * isd;
        for (let i = 0; i < d; i++) u[i] *= c;
        if (needGrad) us.set(u, k * d);
        act.apply(u, s, d);
      } else act.apply(h, s, d);
      rng.fillNormal(t, 0, d);
      const c = Math.sqrt(dot(s, 0, s, 0, d)) * isd;
      for (let i = 0; i < d; i++) t[i] *= c;
      if (needGrad) ts.set(t, k * d);
      for (let i = 0; i < d; i++) h[i] += alpha * t[i];
      if (homogeneous) hScale += rescale(h, d);
    }
    afterForward(hScale, logs);
    if (needGrad) {
      let pScale = 0;
      for (let k = L - 1; k >= 0; k--) {
        // s_k is recomputed from u_k (res-3) or h_k (res-1); V_k^T p given V_k s_k = t_k.
        if (res3) act.apply(us.subarray(k * d, (k + 1) * d), s, d);
        else act.apply(hin.subarray(k * d, (k + 1) * d), s, d);
        condT(rng, s, 0, ts, k * d, p, q);
        const pre = res3 ? us : hin;
        for (let i = 0; i < d; i++) q[i] *= act.df(pre[k * d + i]);
        if (res3) condT(rng, hin, k * d, us, k * d, q, t);
        else t.set(q);
        for (let i = 0; i < d; i++) p[i] += alpha * t[i];
        pScale += rescale(p, d);
      }
      afterBackward(pScale, logs);
    }
    write(logs, out);
  };
  if (wasm && marionLaneBytes(spec, observables) > 0) kernel.batch = lanesBatch();
  return kernel;

  /**
   * Whole chunks four networks at a time in WebAssembly (assembly/marion-lanes.ts, ReLU): each lane draws
   * its network's stream and repeats the kernel's float operations, so bit-identical to it (tested).
   * The first draws (x, y, h0, B) and the O(d n_out) ends stay in JavaScript.
   */
  function lanesBatch(): NonNullable<SampleKernel["batch"]> {
    const V = LANES * d;
    const H = needGrad ? L * V : 0;
    // Buffers, in the order of the kernels' pointer table (assembly/marion-lanes.ts): h, hin, us, ts,
    // u, x and a row of n_in (marionInit4), t, g, the readout B, p, the per-lane log scales of h and p,
    // the blocks' ||h_k||^2 and ||s_k||^2; then the table itself (16 int32).
    const HL = needGrad ? L * LANES : 0;
    const XR = 2 * LANES * nIn;
    const BL = LANES * nOut * d;
    const lanes = new GaussianLanes(d, [V, H, res3 ? H : 0, H, V, XR, V, V, BL, V, LANES, LANES, HL, HL, 8]);
    const [bh, , , , , bx, , , bB, bp, hScale, pScale, hh, ss, table] = lanes.bufs;
    const tab = new Int32Array(table.a.buffer, table.ptr, 16);
    lanes.bufs.slice(0, 12).forEach((b, i) => (tab[i] = b.ptr));
    tab[12] = lanes.statePtr;
    tab[13] = lanes.pendPtr;
    tab[14] = hh.ptr;
    tab[15] = ss.ptr;
    const K = lanes.kernels;
    const rngs = Array.from({ length: LANES }, () => new Rng());
    const h0s = rngs.map(() => new Float64Array(d));
    const ys = rngs.map(() => new Float64Array(nOut));
    const Bs = rngs.map(() => new Float64Array(nOut * d));
    const pLs = rngs.map(() => new Float64Array(d));
    const logsOf = rngs.map(() => new Float64Array(4));
    const outs = rngs.map(() => new Float64Array(observables.length));
    // h_0 and B in WebAssembly where a row of A fits the lanes' lists (n_in <= d).
    const wasmInit = nIn <= d;
    const group = (seed: number, at: number) => {
      for (let lane = 0; lane < LANES; lane++) {
        const rng = rngs[lane].reset(seed, at + lane);
        if (wasmInit) {
          inputs(rng);
          lanes.put(bx, lane, x, nIn);
        } else {
          init(rng);
          lanes.put(bh, lane, h);
          h0s[lane].set(h0);
          Bs[lane].set(B);
        }
        lanes.seed(lane, rng);
        ys[lane].set(y);
      }
      if (wasmInit) {
        K.marionInit4(d, nIn, nOut, table.ptr);
        for (let lane = 0; lane < LANES; lane++) {
          lanes.get(bh, lane, h0s[lane]);
          lanes.get(bB, lane, Bs[lane], nOut * d);
        }
      }
      hScale.a.fill(0);
      K.marionFwd4(L, d, res3, alpha, needGrad, table.ptr);
      for (let lane = 0; lane < LANES; lane++) {
        lanes.get(bh, lane, h);
        h0.set(h0s[lane]);
        y.set(ys[lane]);
        B.set(Bs[lane]);
        afterForward(hScale.a[lane], logsOf[lane]);
        if (needGrad) {
          lanes.put(bp, lane, p);
          pLs[lane].set(pL);
        }
      }
      if (needGrad) {
        pScale.a.fill(0);
        K.marionBwd4(L, d, res3, alpha, table.ptr);
        for (let lane = 0; lane < LANES; lane++) {
          lanes.get(bp, lane, p);
          pL.set(pLs[lane]);
          afterBackward(pScale.a[lane], logsOf[lane]);
        }
      }
      for (let lane = 0; lane < LANES; lane++) write(logsOf[lane], outs[lane]);
      return true;
    };
    return batchByLanes(outs, group, (seed, index, out) =>
      kernel(rngs[0].reset(seed, index), out, { seed, index }),
    );
  }
}
