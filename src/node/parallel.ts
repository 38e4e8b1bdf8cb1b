/**
 * Parallel simulation on worker threads (piscina). Chunks are fixed by the plan, so the result is
 * bit-identical to `simulate` in one thread whatever the number of workers.
 */
import { availableParallelism, totalmem } from "node:os";
import { serialize } from "node:v8";
import { Piscina } from "piscina";
import {
  assemble,
  type ChunkResult,
  estimateMemory,
  makePlan,
  type OutputMode,
  type Plan,
  runChunk,
  runColumns,
  type SimulateOptions,
  type SimulationResult,
} from "../simulate.js";
import { SpecError } from "../spec/errors.js";
import { WASM_ARENA_MAX_BYTES } from "../wasm/index.js";
import type { ModelSpec } from "../spec/index.js";

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

export interface ParallelOptions {
  threads?: number;
  /**
   * Use the worker pool (of `threads` workers) even for one thread or one chunk: benchmarks (one worker
   * against k), and plans submitted together (a sweep's or an experiment's cells), which then share it.
   */
  workers?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Polled between chunks: a true answer ends the run with an error (SIGINT / SIGTERM). */
  isStopped?: () => boolean;
}

let pool: Piscina | null = null;
let poolThreads = 0;
let poolsStarted = 0;

/**
 * A plan as its tasks carry it: serialized once per run (node:v8, exact for every number) with an id the
 * workers cache it under, so a task's message is the plan's bytes (a copy) and a chunk index; cloning
 * the plan object for every task had kept the main thread busy ~0.3 ms a chunk, time the workers lost
 * on a machine with as many cores as workers.
 */
let plansSent = 0;
const planIds = new WeakMap<Plan, { id: number; bytes: Uint8Array }>();
function planTask(plan: Plan): { planId: number; planBytes: Uint8Array } {
  let p = planIds.get(plan);
  if (!p) {
    p = { id: ++plansSent, bytes: serialize(plan) };
    planIds.set(plan, p);
  }
  return { planId: p.id, planBytes: p.bytes };
}

/** How many worker pools this process has started (a sweep or a report starts one, whatever its cells). */
export const poolStarts = () => poolsStarted;

function getPool(threads: number): Piscina {
  if (pool && poolThreads === threads) return pool;
  void pool?.destroy();
  poolsStarted++;
  pool = new Piscina({
    filename: new URL("./worker.js", import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    // A second task waits in each worker, so that a worker that finishes a chunk starts the next at once
    // instead of waiting for the main thread to hand it one (that round trip idled each worker between
    // chunks).
    concurrentTasksPerWorker: 2,
    idleTimeout: 2000,
  });
  poolThreads = threads;
  return pool;
}

/** Shut the worker pool down (lets the process exit at once). */
export async function closePool(): Promise<void> {
  const p = pool;
  pool = null;
  poolThreads = 0;
  await p?.destroy();
}

/**
 * Run the given chunks of a plan (default: all) on worker threads; results arrive in any order and
 * carry their chunk index. `onChunk` sees each result as it completes (checkpoints use it).
 */
export async function runChunksParallel(
  plan: Plan,
  chunks: readonly number[],
  popts: ParallelOptions & {
    onChunk?: (r: ChunkResult) => void;
    doneBefore?: number;
    /** The run's columns (runColumns): chunks write into them (in workers: when shared). */
    into?: readonly Float64Array[];
  } = {},
): Promise<ChunkResult[]> {
  // One chunk runs here unless the caller asks for the pool (concurrent plans: a sweep's cells).
  const wanted = Math.max(1, popts.threads ?? defaultThreads());
  const threads = popts.workers ? wanted : Math.max(1, Math.min(wanted, chunks.length));
  let done = popts.doneBefore ?? 0;
  const note = (r: ChunkResult) => {
    done += r.end - r.start;
    popts.onChunk?.(r);
    popts.onProgress?.(done, plan.samples);
    return r;
  };
  if (threads === 1 && !popts.workers) {
    const out: ChunkResult[] = [];
    for (const c of chunks) {
      // Yield between chunks so that signals (SIGINT) are handled in a single-threaded run.
      if (popts.isStopped) await new Promise((ok) => setImmediate(ok));
      if (popts.isStopped?.()) throw new Error("stopped");
      out.push(note(runChunk(plan, c, popts.into)));
    }
    return out;
  }
  const p = getPool(threads);
  // Columns in shared memory: the workers write the samples there (no copy back, and the first touch
  // of fresh pages happens in the workers, in parallel); the results carry the summaries.
  const into = popts.into?.every((c) => c.buffer instanceof SharedArrayBuffer) ? popts.into : undefined;
  // The chunks to run, after a counter the workers take them by (Atomics.add): a worker takes the next
  // chunk the moment it finishes one, so the workers end within a chunk of each other, and the main
  // thread sees a task per ~TASK_MS of work instead of a message per chunk.
  const n = chunks.length;
  const queue = new Int32Array(new SharedArrayBuffer(4 * (n + 1)));
  queue.set(chunks, 1);
  const task = { ...planTask(plan), queue, into };
  const out: ChunkResult[] = [];
  // Two tasks in flight per worker (the pool's concurrentTasksPerWorker): a worker that returns one
  // starts the next at once, without waiting for the main thread.
  const stream = async () => {
    try {
      while (Atomics.load(queue, 0) < n) {
        if (popts.isStopped?.()) throw new Error("stopped");
        for (const r of (await p.run(task)) as ChunkResult[]) {
          if (into) r.columns = into.map((c) => c.subarray(r.start, r.end));
          out.push(note(r));
        }
      }
    } catch (e) {
      Atomics.store(queue, 0, n); // the other tasks take no more chunks
      throw e;
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, 2 * threads) }, stream));
  return out;
}

