/**
 * The NTK of Marion's ResNets in the dense engine (docs/theory/ntk.md §1), for f = (B h_L)_1 and the
 * unit-variance parameters (every weight has variance 1/fan_in: A 1/n_in, W_k, V_k and B 1/d):
 *   K(a, b) = sum_k alpha_a alpha_b / d [<p^a_{k+1}, p^b_{k+1}> <s^a_k, s^b_k> + <q^a_k, q^b_k> <h^a_k, h^b_k>]
 *           + <p^a_0, p^b_0> <x_a, x_b> / n_in + <h^a_L, h^b_L> / d,
 * with p_k = df/dh_k, s_k = sigma(u_k), q_k = sigma'(u_k) * V_k^T p_{k+1} (res-3; res-1 has no W term).
 * Columns (input a, scaling beta) carry the log scales of the dense engine's renormalisation, so every
 * term is accumulated as a signed log-sum-exp: ln K stays finite where K itself overflows.
 * Groups: ntkLayer[0] is A, ntkLayer[k + 1] block k's weights (V_k, W_k), ntkOut the readout B.
 */
import type { Observable } from "../../engines/observables.js";
import type { MarionSpec } from "./schema.js";

/** Signed sums kept as (max log, sum scaled by e^{-max}). */
class LogSums {
  readonly top: Float64Array;
  readonly sum: Float64Array;
  constructor(size: number) {
    this.top = new Float64Array(size);
    this.sum = new Float64Array(size);
  }
  clear() {
    this.top.fill(Number.NEGATIVE_INFINITY);
    this.sum.fill(0);
  }
  /** Add sign e^{logAbs} to entry i (NaN propagates). */
  add(i: number, sign: number, logAbs: number) {
    if (logAbs === Number.NEGATIVE_INFINITY || sign === 0) return;
    if (Number.isNaN(logAbs) || Number.isNaN(sign)) {
      this.sum[i] = Number.NaN;
      return;
    }
    if (logAbs > this.top[i]) {
      this.sum[i] = this.sum[i] * Math.exp(this.top[i] - logAbs) + sign;
      this.top[i] = logAbs;
    } else this.sum[i] += sign * Math.exp(logAbs - this.top[i]);
  }
  /** ln |entry i| and its sign. */
  log(i: number): number {
    return this.top[i] + Math.log(Math.abs(this.sum[i]));
  }
  sign(i: number): number {
    return Math.sign(this.sum[i]);
  }
}

function dot(x: Float64Array, a: number, y: Float64Array, b: number, n: number): number {
  let s = 0;
  const pa = a * n;
  const pb = b * n;
  for (let i = 0; i < n; i++) s += x[pa + i] * y[pb + i];
  return s;
}

export class MarionNtk {
  private readonly d: number;
  private readonly m: number;
  private readonly nI: number;
  private readonly nIn: number;
  private readonly L: number;
  private readonly logAlpha: Float64Array;
  /** h_k of every layer (res-3: the input of W_k) and the log scale of h_k per column. */
  private readonly hHist: Float64Array;
  private readonly hS: Float64Array;
  private readonly total: LogSums;
  /** Diagonal per group: groups 0..L + 1, columns 0..m-1. */
  private readonly groups: LogSums;
  private xs: Float64Array = new Float64Array(0);

  constructor(
    spec: MarionSpec,
    private readonly observables: readonly Observable[],
  ) {
    this.d = spec.width;
    this.L = spec.depth;
    this.nI = spec.nInputs;
    this.nIn = spec.nIn;
    this.m = this.nI * spec.alphas.length;
    this.logAlpha = Float64Array.from({ length: this.m }, (_, c) =>
      Math.log(spec.alphas[Math.floor(c / this.nI)]),
    );
    this.hHist = new Float64Array(spec.model === "res3" ? this.L * this.m * this.d : 0);
    this.hS = new Float64Array(this.L * this.m);
    this.total = new LogSums(this.m * this.m);
    this.groups = new LogSums((this.L + 2) * this.m);
  }

  /** Forward, before block k updates H: h_k (relative) and its log scales. */
  recordLayer(k: number, H: Float64Array, hScale: Float64Array) {
    this.hS.set(hScale, k * this.m);
    if (this.hHist.length > 0) this.hHist.set(H.subarray(0, this.m * this.d), k * this.m * this.d);
  }

