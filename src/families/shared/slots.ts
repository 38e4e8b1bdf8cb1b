/** Where each requested observable goes in a sample's output row. */
import type { Observable } from "../../engines/observables.js";
import { makeActivation } from "../../activations/index.js";
import {
  gaussianWasm,
  matvec,
  prepareInputs,
  type RowFiller,
  rowFiller,
  sumSquares,
} from "../../engines/dense/kernels.js";
import type { WasmGaussianMatvec } from "../../engines/dense/gaussian-wasm.js";
import type { Rng } from "../../rng/rng.js";
import type { SpecBase } from "../../spec/base.js";

export interface Slots {
  /** layer[l] lists (input, slot) for logNorm2[l]. */
  layer: [number, number][][];
  G: [number, number][];
  out: [number, number][];
  jvp: [number, number][];
}

export function slotsFor(observables: readonly Observable[], depth: number): Slots {
  const s: Slots = { layer: Array.from({ length: depth + 1 }, () => []), G: [], out: [], jvp: [] };
  observables.forEach((o, slot) => {
    if (o.name === "logNorm2") s.layer[o.layer!].push([o.input, slot]);
    else if (o.name === "G") s.G.push([o.input, slot]);
    else if (o.name === "logOutNorm2") s.out.push([o.input, slot]);
    else if (o.name === "logJvpNorm2") s.jvp.push([o.input, slot]);
  });
  return s;
}

/**
 * The last steps of a dense MLP or ResNet kernel, given the last hidden layer z (m vectors of width n:
 * k inputs, then their k tangents): G of each input, then the output layer's norms and tangents.
 */
export function denseReadout(spec: SpecBase, slots: Slots, k: number, m: number, logC: Float64Array) {
  const nOut = spec.nOut;
  const zOut = new Float64Array(m * nOut);
  const needOut = slots.out.length > 0 || slots.jvp.length > 0;
  return (
    rng: Rng,
    fill: RowFiller,
    row: Float64Array,
    z: Float64Array,
    n: number,
    wasm: WasmGaussianMatvec | null,
    out: Float64Array,
  ) => {
    for (const [a, slot] of slots.G) out[slot] = Math.log(sumSquares(z, a * n, n) / n) - logC[a];
    if (!needOut) return;
    matvec(rng, fill, row, nOut, n, z, m, 1 / Math.sqrt(n), zOut, wasm);
    for (const [a, slot] of slots.out) out[slot] = Math.log(sumSquares(zOut, a * nOut, nOut));
    for (const [a, slot] of slots.jvp) out[slot] = Math.log(sumSquares(zOut, (k + a) * nOut, nOut));
  };
}

/**
 * What a dense MLP or ResNet kernel sets up before sampling: the slots, the m = k or 2k propagated
 * vectors (k inputs, then their tangents when logJvpNorm2 is asked), the weight law's row filler and
 * WebAssembly mat-vec for rows up to nMax, the inputs and the readout.
 */
export function denseSetup(spec: SpecBase, observables: readonly Observable[], nMax: number) {
  const k = spec.inputs.length;
  const slots = slotsFor(observables, spec.depth);
  const jvp = slots.jvp.length > 0;
  const m = jvp ? 2 * k : k;
  const { xs, logC } = prepareInputs(spec, jvp);
  return {
    slots,
    jvp,
    k,
    m,
    xs,
    fill: rowFiller(spec.weights.law),
    wasm: gaussianWasm(spec.weights.law, nMax, nMax, m),
    act: makeActivation(spec.activation),
    row: new Float64Array(nMax),
    readout: denseReadout(spec, slots, k, m, logC),
  };
}
