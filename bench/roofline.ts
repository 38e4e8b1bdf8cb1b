/**
 * Roofline of the dense workloads: the random numbers and floating-point operations each needs (counted
 * from the algorithm, not measured), and this machine's ceilings for them (measured here, one core):
 * ziggurat normals/s (the faster of the JavaScript and WebAssembly generators), uniform 32-bit words/s, and the WebAssembly SIMD mat-mat kernel's flop/s on
 * in-cache operands. A workload's achieved rate divided by the ceiling times the threads used is the
 * fraction of the machine it reaches; the larger of its two fractions says which resource binds it.
 */
import { heatmapGrid } from "../src/experiments/marion/fig7-heatmap.js";
import { Rng } from "../src/rng/rng.js";
import { drawing, reserveSampler, WasmGaussianMatvec } from "../src/engines/dense/gaussian-wasm.js";
import { GaussianLanes, LANES } from "../src/engines/dense/gaussian-lanes.js";
import { Arena } from "../src/wasm/index.js";

export interface Ceilings {
  normalsPerSecond: number;
  /** The product engine's per-layer draws (binomial, chi-square, log) in WebAssembly, layers/s. */
  productLayersPerSecond: number;
  /** Four-lane steps (assembly/chi-lanes.ts) per second: Bin(100, 1/2) and its chi-square. */
  binomialChiSquaresPerSecond: number;
  /** Four-lane steps per second: chi-squares of 49 degrees (the NTK's backward draws). */
  chiSquaresPerSecond: number;
  uniformWordsPerSecond: number;
  /** WebAssembly f64x2 mat-mat (d = 40, 108 columns), flop/s (a multiply-add counts 2). */
  matmulFlops: number;
  /** The same kernel transposed (backward). */
  matmulTFlops: number;
  /** Mat-vec (one column: d = 100 float32 matrix, as Marion's Fig 2), forward and transposed mean. */
  matvecFlops: number;
}

function best(f: () => number, reps = 5): number {
  let b = 0;
  for (let i = 0; i < reps; i++) b = Math.max(b, f());
  return b;
}

/** A batch of draws: runs it and returns how many it drew. */
type Unit = () => number;

const rateOf = (u: Unit) => {
  const t = performance.now();
  const n = u();
  return n / ((performance.now() - t) / 1000);
};

/**
 * Draws per second of the fastest way of drawing them (units): the best of `reps` timings of each
 * batch; or, with `seconds`, the fastest unit's sustained rate over about that long (the average over
 * repeated batches), to set beside a run of that length measured in the same conditions.
 */
function ceilingOf(units: Unit[], reps: number, seconds?: number): number {
  if (seconds === undefined) return Math.max(...units.map((u) => best(() => rateOf(u), reps)));
  const rates = units.map((u) => best(() => rateOf(u), 2));
  const fastest = units[rates.indexOf(Math.max(...rates))];
  let draws = 0;
  const t0 = performance.now();
  do draws += fastest();
  while (performance.now() - t0 < seconds * 1000);
  return draws / ((performance.now() - t0) / 1000);
}

