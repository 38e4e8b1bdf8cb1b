/**
 * Kernels of the dense engine: weight rows drawn from the weight law and consumed at once by the
 * mat-vec (RNG fused with the product), so no weight matrix is ever stored.
 */
import type { Rng } from "../../rng/rng.js";
import { WASM_NORMAL_MAX_COLS, WasmGaussianMatvec } from "./gaussian-wasm.js";
import type { SpecBase } from "../../spec/base.js";
import { inputVector, tangentVector } from "../../spec/vectors.js";

const SQRT3 = Math.sqrt(3);
const TWO_M32 = 2 ** -32;

/** Fill row[0..cols) with iid weights of mean 0 and variance 1 from the given law. */
export type RowFiller = (rng: Rng, row: Float64Array, cols: number) => void;

const fillGaussian: RowFiller = (rng, row, cols) => rng.fillNormal(row, 0, cols);
const fillUniform: RowFiller = (rng, row, cols) => {
  // U(-sqrt 3, sqrt 3): variance 1.
  for (let j = 0; j < cols; j++) row[j] = ((rng.nextU32() + 0.5) * TWO_M32 * 2 - 1) * SQRT3;
};
const fillRademacher: RowFiller = (rng, row, cols) => {
  let bits = 0;
  for (let j = 0; j < cols; j++) {
    if ((j & 31) === 0) bits = rng.nextU32();
    row[j] = (bits >>> (j & 31)) & 1 ? 1 : -1;
  }
};

/**
 * The WebAssembly Gaussian mat-vec for a kernel whose products have at most maxRows x maxCols and k
 * inputs, or null where the weights are not Gaussian or the rows too wide (then matvec runs in JS).
 */
export function gaussianWasm(
  law: SpecBase["weights"]["law"],
  maxRows: number,
  maxCols: number,
  k: number,
): WasmGaussianMatvec | null {
  return law === "gaussian" && maxCols <= WASM_NORMAL_MAX_COLS
    ? new WasmGaussianMatvec(maxRows, maxCols, k)
    : null;
}

/**
 * out[a*rows + r] = scale * sum_j W[r, j] v[a*cols + j] for k inputs a, with W drawn fresh (in
 * WebAssembly when `wasm` is given and the weights are Gaussian: the same numbers, faster).
 */
export function matvec(
  rng: Rng,
  fill: RowFiller,
  row: Float64Array,
  rows: number,
  cols: number,
  v: Float64Array,
  k: number,
  scale: number,
  out: Float64Array,
  wasm: WasmGaussianMatvec | null = null,
): void {
  if (wasm && fill === fillGaussian) {
    wasm.matvec(rng, rows, cols, v, k, scale, out);
    return;
  }
  if (k === 1 && fill === fillGaussian) {
    // One input and Gaussian weights: draw each row inside the dot product (no row buffer).
    for (let r = 0; r < rows; r++) out[r] = scale * rng.dotNormal(v, 0, cols);
    return;
  }
  for (let r = 0; r < rows; r++) {
    fill(rng, row, cols);
    for (let a = 0; a < k; a++) {
      const off = a * cols;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j + 3 < cols; j += 4) {
        s0 += row[j] * v[off + j];
        s1 += row[j + 1] * v[off + j + 1];
        s2 += row[j + 2] * v[off + j + 2];
        s3 += row[j + 3] * v[off + j + 3];
      }
      for (; j < cols; j++) s0 += row[j] * v[off + j];
      out[a * rows + r] = scale * (s0 + s1 + (s2 + s3));
    }
  }
}

export function sumSquares(x: Float64Array, off: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = x[off + i];
    s += v * v;
  }
  return s;
}

export function rowFiller(law: SpecBase["weights"]["law"]): RowFiller {
  return law === "gaussian" ? fillGaussian : law === "uniform" ? fillUniform : fillRademacher;
}

/** Fill s[0..n) with independent random signs +-1. */
export function fillSigns(rng: Rng, s: Float64Array, n: number): void {
  let bits = 0;
  for (let i = 0; i < n; i++) {
    if ((i & 31) === 0) bits = rng.nextU32();
    s[i] = (bits >>> (i & 31)) & 1 ? 1 : -1;
  }
}

/**
 * The vectors a dense kernel propagates: the k inputs (stride n_in), then, with jvp, their k tangents;
 * and ln c_a = ln(||x_a||^2 / n_in) for each input.
 */
export function prepareInputs(spec: SpecBase, jvp: boolean): { xs: Float64Array; logC: Float64Array } {
  const k = spec.inputs.length;
  const xs = new Float64Array((jvp ? 2 * k : k) * spec.nIn);
  const logC = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    const x = inputVector(spec, a);
    xs.set(x, a * spec.nIn);
    logC[a] = Math.log(sumSquares(x, 0, spec.nIn) / spec.nIn);
    if (jvp) xs.set(tangentVector(spec, a), (k + a) * spec.nIn);
  }
  return { xs, logC };
}

/** `count` fresh zero-filled buffers of `length` doubles. */
export const zeros = (count: number, length: number): Float64Array[] =>
  Array.from({ length: count }, () => new Float64Array(length));
