/**
 * The project's random stream: xoshiro128** 1.1 (Blackman & Vigna) with the ziggurat normal.
 *
 * Streams are addressed explicitly, JAX-style: `rng.reset(seed, sampleIndex, streamId)` derives the
 * 128-bit state from one Philox4x32-10 block keyed by the seed with the sample index and stream id as
 * counter. A sample's draws therefore depend only on (seed, sample index, stream), never on how the
 * samples are split across threads, shards or machines.
 *
 * One class holds every hot sampler so that call sites stay monomorphic (a second generator class at
 * the same call site costs V8 2-4x; see docs/rng.md).
 */
import { philox4x32_10 } from "./philox.js";
import { ZIG, ZIG_R } from "./ziggurat.js";

const TWO_M32 = 2 ** -32;
const TWO_M53 = 2 ** -53;
const INV_R = 1 / ZIG_R;
const ZK = ZIG.k;
const ZW = ZIG.w;
const ZF = ZIG.f;
/** Slow-path draws deferred by fillNormal before it finishes them inline. */
const PENDING_MAX = 4096;

/** Largest integer seed accepted (seeds are split into two 32-bit key words; 2^53 - 1). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

export class Rng {
  s0 = 0;
  s1 = 0;
  s2 = 0;
  s3 = 0;
  private readonly block = new Uint32Array(4);
  private readonly pendingAt = new Int32Array(PENDING_MAX);
  private readonly pendingWord = new Int32Array(PENDING_MAX);

  constructor(seed = 0, sampleIndex = 0, streamId = 0) {
    this.reset(seed, sampleIndex, streamId);
  }

  /** Re-key this generator to the stream (seed, sampleIndex, streamId). Allocation-free. */
  reset(seed: number, sampleIndex: number, streamId = 0): this {
    const b = philox4x32_10(
      sampleIndex >>> 0,
      Math.floor(sampleIndex / 4294967296) >>> 0,
      streamId >>> 0,
      0x64656570, // "deep": domain separation from other uses of the same key
      seed >>> 0,
      Math.floor(seed / 4294967296) >>> 0,
      this.block,
    );
    // State words are kept as int32 (not uint32) so that V8 stores them as small integers.
    this.s0 = b[0] | 0;
    this.s1 = b[1] | 0;
    this.s2 = b[2] | 0;
    this.s3 = b[3] | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is absorbing
    return this;
  }

  /** Set the raw 128-bit state (for known-answer tests). */
  setState(s0: number, s1: number, s2: number, s3: number): this {
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
    return this;
  }

  /** Next 32 random bits as an unsigned integer (xoshiro128**). */
  nextU32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    const s3 = this.s3;
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /**
   * Fill out[offset .. offset + count) with centred odd integers 2 floor(u / 2^8) + 1 - 2^24 from
   * successive 32-bit words u: n 2^-24 is uniform on the 2^24-point grid of (-1, 1), symmetric, and
   * exact in float32 (the dense Marion engine's uniform weights). State in locals: ~1 ns a draw.
   */
  fillCentredInt24(out: Float32Array, offset = 0, count = out.length - offset): void {
    let s0 = this.s0 | 0;
    let s1 = this.s1 | 0;
    let s2 = this.s2 | 0;
    let s3 = this.s3 | 0;
    const end = offset + count;
    for (let p = offset; p < end; p++) {
      const m = Math.imul(s1, 5);
      const u = Math.imul((m << 7) | (m >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[p] = 2 * (u >>> 8) - 16777215;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** Uniform double on [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67108864 + b) * TWO_M53;
  }

  /** Uniform double on the open interval (0, 1): safe under log. */
  uniformOpen(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67108864 + b + 0.5) * TWO_M53;
  }

  /** Uniform double on (0, 1) from a single 32-bit word (coarser, faster; used in rejection steps). */
  uniform32(): number {
    return (this.nextU32() + 0.5) * TWO_M32;
  }

  /** Standard normal N(0, 1), 128-layer ziggurat. */
  normal(): number {
    const u = this.nextU32();
    const i = u & 127;
    const j = u >>> 8;
    if (j < ZK[i]) {
      const x = j * ZW[i];
      return (u & 128) !== 0 ? -x : x;
    }
    return this.normalSlow(u);
  }

  /** The ziggurat's rare branch (about 1.2% of draws), entered with the rejected word u. */
  private normalSlow(u: number): number {
    for (;;) {
      const i = u & 127;
      const j = u >>> 8;
      const neg = (u & 128) !== 0;
      if (j < ZK[i]) {
        const x = j * ZW[i];
        return neg ? -x : x;
      }
      if (i === 0) {
        // Tail beyond r (Marsaglia 1964).
        let x: number;
        let y: number;
        do {
          x = -Math.log(this.uniformOpen()) * INV_R;
          y = -Math.log(this.uniformOpen());
        } while (y + y < x * x);
        return neg ? -(ZIG_R + x) : ZIG_R + x;
      }
      const x = j * ZW[i];
      // Wedge test; a 32-bit uniform suffices (acceptance probabilities are resolved to 2^-32).
      if (ZF[i] + this.uniform32() * (ZF[i - 1] - ZF[i]) < Math.exp(-0.5 * x * x)) return neg ? -x : x;
      u = this.nextU32();
    }
  }

  /**
   * sum_j g_j v[offset + j] for j < count with fresh iid g_j ~ N(0, 1): one row of a Gaussian
   * matrix times a vector, without storing the row (RNG fused with the dot product). Slow-path
   * draws are finished after the loop, as in fillNormal.
   */
  dotNormal(v: Float64Array, offset: number, count: number): number {
    let s0 = this.s0 | 0;
    let s1 = this.s1 | 0;
    let s2 = this.s2 | 0;
    let s3 = this.s3 | 0;
    const pendingAt = this.pendingAt;
    const pendingWord = this.pendingWord;
    let pending = 0;
    let acc0 = 0;
    let acc1 = 0;
    const end = offset + count;
    for (let p = offset; p < end; p++) {
      const m = Math.imul(s1, 5);
      const u = Math.imul((m << 7) | (m >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const i = u & 127;
      const j = u >>> 8;
      if (j < ZK[i]) {
        const x = j * ZW[i] * v[p];
        if ((u & 128) !== 0) acc1 += x;
        else acc0 += x;
      } else if (pending < PENDING_MAX) {
        pendingAt[pending] = p;
        pendingWord[pending++] = u;
      } else {
        this.s0 = s0;
        this.s1 = s1;
        this.s2 = s2;
        this.s3 = s3;
        acc0 += this.normalSlow(u >>> 0) * v[p];
        s0 = this.s0 | 0;
        s1 = this.s1 | 0;
        s2 = this.s2 | 0;
        s3 = this.s3 | 0;
      }
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    for (let q = 0; q < pending; q++) acc0 += this.normalSlow(pendingWord[q] >>> 0) * v[pendingAt[q]];
    return acc0 - acc1;
  }

  /**
   * Fill `out[offset .. offset+count)` with iid N(0, 1): the hot loop of the dense engine. The fast
   * path runs with the generator state in locals; the rare draws that fall outside the ziggurat's
   * rectangles (about 2.8%) are finished after the loop, each from its own rejected word and fresh
   * words, which keeps them exact and independent (but not in the order of repeated normal() calls).
   */
  fillNormal(out: Float64Array, offset = 0, count = out.length - offset): void {
    let s0 = this.s0 | 0;
    let s1 = this.s1 | 0;
    let s2 = this.s2 | 0;
    let s3 = this.s3 | 0;
    const end = offset + count;
    const pendingAt = this.pendingAt;
    const pendingWord = this.pendingWord;
    let pending = 0;
    for (let p = offset; p < end; p++) {
      const m = Math.imul(s1, 5);
      const u = Math.imul((m << 7) | (m >>> 25), 9); // int32 bits: no >>> 0 (keeps V8 on small ints)
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const i = u & 127;
      const j = u >>> 8;
      if (j < ZK[i]) {
        const x = j * ZW[i];
        out[p] = (u & 128) !== 0 ? -x : x;
      } else if (pending < PENDING_MAX) {
        pendingAt[pending] = p;
        pendingWord[pending++] = u;
      } else {
        // Pending buffer full (only for very long fills): finish this one now.
        this.s0 = s0;
        this.s1 = s1;
        this.s2 = s2;
        this.s3 = s3;
        out[p] = this.normalSlow(u >>> 0);
        s0 = this.s0 | 0;
        s1 = this.s1 | 0;
        s2 = this.s2 | 0;
        s3 = this.s3 | 0;
      }
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    for (let q = 0; q < pending; q++) out[pendingAt[q]] = this.normalSlow(pendingWord[q] >>> 0);
  }
}
