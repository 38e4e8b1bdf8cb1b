/**
 * Dense engine for Marion's ResNets (docs/theory/scaling-resnets.md §1): forward h_{k+1} = h_k + alpha V sigma(W h_k)
 * (res-3) or h_k + alpha V sigma(h_k) (res-1), output B h_L, loss ||B h_L - y||^2 with x ~ U[0,1)^{n_in},
 * y ~ U[0,1)^{n_out} drawn per sample; backward p_k = p_{k+1} + alpha W^T D V^T p_{k+1} (res-3) or
 * p_{k+1} + alpha diag(sigma'(h_k)) V^T p_{k+1} (res-1).
 *
 * Batching: a sample is one network; its m = nInputs x nBetas columns (input i, scaling beta_b) share the
 * weights, so each layer's matrices are drawn once and applied to all columns (column c = b nInputs + i).
 *
 * Weights. iid matrices come from one stream per matrix, W_k from (seed, sample, 2 + 2k) and V_k from
 * (seed, sample, 3 + 2k), stored unscaled: uniform entries as odd integers n in (-2^24, 2^24) with the
 * value n 2^-24 sqrt(3/fan_in) (exact in float32), Gaussian entries as N(0, 1) with 1/sqrt(fan_in); the
 * scale multiplies each dot product. The backward pass reads them from a cache when it fits in
 * CACHE_BYTES (float32 for uniform, exact) and otherwise replays the streams: either way the numbers are
 * identical. Smooth and fBM weights are generated as whole paths per entry (stream 1) and kept.
 *
 * Exploding regimes: for positively homogeneous activations each column is renormalised when its norm
 * passes 1e150 and its log scale is carried, so the log10 observables stay finite; the linear ones
 * overflow to Infinity and are counted as non-finite.
 */
import { fromLog, ratioOf } from "./observe.js";
import { drawing, reserveSampler } from "../../engines/dense/gaussian-wasm.js";
import { makeActivation } from "../../activations/index.js";
import type { Rng } from "../../rng/rng.js";
import type { MarionSpec } from "./schema.js";
import type { Observable } from "../../engines/observables.js";
import type { SampleKernel } from "../../engines/types.js";
import { Arena, type F64Buf } from "../../wasm/index.js";
import { fillCorrelated } from "./weights.js";
import { isNtk } from "../shared/ntk.js";
import { MarionNtk } from "./ntk.js";

const BIG = 1e150;
const TWO_M24 = 2 ** -24;
/** Largest weight cache kept for the backward pass (per compiled kernel, i.e. per worker). */
export const CACHE_BYTES = 96 * 1024 * 1024;

type Matrix = Float32Array | Float64Array;

/** Whether a Marion run needs the backward pass (the loss gradient's observables, or the NTK's). */
export function needsGradient(observables: readonly Observable[]): boolean {
  return observables.some((o) => o.name.toLowerCase().includes("grad") || isNtk(o));
}

/** Bytes of the iid weight cache a dense Marion kernel would allocate (0 when it replays instead). */
export function marionCacheBytes(spec: MarionSpec, grad: boolean, limit = CACHE_BYTES): number {
  if (!grad || spec.correlation.kind !== "iid") return 0;
  const bytes =
    spec.depth * (spec.model === "res3" ? 2 : 1) * spec.width ** 2 * (spec.weights.law === "uniform" ? 4 : 8);
  return bytes <= limit ? bytes : 0;
}

/**
 * Estimated single-core ns per sample (network): weight generation (~2 ns a uniform entry, ~5 a normal,
 * twice when the backward pass replays; fGn ~25 ns and RBF paths ~30 ns per entry and layer) plus ~0.5 ns
 * per multiply-add over the m columns.
 */
