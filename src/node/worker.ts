/** Worker-thread task: run chunks of a plan, a result each (see simulate.ts for the determinism contract). */
import { deserialize } from "node:v8";
import { type ChunkResult, type Plan, runChunk } from "../simulate.js";

/** The last plan this worker deserialized, by the id the main thread gave it (node/parallel.ts planTask). */
let cached: { id: number; plan: Plan } | null = null;

/** A task that takes chunks from a queue returns after about this much work (or when none are left). */
const TASK_MS = 50;

/**
 * Runs the given chunks, or takes chunks from `queue` (a shared counter, then the chunk indices; see
 * node/parallel.ts runChunksParallel) for about TASK_MS. With `into` (the run's columns in shared
 * memory) the chunks are written there, and only their summaries travel back; otherwise their columns
 * are returned (copied to the caller).
 */
export default function task({
  planId,
  planBytes,
  chunks,
  queue,
  into,
}: {
  planId: number;
  planBytes: Uint8Array;
  chunks?: number[];
  queue?: Int32Array;
  into?: Float64Array[];
}): ChunkResult[] {
  if (cached?.id !== planId) cached = { id: planId, plan: deserialize(planBytes) as Plan };
  const plan = cached.plan;
  const run = (chunk: number) => {
    const r = runChunk(plan, chunk, into);
    return into ? { ...r, columns: [] } : r;
  };
  if (chunks) return chunks.map(run);
  const out: ChunkResult[] = [];
  const n = queue!.length - 1;
  const t0 = performance.now();
  do {
    const i = Atomics.add(queue!, 0, 1);
    if (i >= n) break;
    out.push(run(queue![1 + i]));
  } while (performance.now() - t0 < TASK_MS);
  return out;
}
