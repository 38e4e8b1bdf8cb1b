/**
 * Shard files: `simulate --shard i/k` (one plan) and `run|reproduce --shard i/k` (every simulation the
 * experiments plan, plus their training units). Both are containers (container.ts) of chunk records
 * (chunk-codec.ts): each record names its plan by hash and carries a checksum, so `merge` refuses a
 * shard of another run, a changed value or a cut file, naming the file (exit 2).
 */
import { join } from "node:path";
import { assemble, type ChunkResult, type Plan, type SimulationResult } from "../../simulate.js";
import { SpecError } from "../../spec/errors.js";
import { toJson } from "../io.js";
import { decodeUnit, encodeUnit, type MemoEntry } from "../memo.js";
import { CodecError, decodeChunk, encodeChunk, planHash } from "./chunk-codec.js";
import { readContainer, writeContainer } from "./container.js";

export const SHARD_MAGIC = "DLSHARD1";
export const SIMULATION_SHARD = "deeplimits-shard/2";
export const EXPERIMENT_SHARD = "deeplimits-experiment-shard/2";

/** The chunks of shard i of k: a contiguous block, so shards partition the samples by index. */
export function shardChunks(plan: Plan, index: number, count: number): number[] {
  const lo = Math.floor((index * plan.chunks) / count);
  const hi = Math.floor(((index + 1) * plan.chunks) / count);
  return Array.from({ length: hi - lo }, (_, j) => lo + j);
}

/** Parse "i/k" (0 <= i < k). */
export function parseShard(raw: string): { index: number; count: number } {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(raw.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || !(count >= 1) || !(index >= 0 && index < count) || count > 100000) {
    throw new SpecError("--shard", "must be i/k with integers 0 <= i < k <= 100000 (e.g. --shard 0/4)", raw);
  }
  return { index, count };
}

export function shardFileName(index: number, count: number): string {
  return `shard-${index}-of-${count}.dlshard`;
}

interface PlanEntry {
  plan: Plan;
  planHash: string;
}
interface ShardHeader {
  format: string;
  shard: { index: number; count: number };
  plans: PlanEntry[];
  /** (plan index, chunk index) of each record, in file order. */
  records: [number, number][];
  units?: string[];
}

function* recordsOf(plans: { plan: Plan; results: readonly ChunkResult[] }[], hashes: string[]) {
  for (let p = 0; p < plans.length; p++) {
    for (const r of [...plans[p].results].sort((a, b) => a.chunk - b.chunk)) yield encodeChunk(hashes[p], r);
  }
}

function writeShardFile(
  dir: string,
  format: string,
  index: number,
  count: number,
  plans: { plan: Plan; results: readonly ChunkResult[] }[],
  extra: Record<string, unknown>,
): string {
  const path = join(dir, shardFileName(index, count));
  const hashes = plans.map((p) => planHash(p.plan));
  const header = {
    format,
    ...extra,
    shard: { index, count },
    plans: plans.map((p, i) => ({ plan: p.plan, planHash: hashes[i] })),
    records: plans.flatMap((p, i) =>
      [...p.results]
        .map((r) => r.chunk)
        .sort((a, b) => a - b)
        .map((c) => [i, c]),
    ),
  };
  writeContainer(path, SHARD_MAGIC, JSON.parse(toJson(header)), recordsOf(plans, hashes));
  return path;
}

/** Read one shard file: its header and, per plan, the chunks it holds (every record checked). */
function readShard(
  path: string,
  format: string,
): { header: ShardHeader; chunks: Map<number, ChunkResult>[] } {
  const { header, bytes, offsets } = readContainer<ShardHeader>(path, SHARD_MAGIC, "merge");
  if (header.format !== format)
    throw new SpecError(
      "merge",
      `${path} is a ${header.format ?? "unknown"} file, not ${format}: merge shards of one command`,
    );
  if (!Array.isArray(header.plans)) throw new SpecError("merge", `${path} has no plan list`);
  for (const p of header.plans) {
    if (planHash(p.plan) !== p.planHash)
      throw new SpecError("merge", `${path} is damaged: a plan does not match its hash`);
  }
  const chunks = header.plans.map(() => new Map<number, ChunkResult>());
  header.records.forEach((rec, i) => {
    const p = Array.isArray(rec) ? rec[0] : -1;
    const entry = header.plans[p];
    if (!entry) throw new SpecError("merge", `${path} is damaged: record ${i} names no plan`);
    let c: ChunkResult;
    try {
      c = decodeChunk(bytes, entry.plan, entry.planHash, offsets[i]).chunk;
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      throw new SpecError("merge", `${path}: record ${i} (chunk ${rec[1]}) ${e.message}`);
    }
    if (c.chunk !== rec[1])
      throw new SpecError("merge", `${path} is damaged: record ${i} is not chunk ${rec[1]}`);
    if (chunks[p].has(c.chunk)) throw new SpecError("merge", `chunk ${c.chunk} appears twice (${path})`);
    chunks[p].set(c.chunk, c);
  });
  return { header, chunks };
}

