/**
 * WebAssembly SIMD kernels (assembly/kernels.ts), isomorphic: the module is embedded at build time
 * (src/wasm/kernels.generated.ts) and compiled synchronously, so it works the same in Node, Node workers
 * and browser Web Workers. Each user gets its own instance and memory (an Arena): buffers are laid out
 * once, then the memory never grows again, so the typed-array views stay valid.
 *
 * Float results are machine-independent (WebAssembly arithmetic is IEEE 754 without fused multiply-add,
 * and every kernel sums in a fixed order).
 */
import { KERNELS_WASM_BASE64 } from "./kernels.generated.js";

export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  mulRows64(M: number, X: number, Y: number, d: number, m: number, sc: number): void;
  mulRows32(M: number, X: number, Y: number, d: number, m: number, sc: number): void;
  mulRowsT64(M: number, X: number, Y: number, d: number, m: number, sc: number): void;
  mulRowsT32(M: number, X: number, Y: number, d: number, m: number, sc: number): void;
  fft(re: number, im: number, n: number, tw: number): void;
  axpyCols(H: number, T: number, alpha: number, d: number, m: number): void;
  colNorms2(X: number, out: number, d: number, m: number): void;
  relu(X: number, Y: number, n: number): void;
  reluMask(Q: number, U: number, n: number): void;
  scaleComplex(z: number, s: number, re: number, im: number, M: number): void;
  outerAcc(G: number, P: number, S: number, d: number, m: number, sc: number): void;
  zigTables(k: number, w: number, f: number): void;
  setState(a: number, b: number, c: number, d: number): void;
  getState(i: number): number;
  matvecNormal(rows: number, cols: number, v: number, out: number, sc: number, pend: number): void;
  fillNormal(row: number, cols: number, pend: number): void;
  resnetReluLayers(
    from: number,
    to: number,
    n: number,
    z: number,
    g: number,
    pend: number,
    alpha: number,
    coef: number,
  ): void;
  hayouReluLayers(
    from: number,
    to: number,
    n: number,
    y: number,
    h: number,
    z: number,
    pend: number,
    gainOverN: number,
    sqrtDt: number,
    out: number,
  ): number;
  /** tab: the i32 table of buffer pointers of assembly/marion-lanes.ts. */
  marionFwd4(L: number, d: number, res3: boolean, alpha: number, keep: boolean, tab: number): void;
  marionBwd4(L: number, d: number, res3: boolean, alpha: number, tab: number): void;
  /** A group's h_0 and readout B from the lanes' streams (x at table slot 5). */
  marionInit4(d: number, nIn: number, nOut: number, tab: number): void;
  resnetRelu4(
    from: number,
    to: number,
    n: number,
    z: number,
    st: number,
    pend: number,
    alpha: number,
    coef: number,
    tmp: number,
    /** Two rows of draws (4 n f64 each): the layers draw one row ahead. */
    rows: number,
  ): void;
  fillCentredInt24(out: number, n: number): void;
  /** Rng.fillNormal of n draws for each of four lanes (streams at st), interleaved into out. */
  fillNormal4(out: number, n: number, st: number, pend: number): void;
  hayouRelu4(
    from: number,
    to: number,
    n: number,
    y: number,
    st: number,
    pend: number,
    gainOverN: number,
    sqrtDt: number,
    out: number,
    rows: number,
  ): number;
  matvecNormalT(
    rows: number,
    cols: number,
    g: number,
    sc: number,
    acc: number,
    row: number,
    pend: number,
  ): void;
  /** fdlibm's natural log (Node 20's Math.log, bit for bit). */
  ln(x: number): number;
  /** fdlibm's exponential (Node 20's Math.exp, bit for bit). */
  exp(x: number): number;
  mlpProductChunk(
    seedLo: number,
    seedHi: number,
    start: number,
    count: number,
    d: number,
    widths: number,
    logGain: number,
    a2: number,
    b2: number,
    logC: number,
    nOut: number,
    outG: number,
    outO: number,
    tmp: number,
  ): void;
  /** mlpProductChunk with b2 = 0, four samples per group in SIMD lanes (count % 4 left undone). */
  mlpProductChunk4(
    seedLo: number,
    seedHi: number,
    start: number,
    count: number,
    d: number,
    widths: number,
    logGain: number,
    a2: number,
    logC: number,
    nOut: number,
    outG: number,
    outO: number,
  ): void;
  /** The NTK product engine, four samples per group (assembly/ntk-lanes.ts; count % 4 left undone). */
  mlpNtkChunk4(
    seedLo: number,
    seedHi: number,
    start: number,
    count: number,
    d: number,
    widths: number,
    gain: number,
    c: number,
    logC: number,
    nOut: number,
    wantOut: boolean,
    outG: number,
    outO: number,
    parts: number,
    work: number,
  ): void;
  /** The bench's ceiling: `steps` four-lane chi-square steps (assembly/chi-lanes.ts); a checksum. */
  chiLanesRepeat(steps: number, n: number, degrees: number): number;
  /** Move the non-NaN values of a[0 .. n - 1] to the front (assembly/select.ts); returns how many. */
  compactNotNaN(a: number, n: number): number;
  /** Place the values of ranks[r0 .. r1) (f64, ascending) of a[left .. right] as a sort would. */
  selectRanks(
    a: number,
    left: number,
    right: number,
    ranks: number,
    r0: number,
    r1: number,
    depth: number,
  ): void;
  /**
   * The values at ranks[0 .. nr) of a[0 .. n) (NaN-free), written over ranks, a unchanged; cnt: 2 nb
   * int32, scratch: cap f64. False (nothing changed) where the bucket pass does not apply.
   */
  selectByBuckets(
    a: number,
    n: number,
    ranks: number,
    nr: number,
    cnt: number,
    nb: number,
    scratch: number,
    cap: number,
  ): boolean;
  /** Push a[0 .. n - 1] into the summary at s (11 f64; assembly/summary.ts). */
  summaryPush(a: number, n: number, s: number): void;
  /** ln of x[0 .. n - 1] in place, two lanes at a time (assembly/log-lanes.ts; n even). */
  lnPairs(x: number, n: number): void;
  mlpProductSample(
    d: number,
    widths: number,
    logGain: number,
    a2: number,
    b2: number,
    logC: number,
    nOut: number,
    out: number,
  ): void;
  matvecNormalMulti(
    rows: number,
    cols: number,
    v: number,
    k: number,
    out: number,
    sc: number,
    row: number,
    pend: number,
  ): void;
}

