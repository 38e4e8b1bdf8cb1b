/**
 * The files of a simulation result (`simulate --out`, `merge`), written into a staging folder that
 * result-folder.ts swaps into place:
 *
 *   summaries.json  deterministic: plan (spec, seed, samples, engine, observables, chunking), stats,
 *                   mergeable summaries, quantiles, and the SHA-256 of the samples. Byte-identical for the
 *                   same plan, whatever the threads, shards or machine.
 *   samples.arrow   every sample of every observable (Arrow IPC file), plus a `sample` index column.
 *   samples.csv     the same as CSV (up to 10^6 samples).
 *   samples.parquet the same, tidy: also a column per parameter of the spec (family, width, depth, ...),
 *                   engine, seed; key/value metadata: the plan and its hash.
 *   summaries.parquet, summaries.csv  one row per observable: parameters, mean +- SE, variance +- SE,
 *                   quantiles (null when streamed), non-finite count.
 *   theory.parquet, theory.csv  with --theory: every theory that applies, with z-scores.
 *   result.json     summaries.json plus run metadata (version, wall time, threads, machine, date).
 *   manifest.json   written last: every file's size and SHA-256 (result-folder.ts).
 * With `simulate --stream` the samples go to disk chunk by chunk (StreamedSimulationWriter) and memory
 * stays bounded by the summaries; such a result has no exact quantiles ("quantiles": null).
 * `verifyResult` recomputes everything a folder states from its samples and checks every file.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  createWriteStream,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeSync,
  type WriteStream,
} from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import type { ChunkResult, Plan, SimulationResult } from "../../simulate.js";
import { SpecError } from "../../spec/errors.js";
import { quantiles } from "../../stats/quantile.js";
import { emptySummary, merge, type Summary, stats as summaryStats, summarize } from "../../stats/summary.js";
import { faultPoint, toJson, writeFileAtomic } from "../io.js";
import { planHash } from "./chunk-codec.js";
import { csvCell } from "../exports.js";
import { parquetBytes, tableCsv } from "../exports.js";
import { simulationColumns, summariesTable, type TidyTable } from "../../runner/tidy.js";
import { ParquetStream, parquetInfo, readParquetColumn } from "./parquet-file.js";
import { hashFile, listFiles, MANIFEST, type Manifest } from "./result-folder.js";

// Apache Arrow takes 0.2 s to load: only the commands that write or read samples.arrow load it.
const require = createRequire(import.meta.url);
const arrow = () => require("apache-arrow") as typeof import("apache-arrow");

/** Up to this many samples a result also has samples.csv. */
export const CSV_MAX_SAMPLES = 1e6;

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

/** What the manifest of a simulation result records besides its files. */
export const simulationManifest = (plan: Plan) => ({ kind: "simulation", planHash: planHash(plan) });

const csvRows = (
  keys: readonly string[],
  cols: readonly Float64Array[],
  start: number,
  end: number,
  base: number,
) => {
  const lines: string[] = [];
  for (let i = start; i < end; i++)
    lines.push(`${[i + base, ...keys.map((_, o) => cols[o][i])].join(",")}\n`);
  return lines.join("");
};

/** samples.csv's header: "sample" and the observable keys (quoted where a pair of inputs has a comma). */
const csvHeader = (keys: readonly string[]) => ["sample", ...keys].map(csvCell).join(",");

