/** Worker-thread task: run one chunk of a plan (see simulate.ts for the determinism contract). */
import { deserialize } from "node:v8";
import { type ChunkResult, type Plan, runChunk } from "../simulate.js";

/** The last plan this worker deserialized, by the id the main thread gave it (node/parallel.ts planTask). */
let cached: { id: number; plan: Plan } | null = null;

/**
 * With `into` (the run's columns in shared memory) the chunk is written there, and only its summaries
 * travel back; otherwise its columns are returned (copied to the caller).
 */
export default function task({
  planId,
  planBytes,
  chunk,
  into,
}: {
  planId: number;
  planBytes: Uint8Array;
  chunk: number;
  into?: Float64Array[];
}): ChunkResult {
  if (cached?.id !== planId) cached = { id: planId, plan: deserialize(planBytes) as Plan };
  const r = runChunk(cached.plan, chunk, into);
  return into ? { ...r, columns: [] } : r;
}
