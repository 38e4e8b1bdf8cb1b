/**
 * Reduced and SDE engines for Hayou's ResNet (exact in law for Gaussian weights; any number of inputs).
 *
 * Given the past, the rows of W_l are iid N(0, (gain/n) I), so for k inputs the k-vectors
 * (W_l phi(Y^1), ..., W_l phi(Y^k))_i are iid N(0, gain K / n), K = Phi^T Phi the Gram matrix of the
 * phi(Y^a). Hence W_l Phi =d Z C^T with Z an n x k standard Gaussian matrix and C C^T = gain K / n
 * (sheet Lemma 6 and Prop. 5): O(n k^2 + k^3) per layer instead of O(n^2 k). Y_0 likewise, with the
 * Gram matrix of the inputs / d.
 *
 * The SDE engine integrates dX = n^{-1/2} ||phi(X)|| dB (multi-input: dX = Sigma^{1/2} dB, Prop. 5) by
 * Euler-Maruyama on sdeSteps steps of [0, 1]. Euler-Maruyama with step 1/L is, in law, the ResNet itself,
 * so the SDE engine is the reduced recursion on a grid that does not depend on L: it approximates the
 * L -> infinity limit, never the finite network (it is not exact, and `auto` never picks it). Layer l of
 * an observable maps to time l/L, i.e. step round(S l / L).
 *
 * Gradients (reduced engine, gradNorm[l]): backward through Gaussian conditioning on the forward draws.
 * Given W_l Phi = U (Phi = phi(Y_{l-1}) for the k inputs, A = Phi^T Phi), the law of W_l is
 * U A^+ Phi^T + W~ (I - Phi A^+ Phi^T) with W~ an independent copy, so
 *   W_l^T g = Phi A^+ U^T g + (I - P_Phi) xi,   xi ~ N(0, (gain/n) ||g||^2 I) fresh,
 * O(n k + k^3) per layer (docs/engines.md). Memory: the forward Phi, U and Y of every layer.
 */
import { makeActivation } from "../../activations/index.js";
import { inputVector } from "../../spec/vectors.js";
import type { HayouSpec } from "./schema.js";
import type { Observable } from "../../engines/observables.js";
import type { SampleKernel } from "../../engines/types.js";
import { Rng } from "../../rng/rng.js";
import { batchByLanes, GaussianLanes, LANES } from "../../engines/dense/gaussian-lanes.js";
import type { Arena, F64Buf } from "../../wasm/index.js";
import { drawing, samplerArena, WASM_NORMAL_MAX_COLS } from "../../engines/dense/gaussian-wasm.js";
import { zeros } from "../../engines/dense/kernels.js";
import { ActiveAverage, fixedY0, hayouSlots, observeLayer } from "./observe.js";
import { NtkGram, wantsNtk, writeNtk } from "../shared/ntk.js";

/**
 * Lower-triangular C with C C^T = A (k x k, row-major), for positive semidefinite A: a zero (or
 * round-off negative) pivot gives a zero column, which is exact for a singular A (collapsed inputs).
 */
export function choleskyPsd(A: Float64Array, k: number, C: Float64Array): void {
  C.fill(0);
  for (let j = 0; j < k; j++) {
    let s = A[j * k + j];
    for (let p = 0; p < j; p++) s -= C[j * k + p] * C[j * k + p];
    const ajj = A[j * k + j];
    if (!Number.isFinite(ajj)) {
      // Overflow (or NaN) upstream: propagate it, never a finite zero column (issue: finite garbage).
      C[j * k + j] = ajj;
      continue;
    }
    const scale = Math.max(ajj, 1e-300);
    if (s <= 1e-14 * scale) continue; // zero pivot: column j stays 0
    const cjj = Math.sqrt(s);
    C[j * k + j] = cjj;
    for (let i = j + 1; i < k; i++) {
      let t = A[i * k + j];
      for (let p = 0; p < j; p++) t -= C[i * k + p] * C[j * k + p];
      C[i * k + j] = t / cjj;
    }
  }
}

