/**
 * A trainable Marion ResNet (docs/theory/scaling-resnets.md §1, 4): h_0 = A x, res-1
 * h_{k+1} = h_k + alpha (V_{k+1} sigma(h_k) + b_{k+1}), res-3 h_k + alpha (V_{k+1} sigma(W_{k+1} h_k) + b_{k+1}),
 * logits B h_L, softmax cross-entropy. Every parameter is trainable; the biases b_k start at zero and
 * exist when `biases` is set (the reference adds them to fBM layers). Weights are initialised from the
 * spec's law and depth correlation, as the dense engine draws them.
 *
 * A batch is m columns (column c = example c); the d x d products run in the WebAssembly kernels
 * (src/wasm), A and B (non-square, small) in JS. Deterministic: the same parameters, data and batch give
 * the same numbers.
 */
import { makeActivation } from "../activations/index.js";
import { fillCorrelated } from "../families/marion/weights.js";
import { Rng } from "../rng/rng.js";
import { families, familyOf, type ModelSpec } from "../families/index.js";
import { marionFamily } from "../families/marion/index.js";
import type { MarionSpec } from "../families/marion/schema.js";
import { Arena, type F64Buf } from "../wasm/index.js";

export interface ParamGroup {
  name: string;
  value: Float64Array;
  grad: Float64Array;
}

/**
 * Softmax cross-entropy of one example's logits z against `label`: the loss, whether the argmax is the
 * label, and (when `grad` is given) d loss / d z scaled by `scale`.
 */
export function softmaxCrossEntropy(
  z: Float64Array,
  label: number,
  grad?: Float64Array,
  scale = 1,
): { loss: number; correct: boolean } {
  let mx = -Infinity;
  let arg = 0;
  for (let q = 0; q < z.length; q++)
    if (z[q] > mx) {
      mx = z[q];
      arg = q;
    }
  let se = 0;
  for (let q = 0; q < z.length; q++) se += Math.exp(z[q] - mx);
  if (grad)
    for (let q = 0; q < z.length; q++) grad[q] = (Math.exp(z[q] - mx) / se - (q === label ? 1 : 0)) * scale;
  return { loss: Math.log(se) + mx - z[label], correct: arg === label };
}

export class MarionNet {
  readonly d: number;
  readonly L: number;
  readonly nIn: number;
  readonly classes: number;
  readonly alpha: number;
  /** 1 for the ResNets; 0 turns the blocks into a plain MLP h_{k+1} = alpha (V sigma(h_k) + b). */
  readonly skip: 0 | 1;
  readonly res3: boolean;
  readonly biases: boolean;
  readonly params: ParamGroup[];
  private readonly arena: Arena;
  private readonly A: Float64Array;
  private readonly dA: Float64Array;
  private readonly B: Float64Array;
  private readonly dB: Float64Array;
  private readonly V: F64Buf;
  private readonly dV: F64Buf;
  private readonly W: F64Buf | null;
  private readonly dW: F64Buf | null;
  private readonly b: Float64Array;
  private readonly db: Float64Array;
  private readonly H: F64Buf;
  private readonly S: F64Buf;
  private readonly T: F64Buf;
  private readonly P: F64Buf;
  private readonly Q: F64Buf;
  private readonly histH: F64Buf;
  private readonly histU: F64Buf;
  private readonly act: ReturnType<typeof makeActivation>;
  private readonly relu: boolean;
  readonly batch: number;

  constructor(
    spec: MarionSpec,
    classes: number,
    opts: { batch: number; biases?: boolean; seed?: number; skip?: 0 | 1; alpha?: number },
  ) {
    const d = spec.width;
    const L = spec.depth;
    this.d = d;
    this.L = L;
    this.nIn = spec.nIn;
    this.classes = classes;
    this.alpha = opts.alpha ?? spec.alpha;
    this.skip = opts.skip ?? 1;
    this.res3 = spec.model === "res3";
    this.biases = opts.biases ?? spec.correlation.kind === "fbm";
    this.batch = opts.batch;
    this.act = makeActivation(spec.activation);
    this.relu = spec.activation.name === "relu";
    const m = opts.batch;
    const dd = d * d;
    const a = new Arena();
    this.arena = a;
    this.V = a.f64(L * dd);
    this.dV = a.f64(L * dd);
    this.W = this.res3 ? a.f64(L * dd) : null;
    this.dW = this.res3 ? a.f64(L * dd) : null;
    this.H = a.f64(d * m);
    this.S = a.f64(d * m);
    this.T = a.f64(d * m);
    this.P = a.f64(d * m);
    this.Q = a.f64(d * m);
    this.histH = a.f64(L * d * m);
    this.histU = a.f64(this.res3 ? L * d * m : 0);
    a.commit();
    this.A = new Float64Array(d * spec.nIn);
    this.dA = new Float64Array(d * spec.nIn);
    this.B = new Float64Array(classes * d);
    this.dB = new Float64Array(classes * d);
    this.b = new Float64Array(L * d);
    this.db = new Float64Array(L * d);
    this.init(spec, opts.seed ?? 0);
    this.params = [
      { name: "A", value: this.A, grad: this.dA },
      { name: "V", value: this.V.a, grad: this.dV.a },
      ...(this.W ? [{ name: "W", value: this.W.a, grad: this.dW!.a }] : []),
      ...(this.biases ? [{ name: "b", value: this.b, grad: this.db }] : []),
      { name: "B", value: this.B, grad: this.dB },
    ];
  }

