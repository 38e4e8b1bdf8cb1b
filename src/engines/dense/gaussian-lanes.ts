/**
 * Four networks per WebAssembly call (assembly/lanes.ts): each network keeps its own stream in one
 * SIMD lane, so it draws exactly the numbers its one-network kernel draws, and gets the same float
 * operations in the same order: the lanes' results are bit-identical to the per-sample paths (tested).
 * The generation is fused with the layer update (no vector of normals is stored). Vectors are
 * interleaved, x[4 i + lane]; the reduced Hayou and log-Gaussian ResNet kernels use it for whole chunks.
 */
import type { Rng } from "../../rng/rng.js";
import type { SampleKernel } from "../types.js";
import { Arena, type F64Buf, type KernelExports } from "../../wasm/index.js";
import { reserveSampler } from "./gaussian-wasm.js";

export const LANES = 4;

export class GaussianLanes {
  private readonly arena = new Arena();
  private readonly y: F64Buf;
  private readonly out: F64Buf;
  private readonly st: F64Buf;
  private readonly pend: F64Buf;
  private readonly rows: F64Buf;
  private readonly state: Int32Array;
  /** Further float64 buffers of the lengths asked for (a kernel's own vectors, interleaved). */
  readonly bufs: F64Buf[];

  constructor(
    private readonly n: number,
    extra: readonly number[] = [],
  ) {
    const a = this.arena;
    const sampler = reserveSampler(a);
    this.y = a.f64(LANES * n);
    this.out = a.f64(2 * LANES);
    this.st = a.f64(8); // 16 int32 state words
    this.pend = a.f64(LANES * n); // each lane's (index, word) int32 pairs
    this.rows = a.f64(2 * LANES * n); // two rows of draws (the layer kernels draw one row ahead)
    this.bufs = extra.map((len) => a.f64(len));
    a.commit();
    sampler.ready();
    this.state = new Int32Array(a.k.memory.buffer, this.st.ptr, 16);
  }

  /** The kernels, and the pointers a four-lane kernel takes: generator states and slow-path lists. */
  get kernels(): KernelExports {
    return this.arena.k;
  }
  get statePtr(): number {
    return this.st.ptr;
  }
  get pendPtr(): number {
    return this.pend.ptr;
  }

  /** rng's state into a lane (the lane then draws that stream). */
  seed(lane: number, rng: Rng): void {
    const s = this.state;
    s[lane] = rng.s0;
    s[4 + lane] = rng.s1;
    s[8 + lane] = rng.s2;
    s[12 + lane] = rng.s3;
  }

  /** x[0..len) into the lane's slots of an interleaved buffer (len = n unless given). */
  put(buf: F64Buf, lane: number, x: Float64Array, len = this.n): void {
    const b = buf.a;
    for (let i = 0; i < len; i++) b[LANES * i + lane] = x[i];
  }

  /** The lane's slots of an interleaved buffer into x[0..len) (len = n unless given). */
  get(buf: F64Buf, lane: number, x: Float64Array, len = this.n): void {
    const b = buf.a;
    for (let i = 0; i < len; i++) x[i] = b[LANES * i + lane];
  }

  /** Put a network (its vector, length n, and its generator's state) in a lane; clears its flags. */
  load(lane: number, Y: Float64Array, rng: Rng): void {
    this.put(this.y, lane, Y);
    this.seed(lane, rng);
    this.out.a[LANES + lane] = 0;
  }

  /** The lane's generator state back into rng (to draw on after the layers). */
  restore(lane: number, rng: Rng): void {
    const s = this.state;
    rng.setState(s[lane], s[4 + lane], s[8 + lane], s[12 + lane]);
  }

  /**
   * Hayou's reduced layers from..to with ReLU (hayouRelu4); the last layer done (from - 1 if K
   * overflowed in some lane: the caller reruns those networks one by one).
   */
  hayouRelu(from: number, to: number, gainOverN: number, sqrtDt: number): number {
    const K = this.arena.k;
    return K.hayouRelu4(
      from,
      to,
      this.n,
      this.y.ptr,
      this.st.ptr,
      this.pend.ptr,
      gainOverN,
      sqrtDt,
      this.out.ptr,
      this.rows.ptr,
    );
  }

  /** The log-Gaussian ResNet's reduced layers from..to with ReLU (resnetRelu4). */
  resnetRelu(from: number, to: number, alpha: number, coef: number): void {
    const K = this.arena.k;
    K.resnetRelu4(
      from,
      to,
      this.n,
      this.y.ptr,
      this.st.ptr,
      this.pend.ptr,
      alpha,
      coef,
      this.out.ptr,
      this.rows.ptr,
    );
  }

  /** After hayouRelu: sum_i max(y_i, 0)^2 after its last layer. */
  sumSquares(lane: number): number {
    return this.out.a[lane];
  }

  /** After hayouRelu: whether the lane's post-activation vanished at some layer since load(). */
  collapsed(lane: number): boolean {
    return this.out.a[LANES + lane] === 1;
  }

  /** The lane's vector into Y[0..n). */
  read(lane: number, Y: Float64Array): void {
    this.get(this.y, lane, Y);
  }

  /** Coordinate i of the lane's vector. */
  at(lane: number, i: number): number {
    return this.y.a[LANES * i + lane];
  }
}

/**
 * A kernel's `batch` from its four-lane group: `group(seed, at)` draws samples at..at+3 into outs[0..3]
 * (false when it cannot, e.g. on overflow: those samples then go one by one), `one(seed, i, out)` draws
 * sample i alone (the per-sample kernel: the chunk's last samples, fewer than four).
 */
export function batchByLanes(
  outs: readonly Float64Array[],
  group: (seed: number, at: number) => boolean,
  one: (seed: number, index: number, out: Float64Array) => void,
): NonNullable<SampleKernel["batch"]> {
  return (seed, start, end, columns) => {
    const put = (row: Float64Array, i: number) => {
      for (let o = 0; o < columns.length; o++) columns[o][i - start] = row[o];
    };
    let i = start;
    for (; i + LANES <= end; i += LANES) {
      const ok = group(seed, i);
      for (let lane = 0; lane < LANES; lane++) {
        if (!ok) one(seed, i + lane, outs[lane]);
        put(outs[lane], i + lane);
      }
    }
    for (; i < end; i++) {
      one(seed, i, outs[0]);
      put(outs[0], i);
    }
  };
}