export function writeShard(
  dir: string,
  plan: Plan,
  index: number,
  count: number,
  results: ChunkResult[],
  meta: Record<string, unknown>,
): string {
  return writeShardFile(dir, SIMULATION_SHARD, index, count, [{ plan, results }], meta);
}

/** The format of a shard file (SIMULATION_SHARD or EXPERIMENT_SHARD). */
export function shardFormat(path: string): string {
  return readContainer<ShardHeader>(path, SHARD_MAGIC, "merge").header.format ?? "";
}

/** Merge shard files into the unsharded result (checks they share one plan and cover every chunk once). */
export function mergeShards(paths: readonly string[]): SimulationResult {
  if (paths.length === 0) throw new SpecError("merge", "needs at least one shard file");
  let first: PlanEntry | null = null;
  const all = new Map<number, ChunkResult>();
  for (const path of paths) {
    const { header, chunks } = readShard(path, SIMULATION_SHARD);
    const entry = header.plans[0];
    if (header.plans.length !== 1)
      throw new SpecError("merge", `${path} is damaged: a simulate shard has one plan`);
    if (first === null) first = entry;
    else if (entry.planHash !== first.planHash) {
      throw new SpecError(
        "merge",
        `shard ${path} comes from a different run (spec, seed, samples, engine or observables differ)`,
      );
    }
    for (const [c, r] of chunks[0]) {
      if (all.has(c)) throw new SpecError("merge", `chunk ${c} appears twice (${path})`);
      all.set(c, r);
    }
  }
  const plan = (first as PlanEntry).plan;
  const missing = Array.from({ length: plan.chunks }, (_, c) => c).filter((c) => !all.has(c));
  if (missing.length > 0) {
    throw new SpecError(
      "merge",
      `missing chunks ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", ..." : ""}: give every shard`,
    );
  }
  return assemble(plan, [...all.values()]);
}

// ---- experiment shards (run / reproduce --shard) -------------------------------------------------

export interface ExperimentShardHeader {
  command: "run" | "reproduce" | "sweep";
  experiments: string[];
  only?: string;
  /** `sweep --shard`: the sweep definition (merge rebuilds the sweep from it). */
  sweep?: unknown;
  options: { samples?: number; seed?: number; engine: string; full: boolean; data?: string };
}

export function writeExperimentShard(
  dir: string,
  header: ExperimentShardHeader,
  index: number,
  count: number,
  plans: { plan: Plan; results: ChunkResult[] }[],
  units: readonly MemoEntry[],
  meta: Record<string, unknown>,
): string {
  // Units of long work (training runs), with non-finite numbers kept (see memo.ts).
  return writeShardFile(dir, EXPERIMENT_SHARD, index, count, plans, {
    ...meta,
    ...header,
    units: units.map((u) => encodeUnit(u)),
  });
}

/** Merge experiment shards: the header they share and every simulation's assembled result, by plan. */
export function mergeExperimentShards(paths: readonly string[]): {
  header: ExperimentShardHeader;
  results: Map<string, SimulationResult>;
  units: Map<string, unknown>;
} {
  if (paths.length === 0) throw new SpecError("merge", "needs at least one shard file");
  const units = new Map<string, unknown>();
  let header: ExperimentShardHeader | null = null;
  let headerJson = "";
  const byPlan = new Map<string, { plan: Plan; chunks: Map<number, ChunkResult> }>();
  for (const path of paths) {
    const { header: doc, chunks } = readShard(path, EXPERIMENT_SHARD);
    const d = doc as unknown as ShardHeader & ExperimentShardHeader;
    const h: ExperimentShardHeader = {
      command: d.command,
      experiments: d.experiments,
      only: d.only,
      options: d.options,
      ...(d.sweep === undefined ? {} : { sweep: d.sweep }),
    };
    const hj = JSON.stringify(h);
    if (header === null) {
      header = h;
      headerJson = hj;
    } else if (hj !== headerJson)
      throw new SpecError("merge", `shard ${path} comes from a different command or options`);
    for (const text of d.units ?? []) {
      let u: MemoEntry;
      try {
        u = decodeUnit<MemoEntry>(text);
      } catch {
        throw new SpecError("merge", `${path} is damaged: a training unit does not decode`);
      }
      if (units.has(u.key)) throw new SpecError("merge", `a training unit appears twice (${path})`);
      units.set(u.key, u.value);
    }
    d.plans.forEach(({ plan, planHash: hash }, p) => {
      const entry = byPlan.get(hash) ?? { plan, chunks: new Map<number, ChunkResult>() };
      byPlan.set(hash, entry);
      for (const [c, r] of chunks[p]) {
        if (entry.chunks.has(c))
          throw new SpecError("merge", `chunk ${c} of a simulation appears twice (${path})`);
        entry.chunks.set(c, r);
      }
    });
  }
  const results = new Map<string, SimulationResult>();
  for (const { plan, chunks } of byPlan.values()) {
    if (chunks.size !== plan.chunks) {
      throw new SpecError(
        "merge",
        `a simulation has ${chunks.size} of its ${plan.chunks} chunks: give every shard`,
      );
    }
    results.set(toJson(plan), assemble(plan, [...chunks.values()]));
  }
  return { header: header as ExperimentShardHeader, results, units };
}