/**
 * JavaScript functions the kernels import: the Gaussian sampler's rare branch and the gamma sampler use
 * the engine's own log, exp and pow, so that the kernels' last bits are the JavaScript path's.
 */
const IMPORTS = { env: { log: Math.log, exp: Math.exp, pow: Math.pow } };

let compiled: WebAssembly.Module | null = null;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// Compiling starts when this module loads, on the engine's background threads (WebAssembly.compile),
// so that it overlaps the loading of the rest of the program; a kernel wanted before it is done
// compiles the module synchronously (and the first result is kept).
if (typeof WebAssembly === "object")
  WebAssembly.compile(decodeBase64(KERNELS_WASM_BASE64)).then(
    (m) => void (compiled ??= m),
    () => {}, // kernelModule reports the error when a kernel is wanted
  );

function kernelModule(): WebAssembly.Module {
  if (!compiled) {
    try {
      compiled = new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64));
    } catch (e) {
      throw new Error(
        `deeplimits needs WebAssembly with SIMD (Node >= 20, current browsers): ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
  return compiled;
}

/** A typed view into an arena, with its byte offset for the kernels. */
export interface F64Buf {
  ptr: number;
  a: Float64Array;
}
export interface F32Buf {
  ptr: number;
  a: Float32Array;
}

/**
 * One kernel instance with its memory. Reserve every buffer with f64()/f32() before the first
 * commit(); the views are created by commit() and stay valid afterwards.
 */
/**
 * The most one arena may hold: typed-array views over a WebAssembly memory past 2 GiB fail in Node 20's
 * V8 ("Invalid typed array length"), so memory estimates refuse larger kernels up front.
 */
export const WASM_ARENA_MAX_BYTES = 2 ** 31;

export class Arena {
  readonly k: KernelExports;
  private top: number;
  private readonly pending: { ptr: number; n: number; f32: boolean; box: F64Buf | F32Buf }[] = [];
  private committed = false;

  constructor() {
    const inst = new WebAssembly.Instance(kernelModule(), IMPORTS);
    this.k = inst.exports as unknown as KernelExports;
    this.top = this.k.heapBase();
  }

  private reserve(n: number, bytesPer: number): number {
    if (this.committed) throw new Error("internal: Arena buffers must be reserved before commit()");
    const ptr = this.top;
    this.top = (ptr + n * bytesPer + 15) & ~15;
    if (this.top > WASM_ARENA_MAX_BYTES)
      throw new RangeError(
        `a WebAssembly kernel needs ${(this.top / 2 ** 30).toFixed(1)} GiB, more than the ${WASM_ARENA_MAX_BYTES / 2 ** 30} GiB one kernel can address`,
      );
    return ptr;
  }

  f64(n: number): F64Buf {
    const box = { ptr: this.reserve(n, 8), a: new Float64Array(0) };
    this.pending.push({ ptr: box.ptr, n, f32: false, box });
    return box;
  }

  f32(n: number): F32Buf {
    const box = { ptr: this.reserve(n, 4), a: new Float32Array(0) };
    this.pending.push({ ptr: box.ptr, n, f32: true, box });
    return box;
  }

  /** Grow the memory to hold every reserved buffer and create their views. */
  commit(): this {
    const mem = this.k.memory;
    const need = Math.ceil(this.top / 65536) - mem.buffer.byteLength / 65536;
    if (need > 0) mem.grow(need);
    for (const p of this.pending) {
      p.box.a = p.f32 ? new Float32Array(mem.buffer, p.ptr, p.n) : new Float64Array(mem.buffer, p.ptr, p.n);
    }
    this.committed = true;
    return this;
  }
}

/** Twiddles for kernels.fft of size n: per stage len = 2..n, len/2 cosines then len/2 sines of -2 pi j/len. */
export function fftTwiddles(n: number, out: Float64Array): void {
  let o = 0;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    for (let j = 0; j < half; j++) {
      const ang = (-2 * Math.PI * j) / len;
      out[o + j] = Math.cos(ang);
      out[o + half + j] = Math.sin(ang);
    }
    o += len;
  }
}
