/**
 * Dense engine for the MLP: materialises every weight of every layer for every sample (the ground
 * truth). Weights are drawn row by row into a buffer and consumed at once (RNG fused with the
 * mat-vec), so memory is O(max width) whatever the depth. All inputs of a sample share its weights.
 */
import { makeActivation } from "../../activations/index.js";
import type { Rng } from "../../rng/rng.js";
import { inputVector } from "../../spec/index.js";
import type { Engine, SampleKernel } from "../types.js";

const SQRT3 = Math.sqrt(3);
const TWO_M32 = 2 ** -32;

/** Fill row[0..cols) with iid weights of mean 0 and variance 1 from the given law. */
type RowFiller = (rng: Rng, row: Float64Array, cols: number) => void;

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
 * out[a*rows + r] = scale * sum_j W[r, j] v[a*cols + j] for k inputs a, with W drawn fresh.
 */
function matvec(
  rng: Rng,
  fill: RowFiller,
  row: Float64Array,
  rows: number,
  cols: number,
  v: Float64Array,
  k: number,
  scale: number,
  out: Float64Array,
): void {
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

function sumSquares(x: Float64Array, off: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = x[off + i];
    s += v * v;
  }
  return s;
}

export const denseEngine: Engine = {
  name: "dense",
  description: "materialises every weight (ground truth); O(sum n_l n_{l-1}) per sample",
  unsupported: () => null,
  costPerSample(spec, observables) {
    const k = new Set(observables.map((o) => o.input)).size || 1;
    const w = spec.widths;
    let c = w[0] * spec.nIn;
    for (let l = 1; l < w.length; l++) c += w[l] * w[l - 1];
    c += spec.nOut * w[w.length - 1];
    // ~7 ns per Gaussian weight with its multiply-add (docs/performance.md), plus ~2 ns per extra input.
    return c * (7 + 2 * (k - 1));
  },
  compile(spec, observables): SampleKernel {
    const widths = spec.widths;
    const d = spec.depth;
    const k = spec.inputs.length;
    const nMax = Math.max(spec.nIn, spec.nOut, ...widths);
    const fill =
      spec.weights.law === "gaussian"
        ? fillGaussian
        : spec.weights.law === "uniform"
          ? fillUniform
          : fillRademacher;
    const act = makeActivation(spec.activation);
    const xs = new Float64Array(k * spec.nIn);
    const logC = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      const x = inputVector(spec, a);
      xs.set(x, a * spec.nIn);
      logC[a] = Math.log(sumSquares(x, 0, spec.nIn) / spec.nIn);
    }
    const row = new Float64Array(nMax);
    const z = new Float64Array(k * nMax);
    const h = new Float64Array(k * nMax);
    const zOut = new Float64Array(k * spec.nOut);
    // Per-layer requests: layerSlots[l] lists (input, slot) pairs.
    const layerSlots: [number, number][][] = Array.from({ length: d + 1 }, () => []);
    const gSlots: [number, number][] = [];
    const outSlots: [number, number][] = [];
    observables.forEach((o, slot) => {
      if (o.name === "logNorm2") layerSlots[o.layer!].push([o.input, slot]);
      else if (o.name === "G") gSlots.push([o.input, slot]);
      else outSlots.push([o.input, slot]);
    });
    const needOut = outSlots.length > 0;

    return (rng, out) => {
      // z^0 = W^0 x / sqrt(n_in); inputs are stored with stride nIn, activations with stride n_l.
      let n = widths[0];
      matvec(rng, fill, row, n, spec.nIn, xs, k, 1 / Math.sqrt(spec.nIn), z);
      for (const [a, slot] of layerSlots[0]) out[slot] = Math.log(sumSquares(z, a * n, n));
      for (let l = 1; l <= d; l++) {
        const nPrev = n;
        n = widths[l];
        act.apply(z, h, k * nPrev);
        matvec(rng, fill, row, n, nPrev, h, k, Math.sqrt(spec.gain / nPrev), z);
        for (const [a, slot] of layerSlots[l]) out[slot] = Math.log(sumSquares(z, a * n, n));
      }
      for (const [a, slot] of gSlots) out[slot] = Math.log(sumSquares(z, a * n, n) / n) - logC[a];
      if (needOut) {
        matvec(rng, fill, row, spec.nOut, n, z, k, 1 / Math.sqrt(n), zOut);
        for (const [a, slot] of outSlots) out[slot] = Math.log(sumSquares(zOut, a * spec.nOut, spec.nOut));
      }
    };
  },
};
