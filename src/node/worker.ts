/** Worker-thread task: run one chunk of a plan (see simulate.ts for the determinism contract). */
import { type ChunkResult, type Plan, runChunk } from "../simulate.js";

/**
 * With `into` (the run's columns in shared memory) the chunk is written there, and only its summaries
 * travel back; otherwise its columns are returned (copied to the caller).
 */
export default function task({
  plan,
  chunk,
  into,
}: {
  plan: Plan;
  chunk: number;
  into?: Float64Array[];
}): ChunkResult {
  const r = runChunk(plan, chunk, into);
  return into ? { ...r, columns: [] } : r;
}