export function marionDenseCost(spec: MarionSpec, observables: readonly Observable[]): number {
  const grad = needsGradient(observables);
  const mats = spec.model === "res3" ? 2 : 1;
  const entries = spec.depth * mats * spec.width ** 2;
  const m = spec.nInputs * spec.alphas.length;
  const c = spec.correlation.kind;
  const replay = grad && c === "iid" && marionCacheBytes(spec, grad) === 0 ? 2 : 1;
  const gen = c === "fbm" ? 25 : c === "smooth" ? 30 : (spec.weights.law === "uniform" ? 2 : 5) * replay;
  return entries * (gen + 0.5 * m * (grad ? 2 : 1)) + spec.width * spec.nIn * 7 * spec.nInputs;
}

/**
 * Working memory of a dense Marion kernel in bytes: its WebAssembly arena (scratch matrices, weight cache
 * or correlated paths, column blocks, per-layer branch inputs, the generator's tables; as reserved in
 * compileDenseMarion) and the JavaScript buffers.
 */
export function marionDenseBytes(
  spec: MarionSpec,
  observables: readonly Observable[],
): { bytes: number; wasmBytes: number } {
  const grad = needsGradient(observables);
  const mats = spec.model === "res3" ? 2 : 1;
  const m = spec.nInputs * spec.alphas.length;
  const d = spec.width;
  const el = spec.weights.law === "uniform" ? 4 : 8;
  const paths = spec.correlation.kind === "iid" ? 0 : 8 * spec.depth * mats * d * d;
  const hist = grad ? 8 * spec.depth * m * d : 0;
  const wasmBytes =
    marionCacheBytes(spec, grad) + 2 * d * d * el + paths + hist + 8 * (6 * m * d + 2 * m) + 65536;
  // The NTK keeps h_k of every layer (res-3, the input of W_k) in JavaScript.
  const ntkHist = observables.some(isNtk) && spec.model === "res3" ? 8 * spec.depth * m * d : 0;
  return { bytes: wasmBytes + 8 * 6 * m * d + ntkHist, wasmBytes };
}

/**
 * Renormalise the columns of X (length d) whose norm passes BIG, given their squared norms; adds the log
 * of each factor removed to scale[c].
 */
function renormCols(X: Float64Array, norms2: Float64Array, scale: Float64Array, d: number): void {
  for (let c = 0; c < scale.length; c++) {
    const n = Math.sqrt(norms2[c]);
    if (!(n > BIG) || !Number.isFinite(n)) continue;
    const o = c * d;
    for (let i = 0; i < d; i++) X[o + i] /= n;
    scale[c] += Math.log(n);
  }
}

/**
 * For column c of X (true value e^{scale} X) and of its start X0: ||X - e^{-scale} X0||^2, ||X||^2 and
 * ||X0||^2, so that ||x_end - x_0|| = e^{scale} sqrt(first) without overflow.
 */
function columnNorms2(
  X: Float64Array,
  X0: Float64Array,
  c: number,
  d: number,
  scale: number,
): [number, number, number] {
  const o = c * d;
  const back = Math.exp(-scale);
  let disp2 = 0;
  let n2 = 0;
  let n02 = 0;
  for (let i = 0; i < d; i++) {
    disp2 += (X[o + i] - back * X0[o + i]) ** 2;
    n2 += X[o + i] ** 2;
    n02 += X0[o + i] ** 2;
  }
  return [disp2, n2, n02];
}

