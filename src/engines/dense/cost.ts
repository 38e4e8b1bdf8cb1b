/** Cost model shared by the dense kernels (docs/performance.md). */
import { WASM_NORMAL_MAX_COLS } from "./gaussian-wasm.js";

/**
 * Nanoseconds per weight with its multiply-add: ~4 for Gaussian weights drawn in the WebAssembly
 * kernel (rows up to 4096), ~7 in JavaScript; ~2 more per extra propagated vector.
 */
export function perWeight(law: string, widest: number): number {
  return law === "gaussian" && widest <= WASM_NORMAL_MAX_COLS ? 4 : 7;
}