/** Normals per second: the best of the JavaScript and WebAssembly generators' ways of drawing them. */
function measureNormals(reps: number, seconds?: number): number {
  const rng = new Rng(1);
  // The JavaScript generator (a refilled L2-resident buffer, the fused generate-and-dot) and the
  // WebAssembly one below: the ceiling a dense engine could reach.
  const a = new Float64Array(65536);
  const fill = () => {
    for (let i = 0; i < 300; i++) rng.fillNormal(a);
    return 300 * a.length;
  };
  const ones = new Float64Array(100).fill(1);
  const dot = () => {
    let s = 0;
    for (let i = 0; i < 200_000; i++) s += rng.dotNormal(ones, 0, 100);
    if (s === Number.POSITIVE_INFINITY) throw new Error("unreachable");
    return 2e7;
  };
  // The WebAssembly generator (assembly/normals.ts): the fused generate-and-dot of the dense engines
  // (1000 x 100 Gaussian matrix times a vector) and plain filling of 4096-long rows.
  const w = new WasmGaussianMatvec(1000, 4096, 1);
  const x = new Float64Array(100).fill(1);
  const y = new Float64Array(1000);
  const wasmDot = () => {
    for (let i = 0; i < 200; i++) w.matvec(rng, 1000, 100, x, 1, 1, y);
    return 2e7;
  };
  const row = new Float64Array(4096);
  const wasmFill = () => {
    for (let i = 0; i < 5000; i++) w.fillNormal(rng, row, 4096);
    return 5000 * 4096;
  };
  // Four streams in SIMD lanes (assembly/lanes.ts, the reduced engines' chunks): 4 x 100 per call.
  const lanes = new GaussianLanes(100, [400]);
  for (let lane = 0; lane < LANES; lane++) lanes.seed(lane, rng.reset(1, lane));
  const lanesFill = () => {
    for (let i = 0; i < 50000; i++)
      lanes.kernels.fillNormal4(lanes.bufs[0].ptr, 100, lanes.statePtr, lanes.pendPtr);
    return 50000 * 400;
  };
  return ceilingOf([fill, dot, wasmDot, wasmFill, lanesFill], reps, seconds);
}

type ProductDraws = Pick<
  Ceilings,
  "productLayersPerSecond" | "binomialChiSquaresPerSecond" | "chiSquaresPerSecond"
>;

/**
 * The product and NTK engines' draws per second (layers, four-lane binomial/chi-square steps), those
 * among `kinds` (with `seconds`: each sustained over that long).
 */
function measureProductDraws(
  reps: number,
  kinds: readonly (keyof ProductDraws)[],
  seconds?: number,
): Partial<ProductDraws> {
  const rng = new Rng(1);
  // The product engine's draws: per layer a binomial(100, 1/2) (popcount) and a chi-square with that
  // many degrees of freedom (Marsaglia-Tsang on the ziggurat normal), and the log it needs; a
  // 1000-layer network in WebAssembly, one at a time or four in lanes (the faster counts).
  const pa = new Arena();
  const pSampler = reserveSampler(pa);
  const layers = 1000;
  const pw = pa.f64(layers + 1);
  const pg = pa.f64(layers);
  const po = pa.f64(200);
  pa.commit();
  pSampler.ready();
  pw.a.fill(100);
  const scalarLayers = () => {
    drawing(pa, rng, () => {
      for (let i = 0; i < 200; i++) pa.k.mlpProductSample(layers, pw.ptr, pg.ptr, 1, 0, 0, 0, po.ptr);
    });
    return 200 * layers;
  };
  // The same draws four samples at a time (assembly/product-lanes.ts), 200 samples a call.
  const lanesLayers = () => {
    pa.k.mlpProductChunk4(1, 0, 0, 200, layers, pw.ptr, pg.ptr, 1, 0, 0, po.ptr, po.ptr);
    return 200 * layers;
  };
  // The chi-square step alone, four lanes (the NTK engine's draws: with and without the binomial).
  const steps = (n: number, degrees: number) => () => {
    pa.k.chiLanesRepeat(50_000, n, degrees);
    return 4 * 50_000;
  };
  const units: Record<keyof ProductDraws, Unit[]> = {
    productLayersPerSecond: [scalarLayers, lanesLayers],
    binomialChiSquaresPerSecond: [steps(100, 0)],
    chiSquaresPerSecond: [steps(0, 49)],
  };
  return Object.fromEntries(kinds.map((k) => [k, ceilingOf(units[k], reps, seconds)]));
}

/**
 * The draw ceilings among `kinds`, measured now, in this process: each the best of `reps` timings, or,
 * with `seconds`, sustained over that long altogether (split between the kinds).
 */
export function measureDrawCeilings(
  kinds: readonly (keyof Ceilings)[],
  reps = 3,
  seconds?: number,
): Partial<Ceilings> {
  const each = seconds === undefined ? undefined : seconds / kinds.length;
  const out: Partial<Ceilings> = {};
  if (kinds.includes("normalsPerSecond")) out.normalsPerSecond = measureNormals(reps, each);
  const product = kinds.filter((k): k is keyof ProductDraws => k !== "normalsPerSecond");
  if (product.length > 0) Object.assign(out, measureProductDraws(reps, product, each));
  return out;
}

