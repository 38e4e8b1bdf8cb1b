/**
 * The sampling driver (isomorphic: no Node APIs). A run is cut into chunks whose size depends only on
 * the spec, the engine and the observables, never on the number of threads; sample i always uses the
 * stream (seed, i). Chunk summaries are merged in chunk order, so results are bit-identical whether
 * the chunks run in one thread, many workers or many shards.
 */
import { parseObservables, selectEngine } from "./engines/index.js";
import type { EngineChoice, EngineName, SampleKernel } from "./engines/types.js";
import { MAX_SEED, Rng } from "./rng/rng.js";
import { SpecError } from "./spec/errors.js";
import { familyOf, type ModelSpec } from "./families/index.js";
import { quantiles } from "./stats/quantile.js";
import { emptySummary, merge, type Summary, type SummaryStats, stats, summarize } from "./stats/summary.js";

export interface SimulateOptions {
  samples: number;
  seed?: number;
  engine?: EngineChoice;
  /** Observable keys; default ["G", "logOutNorm2"]. */
  observables?: readonly string[];
}

export interface Plan {
  spec: ModelSpec;
  samples: number;
  seed: number;
  engine: EngineName;
  observables: string[];
  chunkSize: number;
  chunks: number;
}

export interface ChunkResult {
  chunk: number;
  start: number;
  end: number;
  /** One column per observable, values for samples start..end-1. */
  columns: Float64Array[];
  summaries: Summary[];
}

export interface SimulationResult {
  plan: Plan;
  /** Per observable: all sample values in sample order. */
  samples: Record<string, Float64Array>;
  summaries: Record<string, Summary>;
  stats: Record<string, SummaryStats>;
  /** Exact sample quantiles per observable (DEFAULT_PROBS; -inf for dead networks sorts first). */
  quantiles: Record<string, Record<string, number>>;
}

export const DEFAULT_OBSERVABLES = ["G", "logOutNorm2"];

/** The observables a run records when none are named (the family's default). */
export function defaultObservables(spec: ModelSpec): string[] {
  return [...familyOf(spec).defaultObservables];
}
export const MAX_SAMPLES = 1e9;
/** Target work per chunk: ~20 ms (in estimated ns), the size worth a worker round trip. */
const CHUNK_NS = 2e7;
const MAX_CHUNK = 1 << 16;

export function makePlan(spec: ModelSpec, opts: SimulateOptions): Plan {
  const { samples } = opts;
  if (!Number.isInteger(samples) || samples < 1 || samples > MAX_SAMPLES) {
    throw new SpecError("samples", `must be an integer from 1 to ${MAX_SAMPLES}`, samples);
  }
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new SpecError("seed", `must be an integer from 0 to ${MAX_SEED}`, seed);
  }
  const observables = parseObservables(opts.observables ?? defaultObservables(spec), spec);
  const engine = selectEngine(opts.engine ?? "auto", spec, observables);
  const cost = Math.max(1, engine.costPerSample(spec, observables));
  // A multiple of 4 from 8 up: the reduced engines run whole chunks four networks at a time.
  const size = Math.max(1, Math.min(MAX_CHUNK, Math.floor(CHUNK_NS / cost)));
  const chunkSize = size >= 8 ? size - (size % 4) : size;
  return {
    spec,
    samples,
    seed,
    engine: engine.name,
    observables: observables.map((o) => o.key),
    chunkSize,
    chunks: Math.ceil(samples / chunkSize),
  };
}

/** Where a run's samples go, for the memory estimate. */
export type OutputMode =
  /** every sample in memory, then written whole (simulate, merge, experiments) */
  | "memory"
  /** chunks written as they come, a bounded window in flight (simulate --stream) */
  | "stream"
  /** the shard's chunks kept, then written record by record (--shard) */
  | "shard";

export interface MemoryEstimate {
  /** Peak bytes of the whole run (samples, workers, runtime). */
  bytes: number;
  /** Bytes one engine kernel needs inside one WebAssembly memory (limit WASM_ARENA_MAX_BYTES). */
  wasmBytes: number;
}

/**
 * Estimated peak memory of a run: the samples as the output mode keeps them (in memory: chunk columns,
 * the assembled columns, a sorted copy for quantiles and the Arrow file's buffer; streamed: the window
 * of chunks; a shard: its chunks and one encoded record) plus each worker's engine buffers and kernel
 * memory (Engine.memory) and the runtime's ~64 MiB. `samples` is the number of samples this process
 * holds (a shard's share).
 */
export function estimateMemory(
  plan: Plan,
  workers = 1,
  mode: OutputMode = "memory",
  samples = plan.samples,
): MemoryEstimate {
  const spec = plan.spec;
  const k = spec.inputs.length;
  const nMax = spec.widths.reduce((a, b) => Math.max(a, b), Math.max(spec.nIn, spec.nOut));
  const row = (plan.observables.length + 1) * 8;
  const chunkBytes = plan.chunkSize * row;
  const held =
    mode === "memory"
      ? 4 * samples * row
      : mode === "stream"
        ? 3 * Math.min(samples, 8 * workers * plan.chunkSize) * row
        : samples * row + 2 * chunkBytes;
  const observables = parseObservables(plan.observables, spec);
  const kernel = selectEngine(plan.engine, spec, observables).memory?.(spec, observables) ?? {
    bytes: 0,
    wasmBytes: 0,
  };
  const engine = 8 * nMax * (6 * k + 4) + kernel.bytes + 2 * chunkBytes;
  return { bytes: held + workers * (engine + 64 * 1024 * 1024), wasmBytes: kernel.wasmBytes };
}

