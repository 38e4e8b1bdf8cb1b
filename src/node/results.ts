/**
 * Simulation result files: what `simulate --out`, `--shard` and `merge` write, and their integrity.
 *
 *   summaries.json  deterministic: plan (spec, seed, samples, engine, observables, chunking), stats,
 *                   mergeable summaries, quantiles, and the SHA-256 of the samples. Byte-identical for the
 *                   same plan, whatever the threads, shards or machine.
 *   samples.arrow   every sample of every observable (Arrow IPC file), plus a `sample` index column.
 *   samples.csv     the same as CSV (small runs).
 *   result.json     summaries.json plus run metadata (version, wall time, threads, machine, date).
 * With `simulate --stream` the samples go to disk chunk by chunk (StreamedSimulationWriter) and memory
 * stays bounded by the summaries; such a result has no exact quantiles ("quantiles": null).
 * Shard files (`--shard i/k`): shard-i-of-k.json with the plan and each chunk's summaries and samples
 * (Float64 bytes, base64) for `deeplimits merge`.
 */
import { decodeUnit, encodeUnit, type MemoEntry } from "./memo.js";
import { createHash } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  type WriteStream,
} from "node:fs";
import { join } from "node:path";
import { RecordBatchFileWriter, tableFromArrays, tableFromIPC, tableToIPC } from "apache-arrow";
import { assemble, type ChunkResult, type Plan, type SimulationResult } from "../simulate.js";
import { SpecError } from "../spec/errors.js";
import { emptySummary, merge, type Summary, stats as summaryStats } from "../stats/summary.js";
import { toJson, writeFileAtomic } from "./io.js";

/**
 * SHA-256 of the samples, computable chunk by chunk: the SHA-256 of, for each observable of the plan in
 * order, its key and the hex SHA-256 of its column's little-endian float64 bytes.
 */
export class SamplesHasher {
  private readonly cols: ReturnType<typeof createHash>[];
  constructor(private readonly keys: readonly string[]) {
    this.cols = keys.map(() => createHash("sha256"));
  }
  /** Append values of observable o (in sample order). */
  update(o: number, values: Float64Array): void {
    this.cols[o].update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  digest(): string {
    const h = createHash("sha256");
    this.keys.forEach((k, o) => {
      h.update(k);
      h.update(this.cols[o].digest("hex"));
    });
    return h.digest("hex");
  }
}

export function samplesHash(plan: Plan, samples: Record<string, Float64Array>): string {
  const h = new SamplesHasher(plan.observables);
  plan.observables.forEach((key, o) => h.update(o, samples[key]));
  return h.digest();
}

export function deterministicSummary(r: SimulationResult) {
  return {
    plan: r.plan,
    stats: r.stats,
    quantiles: r.quantiles,
    summaries: r.summaries,
    samplesSha256: samplesHash(r.plan, r.samples),
  };
}

function arrowOf(r: SimulationResult): Uint8Array {
  const cols: Record<string, Float64Array> = {
    sample: Float64Array.from({ length: r.plan.samples }, (_, i) => i),
  };
  for (const key of r.plan.observables) cols[key] = r.samples[key];
  return tableToIPC(tableFromArrays(cols), "file");
}

/** Write summaries.json, samples.arrow, samples.csv (up to 10^6 samples) and result.json into dir. */
export function writeSimulation(dir: string, r: SimulationResult, meta: Record<string, unknown>): void {
  const det = deterministicSummary(r);
  writeFileAtomic(join(dir, "samples.arrow"), arrowOf(r));
  if (r.plan.samples <= 1e6) {
    const keys = r.plan.observables;
    const lines = [["sample", ...keys].join(",")];
    for (let i = 0; i < r.plan.samples; i++) lines.push([i, ...keys.map((k) => r.samples[k][i])].join(","));
    writeFileAtomic(join(dir, "samples.csv"), `${lines.join("\n")}\n`);
  }
  writeFileAtomic(join(dir, "summaries.json"), toJson(det));
  writeFileAtomic(join(dir, "result.json"), toJson({ ...meta, ...det }));
}

/**
 * Writes a simulation whose samples do not fit in memory: chunks arrive in sample order and go straight
 * to samples.arrow (one record batch per chunk) and, up to 10^6 samples, samples.csv, through temporary
 * files renamed at the end. finish() writes summaries.json and result.json; exact quantiles need every
 * sample at once, so a streamed result carries none (compute them from samples.arrow).
 */
export class StreamedSimulationWriter {
  private readonly arrow = new RecordBatchFileWriter();
  private readonly arrowOut: WriteStream;
  private readonly csvOut: WriteStream | null;
  private readonly hasher: SamplesHasher;
  private readonly tmp: string[] = [];
  private summaries: Summary[];