/** Write CSV rows in blocks (never one giant string). */
function writeCsv(path: string, keys: readonly string[], cols: readonly Float64Array[], n: number): void {
  const fd = openSync(path, "w");
  try {
    const put = (s: string) => {
      const b = Buffer.from(s);
      faultPoint(b.length);
      let at = 0;
      while (at < b.length) at += writeSync(fd, b, at);
    };
    put(`${csvHeader(keys)}\n`);
    for (let i = 0; i < n; i += 8192) put(csvRows(keys, cols, i, Math.min(n, i + 8192), 0));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The key/value metadata of a simulation's Parquet files: its plan and the plan's hash. */
const planMetadata = (plan: Plan) => ({
  "deeplimits.plan": JSON.stringify(plan),
  "deeplimits.planHash": planHash(plan),
});

/** summaries.{parquet,csv} and the extra tables (e.g. theory) of a simulation. */
function writeTables(
  dir: string,
  plan: Plan,
  sim: Pick<SimulationResult, "stats"> & Partial<Pick<SimulationResult, "quantiles">>,
  extra: readonly TidyTable[],
): void {
  const metadata = planMetadata(plan);
  const summaries = summariesTable(
    "simulate",
    [{ key: {}, label: "", spec: plan.spec, sim: { plan, ...sim } }],
    metadata,
    true,
  );
  for (const t of [summaries, ...extra.map((x) => ({ ...x, metadata: { ...metadata, ...x.metadata } }))]) {
    writeFileAtomic(join(dir, `${t.name}.parquet`), parquetBytes(t));
    writeFileAtomic(join(dir, `${t.name}.csv`), tableCsv(t));
  }
}

/**
 * Write summaries.json, samples.arrow, samples.csv (up to 10^6 samples), samples.parquet,
 * summaries.{parquet,csv}, the extra tables and result.json into dir.
 */
export function writeSimulation(
  dir: string,
  r: SimulationResult,
  meta: Record<string, unknown>,
  extra: readonly TidyTable[] = [],
): void {
  const det = deterministicSummary(r);
  const keys = r.plan.observables;
  const cols: Record<string, Float64Array> = {
    sample: Float64Array.from({ length: r.plan.samples }, (_, i) => i),
  };
  for (const key of keys) cols[key] = r.samples[key];
  writeFileAtomic(join(dir, "samples.arrow"), arrow().tableToIPC(arrow().tableFromArrays(cols), "file"));
  writeFileAtomic(
    join(dir, "samples.parquet"),
    parquetBytes({
      name: "samples",
      columns: simulationColumns(
        r.plan,
        0,
        keys.map((k) => r.samples[k]),
      ),
      metadata: planMetadata(r.plan),
    }),
  );
  writeTables(dir, r.plan, r, extra);
  if (r.plan.samples <= CSV_MAX_SAMPLES)
    writeCsv(
      join(dir, "samples.csv"),
      keys,
      keys.map((k) => r.samples[k]),
      r.plan.samples,
    );
  writeFileAtomic(join(dir, "summaries.json"), toJson(det));
  writeFileAtomic(join(dir, "result.json"), toJson({ ...meta, ...det }));
}

/**
 * Writes a simulation whose samples do not fit in memory into a (staging) folder: chunks arrive in
 * sample order and go straight to samples.arrow (one record batch per chunk) and, up to 10^6 samples,
 * samples.csv. finish() writes summaries.json and result.json; exact quantiles need every sample at
 * once, so a streamed result carries none (compute them from samples.arrow).
 */
export class StreamedSimulationWriter {
  private readonly arrow = new (arrow().RecordBatchFileWriter)();
  private readonly arrowOut: WriteStream;
  private readonly csvOut: WriteStream | null;
  private readonly parquet: ParquetStream;
  private readonly hasher: SamplesHasher;
  private summaries: Summary[];

  constructor(
    private readonly dir: string,
    private readonly plan: Plan,
  ) {
    this.arrowOut = createWriteStream(join(dir, "samples.arrow"));
    this.arrow.toNodeStream().pipe(this.arrowOut);
    if (plan.samples <= CSV_MAX_SAMPLES) {
      this.csvOut = createWriteStream(join(dir, "samples.csv"));
      this.csvOut.write(`${csvHeader(plan.observables)}\n`);
    } else this.csvOut = null;
    this.parquet = new ParquetStream(join(dir, "samples.parquet"), planMetadata(plan));
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
    faultPoint(8 * (r.end - r.start) * (r.columns.length + 1));
    for (const b of arrow().tableFromArrays(cols).batches) this.arrow.write(b);
    this.csvOut?.write(csvRows(this.plan.observables, r.columns, 0, r.end - r.start, r.start));
    this.parquet.write(simulationColumns(this.plan, r.start, r.columns));
    // Back-pressure: give the Arrow pipe a turn of the event loop, then let the disk catch up before
    // more chunks are produced.
    await new Promise<void>((ok) => setImmediate(ok));
    for (const w of [this.arrowOut, this.csvOut]) {
      if (w?.writableNeedDrain) await new Promise<void>((ok) => w.once("drain", () => ok()));
    }
  }

  /** Close the files and write the summaries and extra tables; returns the deterministic summary. */
  async finish(
    meta: Record<string, unknown>,
    extra: (stats: SimulationResult["stats"]) => TidyTable[] = () => [],
  ) {
    this.parquet.finish();
    await this.close();
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
    writeTables(this.dir, this.plan, { stats }, extra(stats));
    writeFileAtomic(join(this.dir, "summaries.json"), toJson(det));
    writeFileAtomic(join(this.dir, "result.json"), toJson({ ...meta, ...det }));
    return det;
  }

  /** Close the files (also after a failure, before the staging folder is removed). */
  async close(): Promise<void> {
    this.parquet.abort();
    const closed = (w: WriteStream) =>
      new Promise<void>((ok, fail) => {
        if (w.closed) ok();
        else w.on("close", ok).on("error", fail);
      });
    const waits = [closed(this.arrowOut)];
    this.arrow.finish();
    if (this.csvOut) {
      waits.push(closed(this.csvOut));
      this.csvOut.end();
    }
    await Promise.all(waits);
  }
}

// ---- verify --------------------------------------------------------------------------------------

export interface Check {
  what: string;
  ok: boolean;
  detail: string;
}

const same = (a: unknown, b: unknown) => toJson(a) === toJson(b);

/** The statistics a plan's chunks give for one column (chunk summaries merged in chunk order). */
function chunkedSummary(plan: Plan, col: Float64Array): Summary {
  let s = emptySummary();
  for (let start = 0; start < plan.samples; start += plan.chunkSize) {
    s = merge(s, summarize(col.subarray(start, Math.min(plan.samples, start + plan.chunkSize))));
  }
  return s;
}

/** The lines of a text file, read in blocks (files larger than the longest string work). */
function* linesOf(path: string): Generator<string> {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(1 << 23);
    let carry = "";
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const parts = (carry + buf.toString("utf8", 0, n)).split("\n");
      carry = parts.pop() ?? "";
      yield* parts;
    }
    if (carry !== "") yield carry;
  } finally {
    closeSync(fd);
  }
}