export function compileDenseMarion(
  spec: MarionSpec,
  observables: readonly Observable[],
  cacheLimit = CACHE_BYTES,
): SampleKernel {
  const d = spec.width;
  const L = spec.depth;
  const nIn = spec.nIn;
  const nOut = spec.nOut;
  const nI = spec.nInputs;
  const alphas = spec.alphas;
  const m = nI * alphas.length;
  const res3 = spec.model === "res3";
  const act = makeActivation(spec.activation);
  const homogeneous = act.slopes !== null;
  const uniform = spec.weights.law === "uniform";
  const corr = spec.correlation;
  const iid = corr.kind === "iid";
  const needGrad = needsGradient(observables);
  const ntk = observables.some(isNtk) ? new MarionNtk(spec, observables) : null;
  const lossGrad = observables.some((o) => o.name.toLowerCase().includes("grad"));
  const dd = d * d;
  const mats = res3 ? 2 : 1;
  /** Scale of an unscaled iid entry with fan-in f. */
  const scaleFor = (f: number) => (uniform ? Math.sqrt(3 / f) * TWO_M24 : 1 / Math.sqrt(f));
  const sc = scaleFor(d);
  // iid weights: scratch matrices, or a cache holding every layer when the backward pass needs them.
  const cacheBytes = marionCacheBytes(spec, needGrad, cacheLimit);
  // Matrices and column blocks live in a WebAssembly arena (SIMD mat-mat kernels, src/wasm).
  const arena = new Arena();
  const cache = cacheBytes > 0 ? (uniform ? arena.f32(L * mats * dd) : arena.f64(L * mats * dd)) : null;
  const scratchW = uniform ? arena.f32(dd) : arena.f64(dd);
  const scratchV = uniform ? arena.f32(dd) : arena.f64(dd);
  const VallB = iid ? null : arena.f64(L * dd);
  const WallB = iid || !res3 ? null : arena.f64(L * dd);
  const HB = arena.f64(m * d);
  const UB = arena.f64(m * d);
  const SB = arena.f64(m * d);
  const TB = arena.f64(m * d);
  const PB = arena.f64(m * d);
  const QB = arena.f64(m * d);
  const alphaB = arena.f64(m);
  const normB = arena.f64(m);
  // Backward needs every layer's branch input u_k = W_k h_k (res-3) or h_k (res-1).
  const histB = arena.f64(needGrad ? L * m * d : 0);
  const sampler = reserveSampler(arena);
  arena.commit();
  sampler.ready();
  const relu = spec.activation.name === "relu";
  const hist = histB.a;
  const norms2 = normB.a;
  for (let c = 0; c < m; c++) alphaB.a[c] = alphas[Math.floor(c / nI)];
  const wk = arena.k;
  const [H, U, S, T, P, Q] = [HB.a, UB.a, SB.a, TB.a, PB.a, QB.a];
  const Vall = VallB?.a ?? null;
  const Wall = WallB?.a ?? null;
  /** Y = sc M X (mul) or sc M^T X (transposed) for the m columns; M as returned by layerMatrix. */
  const mul = (M: readonly [boolean, number, number], X: F64Buf, Y: F64Buf, transposed: boolean) => {
    const [f32, ptr, scale] = M;
    if (transposed) (f32 ? wk.mulRowsT32 : wk.mulRowsT64)(ptr, X.ptr, Y.ptr, d, m, scale);
    else (f32 ? wk.mulRows32 : wk.mulRows64)(ptr, X.ptr, Y.ptr, d, m, scale);
  };
  const row = new Float64Array(Math.max(d, nIn));
  const row32 = new Float32Array(Math.max(d, nIn));
  const xs = new Float64Array(nI * nIn);
  const ys = new Float64Array(nI * nOut);
  const A = new Float64Array(d * nIn);
  const B = new Float64Array(nOut * d);
  const H0 = new Float64Array(m * d);
  const PL = new Float64Array(m * d);
  const hScale = new Float64Array(m);
  const pScale = new Float64Array(m);
  const logRel = new Float64Array(m);
  const logNorm = new Float64Array(m);
  const logGradRel = new Float64Array(m).fill(Number.NaN);
  const logGradNorm = new Float64Array(m).fill(Number.NaN);
  // Backward needs every layer's branch input u_k = W_k h_k (res-3) or h_k (res-1).

  /**
   * Fill n unscaled iid entries of M (an arena view) from offset off, in WebAssembly: the same numbers
   * as rng.fillCentredInt24 / rng.fillNormal (test/rng.test.ts).
   */
  const fillIid = (rng: Rng, M: Matrix, off: number, n: number) => {
    const ptr = M.byteOffset + off * M.BYTES_PER_ELEMENT;
    drawing(arena, rng, () => {
      if (M instanceof Float32Array) wk.fillCentredInt24(ptr, n);
      else wk.fillNormal(ptr, n, sampler.pend);
    });
  };
  /** A row of n scaled iid weights with fan-in f (A, B: drawn from stream 0). */
  const drawRow = (rng: Rng, n: number, f: number) => {
    const c = scaleFor(f);
    if (uniform) {
      rng.fillCentredInt24(row32, 0, n);
      for (let j = 0; j < n; j++) row[j] = row32[j] * c;
    } else {
      rng.fillNormal(row, 0, n);
      for (let j = 0; j < n; j++) row[j] *= c;
    }
  };
  /**
   * The layer-k matrix (which = 0: W, 1: V) as [float32?, byte offset in the arena, scale]; iid matrices
   * are drawn into the cache (fresh) or read from it, or drawn into a scratch matrix from their stream.
   */
  const layerMatrix = (
    rng: Rng,
    seed: number,
    index: number,
    k: number,
    which: 0 | 1,
    fresh: boolean,
  ): readonly [boolean, number, number] => {
    if (!iid) return [false, (which === 0 ? WallB! : VallB!).ptr + 8 * k * dd, 1];
    const slot = res3 ? 2 * k + which : k;
    if (cache) {
      if (fresh) {
        rng.reset(seed, index, 2 + 2 * k + which);
        fillIid(rng, cache.a, slot * dd, dd);
      }
      return [uniform, cache.ptr + (uniform ? 4 : 8) * slot * dd, sc];
    }
    const M = which === 0 ? scratchW : scratchV;
    rng.reset(seed, index, 2 + 2 * k + which);
    fillIid(rng, M.a, 0, dd);
    return [uniform, M.ptr, sc];
  };
  const cols = observables.map((o) => o.beta * nI + o.input);
  const ratios = observables.map((o) => ratioOf(o.name));

  return (rng, out, key) => {
    // Per-sample data from stream 0: A, B, then (x_i, y_i) for each input (so input 0 does not depend on nInputs).
    for (let r = 0; r < d; r++) {
      drawRow(rng, nIn, nIn);
      A.set(row.subarray(0, nIn), r * nIn);
    }
    for (let r = 0; r < nOut; r++) {
      drawRow(rng, d, d);
      B.set(row.subarray(0, d), r * d);
    }
    for (let i = 0; i < nI; i++) {
      for (let j = 0; j < nIn; j++) xs[i * nIn + j] = rng.uniform();
      for (let j = 0; j < nOut; j++) ys[i * nOut + j] = rng.uniform();
    }
    if (!iid) {
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
      fillCorrelated(rng, kind, L, dd, d, Vall!, o);
      if (Wall) fillCorrelated(rng, kind, L, dd, d, Wall, o);
    }
    for (let c = 0; c < m; c++) {
      const x = (c % nI) * nIn;
      for (let r = 0; r < d; r++) {
        let acc = 0;
        for (let j = 0; j < nIn; j++) acc += A[r * nIn + j] * xs[x + j];
        H[c * d + r] = acc;
      }
    }
    H0.set(H);
    hScale.fill(0); // column c of the true h is e^{hScale[c]} H[c]
    for (let k = 0; k < L; k++) {
      if (res3) {
        mul(layerMatrix(rng, key.seed, key.index, k, 0, true), HB, UB, false);
      } else U.set(H);
      if (needGrad) hist.set(U, k * m * d);
      ntk?.recordLayer(k, H, hScale);
      if (relu) wk.relu(UB.ptr, SB.ptr, m * d);
      else act.apply(U, S, m * d);
      mul(layerMatrix(rng, key.seed, key.index, k, 1, true), SB, TB, false);
      wk.axpyCols(HB.ptr, TB.ptr, alphaB.ptr, d, m);
      if (homogeneous) {
        wk.colNorms2(HB.ptr, normB.ptr, d, m);
        renormCols(H, norms2, hScale, d);
      }
    }
    for (let c = 0; c < m; c++) {
      const [disp2, n2, n02] = columnNorms2(H, H0, c, d, hScale[c]);
      logRel[c] = hScale[c] + 0.5 * Math.log(disp2) - 0.5 * Math.log(n02);
      logNorm[c] = hScale[c] + 0.5 * Math.log(n2) - 0.5 * Math.log(n02);
    }
    if (lossGrad) {
      // p_L = 2 B^T (B h_L - y), normalised to unit norm (only ratios are observed); in the log scale,
      // B h_L - y = e^{s} (B h - e^{-s} y).
      for (let c = 0; c < m; c++) {
        const o = c * d;
        const back = Math.exp(-hScale[c]);
        for (let j = 0; j < d; j++) P[o + j] = 0;
        for (let r = 0; r < nOut; r++) {
          let bh = 0;
          for (let j = 0; j < d; j++) bh += B[r * d + j] * H[o + j];
          const res = bh - back * ys[(c % nI) * nOut + r];
          for (let j = 0; j < d; j++) P[o + j] += 2 * B[r * d + j] * res;
        }
        let np = 0;
        for (let j = 0; j < d; j++) np += P[o + j] ** 2;
        np = Math.sqrt(np);
        for (let j = 0; j < d; j++) P[o + j] /= np;
      }
      PL.set(P);
      pScale.fill(0);
      for (let k = L - 1; k >= 0; k--) {
        const uk = k * m * d;
        mul(layerMatrix(rng, key.seed, key.index, k, 1, false), PB, QB, true);
        if (relu) wk.reluMask(QB.ptr, histB.ptr + 8 * uk, m * d);
        else for (let i = 0; i < m * d; i++) Q[i] *= act.df(hist[uk + i]);
        if (res3) {
          mul(layerMatrix(rng, key.seed, key.index, k, 0, false), QB, TB, true);
        } else T.set(Q);
        wk.axpyCols(PB.ptr, TB.ptr, alphaB.ptr, d, m);
        wk.colNorms2(PB.ptr, normB.ptr, d, m);
        renormCols(P, norms2, pScale, d);
      }
      for (let c = 0; c < m; c++) {
        // p_L has unit norm, so the ratios need no division.
        const [pd, n2] = columnNorms2(P, PL, c, d, pScale[c]);
        logGradRel[c] = pScale[c] + 0.5 * Math.log(pd);
        logGradNorm[c] = pScale[c] + 0.5 * Math.log(n2);
      }
    }
    if (ntk) {
      // The NTK of f = (B h_L)_1 (docs/theory/ntk.md §1): a backward pass from p_L = B_1 over the same weights.
      ntk.begin(H, hScale, xs);
      for (let c = 0; c < m; c++) P.set(B.subarray(0, d), c * d);
      pScale.fill(0);
      for (let k = L - 1; k >= 0; k--) {
        const uk = k * m * d;
        // sigma(u_k) of every column, for the V_k part.
        if (relu) wk.relu(histB.ptr + 8 * uk, SB.ptr, m * d);
        else act.apply(hist.subarray(uk, uk + m * d), S, m * d);
        ntk.addV(k, P, pScale, S);
        mul(layerMatrix(rng, key.seed, key.index, k, 1, false), PB, QB, true);
        if (relu) wk.reluMask(QB.ptr, histB.ptr + 8 * uk, m * d);
        else for (let i = 0; i < m * d; i++) Q[i] *= act.df(hist[uk + i]);
        if (res3) {
          ntk.addW(k, Q, pScale);
          mul(layerMatrix(rng, key.seed, key.index, k, 0, false), QB, TB, true);
        } else T.set(Q);
        // p is linear in p_L: renormalising its columns (log scale carried) is exact for any activation.
        wk.axpyCols(PB.ptr, TB.ptr, alphaB.ptr, d, m);
        wk.colNorms2(PB.ptr, normB.ptr, d, m);
        renormCols(P, norms2, pScale, d);
      }
      ntk.finish(P, pScale, out);
    }
    const logs = [logRel, logNorm, logGradRel, logGradNorm];
    for (let o = 0; o < ratios.length; o++) {
      if (ratios[o][0] === undefined) continue;
      const [r, log10] = ratios[o];
      out[o] = fromLog(log10, logs[r][cols[o]]);
    }
  };
}