  /** Weights of variance 1/fan_in from the spec's law and depth correlation (stream (seed, 0, s)). */
  private init(spec: MarionSpec, seed: number): void {
    const rng = new Rng(seed, 0, 0);
    const uniform = spec.weights.law === "uniform";
    const draw = (out: Float64Array, fanIn: number) => {
      const c = uniform ? Math.sqrt(3 / fanIn) : 1 / Math.sqrt(fanIn);
      if (uniform) for (let i = 0; i < out.length; i++) out[i] = (2 * rng.uniform() - 1) * c;
      else {
        rng.fillNormal(out);
        for (let i = 0; i < out.length; i++) out[i] *= c;
      }
    };
    draw(this.A, this.nIn);
    draw(this.B, this.d);
    const corr = spec.correlation;
    rng.reset(seed, 0, 1);
    for (const M of [this.V, this.W]) {
      if (!M) continue;
      if (corr.kind === "iid") draw(M.a, this.d);
      else {
        const kind =
          corr.kind === "fbm" ? "fbm" : corr.variant === "values" ? "smooth-values" : "smooth-increments";
        fillCorrelated(rng, kind, this.L, this.d * this.d, this.d, M.a, {
          H: corr.kind === "fbm" ? corr.H : undefined,
          bandwidth: corr.kind === "smooth" ? corr.bandwidth : undefined,
        });
      }
    }
  }

  /** The weight matrix V_k (or W_k) as a copy, row-major d x d. */
  layer(which: "V" | "W", k: number): Float64Array {
    const M = which === "V" ? this.V : this.W;
    if (!M) throw new Error("res-1 has no W");
    const dd = this.d * this.d;
    return M.a.slice(k * dd, (k + 1) * dd);
  }

  /**
   * Forward pass of m <= batch examples (rows of x starting at `rows[0]`..: x is n x nIn row-major; the
   * examples are those with indices idx[0..m)). Writes logits (classes x m, column per example) and keeps
   * what the backward pass needs.
   */
  forward(x: Float64Array, idx: ArrayLike<number>, m: number, logits: Float64Array): void {
    const { d, L, nIn } = this;
    const k = this.arena.k;
    const H = this.H.a;
    for (let c = 0; c < m; c++) {
      const xo = idx[c] * nIn;
      for (let r = 0; r < d; r++) {
        let acc = 0;
        const ao = r * nIn;
        for (let j = 0; j < nIn; j++) acc += this.A[ao + j] * x[xo + j];
        H[c * d + r] = acc;
      }
    }
    const dd = d * d;
    const n = d * m;
    for (let l = 0; l < L; l++) {
      this.histH.a.set(H.subarray(0, n), l * d * this.batch);
      let U = this.H;
      if (this.W) {
        const uo = this.histU.ptr + 8 * l * d * this.batch;
        k.mulRows64(this.W.ptr + 8 * l * dd, this.H.ptr, uo, d, m, 1);
        U = { ptr: uo, a: this.histU.a.subarray(l * d * this.batch, l * d * this.batch + n) };
      }
      if (this.relu) k.relu(U.ptr, this.S.ptr, n);
      else this.act.apply(U.a, this.S.a, n);
      k.mulRows64(this.V.ptr + 8 * l * dd, this.S.ptr, this.T.ptr, d, m, 1);
      const T = this.T.a;
      const a = this.alpha;
      const sk = this.skip;
      if (this.biases) {
        const bo = l * d;
        for (let c = 0; c < m; c++)
          for (let r = 0; r < d; r++) H[c * d + r] = sk * H[c * d + r] + a * (T[c * d + r] + this.b[bo + r]);
      } else for (let i = 0; i < n; i++) H[i] = sk * H[i] + a * T[i];
    }
    const C = this.classes;
    for (let c = 0; c < m; c++) {
      for (let q = 0; q < C; q++) {
        let acc = 0;
        for (let r = 0; r < d; r++) acc += this.B[q * d + r] * H[c * d + r];
        logits[c * C + q] = acc;
      }
    }
  }