/** Parse samples.csv and compare every value with the samples (exact: numbers print round-trip). */
function checkCsv(
  path: string,
  keys: readonly string[],
  samples: Record<string, Float64Array>,
  n: number,
): string | null {
  let row = -1;
  for (const line of linesOf(path)) {
    if (row === -1) {
      if (line !== csvHeader(keys)) return "its header differs from the plan's observables";
    } else {
      if (row >= n) return `it has more rows than the result's ${n} samples`;
      const cells = line.split(",");
      if (cells.length !== keys.length + 1 || Number(cells[0]) !== row) return `row ${row} is malformed`;
      for (let o = 0; o < keys.length; o++) {
        if (!Object.is(Number(cells[o + 1]), samples[keys[o]][row]))
          return `sample ${row} of ${keys[o]} is ${cells[o + 1]} in the CSV, ${samples[keys[o]][row]} in samples.arrow`;
      }
    }
    row++;
  }
  return row === n ? null : `it has ${Math.max(row, 0)} rows, the result ${n} samples`;
}

/** samples.parquet against the samples: rows, plan hash, sample index and every value (bit for bit). */
async function checkParquet(
  path: string,
  plan: Plan,
  samples: Record<string, Float64Array>,
): Promise<string | null> {
  if (!existsSync(path)) return "missing";
  try {
    const info = parquetInfo(path);
    if (info.rows !== plan.samples) return `has ${info.rows} rows, the plan ${plan.samples} samples`;
    if (info.metadata["deeplimits.planHash"] !== planHash(plan))
      return "belongs to another plan (plan hash differs)";
    const index = await readParquetColumn(path, "sample");
    for (let i = 0; i < plan.samples; i++)
      if (index[i] !== i) return `row ${i} has sample index ${String(index[i])}`;
    for (const key of plan.observables) {
      const col = await readParquetColumn(path, key);
      for (let i = 0; i < plan.samples; i++)
        if (!Object.is(col[i], samples[key][i]))
          return `sample ${i} of ${key} is ${String(col[i])}, ${samples[key][i]} in samples.arrow`;
    }
    return null;
  } catch (e) {
    return `unreadable (${(e as Error).message})`;
  }
}

/**
 * Check a result folder: every file against the manifest, the samples' hash, the statistics, summaries
 * and quantiles recomputed from samples.arrow, samples.csv and samples.parquet value by value, and result.json against
 * summaries.json. A folder that is not a result is a SpecError (exit 2).
 */