  constructor(
    private readonly dir: string,
    private readonly plan: Plan,
  ) {
    mkdirSync(dir, { recursive: true });
    const tag = `.tmp-${process.pid}-${Date.now()}`;
    const arrowTmp = join(dir, `samples.arrow${tag}`);
    this.tmp.push(arrowTmp);
    this.arrowOut = createWriteStream(arrowTmp);
    this.arrow.toNodeStream().pipe(this.arrowOut);
    if (plan.samples <= 1e6) {
      const csvTmp = join(dir, `samples.csv${tag}`);
      this.tmp.push(csvTmp);
      this.csvOut = createWriteStream(csvTmp);
      this.csvOut.write(`${["sample", ...plan.observables].join(",")}\n`);
    } else this.csvOut = null;
    this.hasher = new SamplesHasher(plan.observables);
    this.summaries = plan.observables.map(() => emptySummary());
  }

  /** Add the next chunk (chunks must come in order); resolves once the files can take more. */
  async write(r: ChunkResult): Promise<void> {
    const cols: Record<string, Float64Array> = {
      sample: Float64Array.from({ length: r.end - r.start }, (_, i) => r.start + i),
    };
    this.plan.observables.forEach((key, o) => {
      cols[key] = r.columns[o];
      this.hasher.update(o, r.columns[o]);
      this.summaries[o] = merge(this.summaries[o], r.summaries[o]);
    });
    for (const b of tableFromArrays(cols).batches) this.arrow.write(b);
    if (this.csvOut) {
      const lines: string[] = [];
      for (let i = r.start; i < r.end; i++)
        lines.push([i, ...r.columns.map((c) => c[i - r.start])].join(","));
      this.csvOut.write(`${lines.join("\n")}\n`);
    }
    // Back-pressure: give the Arrow pipe a turn of the event loop, then let the disk catch up before
    // more chunks are produced.
    await new Promise<void>((ok) => setImmediate(ok));
    for (const w of [this.arrowOut, this.csvOut]) {
      if (w?.writableNeedDrain) await new Promise<void>((ok) => w.once("drain", () => ok()));
    }
  }

  /** Close the files, rename them into place and write the summaries; returns the deterministic summary. */
  async finish(meta: Record<string, unknown>) {
    const closed = (w: WriteStream) => new Promise<void>((ok, fail) => w.on("finish", ok).on("error", fail));
    const waits = [closed(this.arrowOut)];
    this.arrow.finish();
    if (this.csvOut) {
      waits.push(closed(this.csvOut));
      this.csvOut.end();
    }
    await Promise.all(waits);
    renameSync(this.tmp[0], join(this.dir, "samples.arrow"));
    if (this.csvOut) renameSync(this.tmp[1], join(this.dir, "samples.csv"));
    else rmSync(join(this.dir, "samples.csv"), { force: true });
    const summaries = Object.fromEntries(this.plan.observables.map((k, o) => [k, this.summaries[o]]));
    const stats = Object.fromEntries(
      this.plan.observables.map((k, o) => [k, summaryStats(this.summaries[o])]),
    );
    const det = {
      plan: this.plan,
      stats,
      quantiles: null,
      streamed: true,
      summaries,
      samplesSha256: this.hasher.digest(),
    };
    writeFileAtomic(join(this.dir, "summaries.json"), toJson(det));
    writeFileAtomic(join(this.dir, "result.json"), toJson({ ...meta, ...det }));
    return det;
  }

  /** Remove the temporary files of an aborted run. */
  abort(): void {
    for (const t of this.tmp) rmSync(t, { force: true });
  }
}

// ---- shards ------------------------------------------------------------------------------------

/** The chunks of shard i of k: a contiguous block, so shards partition the samples by index. */
export function shardChunks(plan: Plan, index: number, count: number): number[] {
  const lo = Math.floor((index * plan.chunks) / count);
  const hi = Math.floor(((index + 1) * plan.chunks) / count);
  return Array.from({ length: hi - lo }, (_, j) => lo + j);
}

/** Parse "i/k" (0 <= i < k). */
export function parseShard(raw: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || !(count >= 1) || !(index >= 0 && index < count) || count > 100000) {
    throw new SpecError("--shard", "must be i/k with integers 0 <= i < k <= 100000 (e.g. --shard 0/4)", raw);
  }
  return { index, count };
}

const b64 = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
const fromB64 = (s: string) => {
  const buf = Buffer.from(s, "base64");
  const out = new Float64Array(buf.byteLength / 8);
  new Uint8Array(out.buffer).set(buf);
  return out;
};

/** JSON keeps -Infinity/NaN as strings (toJson); turn them back into numbers. */
function reviveSummary(s: Record<string, unknown>): Summary {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(s)) out[k] = typeof v === "string" ? Number(v) : (v as number);
  return out as unknown as Summary;
}

