/** The engine interface: an engine compiles (spec, observables) into a per-sample kernel. */
import type { Rng } from "../rng/rng.js";
import type { ModelSpec } from "../families/index.js";
import type { Observable } from "./observables.js";

export const ENGINE_NAMES = ["dense", "reduced", "product", "sde"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export type EngineChoice = EngineName | "auto";

/** The key of the sample being drawn, for kernels that open further streams (one per layer). */
export interface SampleKey {
  seed: number;
  index: number;
}

/**
 * Draws one sample: writes one value per observable into out[0..observables.length). `rng` is keyed
 * to (seed, index, 0); kernels that must replay a layer's weights re-key it with `key` and a stream id.
 */
export type SampleKernel = ((rng: Rng, out: Float64Array, key: SampleKey) => void) & {
  /**
   * Optional: samples start..end-1 at once (columns[o][i - start] for observable slot o), each exactly
   * as the per-sample kernel on stream (seed, i) gives it (a WebAssembly loop that seeds each sample's
   * stream itself; tested bit for bit against the per-sample path).
   */
  batch?: (seed: number, start: number, end: number, columns: Float64Array[]) => void;
};

export interface Engine {
  name: EngineName;
  /** One line on what the engine does. */
  description: string;
  /**
   * The observables this engine computes for the spec's family (positive capability: a request with any
   * other observable is refused, never written into another observable's slot).
   */
  computes(spec: ModelSpec): readonly string[];
  /** Null when the engine is exact for this spec and these observables, else the reason it is not. */
  unsupported(spec: ModelSpec, observables: readonly Observable[]): string | null;
  /**
   * Estimated single-core time of one sample in nanoseconds (calibrated by `npm run bench` on the
   * reference machine; used to size chunks and to show cost estimates, never for results).
   */
  costPerSample(spec: ModelSpec, observables: readonly Observable[]): number;
  compile(spec: ModelSpec, observables: readonly Observable[]): SampleKernel;
  /**
   * Working memory of one compiled kernel beyond the O(width) buffers every engine has (bytes), and
   * the part of it that lives in one WebAssembly memory (which has its own limit, WASM_ARENA_MAX_BYTES).
   */
  memory?(spec: ModelSpec, observables: readonly Observable[]): { bytes: number; wasmBytes: number };
}