/**
 * Run every chunk of a plan and hand each result to `sink` in chunk order, keeping at most `window`
 * chunks (default 4 per thread) in flight or waiting, and waiting for the sink when it returns a promise
 * (e.g. a file stream's back-pressure): memory stays bounded by the window whatever the number of samples.
 */
export async function streamChunks(
  plan: Plan,
  sink: (r: ChunkResult) => void | Promise<void>,
  popts: ParallelOptions & { window?: number; onMaxHeld?: (held: number) => void } = {},
): Promise<void> {
  const threads = Math.max(1, Math.min(popts.threads ?? defaultThreads(), plan.chunks));
  let done = 0;
  const emit = async (r: ChunkResult) => {
    await sink(r);
    done += r.end - r.start;
    popts.onProgress?.(done, plan.samples);
  };
  if (threads === 1) {
    for (let c = 0; c < plan.chunks; c++) await emit(runChunk(plan, c));
    popts.onMaxHeld?.(1);
    return;
  }
  const window = Math.max(threads, popts.window ?? 4 * threads);
  const p = getPool(threads);
  const inflight = new Map<number, Promise<ChunkResult>>();
  let next = 0;
  let maxHeld = 0;
  try {
    for (let out = 0; out < plan.chunks; out++) {
      while (next < plan.chunks && next - out < window) {
        const job = p
          .run({ ...planTask(plan), chunks: [next] })
          .then((rs: ChunkResult[]) => rs[0]) as Promise<ChunkResult>;
        job.catch(() => undefined); // surfaced when awaited below
        inflight.set(next++, job);
      }
      maxHeld = Math.max(maxHeld, next - out);
      const r = await inflight.get(out)!;
      inflight.delete(out);
      await emit(r);
    }
  } finally {
    popts.onMaxHeld?.(maxHeld);
  }
}

const gib = (b: number) => (b / 2 ** 30).toFixed(1);

/**
 * Refuse up front, before any sampling, a run that cannot fit: more memory than this machine has (with
 * the estimate and advice that works for the output mode), or an engine kernel larger than one
 * WebAssembly memory can hold.
 */
export function checkMemory(
  plan: Plan,
  threads: number,
  mode: OutputMode = "memory",
  samples = plan.samples,
): void {
  const workers = Math.max(1, Math.min(threads, plan.chunks));
  const need = estimateMemory(plan, workers, mode, samples);
  if (need.wasmBytes > WASM_ARENA_MAX_BYTES) {
    throw new SpecError(
      "spec",
      `the ${plan.engine} engine's WebAssembly kernel for this model needs about ${gib(need.wasmBytes)} GiB, more than the ${gib(WASM_ARENA_MAX_BYTES)} GiB one kernel can address: use a smaller width${plan.engine === "dense" ? " (or --engine reduced where the weights are Gaussian and iid)" : ""}`,
    );
  }
  const have = totalmem();
  if (need.bytes > 0.8 * have) {
    const advice =
      mode === "memory"
        ? "use fewer samples, --stream (samples written as they come), --shard i/k, or a smaller model"
        : mode === "shard"
          ? "use more shards (a larger k in --shard i/k), or a smaller model"
          : "use fewer threads or a smaller model";
    throw new SpecError(
      "spec",
      `this run needs about ${gib(need.bytes)} GiB of memory (samples x observables, engine buffers for ${workers} worker(s)); this machine has ${gib(have)} GiB: ${advice}`,
    );
  }
}

export async function simulateParallel(
  spec: ModelSpec,
  opts: SimulateOptions,
  popts: ParallelOptions = {},
): Promise<SimulationResult> {
  const plan = makePlan(spec, opts);
  checkMemory(plan, popts.threads ?? defaultThreads());
  const all = Array.from({ length: plan.chunks }, (_, c) => c);
  const into = runColumns(plan, (popts.threads ?? defaultThreads()) > 1);
  return assemble(plan, await runChunksParallel(plan, all, { ...popts, into }), into);
}