export function shardFileName(index: number, count: number): string {
  return `shard-${index}-of-${count}.json`;
}

export function writeShard(
  dir: string,
  plan: Plan,
  index: number,
  count: number,
  results: ChunkResult[],
  meta: Record<string, unknown>,
): string {
  const path = join(dir, shardFileName(index, count));
  const chunks = [...results]
    .sort((a, b) => a.chunk - b.chunk)
    .map((r) => ({
      chunk: r.chunk,
      start: r.start,
      end: r.end,
      summaries: r.summaries,
      columns: r.columns.map(b64),
    }));
  writeFileAtomic(
    path,
    toJson({ format: "deeplimits-shard/1", ...meta, shard: { index, count }, plan, chunks }),
  );
  return path;
}

/** Merge shard files into the unsharded result (checks they share one plan and cover every chunk once). */
export function mergeShards(paths: readonly string[]): SimulationResult {
  if (paths.length === 0) throw new SpecError("merge", "needs at least one shard file");
  let planJson = "";
  let plan: Plan | null = null;
  const results = new Map<number, ChunkResult>();
  for (const p of paths) {
    let doc: {
      format?: string;
      plan: Plan;
      chunks: {
        chunk: number;
        start: number;
        end: number;
        summaries: Record<string, unknown>[];
        columns: string[];
      }[];
    };
    try {
      doc = JSON.parse(readFileSync(p, "utf8"));
    } catch (e) {
      throw new SpecError("merge", `cannot read shard file ${p}: ${(e as Error).message}`);
    }
    if (doc.format !== "deeplimits-shard/1")
      throw new SpecError("merge", `not a deeplimits shard file: ${p}`);
    const pj = JSON.stringify(doc.plan);
    if (plan === null) {
      plan = doc.plan;
      planJson = pj;
    } else if (pj !== planJson) {
      throw new SpecError(
        "merge",
        `shard ${p} comes from a different run (spec, seed, samples, engine or observables differ)`,
      );
    }
    for (const c of doc.chunks) {
      if (results.has(c.chunk)) throw new SpecError("merge", `chunk ${c.chunk} appears twice (${p})`);
      results.set(c.chunk, {
        chunk: c.chunk,
        start: c.start,
        end: c.end,
        summaries: c.summaries.map((x) => reviveSummary(x as Record<string, unknown>)),
        columns: c.columns.map(fromB64),
      });
    }
  }
  const p = plan as Plan;
  const missing = Array.from({ length: p.chunks }, (_, c) => c).filter((c) => !results.has(c));
  if (missing.length > 0) {
    throw new SpecError(
      "merge",
      `missing chunks ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", ..." : ""}: give every shard`,
    );
  }
  return assemble(p, [...results.values()]);
}

/** Recompute the samples' hash of a result folder and compare with the recorded one. */
export function verifyResult(dir: string): { ok: boolean; recorded: string; computed: string } {
  const det = JSON.parse(readFileSync(join(dir, "summaries.json"), "utf8"));
  let table: ReturnType<typeof tableFromIPC>;
  try {
    table = tableFromIPC(readFileSync(join(dir, "samples.arrow")));
  } catch (e) {
    return {
      ok: false,
      recorded: det.samplesSha256,
      computed: `unreadable samples.arrow (${(e as Error).message})`,
    };
  }
  const plan = det.plan as Plan;
  const samples: Record<string, Float64Array> = {};
  for (const key of plan.observables) {
    const col = table.getChild(key);
    if (!col) throw new SpecError("verify", `samples.arrow has no column ${key}`);
    samples[key] = Float64Array.from(col.toArray() as Float64Array);
  }
  const computed = samplesHash(plan, samples);
  return { ok: computed === det.samplesSha256, recorded: det.samplesSha256, computed };
}

// ---- checkpoints -------------------------------------------------------------------------------

/** The checkpoint folder of a result folder: one file per completed chunk, plus the plan. */
export const checkpointDir = (dir: string) => join(dir, ".chunks");

export function encodeChunk(r: ChunkResult) {
  return { chunk: r.chunk, start: r.start, end: r.end, summaries: r.summaries, columns: r.columns.map(b64) };
}

export function decodeChunk(c: {
  chunk: number;
  start: number;
  end: number;
  summaries: object[];
  columns: string[];
}): ChunkResult {
  return {
    chunk: c.chunk,
    start: c.start,
    end: c.end,
    summaries: c.summaries.map((x) => reviveSummary(x as Record<string, unknown>)),
    columns: c.columns.map(fromB64),
  };
}