/** Solve A c = v on the range of A given its PSD Cholesky factor C (zero pivots give zero components). */
function solveRange(C: Float64Array, k: number, v: Float64Array, y: Float64Array, c: Float64Array): void {
  for (let i = 0; i < k; i++) {
    const cii = C[i * k + i];
    if (cii === 0) {
      y[i] = 0;
      continue;
    }
    let t = v[i];
    for (let p = 0; p < i; p++) t -= C[i * k + p] * y[p];
    y[i] = t / cii;
  }
  for (let i = k - 1; i >= 0; i--) {
    const cii = C[i * k + i];
    if (cii === 0) {
      c[i] = 0;
      continue;
    }
    let t = y[i];
    for (let p = i + 1; p < k; p++) t -= C[p * k + i] * c[p];
    c[i] = t / cii;
  }
}

/**
 * C with C C^T = gain K / n, K the Gram matrix of the k rows of H (each of length n). When K overflows
 * although H is finite (||phi|| past 1e154), the rows are first divided by m = max |H| and C multiplied
 * by m: exact, and the recursion goes on until Y itself overflows (as the dense engine's does). Without
 * overflow nothing is rescaled (bit-identical to the plain Gram matrix).
 */
function gramFactor(
  H: Float64Array,
  k: number,
  n: number,
  gainOverN: number,
  K: Float64Array,
  C: Float64Array,
): void {
  const gram = (inv: number) => {
    for (let a = 0; a < k; a++) {
      for (let b = 0; b <= a; b++) {
        let t = 0;
        if (inv === 1) for (let i = 0; i < n; i++) t += H[a * n + i] * H[b * n + i];
        else for (let i = 0; i < n; i++) t += H[a * n + i] * inv * (H[b * n + i] * inv);
        K[a * k + b] = K[b * k + a] = gainOverN * t;
      }
    }
  };
  gram(1);
  let finite = true;
  for (let a = 0; a < k; a++) finite &&= Number.isFinite(K[a * k + a]);
  const m = finite ? 1 : maxAbs(H, k * n);
  if (m !== 1 && m > 0 && Number.isFinite(m)) gram(1 / m);
  choleskyPsd(K, k, C);
  if (m !== 1 && m > 0 && Number.isFinite(m)) for (let i = 0; i < k * k; i++) C[i] *= m;
}

function maxAbs(x: Float64Array, len: number, off = 0): number {
  let m = 0;
  for (let i = off; i < off + len; i++) {
    const v = Math.abs(x[i]);
    if (!(v <= m)) m = v; // NaN propagates
  }
  return m;
}

/**
 * The reduced recursion's layers for one input and ReLU in WebAssembly (assembly/normals.ts
 * hayouReluLayers): the generator fused with the update, bit-identical to the JavaScript loop (tested).
 * Y, H and Z live in its arena; the JavaScript code reads and writes the same arrays.
 */
class ReluLayersWasm {
  private readonly arena: Arena;
  readonly y: F64Buf;
  readonly h: F64Buf;
  readonly z: F64Buf;
  private readonly out: F64Buf;
  private readonly pend: number;
  constructor(private readonly n: number) {
    const { arena, pend, bufs } = samplerArena([n, n, n, 2]);
    this.arena = arena;
    this.pend = pend;
    [this.y, this.h, this.z, this.out] = bufs;
  }
  /** Run layers from..to; returns the last one done, its sum of squares and whether any collapsed. */
  run(rng: Rng, from: number, to: number, gainOverN: number, sqrtDt: number) {
    const K = this.arena.k;
    const o = this.out.a;
    o[1] = 0;
    let done = from - 1;
    drawing(this.arena, rng, () => {
      done = K.hayouReluLayers(
        from,
        to,
        this.n,
        this.y.ptr,
        this.h.ptr,
        this.z.ptr,
        this.pend,
        gainOverN,
        sqrtDt,
        this.out.ptr,
      );
    });
    return { done, sumSquares: o[0], collapsed: o[1] === 1 };
  }
}

