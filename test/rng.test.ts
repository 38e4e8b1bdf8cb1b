import binomialCdf from "@stdlib/stats-base-dists-binomial-cdf";
import chisquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import gammaCdf from "@stdlib/stats-base-dists-gamma-cdf";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import { describe, expect, it } from "vitest";
import { binomial, binomialHalf, chiSquare, gamma, mulhi32, philox4x32_10, Rng } from "../src/rng/index.js";
import { ksOneSample, ksOneSampleDiscrete } from "../src/stats/index.js";

const hex = (a: Uint32Array) => Array.from(a, (v) => v.toString(16).padStart(8, "0"));

describe("Philox4x32-10", () => {
  it("matches the Random123 known-answer vectors", () => {
    expect(hex(philox4x32_10(0, 0, 0, 0, 0, 0))).toEqual(["6627e8d5", "e169c58d", "bc57ac4c", "9b00dbd8"]);
    const f = 0xffffffff;
    expect(hex(philox4x32_10(f, f, f, f, f, f))).toEqual(["408f276d", "41c83b0e", "a20bc7c6", "6d5451fd"]);
    expect(
      hex(philox4x32_10(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0)),
    ).toEqual(["d16cfe09", "94fdcceb", "5001e420", "24126ea1"]);
  });
  it("mulhi32 is exact", () => {
    const cases: [number, number][] = [
      [0xffffffff, 0xffffffff],
      [0xd2511f53, 0x12345678],
      [1, 0xffffffff],
      [0x80000000, 2],
    ];
    for (const [a, b] of cases) {
      expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
    }
  });
});

describe("xoshiro128**", () => {
  it("matches the reference C implementation (state 1,2,3,4)", () => {
    // Values printed by Blackman & Vigna's xoshiro128starstar.c compiled with gcc.
    const rng = new Rng().setState(1, 2, 3, 4);
    const got = Array.from({ length: 8 }, () => rng.nextU32());
    expect(got).toEqual([
      0x00002d00, 0x00000000, 0x005a7080, 0x04389d80, 0x79199d9b, 0x61963b24, 0x4cb9b57a, 0xde9d7431,
    ]);
  });
  it("matches the reference after 1000 steps from a mixed state", () => {
    const rng = new Rng().setState(0x9e3779b9, 0x243f6a88, 0xb7e15162, 0xdeadbeef);
    for (let i = 0; i < 1000; i++) rng.nextU32();
    expect(rng.nextU32()).toBe(0x97752991);
  });
  it("streams depend only on (seed, index, stream)", () => {
    const a = new Rng(42, 7, 0);
    const b = new Rng(1).reset(42, 7, 0);
    const c = new Rng(42, 8, 0);
    const d = new Rng(42, 7, 1);
    const xs = [a, b, c, d].map((r) => Array.from({ length: 4 }, () => r.nextU32()));
    expect(xs[0]).toEqual(xs[1]);
    expect(xs[0]).not.toEqual(xs[2]);
    expect(xs[0]).not.toEqual(xs[3]);
    // Large indices and seeds beyond 2^32 are distinct keys.
    const e = new Rng(2 ** 40 + 42, 7, 0).nextU32();
    const f = new Rng(42, 2 ** 40 + 7, 0).nextU32();
    expect(new Set([xs[0][0], e, f]).size).toBe(3);
  });
  it("neighbouring streams are uncorrelated", () => {
    // First normal of 20000 consecutive sample streams: correlation of x_i with x_{i+1}.
    const N = 20000;
    const rng = new Rng();
    const x = Array.from({ length: N }, (_, i) => rng.reset(3, i).normal());
    let sxy = 0;
    for (let i = 0; i + 1 < N; i++) sxy += x[i] * x[i + 1];
    expect(Math.abs(sxy / (N - 1))).toBeLessThan(5 / Math.sqrt(N));
  });
});

const P_MIN = 0.001;