export function measureCeilings(): Ceilings {
  const rng = new Rng(1);
  const normalsPerSecond = measureNormals(7);
  const { productLayersPerSecond, binomialChiSquaresPerSecond, chiSquaresPerSecond } = measureProductDraws(
    7,
    ["productLayersPerSecond", "binomialChiSquaresPerSecond", "chiSquaresPerSecond"],
  ) as ProductDraws;
  const u = new Float32Array(4096);
  const jsUniform = best(() => {
    const t = performance.now();
    for (let i = 0; i < 4000; i++) rng.fillCentredInt24(u);
    return (4000 * u.length) / ((performance.now() - t) / 1000);
  });
  const ua = new Arena();
  ua.f32(0);
  const ub = ua.f32(u.length);
  const uSampler = reserveSampler(ua);
  ua.commit();
  uSampler.ready();
  const wasmUniform = best(() => {
    const t = performance.now();
    drawing(ua, rng, () => {
      for (let i = 0; i < 4000; i++) ua.k.fillCentredInt24(ub.ptr, u.length);
    });
    return (4000 * u.length) / ((performance.now() - t) / 1000);
  });
  const uniformWordsPerSecond = Math.max(jsUniform, wasmUniform);
  const d = 40;
  const m = 108;
  const arena = new Arena();
  const M = arena.f64(d * d);
  const X = arena.f64(d * m);
  const Y = arena.f64(d * m);
  arena.commit();
  rng.fillNormal(M.a);
  rng.fillNormal(X.a);
  const reps = 400;
  const flops = (t: boolean) =>
    best(() => {
      const s = performance.now();
      for (let i = 0; i < reps; i++)
        (t ? arena.k.mulRowsT64 : arena.k.mulRows64)(M.ptr, X.ptr, Y.ptr, d, m, 1);
      return (2 * d * d * m * reps) / ((performance.now() - s) / 1000);
    });
  const dv = 100;
  const va = new Arena();
  const V = va.f32(dv * dv);
  const x1 = va.f64(dv);
  const y1 = va.f64(dv);
  va.commit();
  V.a.fill(0.5);
  x1.a.fill(1);
  const mv = (t: boolean) =>
    best(() => {
      const s = performance.now();
      for (let i = 0; i < 20000; i++) (t ? va.k.mulRowsT32 : va.k.mulRows32)(V.ptr, x1.ptr, y1.ptr, dv, 1, 1);
      return (2 * dv * dv * 20000) / ((performance.now() - s) / 1000);
    });
  // Harmonic mean: Fig 2 does as many forward as transposed products.
  const matvecFlops = 2 / (1 / mv(false) + 1 / mv(true));
  return {
    normalsPerSecond,
    productLayersPerSecond,
    binomialChiSquaresPerSecond,
    chiSquaresPerSecond,
    uniformWordsPerSecond,
    matmulFlops: flops(false),
    matmulTFlops: flops(true),
    matvecFlops,
  };
}

export interface WorkCount {
  /** Arithmetic kind: many-column mat-mats (the heatmap) or one-column mat-vecs (Fig 2, the MLP). */
  kernel?: "matmul" | "matvec";
  /** Random numbers per sample (normals or 32-bit words, see kind). */
  randoms: number;
  randomKind: "normals" | "uniform words";
  /** Floating-point operations per sample (multiply-add = 2). */
  flops: number;
  /** Samples the "figure s" column covers. */
  samples: number;
}