  /** One group's term for every pair: c e^{sa + sb} <X_a, X_b> <Y_a, Y_b> (scales per column). */
  private addPairs(
    group: number,
    logC: (a: number, b: number) => number,
    X: Float64Array,
    nX: number,
    xScale: (a: number) => number,
    Y: Float64Array,
    nY: number,
    yScale: (a: number) => number,
    yIndex: (a: number) => number = (a) => a,
  ) {
    const m = this.m;
    for (let a = 0; a < m; a++) {
      for (let b = 0; b <= a; b++) {
        const v = dot(X, a, X, b, nX) * dot(Y, yIndex(a), Y, yIndex(b), nY);
        const logAbs = logC(a, b) + xScale(a) + xScale(b) + yScale(a) + yScale(b) + Math.log(Math.abs(v));
        const sign = Math.sign(v);
        this.total.add(a * m + b, sign, logAbs);
        if (b !== a) this.total.add(b * m + a, sign, logAbs);
        else this.groups.add(group * m + a, sign, logAbs);
      }
    }
  }

  /** Start the backward pass: the readout's group from h_L; keep the inputs x. */
  begin(H: Float64Array, hScale: Float64Array, xs: Float64Array) {
    this.total.clear();
    this.groups.clear();
    this.xs = xs;
    const logInvD = -Math.log(this.d);
    this.addPairs(
      this.L + 1,
      () => logInvD,
      H,
      this.d,
      (a) => hScale[a],
      ONE,
      1,
      () => 0,
      () => 0,
    );
  }

  /** Block k's V term: P = p_{k+1} (relative, log scales pScale), S = sigma(u_k) relative to h_k's scale. */
  addV(k: number, P: Float64Array, pScale: Float64Array, S: Float64Array) {
    const hs = this.hS.subarray(k * this.m, (k + 1) * this.m);
    this.addBlock(k, P, pScale, S, hs);
  }

  /** Block k's W term (res-3): Q = sigma'(u_k) * V_k^T p_{k+1} (relative to pScale), with h_k. */
  addW(k: number, Q: Float64Array, pScale: Float64Array) {
    const md = this.m * this.d;
    const h = this.hHist.subarray(k * md, (k + 1) * md);
    const hs = this.hS.subarray(k * this.m, (k + 1) * this.m);
    this.addBlock(k, Q, pScale, h, hs);
  }

  private addBlock(k: number, X: Float64Array, xs: Float64Array, Y: Float64Array, ys: Float64Array) {
    const la = this.logAlpha;
    const logInvD = -Math.log(this.d);
    this.addPairs(
      k + 1,
      (a, b) => la[a] + la[b] + logInvD,
      X,
      this.d,
      (a) => xs[a],
      Y,
      this.d,
      (a) => ys[a],
    );
  }

  /** The input layer's group from p_0, then the requested observables. */
  finish(P: Float64Array, pScale: Float64Array, out: Float64Array) {
    const logInvIn = -Math.log(this.nIn);
    const nI = this.nI;
    this.addPairs(
      0,
      () => logInvIn,
      P,
      this.d,
      (a) => pScale[a],
      this.xs,
      this.nIn,
      () => 0,
      (a) => a % nI,
    );
    const m = this.m;
    const t = this.total;
    this.observables.forEach((o, slot) => {
      const c = o.beta * nI + o.input;
      const c0 = o.beta * nI + (o.pair ?? 0);
      switch (o.name) {
        case "ntk":
          out[slot] = t.sign(c * m + c) * Math.exp(t.log(c * m + c));
          break;
        case "logNtk":
          out[slot] = t.log(c * m + c);
          break;
        case "ntkLayer":
          out[slot] = Math.exp(this.groups.log(o.layer! * m + c));
          break;
        case "ntkOut":
          out[slot] = Math.exp(this.groups.log((this.L + 1) * m + c));
          break;
        case "ntkCross":
          out[slot] = t.sign(c0 * m + c) * Math.exp(t.log(c0 * m + c));
          break;
        case "ntkCos":
          out[slot] =
            t.sign(c0 * m + c) * Math.exp(t.log(c0 * m + c) - 0.5 * (t.log(c0 * m + c0) + t.log(c * m + c)));
          break;
      }
    });
  }
}

const ONE = new Float64Array([1]);
