/**
 * Parallel simulation on worker threads (piscina). Chunks are fixed by the plan, so the result is
 * bit-identical to `simulate` in one thread whatever the number of workers.
 */
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import {
  assemble,
  type ChunkResult,
  makePlan,
  runChunk,
  type SimulateOptions,
  type SimulationResult,
} from "../simulate.js";
import type { ModelSpec } from "../spec/index.js";

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

export interface ParallelOptions {
  threads?: number;
  onProgress?: (done: number, total: number) => void;
}

let pool: Piscina | null = null;
let poolThreads = 0;

function getPool(threads: number): Piscina {
  if (pool && poolThreads === threads) return pool;
  void pool?.destroy();
  pool = new Piscina({
    filename: new URL("./worker.js", import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
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

export async function simulateParallel(
  spec: ModelSpec,
  opts: SimulateOptions,
  popts: ParallelOptions = {},
): Promise<SimulationResult> {
  const plan = makePlan(spec, opts);
  const threads = Math.max(1, Math.min(popts.threads ?? defaultThreads(), plan.chunks));
  let done = 0;
  const note = (r: ChunkResult) => {
    done += r.end - r.start;
    popts.onProgress?.(done, plan.samples);
    return r;
  };
  if (threads === 1) {
    const results: ChunkResult[] = [];
    for (let c = 0; c < plan.chunks; c++) results.push(note(runChunk(plan, c)));
    return assemble(plan, results);
  }
  const p = getPool(threads);
  const results = await Promise.all(
    Array.from({ length: plan.chunks }, (_, chunk) =>
      p.run({ plan, chunk }).then((r: ChunkResult) => note(r)),
    ),
  );
  return assemble(plan, results);
}