/** Work of one whole workload as the bench defines it. */
export function workOf(workload: string): WorkCount | null {
  if (workload === "figure") {
    // ReLU MLP n = 100, n_in = n_out = 10, depths 1, 10, 100, 2^15 samples each: every weight a normal.
    let w = 0;
    for (const d of [1, 10, 100]) w += 100 * 10 + (d - 1) * 100 * 100 + 10 * 100;
    return { randoms: w, randomKind: "normals", flops: 2 * w, samples: 2 ** 15 };
  }
  if (workload === "hayou") {
    const w = 100 * 10 + 1000 * 100 * 100;
    return { randoms: w, randomKind: "normals", flops: 2 * w, samples: 10_000 };
  }
  if (workload === "marion-fig2") {
    // d = 100, L = 1000, res-3: 2 d^2 L uniform weights, drawn once (cached for the backward pass);
    // forward and backward each 2 mat-vecs of 2 d^2 flops per block.
    const d = 100;
    const L = 1000;
    return {
      randoms: 2 * d * d * L,
      randomKind: "uniform words",
      flops: 8 * d * d * L,
      samples: 10_000,
      kernel: "matvec",
    };
  }
  if (workload === "marion-heatmap") {
    // Per H: 4 networks at L = 1000 and 4 at L = 100; per network 2 d^2 fGn paths (2 M normals per pair,
    // M = 2048 or 256), an FFT of 5 M log2 M flops per pair, and 8 d^2 L m flops of mat-mats (m = 108).
    const { hs, betas, inputs } = heatmapGrid(false);
    const d = 40;
    const m = betas.length * inputs;
    let randoms = 0;
    let flops = 0;
    for (const [L, M] of [
      [1000, 2048],
      [100, 256],
    ]) {
      const pairs = d * d; // 2 matrices of d^2 paths, 2 paths per FFT
      randoms += 4 * pairs * 2 * M;
      flops += 4 * (pairs * 5 * M * Math.log2(M) + 8 * d * d * L * m);
    }
    return { randoms: randoms * hs.length, randomKind: "normals", flops: flops * hs.length, samples: 1 };
  }
  return null;
}

/**
 * The random numbers one sample of a fast engine needs (counted from its algorithm): normals for the
 * reduced engines (n per layer for Hayou and the ResNet; res-3 Marion 2 d per block forward and 2 d
 * backward), product-engine layers (a binomial and a chi-square each) for the product engine.
 */
/** What a fast engine's workload draws per sample, by kind of ceiling. */
export type FastWork = { kind: keyof Ceilings; perSample: number }[];

export function fastWorkOf(workload: string, engine: string): { work: FastWork; samples: number } | null {
  if (engine === "reduced" && workload === "hayou")
    return { work: [{ kind: "normalsPerSecond", perSample: 100 + 1000 * 100 }], samples: 10_000 };
  if (engine === "reduced" && workload === "resnet")
    return { work: [{ kind: "normalsPerSecond", perSample: 100 + 100 * 100 }], samples: 10_000 };
  if (engine === "reduced (gauss)" && workload === "marion-fig2")
    return {
      work: [{ kind: "normalsPerSecond", perSample: 100 * 64 + 100 + 4 * 100 * 1000 }],
      samples: 10_000,
    };
  if (engine === "product" && workload === "figure")
    // depths 1, 10, 100 (2^15 samples each): d layers plus the last layer's and the output's chi-squares.
    return { work: [{ kind: "productLayersPerSecond", perSample: 1 + 10 + 100 + 3 * 2 }], samples: 2 ** 15 };
  if (engine === "product" && workload === "ntk")
    // n = d = 100, one output: 100 forward binomials and chi-squares, then chi2_{n_d}, chi2_{n_d - 1} and
    // 100 backward chi-squares (m - 1 ~ 49 degrees); the readout's normal is not counted.
    return {
      work: [
        { kind: "binomialChiSquaresPerSecond", perSample: 100 },
        { kind: "chiSquaresPerSecond", perSample: 102 },
      ],
      samples: 10_000,
    };
  return null;
}

/** Seconds a workload's draws take at the one-core ceilings (the sum over its kinds of draws). */
export function secondsAtCeiling(w: { work: FastWork; samples: number }, ceil: Ceilings): number {
  return w.work.reduce((s, p) => s + (p.perSample * w.samples) / ceil[p.kind], 0);
}
