/** Worker-thread task: run one chunk of a plan (see simulate.ts for the determinism contract). */
import { type ChunkResult, type Plan, runChunk } from "../simulate.js";

export default function task({ plan, chunk }: { plan: Plan; chunk: number }): ChunkResult {
  return runChunk(plan, chunk);
}