/** Start (or continue) a checkpoint: record the plan; with resume, return the chunks already done. */
export function openCheckpoint(dir: string, plan: Plan, resume: boolean): ChunkResult[] {
  const ck = checkpointDir(dir);
  const planPath = join(ck, "plan.json");
  if (resume && existsSync(planPath)) {
    const saved = readFileSync(planPath, "utf8");
    if (saved !== toJson(plan)) {
      throw new SpecError(
        "--resume",
        `the checkpoint in ${ck} belongs to a different run (spec, seed, samples, engine or observables differ)`,
      );
    }
    const done: ChunkResult[] = [];
    for (const f of readdirSync(ck)) {
      if (!/^chunk-\d+\.json$/.test(f)) continue;
      done.push(decodeChunk(JSON.parse(readFileSync(join(ck, f), "utf8"))));
    }
    return done;
  }
  writeFileAtomic(planPath, toJson(plan));
  return [];
}

export function saveChunk(dir: string, r: ChunkResult): void {
  writeFileAtomic(join(checkpointDir(dir), `chunk-${r.chunk}.json`), toJson(encodeChunk(r)));
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

// ---- experiment shards (run / reproduce --shard) -------------------------------------------------

export interface ExperimentShardHeader {
  command: "run" | "reproduce";
  experiments: string[];
  only?: string;
  options: { samples?: number; seed?: number; engine: string; full: boolean; data?: string };
}

type EncodedChunk = ReturnType<typeof encodeChunk>;

export function writeExperimentShard(
  dir: string,
  header: ExperimentShardHeader,
  index: number,
  count: number,
  plans: { plan: Plan; results: ChunkResult[] }[],
  units: readonly MemoEntry[],
  meta: Record<string, unknown>,
): string {
  const path = join(dir, shardFileName(index, count));
  writeFileAtomic(
    path,
    toJson({
      format: "deeplimits-experiment-shard/1",
      ...meta,
      shard: { index, count },
      ...header,
      plans: plans.map((p) => ({
        plan: p.plan,
        chunks: [...p.results].sort((a, b) => a.chunk - b.chunk).map(encodeChunk),
      })),
      // Units of long work (training runs), with non-finite numbers kept (see memo.ts).
      units: units.map((u) => encodeUnit(u)),
    }),
  );
  return path;
}

/** The format of a shard file ("deeplimits-shard/1" for simulate, "deeplimits-experiment-shard/1" for run/reproduce). */
export function shardFormat(path: string): string {
  try {
    return JSON.parse(readFileSync(path, "utf8")).format ?? "";
  } catch (e) {
    throw new SpecError("merge", `cannot read shard file ${path}: ${(e as Error).message}`);
  }
}

/** Merge experiment shards: the header they share and every simulation's assembled result, by plan. */
export function mergeExperimentShards(paths: readonly string[]): {
  header: ExperimentShardHeader;
  results: Map<string, SimulationResult>;
  units: Map<string, unknown>;
} {
  const units = new Map<string, unknown>();
  let header: ExperimentShardHeader | null = null;
  let headerJson = "";
  const byPlan = new Map<string, { plan: Plan; chunks: Map<number, ChunkResult> }>();
  for (const p of paths) {
    const doc = JSON.parse(readFileSync(p, "utf8")) as ExperimentShardHeader & {
      format: string;
      plans: { plan: Plan; chunks: EncodedChunk[] }[];
      units?: string[];
    };
    if (doc.format !== "deeplimits-experiment-shard/1")
      throw new SpecError("merge", `not an experiment shard file: ${p}`);
    const h: ExperimentShardHeader = {
      command: doc.command,
      experiments: doc.experiments,
      only: doc.only,
      options: doc.options,
    };
    const hj = JSON.stringify(h);
    if (header === null) {
      header = h;
      headerJson = hj;
    } else if (hj !== headerJson)
      throw new SpecError("merge", `shard ${p} comes from a different command or options`);
    for (const text of doc.units ?? []) {
      const u = decodeUnit<MemoEntry>(text);
      if (units.has(u.key)) throw new SpecError("merge", `a training unit appears twice (${p})`);
      units.set(u.key, u.value);
    }
    for (const { plan, chunks } of doc.plans) {
      const key = toJson(plan);
      const entry = byPlan.get(key) ?? { plan, chunks: new Map<number, ChunkResult>() };
      byPlan.set(key, entry);
      for (const c of chunks) {
        if (entry.chunks.has(c.chunk))
          throw new SpecError("merge", `chunk ${c.chunk} of a simulation appears twice (${p})`);
        entry.chunks.set(c.chunk, decodeChunk(c));
      }
    }
  }
  const results = new Map<string, SimulationResult>();
  for (const [key, { plan, chunks }] of byPlan) {
    if (chunks.size !== plan.chunks) {
      throw new SpecError(
        "merge",
        `a simulation has ${chunks.size} of its ${plan.chunks} chunks: give every shard`,
      );
    }
    results.set(key, assemble(plan, [...chunks.values()]));
  }
  return { header: header as ExperimentShardHeader, results, units };
}