export async function verifyResult(dir: string): Promise<{ ok: boolean; checks: Check[] }> {
  const checks: Check[] = [];
  const add = (what: string, problem: string | null, fine = "ok") =>
    checks.push({ what, ok: problem === null, detail: problem ?? fine });
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new SpecError("verify", `${dir} is not a folder`);
  if (!existsSync(join(dir, "summaries.json")))
    throw new SpecError("verify", `${dir} is not a simulation result folder (it has no summaries.json)`);
  let det: ReturnType<typeof deterministicSummary> & { streamed?: boolean };
  try {
    det = JSON.parse(readFileSync(join(dir, "summaries.json"), "utf8"));
  } catch (e) {
    add("summaries.json", `unreadable (${(e as Error).message})`);
    return { ok: false, checks };
  }
  // 1. Files against the manifest.
  let manifest: Manifest | null = null;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8"));
  } catch {
    add(MANIFEST, "missing or unreadable: the folder is not a whole result (or an older version wrote it)");
  }
  if (manifest) {
    const listed = new Set(Object.keys(manifest.files ?? {}));
    for (const [f, m] of Object.entries(manifest.files ?? {})) {
      const p = join(dir, f);
      if (!existsSync(p)) add(f, "listed in the manifest but missing");
      else if (statSync(p).size !== m.bytes)
        add(f, `has ${statSync(p).size} bytes, the manifest says ${m.bytes}`);
      else
        add(
          f,
          hashFile(p) === m.sha256 ? null : "its SHA-256 differs from the manifest's",
          "matches the manifest",
        );
    }
    for (const f of listFiles(dir)) {
      if (f === MANIFEST || listed.has(f)) continue;
      const ours =
        /^(samples\.(arrow|csv|parquet)|summaries\.(json|csv|parquet)|theory\.(csv|parquet)|result\.json|partial\.json)$/.test(
          f,
        );
      if (ours) add(f, "is not listed in the manifest: it belongs to another run");
    }
    if (manifest.planHash !== undefined)
      add(
        "plan",
        manifest.planHash === planHash(det.plan) ? null : "summaries.json's plan is not the manifest's",
      );
  }
  // 2. Samples, hash and statistics recomputed.
  const plan = det.plan;
  let table: ReturnType<ReturnType<typeof arrow>["tableFromIPC"]>;
  try {
    table = arrow().tableFromIPC(readFileSync(join(dir, "samples.arrow")));
  } catch (e) {
    add("samples.arrow", `unreadable (${(e as Error).message})`);
    return { ok: false, checks };
  }
  const samples: Record<string, Float64Array> = {};
  for (const key of plan.observables) {
    const col = table.getChild(key);
    if (!col) {
      add("samples.arrow", `has no column ${key}`);
      return { ok: false, checks };
    }
    samples[key] = Float64Array.from(col.toArray() as Float64Array);
  }
  const rows = table.numRows;
  if (rows !== plan.samples) {
    add("samples.arrow", `has ${rows} rows, the plan ${plan.samples} samples`);
    return { ok: false, checks };
  }
  const computed = samplesHash(plan, samples);
  add(
    "samples",
    computed === det.samplesSha256
      ? null
      : `SHA-256 ${computed}, summaries.json records ${det.samplesSha256}`,
    `SHA-256 ${computed}`,
  );
  const summaries: Record<string, Summary> = {};
  const stats: Record<string, unknown> = {};
  const qs: Record<string, Record<string, number>> = {};
  for (const key of plan.observables) {
    summaries[key] = chunkedSummary(plan, samples[key]);
    stats[key] = summaryStats(summaries[key]);
    if (!det.streamed) qs[key] = quantiles(samples[key]);
  }
  add(
    "stats",
    same(stats, det.stats) ? null : "summaries.json's statistics differ from those of the samples",
  );
  add(
    "summaries",
    same(summaries, det.summaries) ? null : "summaries.json's mergeable summaries differ from the samples'",
  );
  if (!det.streamed)
    add("quantiles", same(qs, det.quantiles) ? null : "summaries.json's quantiles differ from the samples'");
  // 3. The CSV copy and result.json.
  const csv = join(dir, "samples.csv");
  if (existsSync(csv))
    add(
      "samples.csv",
      checkCsv(csv, plan.observables, samples, plan.samples),
      "every value equals samples.arrow's",
    );
  else if (plan.samples <= CSV_MAX_SAMPLES) add("samples.csv", "missing");
  add(
    "samples.parquet",
    await checkParquet(join(dir, "samples.parquet"), plan, samples),
    "every value equals samples.arrow's",
  );
  try {
    const full = JSON.parse(readFileSync(join(dir, "result.json"), "utf8"));
    const keys = Object.keys(det) as (keyof typeof det)[];
    add("result.json", keys.every((k) => same(full[k], det[k])) ? null : "differs from summaries.json");
  } catch {
    add("result.json", "missing or unreadable");
  }
  return { ok: checks.every((c) => c.ok), checks };
}
