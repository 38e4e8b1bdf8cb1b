/**
 * `simulate --checkpoint / --resume`: one file per finished chunk under <out>/.chunks, each a chunk
 * record (chunk-codec.ts) naming its plan by hash, next to plan.json. A run without --resume starts
 * from an empty folder (old chunks are removed, never mixed in); --resume refuses a checkpoint of
 * another plan and any chunk file that is cut, changed or not the chunk it claims to be (exit 2, the
 * file named).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ChunkResult, Plan } from "../../simulate.js";
import { type ParallelOptions, runChunksParallel } from "../parallel.js";
import { SpecError } from "../../spec/errors.js";
import { emptySummary, merge, stats as summaryStats } from "../../stats/summary.js";
import { toJson, writeFileAtomic } from "../io.js";
import { CodecError, decodeChunk, encodeChunk, planHash } from "./chunk-codec.js";

/** The checkpoint folder of a result folder: one file per completed chunk, plus the plan. */
export const checkpointDir = (dir: string) => join(dir, ".chunks");
const chunkFile = (c: number) => `chunk-${c}.bin`;

/** Start (or continue) a checkpoint: record the plan; with resume, return the chunks already done. */
export function openCheckpoint(dir: string, plan: Plan, resume: boolean): ChunkResult[] {
  const ck = checkpointDir(dir);
  const planPath = join(ck, "plan.json");
  const hash = planHash(plan);
  if (resume && existsSync(planPath)) {
    const saved = readFileSync(planPath, "utf8");
    if (saved !== toJson({ planHash: hash, plan })) {
      throw new SpecError(
        "--resume",
        `the checkpoint in ${ck} belongs to a different run (spec, seed, samples, engine or observables differ)`,
      );
    }
    const done: ChunkResult[] = [];
    for (const f of readdirSync(ck).sort()) {
      if (f === "plan.json") continue;
      if (/^\..*\.tmp$/.test(f)) {
        rmSync(join(ck, f), { force: true }); // a write cut short by the kill: never renamed into place
        continue;
      }
      const m = /^chunk-(\d+)\.bin$/.exec(f);
      if (!m) {
        throw new SpecError(
          "--resume",
          `${join(ck, f)} is not a chunk of this checkpoint: remove it, or start without --resume`,
        );
      }
      try {
        const bytes = readFileSync(join(ck, f));
        const { chunk, next } = decodeChunk(bytes, plan, hash);
        if (chunk.chunk !== Number(m[1])) throw new CodecError(`holds chunk ${chunk.chunk}`);
        if (next !== bytes.length) throw new CodecError(`has ${bytes.length - next} bytes after its record`);
        done.push(chunk);
      } catch (e) {
        if (!(e instanceof CodecError)) throw e;
        throw new SpecError(
          "--resume",
          `${join(ck, f)} ${e.message}: delete that file to recompute its chunk, or start without --resume`,
        );
      }
    }
    return done;
  }
  // A new run: nothing of an earlier run may survive into this one.
  rmSync(ck, { recursive: true, force: true });
  writeFileAtomic(planPath, toJson({ planHash: hash, plan }));
  return [];
}

export function saveChunk(dir: string, plan: Plan, r: ChunkResult, hash = planHash(plan)): void {
  writeFileAtomic(join(checkpointDir(dir), chunkFile(r.chunk)), encodeChunk(hash, r));
}

/**
 * Run the chunks the checkpoint in dir lacks (all of them without resume), saving each as it finishes.
 * `done` receives the saved chunks first, then each new one as it lands, so that a caller stopped
 * midway (SIGINT) still holds what was saved; it is returned whole at the end.
 */
export async function runCheckpointed(
  plan: Plan,
  dir: string,
  resume: boolean,
  popts: ParallelOptions,
  done: ChunkResult[] = [],
): Promise<ChunkResult[]> {
  done.push(...openCheckpoint(dir, plan, resume));
  const hash = planHash(plan);
  const have = new Set(done.map((c) => c.chunk));
  const missing = Array.from({ length: plan.chunks }, (_, c) => c).filter((c) => !have.has(c));
  await runChunksParallel(plan, missing, {
    ...popts,
    doneBefore: done.reduce((a, c) => a + c.end - c.start, 0),
    onChunk: (c) => {
      saveChunk(dir, plan, c, hash);
      done.push(c);
    },
  });
  return done;
}

export function clearCheckpoint(dir: string): void {
  rmSync(checkpointDir(dir), { recursive: true, force: true });
}

/** Summaries of the chunks done so far (merged in chunk order), for a stopped run. */
export function partialSummary(plan: Plan, done: readonly ChunkResult[]) {
  const sorted = [...done].sort((a, b) => a.chunk - b.chunk);
  const stats: Record<string, unknown> = {};
  plan.observables.forEach((key, o) => {
    let s = emptySummary();
    for (const r of sorted) s = merge(s, r.summaries[o]);
    stats[key] = summaryStats(s);
  });
  return {
    partial: true,
    plan,
    chunksDone: sorted.map((r) => r.chunk),
    samplesDone: sorted.reduce((a, r) => a + r.end - r.start, 0),
    stats,
  };
}
