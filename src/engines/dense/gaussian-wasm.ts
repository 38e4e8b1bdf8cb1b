/**
 * Gaussian mat-vec with the weights drawn inside WebAssembly (assembly/normals.ts): the same draws and
 * the same float operations as Rng.dotNormal / Rng.fillNormal with the dense matvec, so the results are
 * bit-identical to the JavaScript path (tested), and about 2x faster (docs/performance.md). The
 * generator state moves from the Rng into the kernel and back around each call.
 */
import type { Rng } from "../../rng/rng.js";
import { ZIG } from "../../rng/ziggurat.js";
import { Arena, type F64Buf } from "../../wasm/index.js";

/** Widest row the kernel takes (slow-path draws of one row are buffered, as Rng's PENDING_MAX). */
export const WASM_NORMAL_MAX_COLS = 4096;

/**
 * Reserve the ziggurat tables and the slow-path buffer in an arena (before its commit()); call ready()
 * after the commit. Then the arena's sampler kernels (fillNormal, fillCentredInt24, the mat-vecs) run.
 */
export function reserveSampler(arena: Arena): { pend: number; ready(): void } {
  const zk = arena.f32(128); // int32 table, viewed below
  const zw = arena.f64(128);
  const zf = arena.f64(128);
  const pend = arena.f64(WASM_NORMAL_MAX_COLS); // (position, word) int32 pairs
  return {
    pend: pend.ptr,
    ready() {
      new Int32Array(arena.k.memory.buffer, zk.ptr, 128).set(ZIG.k);
      zw.a.set(ZIG.w);
      zf.a.set(ZIG.f);
      arena.k.zigTables(zk.ptr, zw.ptr, zf.ptr);
    },
  };
}

/** An arena with the sampler's tables and float64 buffers of the given lengths (committed, ready). */
export function samplerArena(lengths: readonly number[]): { arena: Arena; pend: number; bufs: F64Buf[] } {
  const arena = new Arena();
  const sampler = reserveSampler(arena);
  const bufs = lengths.map((n) => arena.f64(n));
  arena.commit();
  sampler.ready();
  return { arena, pend: sampler.pend, bufs };
}

/** Run kernel calls that draw from rng's stream: the state moves into the instance and back. */
export function drawing(arena: Arena, rng: Rng, f: () => void): void {
  const K = arena.k;
  K.setState(rng.s0, rng.s1, rng.s2, rng.s3);
  f();
  rng.setState(K.getState(0), K.getState(1), K.getState(2), K.getState(3));
}

export class WasmGaussianMatvec {
  private readonly arena = new Arena();
  private readonly v: F64Buf;
  private readonly out: F64Buf;
  private readonly row: F64Buf;
  private readonly pend: number;

  /** Buffers for up to k vectors of maxCols entries in and k of maxRows out. */
  constructor(
    readonly maxRows: number,
    readonly maxCols: number,
    readonly maxK: number,
  ) {
    if (maxCols > WASM_NORMAL_MAX_COLS)
      throw new RangeError(`internal: rows longer than ${WASM_NORMAL_MAX_COLS}`);
    const a = this.arena;
    const sampler = reserveSampler(a);
    this.pend = sampler.pend;
    this.v = a.f64(maxK * maxCols);
    this.out = a.f64(maxK * maxRows);
    this.row = a.f64(maxCols);
    a.commit();
    sampler.ready();
  }

  /** out[a rows + r] = scale * sum_j W[r, j] v[a cols + j], a < k, with W fresh N(0, 1) from rng. */
  matvec(rng: Rng, rows: number, cols: number, v: Float64Array, k: number, scale: number, out: Float64Array) {
    const K = this.arena.k;
    this.v.a.set(v.subarray(0, k * cols));
    drawing(this.arena, rng, () => {
      if (k === 1) K.matvecNormal(rows, cols, this.v.ptr, this.out.ptr, scale, this.pend);
      else K.matvecNormalMulti(rows, cols, this.v.ptr, k, this.out.ptr, scale, this.row.ptr, this.pend);
    });
    out.set(this.out.a.subarray(0, k * rows));
  }

  /**
   * acc[j] += sum_r g[r] scale W[r, j] for a rows x cols Gaussian W replayed from rng (row by row, as
   * the JavaScript loop over fillNormal rows). g goes through the output buffer, acc the input one.
   */
  matvecT(rng: Rng, rows: number, cols: number, g: Float64Array, scale: number, acc: Float64Array): void {
    this.out.a.set(g.subarray(0, rows));
    this.v.a.set(acc.subarray(0, cols));
    drawing(this.arena, rng, () =>
      this.arena.k.matvecNormalT(rows, cols, this.out.ptr, scale, this.v.ptr, this.row.ptr, this.pend),
    );
    acc.set(this.v.a.subarray(0, cols));
  }

  /** Rng.fillNormal(row, 0, cols) (cols <= maxCols). */
  fillNormal(rng: Rng, row: Float64Array, cols: number): void {
    drawing(this.arena, rng, () => this.arena.k.fillNormal(this.row.ptr, cols, this.pend));
    row.set(this.row.a.subarray(0, cols));
  }
}