  /**
   * Mean softmax cross-entropy of the last forward pass against labels y[idx[c]], its gradients added to
   * the parameters' grad arrays (zero them first with zeroGrad), and the number of correct argmax.
   */
  backward(
    x: Float64Array,
    y: Uint8Array,
    idx: ArrayLike<number>,
    m: number,
    logits: Float64Array,
  ): { loss: number; correct: number } {
    const { d, L, nIn } = this;
    const C = this.classes;
    const k = this.arena.k;
    const H = this.H.a;
    const P = this.P.a;
    let loss = 0;
    let correct = 0;
    const g = new Float64Array(C);
    P.fill(0, 0, d * m);
    for (let c = 0; c < m; c++) {
      const r = softmaxCrossEntropy(logits.subarray(c * C, (c + 1) * C), y[idx[c]], g, 1 / m);
      loss += r.loss;
      if (r.correct) correct++;
      for (let q = 0; q < C; q++) {
        const gq = g[q];
        for (let r = 0; r < d; r++) {
          this.dB[q * d + r] += gq * H[c * d + r];
          P[c * d + r] += gq * this.B[q * d + r];
        }
      }
    }
    const dd = d * d;
    const n = d * m;
    const a = this.alpha;
    const Q = this.Q.a;
    for (let l = L - 1; l >= 0; l--) {
      const ho = l * d * this.batch;
      // S_l = sigma(U_l), recomputed from the stored pre-activation.
      const Uptr = this.W ? this.histU.ptr + 8 * ho : this.histH.ptr + 8 * ho;
      const Ua = this.W ? this.histU.a.subarray(ho, ho + n) : this.histH.a.subarray(ho, ho + n);
      if (this.relu) k.relu(Uptr, this.S.ptr, n);
      else this.act.apply(Ua, this.S.a, n);
      // dV_l += alpha P S^T; db_l += alpha sum_c P_c.
      k.outerAcc(this.dV.ptr + 8 * l * dd, this.P.ptr, this.S.ptr, d, m, a);
      if (this.biases) {
        for (let c = 0; c < m; c++) for (let r = 0; r < d; r++) this.db[l * d + r] += a * P[c * d + r];
      }
      // Q = alpha sigma'(U) * (V^T P)
      k.mulRowsT64(this.V.ptr + 8 * l * dd, this.P.ptr, this.Q.ptr, d, m, a);
      if (this.relu) k.reluMask(this.Q.ptr, Uptr, n);
      else for (let i = 0; i < n; i++) Q[i] *= this.act.df(Ua[i]);
      if (this.W) {
        // dW_l += Q H_l^T; P += W^T Q.
        k.outerAcc(this.dW!.ptr + 8 * l * dd, this.Q.ptr, this.histH.ptr + 8 * ho, d, m, 1);
        k.mulRowsT64(this.W.ptr + 8 * l * dd, this.Q.ptr, this.T.ptr, d, m, 1);
        const T = this.T.a;
        for (let i = 0; i < n; i++) P[i] = this.skip * P[i] + T[i];
      } else for (let i = 0; i < n; i++) P[i] = this.skip * P[i] + Q[i];
    }
    for (let c = 0; c < m; c++) {
      const xo = idx[c] * nIn;
      for (let r = 0; r < d; r++) {
        const p = P[c * d + r];
        if (p === 0) continue;
        const ao = r * nIn;
        for (let j = 0; j < nIn; j++) this.dA[ao + j] += p * x[xo + j];
      }
    }
    return { loss: loss / m, correct };
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }
}

/**
 * A trainable network for any family's spec with one width: Marion's res-1/res-3 as given; Hayou's ResNet
 * Y_l = Y_{l-1} + L^{-1/2} W_l phi(Y_{l-1}) as res-1 with alpha = sqrt(gain / L) and N(0, 1/n) blocks; the
 * MLP z^l = sqrt(gain/n) W^l phi(z^{l-1}) as res-1 without the skip and alpha = sqrt(gain). The input
 * layer A and a readout B to the classes are added where the family has none.
 */
export function trainableNet(
  spec: ModelSpec,
  classes: number,
  opts: { batch: number; biases?: boolean; seed?: number },
): MarionNet {
  const how = familyOf(spec).trainAs?.(spec);
  if (!how) {
    const trainable = families()
      .filter((f) => f.trainAs)
      .map((f) => f.name);
    throw new Error(`family ${spec.family} is not trainable yet (use ${trainable.join(", ")})`);
  }
  if (how.native) return new MarionNet(spec as MarionSpec, classes, opts);
  if (!spec.widths.every((w) => w === spec.widths[0]))
    throw new Error("trainable MLPs need one width for every hidden layer");
  if (spec.weights.law !== "gaussian" && spec.weights.law !== "uniform")
    throw new Error(`trainable networks draw Gaussian or uniform weights, not ${spec.weights.law}`);
  const as = marionFamily.parse({
    family: "marion",
    model: "res1",
    width: spec.widths[0],
    depth: spec.depth,
    nIn: spec.nIn,
    activation: spec.activation,
    weights: { law: spec.weights.law },
  });
  return new MarionNet(as, classes, { ...opts, skip: how.skip, alpha: how.alpha });
}