describe("samplers: KS against the exact CDF at fixed seeds", () => {
  it("uniform", () => {
    const rng = new Rng(11);
    const x = Array.from({ length: 200000 }, () => rng.uniform());
    const ks = ksOneSample(x, (v) => Math.min(1, Math.max(0, v)));
    expect(ks.pValue).toBeGreaterThan(P_MIN);
    expect(x.every((v) => v >= 0 && v < 1)).toBe(true);
  });
  it("normal (ziggurat), including the tails", () => {
    const rng = new Rng(12);
    const N = 1_000_000;
    const x = new Float64Array(N);
    rng.fillNormal(x);
    const ks = ksOneSample(x, (v) => normalCdf(v, 0, 1));
    expect(ks.pValue).toBeGreaterThan(P_MIN);
    // Tail mass beyond the ziggurat base r = 3.4426: P(|Z| > 3.5) = 4.652e-4.
    const tail = x.filter((v) => Math.abs(v) > 3.5).length;
    const p = 2 * (1 - normalCdf(3.5, 0, 1));
    expect(Math.abs(tail - N * p)).toBeLessThan(5 * Math.sqrt(N * p));
    // Moments: mean 0, variance 1, kurtosis 3.
    let s1 = 0;
    let s2 = 0;
    let s4 = 0;
    for (const v of x) {
      s1 += v;
      s2 += v * v;
      s4 += v ** 4;
    }
    expect(Math.abs(s1 / N)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(s2 / N - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(s4 / N - 3)).toBeLessThan(5 * Math.sqrt(96 / N));
  });
  for (const shape of [0.3, 1, 2.5, 50]) {
    it(`gamma(shape=${shape})`, () => {
      const rng = new Rng(13, shape * 10);
      const x = Array.from({ length: 100000 }, () => gamma(rng, shape));
      expect(ksOneSample(x, (v) => gammaCdf(v, shape, 1)).pValue).toBeGreaterThan(P_MIN);
    });
  }
  for (const k of [1, 3.7, 10, 100]) {
    it(`chi-square(k=${k})`, () => {
      const rng = new Rng(14, k * 10);
      const x = Array.from({ length: 100000 }, () => chiSquare(rng, k));
      expect(ksOneSample(x, (v) => chisquareCdf(v, k)).pValue).toBeGreaterThan(P_MIN);
    });
  }
  it("chi-square(0) is the point mass at 0", () => {
    expect(chiSquare(new Rng(1), 0)).toBe(0);
  });
  const binCases: [number, number][] = [
    [100, 0.5],
    [37, 0.5],
    [5, 0.5],
    [1000, 0.3],
    [20, 0.3],
    [500, 0.01],
  ];
  for (const [n, p] of binCases) {
    it(`binomial(n=${n}, p=${p}): KS (conservative for discrete laws) and chi-square`, () => {
      const rng = new Rng(15, n);
      const N = 100000;
      const x = Array.from({ length: N }, () => binomial(rng, n, p));
      expect(ksOneSampleDiscrete(x, (v) => binomialCdf(v, n, p)).pValue).toBeGreaterThan(P_MIN);
      // Mean within 5 SE.
      const mean = x.reduce((a, b) => a + b, 0) / N;
      expect(Math.abs(mean - n * p)).toBeLessThan(5 * Math.sqrt((n * p * (1 - p)) / N));
      // A KS on integers cannot see a shift by less than one: compare P(X = mode) too.
      const mode = Math.floor((n + 1) * p);
      const pm = binomialCdf(mode, n, p) - binomialCdf(mode - 1, n, p);
      const cnt = x.filter((v) => v === mode).length;
      expect(Math.abs(cnt - N * pm)).toBeLessThan(5 * Math.sqrt(N * pm * (1 - pm)));
    });
  }
  it("binomialHalf is Bin(n, 1/2) for n not a multiple of 32", () => {
    const rng = new Rng(16);
    const x = Array.from({ length: 100000 }, () => binomialHalf(rng, 45));
    expect(ksOneSampleDiscrete(x, (v) => binomialCdf(v, 45, 0.5)).pValue).toBeGreaterThan(P_MIN);
  });
});

describe("fused normal kernels", () => {
  it("fillNormal gives iid N(0, 1) across calls of any length (KS, moments, lag-1 correlation)", () => {
    const rng = new Rng(5, 9);
    const N = 600000;
    const buf = new Float64Array(N);
    // Mixed call lengths, including the slow-path deferral at row ends.
    let p = 0;
    for (const len of [1, 7, 100, 5000, 100000]) {
      rng.fillNormal(buf, p, len);
      p += len;
    }
    rng.fillNormal(buf, p);
    expect(ksOneSample(buf, (v) => normalCdf(v, 0, 1)).pValue).toBeGreaterThan(P_MIN);
    let s2 = 0;
    let lag = 0;
    for (let i = 0; i < N; i++) {
      s2 += buf[i] * buf[i];
      if (i > 0) lag += buf[i] * buf[i - 1];
    }
    expect(Math.abs(s2 / N - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(lag / N)).toBeLessThan(5 / Math.sqrt(N));
  });
  it("fillNormal is deterministic given the stream", () => {
    const a = new Float64Array(1000);
    const b = new Float64Array(1000);
    new Rng(1, 2).fillNormal(a);
    new Rng(1, 2).fillNormal(b);
    expect(a).toEqual(b);
  });
  it("dotNormal(v) is N(0, ||v||^2)", () => {
    const rng = new Rng(6);
    const v = Float64Array.from({ length: 37 }, (_, i) => Math.sin(i + 1));
    let v2 = 0;
    for (const x of v) v2 += x * x;
    const sd = Math.sqrt(v2);
    const x = Array.from({ length: 100000 }, () => rng.dotNormal(v, 0, v.length));
    expect(ksOneSample(x, (t) => normalCdf(t, 0, sd)).pValue).toBeGreaterThan(P_MIN);
  });
});

describe("WebAssembly Gaussian mat-vec", () => {
  it("draws the same numbers as the JavaScript Rng and dense matvec, bit for bit (tails included)", async () => {
    const { WasmGaussianMatvec } = await import("../src/engines/dense/gaussian-wasm.js");
    const { matvec, rowFiller } = await import("../src/engines/dense/kernels.js");
    const fill = rowFiller("gaussian");
    let tails = 0;
    for (const [rows, cols, k] of [
      [300, 100, 1],
      [37, 1, 1],
      [64, 257, 3],
      [5, 4096, 2],
      [101, 7, 1],
    ]) {
      const w = new WasmGaussianMatvec(rows, cols, k);
      const v = Float64Array.from({ length: k * cols }, (_, i) => Math.sin(1 + i) * 2);
      const a = new Rng(7, rows, cols);
      const b = new Rng(7, rows, cols);
      const outJs = new Float64Array(k * rows);
      const outW = new Float64Array(k * rows);
      for (let rep = 0; rep < 20; rep++) {
        matvec(a, fill, new Float64Array(cols), rows, cols, v, k, 0.3, outJs, null);
        matvec(b, fill, new Float64Array(cols), rows, cols, v, k, 0.3, outW, w);
        expect(outW).toEqual(outJs);
        expect([b.s0, b.s1, b.s2, b.s3]).toEqual([a.s0, a.s1, a.s2, a.s3]);
      }
      // fillNormal and the transposed replay
      const rowJs = new Float64Array(cols);
      const rowW = new Float64Array(cols);
      for (let rep = 0; rep < 50; rep++) {
        a.fillNormal(rowJs, 0, cols);
        w.fillNormal(b, rowW, cols);
        expect(rowW).toEqual(rowJs);
        for (const x of rowJs) if (Math.abs(x) > 3.442619855899) tails++;
      }
      const g = Float64Array.from({ length: rows }, (_, i) => Math.cos(i));
      const accJs = Float64Array.from({ length: cols }, (_, i) => i / 7);
      const accW = accJs.slice();
      for (let r = 0; r < rows; r++) {
        a.fillNormal(rowJs, 0, cols);
        const gr = g[r] * 0.7;
        for (let j = 0; j < cols; j++) accJs[j] += gr * rowJs[j];
      }
      w.matvecT(b, rows, cols, g, 0.7, accW);
      expect(accW).toEqual(accJs);
      expect([b.s0, b.s1, b.s2, b.s3]).toEqual([a.s0, a.s1, a.s2, a.s3]);
    }
    expect(tails).toBeGreaterThan(0); // the tail branch (i = 0, beyond r) was exercised
  });

  it("long fills (more slow-path draws than the pending buffer) and uniform int24 fills match the Rng", async () => {
    const { drawing, reserveSampler } = await import("../src/engines/dense/gaussian-wasm.js");
    const { Arena } = await import("../src/wasm/index.js");
    const n = 300_000; // ~8400 slow-path draws: past the 4096 deferred ones, the rest finish inline
    const arena = new Arena();
    const sampler = reserveSampler(arena);
    const g = arena.f64(n);
    const u = arena.f32(n);
    arena.commit();
    sampler.ready();
    const a = new Rng(3, 1, 2);
    const b = new Rng(3, 1, 2);
    const js = new Float64Array(n);
    a.fillNormal(js, 0, n);
    drawing(arena, b, () => arena.k.fillNormal(g.ptr, n, sampler.pend));
    expect(g.a).toEqual(js);
    const js32 = new Float32Array(n);
    a.fillCentredInt24(js32, 0, n);
    drawing(arena, b, () => arena.k.fillCentredInt24(u.ptr, n));
    expect(u.a).toEqual(js32);
    expect([b.s0, b.s1, b.s2, b.s3]).toEqual([a.s0, a.s1, a.s2, a.s3]);
  });
});

describe("WebAssembly FFT kernel", () => {
  it("matches the JS radix-2 FFT and a direct DFT (n = 2 .. 1024)", async () => {
    const { fft } = await import("../src/rng/fgn.js");
    const { Arena, fftTwiddles } = await import("../src/wasm/index.js");
    for (const n of [2, 4, 8, 64, 1024]) {
      const arena = new Arena();
      const re = arena.f64(n);
      const im = arena.f64(n);
      const tw = arena.f64(2 * n);
      arena.commit();
      fftTwiddles(n, tw.a);
      const r = new Rng(4, n);
      const x = Float64Array.from({ length: n }, () => r.normal());
      const y = Float64Array.from({ length: n }, () => r.normal());
      re.a.set(x);
      im.a.set(y);
      arena.k.fft(re.ptr, im.ptr, n, tw.ptr);
      const jr = Float64Array.from(x);
      const ji = Float64Array.from(y);
      fft(jr, ji);
      for (let k = 0; k < n; k++) {
        expect(Math.abs(re.a[k] - jr[k])).toBeLessThan(1e-11 * n);
        expect(Math.abs(im.a[k] - ji[k])).toBeLessThan(1e-11 * n);
      }
      if (n <= 64) {
        for (let k = 0; k < n; k++) {
          let sr = 0;
          let si = 0;
          for (let j = 0; j < n; j++) {
            const a = (-2 * Math.PI * j * k) / n;
            sr += x[j] * Math.cos(a) - y[j] * Math.sin(a);
            si += x[j] * Math.sin(a) + y[j] * Math.cos(a);
          }
          expect(Math.abs(re.a[k] - sr)).toBeLessThan(1e-12 * n);
          expect(Math.abs(im.a[k] - si)).toBeLessThan(1e-12 * n);
        }
      }
    }
  });
  it("the SIMD mat-mat kernels equal plain products (float64 and float32 matrices, odd sizes)", async () => {
    const { Arena } = await import("../src/wasm/index.js");
    for (const [d, m] of [
      [1, 1],
      [3, 2],
      [5, 3],
      [40, 7],
      [13, 1],
    ]) {
      const arena = new Arena();
      const M64 = arena.f64(d * d);
      const M32 = arena.f32(d * d);
      const X = arena.f64(d * m);
      const Y = arena.f64(d * m);
      arena.commit();
      const r = new Rng(9, d);
      for (let i = 0; i < d * d; i++) {
        M64.a[i] = r.normal();
        M32.a[i] = Math.fround(r.normal());
      }
      for (let i = 0; i < d * m; i++) X.a[i] = r.normal();
      for (const [f32, M] of [
        [false, M64],
        [true, M32],
      ] as const) {
        for (const t of [false, true]) {
          const k = arena.k;
          (t ? (f32 ? k.mulRowsT32 : k.mulRowsT64) : f32 ? k.mulRows32 : k.mulRows64)(
            M.ptr,
            X.ptr,
            Y.ptr,
            d,
            m,
            0.5,
          );
          for (let c = 0; c < m; c++) {
            for (let i = 0; i < d; i++) {
              let s = 0;
              for (let j = 0; j < d; j++) s += (t ? M.a[j * d + i] : M.a[i * d + j]) * X.a[c * d + j];
              expect(Math.abs(Y.a[c * d + i] - 0.5 * s), `d=${d} m=${m} f32=${f32} T=${t}`).toBeLessThan(
                1e-12 * d,
              );
            }
          }
        }
      }
    }
  });
});

describe("the WebAssembly natural log (fdlibm's, assembly/normals.ts)", () => {
  it("equals @stdlib/math-base-special-ln (fdlibm in JavaScript) on 10^6 arguments and the special values", async () => {
    const { Arena } = await import("../src/wasm/index.js");
    const stdlibLn = (await import("@stdlib/math-base-special-ln")).default as (x: number) => number;
    const { ln } = new Arena().k;
    const special = [
      0,
      -0,
      -1,
      1,
      2,
      Number.MIN_VALUE,
      2.2e-308,
      1e-310,
      1 + 2 ** -52,
      1 - 2 ** -53,
      1 + 1e-7,
      0.9999999,
      Number.MAX_VALUE,
      Infinity,
      -Infinity,
      NaN,
    ];
    for (const x of special) expect(Object.is(ln(x), stdlibLn(x)), String(x)).toBe(true);
    const buf = new Float64Array(1);
    const words = new Uint32Array(buf.buffer);
    let s = 12345;
    const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
    let differ = 0;
    for (let i = 0; i < 1_000_000; i++) {
      // Any positive double: random high word (sign cleared, below the exponent of inf) and low word.
      words[1] = next() % 0x7ff00000;
      words[0] = next();
      const x = i % 2 === 0 ? buf[0] : (next() + 0.5) / 2 ** 32; // also the (0, 1) uniforms the samplers log
      if (!Object.is(ln(x), stdlibLn(x))) differ++;
    }
    expect(differ).toBe(0);
  });
});

describe("the WebAssembly natural log in SIMD lanes (assembly/log-lanes.ts)", () => {
  it("equals the scalar ln bit for bit on 10^6 arguments, the special values and both of fdlibm's branches", async () => {
    const { Arena } = await import("../src/wasm/index.js");
    const arena = new Arena();
    const n = 1 << 16;
    const buf = arena.f64(n);
    arena.commit();
    const { ln, lnPairs } = arena.k;
    const words = new Uint32Array(1 << 1);
    const one = new Float64Array(words.buffer);
    let s = 777;
    const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
    const special = [0, -0, -1, 1, 2, 0.5, Number.MIN_VALUE, 2.2e-308, 1e-310, 1 + 2 ** -52, 1 - 2 ** -53];
    const more = [1 + 1e-7, 0.9999999, Number.MAX_VALUE, Infinity, -Infinity, NaN, 1.4142135, 0.7071068];
    let differ = 0;
    for (let round = 0; round < 16; round++) {
      for (let i = 0; i < n; i++) {
        const kind = i % 4;
        if (kind === 0) {
          // any positive double
          words[1] = next() % 0x7ff00000;
          words[0] = next();
          buf.a[i] = one[0];
        } else if (kind === 1)
          buf.a[i] = (next() + 0.5) / 2 ** 32; // the samplers' uniforms
        else if (kind === 2)
          buf.a[i] = 0.5 + (1.5 * next()) / 2 ** 32; // [0.5, 2): k = 0 and both polynomials
        else
          buf.a[i] =
            round === 0 && i < 4 * (special.length + more.length)
              ? [...special, ...more][i >> 2]
              : next() / 2 ** 20;
      }
      const x = Float64Array.from(buf.a);
      lnPairs(buf.ptr, n);
      for (let i = 0; i < n; i++) if (!Object.is(buf.a[i], ln(x[i]))) differ++;
    }
    expect(differ).toBe(0);
  });
});

describe("the WebAssembly exponential (fdlibm's, assembly/normals.ts)", () => {
  it("equals @stdlib/math-base-special-exp (fdlibm in JavaScript) on 10^6 arguments and the special values", async () => {
    const { Arena } = await import("../src/wasm/index.js");
    const stdlibExp = (await import("@stdlib/math-base-special-exp")).default as (x: number) => number;
    const { exp } = new Arena().k;
    // (Results in the subnormal range, x < -708.4, are left out: @stdlib flushes some of them to 0.)
    const special = [
      0,
      -0,
      1,
      -1,
      0.5 * Math.LN2,
      1.5 * Math.LN2,
      -0.5 * Math.LN2,
      2 ** -30,
      -(2 ** -30),
      709.7,
      709.79,
      710,
      -708,
      -746,
      1e-320,
      Infinity,
      -Infinity,
      NaN,
    ];
    for (const x of special) expect(Object.is(exp(x), stdlibExp(x)), String(x)).toBe(true);
    let s = 99;
    const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
    let differ = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const u = (next() + 0.5) / 2 ** 32;
      // the ziggurat's wedge argument -x^2/2 (x < 3.45), and the range of normal results
      const x = i % 2 === 0 ? -0.5 * (3.45 * u) ** 2 : -708 + u * 1417;
      if (!Object.is(exp(x), stdlibExp(x))) differ++;
    }
    expect(differ).toBe(0);
  });
});
