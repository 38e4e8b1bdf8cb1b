/**
 * A WebAssembly instance for the statistics kernels (assembly/select.ts, assembly/summary.ts) with room
 * for n values: compiled code from the first call, where the same loops in JavaScript would start in
 * the interpreter (a fresh process's first summaries and quantiles took ~10x their steady time). One
 * is kept for up to 2^22 values (32 MiB; grown by doubling), so repeated runs reuse its memory (fresh
 * memory is paid for page by page at first touch); a larger one is made for the call and left to the
 * garbage collector.
 */
import { Arena, type F64Buf, type KernelExports } from "../wasm/index.js";

export interface StatsWorkspace {
  k: KernelExports;
  /** Room for the values. */
  data: F64Buf;
  /** Room for 64 more f64 (ranks, a summary). */
  small: F64Buf;
}

const KEEP = 1 << 22;
let kept: (StatsWorkspace & { cap: number }) | null = null;

export function statsWorkspace(n: number): StatsWorkspace {
  if (kept && kept.cap >= n) return kept;
  const cap = n > KEEP ? n : Math.min(KEEP, Math.max(n, 2 * (kept?.cap ?? 0), 4096));
  const arena = new Arena();
  const data = arena.f64(cap);
  const small = arena.f64(64);
  arena.commit();
  const w = { k: arena.k, data, small, cap };
  if (cap <= KEEP) kept = w;
  return w;
}
