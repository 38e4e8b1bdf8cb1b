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
  /** The bucket pass of the quantiles (assembly/select.ts selectByBuckets): 2 MAX_BUCKETS int32. */
  buckets: F64Buf;
  /** Room for the values of the buckets that hold a rank (SCRATCH f64). */
  scratch: F64Buf;
}

/** The most buckets of the quantiles' bucket pass, and the most values it copies out. */
export const MAX_BUCKETS = 1 << 16;
export const SCRATCH = 1 << 16;

const KEEP = 1 << 22;
let kept: (StatsWorkspace & { cap: number }) | null = null;

export function statsWorkspace(n: number): StatsWorkspace {
  if (kept && kept.cap >= n) return kept;
  const cap = n > KEEP ? n : Math.min(KEEP, Math.max(n, 2 * (kept?.cap ?? 0), 4096));
  const arena = new Arena();
  const data = arena.f64(cap);
  const small = arena.f64(64);
  const buckets = arena.f64(MAX_BUCKETS);
  const scratch = arena.f64(SCRATCH);
  arena.commit();
  const w = { k: arena.k, data, small, buckets, scratch, cap };
  if (cap <= KEEP) kept = w;
  return w;
}