export function compileReducedHayou(
  spec: HayouSpec,
  observables: readonly Observable[],
  sde: boolean,
  wasm = true,
): SampleKernel {
  const n = spec.width;
  const L = spec.depth;
  const steps = sde ? spec.sdeSteps : L;
  const d = spec.nIn;
  const k = spec.inputs.length;
  const slots = hayouSlots(observables);
  const act = makeActivation(spec.activation);
  // Map requested layers to steps (identity for the reduced engine).
  const stepOf = (l: number) => (sde ? Math.round((steps * l) / Math.max(L, 1)) : l);
  const byStep = new Map<number, number[]>();
  for (const l of new Set([...slots.layers, L])) {
    const s = stepOf(l);
    byStep.set(s, [...(byStep.get(s) ?? []), l]);
  }
  // Cholesky factor of the inputs' Gram matrix / d.
  const X = Array.from({ length: k }, (_, a) => inputVector(spec, a));
  const G0 = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) G0[a * k + b] = X[a].reduce((s, v, i) => s + v * X[b][i], 0) / d;
  const C0 = new Float64Array(k * k);
  choleskyPsd(G0, k, C0);
  const ntk = !sde && wantsNtk(observables) ? new NtkGram(k, L + 1) : null;
  const grads0 = !sde && (slots.grad.size > 0 || ntk !== null);
  const fast =
    wasm && k === 1 && !grads0 && spec.activation.name === "relu" && n <= WASM_NORMAL_MAX_COLS
      ? new ReluLayersWasm(n)
      : null;
  const Y = fast ? fast.y.a : new Float64Array(k * n);
  const H = fast ? fast.h.a : new Float64Array(k * n);
  const Z = fast ? fast.z.a : new Float64Array(k * n);
  // The next observed step at or after each step (the WebAssembly path runs up to it in one call).
  const stopAt = new Int32Array(steps + 2).fill(steps);
  // meanActiveFraction counts the active units of every step: then the WebAssembly path stops at each.
  const everyStep = slots.meanActive.size > 0;
  for (let s = steps; s >= 1; s--) stopAt[s] = byStep.has(s) || everyStep ? s : stopAt[s + 1];
  const K = new Float64Array(k * k);
  const C = new Float64Array(k * k);
  const postNorm = new Float64Array(k);
  const postNorm0 = new Float64Array(k);
  const collapsedAt = new Int8Array(k);
  const grads = grads0;
  const gradInputs = [...new Set([...slots.grad.values()].flat().map(([a]) => a))];
  // Per layer l = 1..L: Phi_{l-1} (k x n), U_l = W_l Phi (k x n), and Y_{l-1} (k x n).
  const histPhi = grads ? new Float64Array(L * k * n) : new Float64Array(0);
  const histU = grads ? new Float64Array(L * k * n) : new Float64Array(0);
  const histY = grads ? new Float64Array(L * k * n) : new Float64Array(0);
  const [g, xi, wtg] = zeros(3, n);
  const [A, CA] = zeros(2, k * k);
  const [vk, wk, yk, ck, ek] = zeros(5, k);
  const U = new Float64Array(k * n);
  const [Gs, Next, Xi, Zb] = zeros(4, ntk ? k * n : 0);
  const [Gamma, CG] = zeros(2, k * k);
  const dt = steps > 0 ? 1 / steps : 0;
  const y0 = fixedY0(spec);
  const avg = slots.meanActive.size > 0 ? new ActiveAverage(k) : null;
  const sqrtDt = Math.sqrt(dt);
  const gainOverN = spec.gain / n;

  /** Y[a] (+)= scale * sum_b C[a, b] Z[b] for every input a. */
  const mix = (Cm: Float64Array, scale: number, add: boolean) => {
    for (let a = 0; a < k; a++) {
      const ya = a * n;
      if (!add) Y.fill(0, ya, ya + n);
      for (let b = 0; b <= a; b++) {
        const c = scale * Cm[a * k + b];
        if (c === 0) continue;
        const zb = b * n;
        for (let i = 0; i < n; i++) Y[ya + i] += c * Z[zb + i];
      }
    }
  };
  const post = () => {
    act.apply(Y, H, k * n);
    for (let a = 0; a < k; a++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += H[a * n + i] * H[a * n + i];
      postNorm[a] = Math.sqrt(s);
      if (s === 0) collapsedAt[a] = 1;
    }
  };

  /** Layer 0 of a sample (Y, H, postNorm, postNorm0, collapsedAt) and its observables. */
  const begin = (rng: Rng, out: Float64Array, average: ActiveAverage | null) => {
    if (y0) Y.set(y0);
    else {
      rng.fillNormal(Z, 0, k * n);
      mix(C0, 1, false);
    }
    collapsedAt.fill(0);
    post();
    postNorm0.set(postNorm);
    average?.reset();
    observeLayer(slots, 0, Y, n, postNorm, postNorm0, out, average);
    average?.add(Y, n);
  };

  const kernel: SampleKernel = (rng, out) => {
    begin(rng, out, avg);
    for (let s = 1; s <= steps; s++) {
      if (fast) {
        const r = fast.run(rng, s, stopAt[s], gainOverN, sqrtDt);
        if (r.done >= s) {
          postNorm[0] = Math.sqrt(r.sumSquares);
          if (r.collapsed) collapsedAt[0] = 1;
          s = r.done;
          const ls = byStep.get(s);
          if (ls) for (const l of ls) if (l > 0) observeLayer(slots, l, Y, n, postNorm, postNorm0, out, avg);
          avg?.add(Y, n);
          continue;
        }
        // K overflowed at layer s: the JavaScript path below takes this layer.
      }
      gramFactor(H, k, n, gainOverN, K, C);
      rng.fillNormal(Z, 0, k * n);
      if (grads) {
        // Keep Phi, Y and U = W Phi = Z C^T of this layer for the backward pass.
        const off = (s - 1) * k * n;
        histPhi.set(H, off);
        histY.set(Y, off);
        for (let a = 0; a < k; a++) {
          for (let i = 0; i < n; i++) {
            let t = 0;
            for (let b = 0; b <= a; b++) t += C[a * k + b] * Z[b * n + i];
            U[a * n + i] = t;
          }
        }
        histU.set(U, off);
      }
      mix(C, sqrtDt, true);
      post();
      const ls = byStep.get(s);
      if (ls) for (const l of ls) if (l > 0) observeLayer(slots, l, Y, n, postNorm, postNorm0, out, avg);
      avg?.add(Y, n);
    }
    for (const [a, slot] of slots.collapsed) out[slot] = collapsedAt[a];
    for (const [a, slot] of slots.preact) out[slot] = Y[a * n];
    for (const a of gradInputs) backward(rng, a, out);
    if (ntk) {
      ntkBackward(rng);
      writeNtk(observables, ntk, -1, out);
    }
  };
  if (fast && n * LANES <= WASM_NORMAL_MAX_COLS) kernel.batch = lanesBatch();
  return kernel;

  /**
   * Whole chunks four networks at a time (GaussianLanes: bit-identical to the kernel above, tested); a
   * group in which some layer's K overflows, and the chunk's last samples, run through the kernel.
   */
  function lanesBatch(): NonNullable<SampleKernel["batch"]> {
    const lanes = new GaussianLanes(n);
    const rngs = Array.from({ length: LANES }, () => new Rng());
    const outs = rngs.map(() => new Float64Array(observables.length));
    const avgs = rngs.map(() => (avg ? new ActiveAverage(1) : null));
    const norm0 = new Float64Array(LANES);
    const coll0 = new Int8Array(LANES);
    const Yl = new Float64Array(n);
    const key = { seed: 0, index: 0 };

    /** Samples at..at+3 into outs; false when a lane's K overflowed (the caller reruns them). */
    const group = (seed: number, at: number): boolean => {
      for (let lane = 0; lane < LANES; lane++) {
        const rng = rngs[lane].reset(seed, at + lane);
        begin(rng, outs[lane], avgs[lane]);
        norm0[lane] = postNorm0[0];
        coll0[lane] = collapsedAt[0];
        lanes.load(lane, Y, rng);
      }
      for (let s = 1; s <= steps; s++) {
        const to = stopAt[s];
        if (lanes.hayouRelu(s, to, gainOverN, sqrtDt) < to) return false;
        s = to;
        const ls = byStep.get(s);
        if (!ls && !avg) continue;
        for (let lane = 0; lane < LANES; lane++) {
          lanes.read(lane, Yl);
          postNorm[0] = Math.sqrt(lanes.sumSquares(lane));
          postNorm0[0] = norm0[lane];
          if (ls)
            for (const l of ls)
              if (l > 0) observeLayer(slots, l, Yl, n, postNorm, postNorm0, outs[lane], avgs[lane]);
          avgs[lane]?.add(Yl, n);
        }
      }
      for (let lane = 0; lane < LANES; lane++) {
        const flag = coll0[lane] === 1 || lanes.collapsed(lane) ? 1 : 0;
        for (const [, slot] of slots.collapsed) outs[lane][slot] = flag;
        for (const [, slot] of slots.preact) outs[lane][slot] = lanes.at(lane, 0);
      }
      return true;
    };

    return batchByLanes(outs, group, (seed, index, out) => {
      key.seed = seed;
      key.index = index;
      kernel(rngs[0].reset(seed, index), out, key);
    });
  }

  /**
   * The NTK's backward pass (docs/theory/ntk.md §1, §2.3): all k inputs' gradients at once, since the
   * fresh part W~^T g_a of different inputs shares W~: (W~^T g_1 .. W~^T g_k) =d Xi C_G^T with
   * C_G C_G^T = (gain/n) <g_a, g_b> (Gaussian conditioning on the forward draws, as in `backward`).
   */
  function ntkBackward(rng: import("../../rng/rng.js").Rng): void {
    const gram = ntk!;
    const sigma2 = spec.gain / n;
    const c2 = sigma2 / L;
    const invSqrtL = 1 / Math.sqrt(L);
    Gs.fill(1 / Math.sqrt(n));
    for (let l = L; l >= 1; l--) {
      const off = (l - 1) * k * n;
      for (let a = 0; a < k; a++) {
        for (let b = 0; b <= a; b++) {
          let gg = 0;
          let pp = 0;
          for (let i = 0; i < n; i++) {
            gg += Gs[a * n + i] * Gs[b * n + i];
            pp += histPhi[off + a * n + i] * histPhi[off + b * n + i];
          }
          gram.set(l, a, b, c2 * gg * pp);
          Gamma[a * k + b] = Gamma[b * k + a] = sigma2 * gg;
        }
      }
      // Phi^T Phi (rescaled by 1/max|Phi| where it overflows: the projections are unchanged).
      let inv = 1;
      const phiGram = () => {
        for (let p = 0; p < k; p++)
          for (let q = 0; q <= p; q++) {
            let t = 0;
            for (let i = 0; i < n; i++)
              t += histPhi[off + p * n + i] * inv * (histPhi[off + q * n + i] * inv);
            A[p * k + q] = A[q * k + p] = t;
          }
      };
      phiGram();
      let finite = true;
      for (let p = 0; p < k; p++) finite &&= Number.isFinite(A[p * k + p]);
      if (!finite) {
        const m = maxAbs(histPhi, k * n, off);
        if (m > 0 && Number.isFinite(m)) {
          inv = 1 / m;
          phiGram();
        }
      }
      choleskyPsd(A, k, CA);
      // The fresh parts of the k inputs, jointly: Xi = Z C_G^T.
      choleskyPsd(Gamma, k, CG);
      rng.fillNormal(Zb, 0, k * n);
      for (let a = 0; a < k; a++) {
        for (let i = 0; i < n; i++) {
          let t = 0;
          for (let b = 0; b <= a; b++) t += CG[a * k + b] * Zb[b * n + i];
          Xi[a * n + i] = t;
        }
      }
      for (let a = 0; a < k; a++) {
        for (let p = 0; p < k; p++) {
          let v = 0;
          let w = 0;
          for (let i = 0; i < n; i++) {
            v += histU[off + p * n + i] * inv * Gs[a * n + i];
            w += histPhi[off + p * n + i] * inv * Xi[a * n + i];
          }
          vk[p] = v;
          wk[p] = w;
        }
        solveRange(CA, k, vk, yk, ck);
        solveRange(CA, k, wk, yk, ek);
        const ya = off + a * n;
        for (let i = 0; i < n; i++) {
          let t = Xi[a * n + i];
          for (let p = 0; p < k; p++) t += histPhi[off + p * n + i] * inv * (ck[p] - ek[p]);
          Next[a * n + i] = Gs[a * n + i] + invSqrtL * act.df(histY[ya + i]) * t;
        }
      }
      Gs.set(Next);
    }
    for (let a = 0; a < k; a++) {
      for (let b = 0; b <= a; b++) {
        let gg = 0;
        for (let i = 0; i < n; i++) gg += Gs[a * n + i] * Gs[b * n + i];
        let xx = 0;
        for (let j = 0; j < d; j++) xx += X[a][j] * X[b][j];
        gram.set(0, a, b, y0 ? 0 : (gg * xx) / d);
      }
    }
  }

  function backward(rng: import("../../rng/rng.js").Rng, a: number, out: Float64Array): void {
    g.fill(1 / Math.sqrt(n));
    const write = (l: number) => {
      const req = slots.grad.get(l);
      if (req) {
        let s = 0;
        for (let i = 0; i < n; i++) s += g[i] * g[i];
        for (const [b, slot] of req) if (b === a) out[slot] = Math.sqrt(s);
      }
    };
    write(L);
    const invSqrtL = 1 / Math.sqrt(L);
    const sigma = Math.sqrt(spec.gain / n);
    /** A = (sc Phi)^T (sc Phi) and v = (sc U)^T g for the layer stored at off. */
    const phiGram = (off: number, sc: number) => {
      for (let p = 0; p < k; p++) {
        let v = 0;
        for (let i = 0; i < n; i++) v += histU[off + p * n + i] * sc * g[i];
        vk[p] = v;
        for (let q = 0; q <= p; q++) {
          let t = 0;
          for (let i = 0; i < n; i++) t += histPhi[off + p * n + i] * sc * (histPhi[off + q * n + i] * sc);
          A[p * k + q] = A[q * k + p] = t;
        }
      }
    };
    for (let l = L; l >= 1; l--) {
      const off = (l - 1) * k * n;
      // A = Phi^T Phi, v = U^T g; Phi and U = W Phi divided by m = max |Phi| where A overflows (the
      // projection Phi A^+ Phi^T and Phi A^+ U^T are unchanged; inv = 1 otherwise, bit-identical).
      let inv = 1;
      phiGram(off, inv);
      let finite = true;
      for (let p = 0; p < k; p++) finite &&= Number.isFinite(A[p * k + p]);
      if (!finite) {
        const m = maxAbs(histPhi, k * n, off);
        if (m > 0 && Number.isFinite(m)) phiGram(off, (inv = 1 / m));
      }
      choleskyPsd(A, k, CA);
      solveRange(CA, k, vk, yk, ck);
      // xi' = sigma ||g|| xi; remove its projection on span(Phi).
      let g2 = 0;
      for (let i = 0; i < n; i++) g2 += g[i] * g[i];
      rng.fillNormal(xi, 0, n);
      const sc = sigma * Math.sqrt(g2);
      for (let i = 0; i < n; i++) xi[i] *= sc;
      for (let p = 0; p < k; p++) {
        let t = 0;
        for (let i = 0; i < n; i++) t += histPhi[off + p * n + i] * inv * xi[i];
        wk[p] = t;
      }
      solveRange(CA, k, wk, yk, ek);
      for (let i = 0; i < n; i++) {
        let t = xi[i];
        for (let p = 0; p < k; p++) t += histPhi[off + p * n + i] * inv * (ck[p] - ek[p]);
        wtg[i] = t;
      }
      const ya = off + a * n;
      for (let i = 0; i < n; i++) g[i] += invSqrtL * act.df(histY[ya + i]) * wtg[i];
      write(l - 1);
    }
  }
}