/** Estimated peak memory in bytes (estimateMemory, samples in memory). */
export function estimateMemoryBytes(plan: Plan, workers = 1): number {
  return estimateMemory(plan, workers).bytes;
}

/** Estimated single-core seconds for a plan (from the engines' calibrated per-sample cost). */
export function estimateSeconds(plan: Plan): number {
  const observables = parseObservables(plan.observables, plan.spec);
  return (
    (selectEngine(plan.engine, plan.spec, observables).costPerSample(plan.spec, observables) * plan.samples) /
    1e9
  );
}

/** Compiled kernels are cached per plan object (a worker reuses them across chunks). */
const kernelCache = new WeakMap<Plan, { run: SampleKernel }>();
let kernelCacheByKey: { key: string; run: SampleKernel } | null = null;

function kernelFor(plan: Plan) {
  const cached = kernelCache.get(plan);
  if (cached) return cached.run;
  // Plans arriving through structured clone are new objects: also cache by content.
  const key = JSON.stringify([plan.spec, plan.engine, plan.observables]);
  if (kernelCacheByKey?.key === key) return kernelCacheByKey.run;
  const observables = parseObservables(plan.observables, plan.spec);
  const run = selectEngine(plan.engine, plan.spec, observables).compile(plan.spec, observables);
  kernelCache.set(plan, { run });
  kernelCacheByKey = { key, run };
  return run;
}

/**
 * Run one chunk of a plan. With `into` (the run's columns, one per observable, plan.samples long) the
 * chunk's columns are views of them (no allocation, and assemble has nothing to copy).
 */
export function runChunk(plan: Plan, chunk: number, into?: readonly Float64Array[]): ChunkResult {
  const start = chunk * plan.chunkSize;
  const end = Math.min(plan.samples, start + plan.chunkSize);
  const k = plan.observables.length;
  const kernel = kernelFor(plan);
  const columns = Array.from({ length: k }, (_, o) =>
    into ? into[o].subarray(start, end) : new Float64Array(end - start),
  );
  if (kernel.batch) kernel.batch(plan.seed, start, end, columns);
  else {
    const rng = new Rng();
    const row = new Float64Array(k);
    const key = { seed: plan.seed, index: 0 };
    for (let i = start; i < end; i++) {
      rng.reset(plan.seed, i);
      key.index = i;
      kernel(rng, row, key);
      for (let o = 0; o < k; o++) columns[o][i - start] = row[o];
    }
  }
  // Each column's summary, its samples pushed in order (in WebAssembly: the same bits as push).
  return { chunk, start, end, columns, summaries: columns.map((c) => summarize(c)) };
}

/**
 * The run's columns, one per observable (runChunk's and assemble's `into`); `shared`: in shared memory,
 * for worker threads to write into.
 */
export function runColumns(plan: Plan, shared = false): Float64Array[] {
  return plan.observables.map(() =>
    shared ? new Float64Array(new SharedArrayBuffer(8 * plan.samples)) : new Float64Array(plan.samples),
  );
}

/**
 * Combine chunk results (any order of arrival) into the run's result, merging in chunk order. With
 * `into` (runColumns), those are the run's columns; chunks that ran into them are not copied.
 */
export function assemble(
  plan: Plan,
  results: readonly ChunkResult[],
  into?: readonly Float64Array[],
): SimulationResult {
  const byChunk = [...results].sort((a, b) => a.chunk - b.chunk);
  if (byChunk.length !== plan.chunks || byChunk.some((r, i) => r.chunk !== i)) {
    throw new Error(
      `assemble: expected chunks 0..${plan.chunks - 1}, got ${byChunk.map((r) => r.chunk).join(",")}`,
    );
  }
  const samples: Record<string, Float64Array> = {};
  const summaries: Record<string, Summary> = {};
  const st: Record<string, SummaryStats> = {};
  const q: Record<string, Record<string, number>> = {};
  plan.observables.forEach((key, o) => {
    // One chunk: its column is the run's (no copy).
    const whole = !into && byChunk.length === 1 && byChunk[0].columns[o].length === plan.samples;
    const col = into?.[o] ?? (whole ? byChunk[0].columns[o] : new Float64Array(plan.samples));
    let s = emptySummary();
    for (const r of byChunk) {
      const c = r.columns[o];
      if (c.buffer !== col.buffer || c.byteOffset !== col.byteOffset + 8 * r.start) col.set(c, r.start);
      s = merge(s, r.summaries[o]);
    }
    samples[key] = col;
    summaries[key] = s;
    st[key] = stats(s);
    q[key] = quantiles(col);
  });
  return { plan, samples, summaries, stats: st, quantiles: q };
}

/** Run a simulation in the calling thread. */
export function simulate(
  spec: ModelSpec,
  opts: SimulateOptions,
  onProgress?: (done: number, total: number) => void,
): SimulationResult {
  const plan = makePlan(spec, opts);
  const into = runColumns(plan);
  const results: ChunkResult[] = [];
  for (let c = 0; c < plan.chunks; c++) {
    const r = runChunk(plan, c, into);
    results.push(r);
    onProgress?.(r.end, plan.samples);
  }
  return assemble(plan, results, into);
}
