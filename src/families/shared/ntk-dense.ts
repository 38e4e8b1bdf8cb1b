/**
 * The dense engine's NTK for a chain of layers (the MLP, the log-Gaussian ResNet): a backward pass after
 * the forward one, replaying each layer's weights from the generator state saved before the layer was
 * drawn (no weight matrix is stored; memory O(k sum n_l)). For layer l with input z^{l-1} (k inputs),
 *   z^l = alpha z^{l-1} + c_l W^l phi(s^l * z^{l-1})      (MLP: alpha = 0, s = 1, c_l = sqrt(gain/n_{l-1}))
 *   delta^{l-1} = alpha delta^l + c_l s^l * phi'(s^l * z^{l-1}) * (W^l^T delta^l)
 *   K_l(a, b) = c_l^2 <delta^l_a, delta^l_b> <phi(s z^{l-1}_a), phi(s z^{l-1}_b)>
 * with z^0 = W^0 x / sqrt(n_in) (K_0 = <delta^0_a, delta^0_b> <x_a, x_b> / n_in) and the readout
 * f = W^out_1 . z^d / sqrt(n_d) (delta^d = W^out_1 / sqrt(n_d), K_out = <z^d_a, z^d_b> / n_d).
 */
import type { Activation } from "../../activations/index.js";
import { type RowFiller } from "../../engines/dense/kernels.js";
import type { WasmGaussianMatvec } from "../../engines/dense/gaussian-wasm.js";
import type { Rng } from "../../rng/rng.js";
import { dotRows, NtkGram } from "./ntk.js";

export interface ChainShape {
  widths: readonly number[];
  nIn: number;
  k: number;
  /** The skip weight (0 for the MLP). */
  alpha: number;
  /** c_l for layer l = 1..d. */
  scale: (l: number) => number;
  /** Whether each layer has its own sign vector s^l (balanced ResNet). */
  signs: boolean;
  act: Activation;
}

export class ChainNtk {
  /** Generator state before layer l's weights (l = 0..d) and before the readout (d + 1). */
  private readonly states: Int32Array;
  /** z^l of the k inputs (stride n_l), l = 0..d. */
  readonly zs: Float64Array[];
  readonly signs: Float64Array[] | null;
  readonly gram: NtkGram;
  private readonly delta: Float64Array;
  private readonly next: Float64Array;
  private readonly u: Float64Array;
  private readonly h: Float64Array;
  private readonly acc: Float64Array;
  private readonly d: number;

  constructor(
    private readonly shape: ChainShape,
    private readonly xs: Float64Array,
  ) {
    const { widths, k } = shape;
    this.d = widths.length - 1;
    const nMax = widths.reduce((a, b) => Math.max(a, b), shape.nIn);
    this.states = new Int32Array((this.d + 2) * 4);
    this.zs = widths.map((n) => new Float64Array(k * n));
    this.signs = shape.signs ? widths.map((n) => new Float64Array(n)) : null;
    this.gram = new NtkGram(k, this.d + 2);
    this.delta = new Float64Array(k * nMax);
    this.next = new Float64Array(k * nMax);
    this.u = new Float64Array(k * nMax);
    this.h = new Float64Array(k * nMax);
    this.acc = new Float64Array(k * nMax);
  }

  /** Remember the generator state before layer l's weights are drawn (after its signs; d + 1: the readout). */
  save(l: number, rng: Rng) {
    const p = 4 * l;
    this.states[p] = rng.s0;
    this.states[p + 1] = rng.s1;
    this.states[p + 2] = rng.s2;
    this.states[p + 3] = rng.s3;
  }

  private restore(l: number, rng: Rng) {
    const p = 4 * l;
    rng.setState(this.states[p], this.states[p + 1], this.states[p + 2], this.states[p + 3]);
  }

  /** Keep z^l of the k inputs (the first k vectors of z, stride n_l). */
  record(l: number, z: Float64Array) {
    this.zs[l].set(z.subarray(0, this.zs[l].length));
  }

  /**
   * The backward pass: fills `gram` (groups 0..d the weight matrices, d + 1 the readout). Leaves the
   * generator in an arbitrary state (the kernel's sample is complete).
   */
  backward(rng: Rng, fill: RowFiller, row: Float64Array, wasm: WasmGaussianMatvec | null) {
    const { widths, k, alpha, act } = this.shape;
    const d = this.d;
    const gram = this.gram;
    const nd = widths[d];
    // The readout's first row (drawn first in the readout's stream position).
    this.restore(d + 1, rng);
    if (wasm) wasm.fillNormal(rng, row, nd);
    else fill(rng, row, nd);
    const inv = 1 / Math.sqrt(nd);
    for (let a = 0; a < k; a++) for (let i = 0; i < nd; i++) this.delta[a * nd + i] = row[i] * inv;
    for (let a = 0; a < k; a++)
      for (let b = 0; b <= a; b++) gram.set(d + 1, a, b, dotRows(this.zs[d], a, b, nd) / nd);
    let n = nd;
    for (let l = d; l >= 1; l--) {
      const nPrev = widths[l - 1];
      const c = this.shape.scale(l);
      const zPrev = this.zs[l - 1];
      const s = this.signs?.[l];
      const u = this.u;
      for (let i = 0; i < k * nPrev; i++) u[i] = s ? s[i % nPrev] * zPrev[i] : zPrev[i];
      act.apply(u, this.h, k * nPrev);
      for (let a = 0; a < k; a++) {
        for (let b = 0; b <= a; b++) {
          const dd = dotRows(this.delta, a, b, n);
          const hh = dotRows(this.h, a, b, nPrev);
          gram.set(l, a, b, c * c * dd * hh);
        }
      }
      // acc_a = W^l^T delta_a, replaying W^l's rows in the order they were drawn.
      const acc = this.acc;
      acc.fill(0, 0, k * nPrev);
      if (wasm) {
        for (let a = 0; a < k; a++) {
          this.restore(l, rng);
          const da = this.delta.subarray(a * n, (a + 1) * n);
          const aa = acc.subarray(a * nPrev, (a + 1) * nPrev);
          wasm.matvecT(rng, n, nPrev, da, 1, aa);
        }
      } else {
        this.restore(l, rng);
        for (let r = 0; r < n; r++) {
          fill(rng, row, nPrev);
          for (let a = 0; a < k; a++) {
            const g = this.delta[a * n + r];
            const p = a * nPrev;
            for (let j = 0; j < nPrev; j++) acc[p + j] += g * row[j];
          }
        }
      }
      const next = this.next;
      for (let a = 0; a < k; a++) {
        const p = a * nPrev;
        for (let j = 0; j < nPrev; j++) {
          const sj = s ? s[j] : 1;
          const skip = alpha === 0 ? 0 : alpha * this.delta[a * n + j];
          next[p + j] = skip + c * sj * act.df(u[p + j]) * acc[p + j];
        }
      }
      this.delta.set(next.subarray(0, k * nPrev));
      n = nPrev;
    }
    const n0 = this.shape.nIn;
    for (let a = 0; a < k; a++)
      for (let b = 0; b <= a; b++)
        gram.set(0, a, b, (dotRows(this.delta, a, b, n) * dotRows(this.xs, a, b, n0)) / n0);
  }
}
