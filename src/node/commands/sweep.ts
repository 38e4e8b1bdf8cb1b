/**
 * `deeplimits sweep`: a model over a grid of spec values, every cell on one shared worker pool, with
 * the tidy tables, every theory that applies (z-scores), a figure, a page and optional claims; from
 * the command line or a sweep file (docs/sweeps.md).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { claimCounts } from "../../claims/index.js";
import { ENGINE_NAMES } from "../../engines/types.js";
import { splitObservableList } from "../../engines/observables.js";
import type { ExperimentContext } from "../../runner/types.js";
import { PRESETS, PRESET_NAMES, SpecError } from "../../spec/index.js";
import {
  CONFIRM_CELLS,
  type GridAxis,
  parseGridAxis,
  parseSweep,
  SWEEP_STATISTICS,
  type SweepDefinition,
  sweepExperiment,
} from "../../sweep/index.js";
import { collect, parseCount, parseEngine, parseThreads } from "../args.js";
import { claimOutput, type OutputClaim, writeResultFolder } from "../formats/result-folder.js";
import { toJson, writeFileAtomic } from "../io.js";
import { checkMemory, type ParallelOptions, simulateParallel } from "../parallel.js";
import { runCheckpointed } from "../formats/checkpoint.js";
import { planHash } from "../formats/chunk-codec.js";
import {
  assemble,
  MAX_SAMPLES,
  makePlan,
  type SimulateOptions,
  type SimulationResult,
} from "../../simulate.js";
import { MAX_SEED } from "../../rng/rng.js";
import type { ModelSpec } from "../../spec/index.js";
import { makeProgress } from "../progress.js";
import {
  type ExperimentRun,
  experimentFiles,
  machine,
  runExperiment,
  VERSION,
  writeExperimentFiles,
  writeSectionPage,
} from "../reproduce.js";
import { stopRequested, throwIfStopped } from "../stop.js";
import { readJsonObject, strictExit } from "./common.js";
import { runExperimentShard } from "./experiment-runs.js";

interface SweepCliOptions {
  set: string[];
  grid: string[];
  claim: string[];
  observables?: string;
  samples?: string;
  seed?: string;
  engine?: string;
  threads?: string;
  x?: string;
  stat?: string;
  logX?: boolean;
  name?: string;
  out?: string;
  shard?: string;
  save?: string;
  checkpoint?: boolean;
  resume?: boolean;
  yes?: boolean;
  strict?: boolean;
  json?: boolean;
}

export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description(
      "simulate a model over a grid of spec values, with theory, figure, tables and claims (docs/sweeps.md)",
    )
    .argument("<model>", `a preset (${PRESET_NAMES.join(", ")}), a spec .json file or a sweep .json file`)
    .option(
      "--grid <field=values>",
      "an axis: depth=10,20,50 | depth=10..100 step 10 | depth=10..1000 log 7 (repeatable)",
      collect,
      [],
    )
    .option("--set <field=value>", "override a spec field in every cell (repeatable)", collect, [])
    .option("--observables <list>", "comma-separated observables (default: the family's)")
    .option("--samples <n>", "samples per cell (default 10000)")
    .option("--seed <s>", "the seed of every cell (default 0; common random numbers across cells)")
    .option("--engine <engine>", `engine: auto (fastest exact), ${ENGINE_NAMES.join(", ")}`)
    .option(
      "--claim <expr>",
      'check a theory on every cell, e.g. "mean(G) = theory" (repeatable; docs/sweeps.md)',
      collect,
      [],
    )
    .option("--x <field>", "the grid axis on the figure's x axis (default: the first numeric axis)")
    .option("--stat <statistic>", `the figure's statistic: ${SWEEP_STATISTICS.join(", ")} (default mean)`)
    .option("--log-x", "log scale on x (default: when the values span 20x or more)")
    .option("--no-log-x", "linear scale on x")
    .option("--name <name>", "the sweep's name (id sweep/<name>; default sweep)")
    .option("--threads <t>", "worker threads (default: all cores)")
    .option("--out <dir>", "output folder (default: runs/sweep-<name>)")
    .option(
      "--shard <i/k>",
      "run only shard i of k of every cell and write a shard file to --out (merge with deeplimits merge)",
    )
    .option("--save <file>", "write the sweep file (JSON) and stop: nothing is sampled")
    .option(
      "--checkpoint",
      "save every cell's finished chunks under --out/.checkpoints (a stopped sweep can --resume)",
    )
    .option(
      "--resume",
      "continue a checkpointed sweep in --out: only the missing chunks of each cell are run",
    )
    .option("--yes", `allow more than ${CONFIRM_CELLS} cells`)
    .option(
      "--strict",
      "exit with code 3 when a claim does not come out as predicted (results are still written)",
    )
    .option("--json", "print JSON only (no table, no progress)")
    .action(sweepCommand);
}

/** The sweep the arguments describe: a sweep file with the command line's additions, or model + grid. */
export function sweepFromArgs(model: string, o: SweepCliOptions): SweepDefinition {
  let base: Record<string, unknown>;
  if (PRESETS[model]) base = { sweep: 1, model, grid: [] };
  else if (model.endsWith(".json")) {
    const json = readJsonObject(
      model,
      `cannot read the file; give a preset (${PRESET_NAMES.join(", ")}), a spec or a sweep .json file`,
      "the file must hold a JSON object (a spec, docs/spec.md, or a sweep, docs/sweeps.md)",
    );
    base = "sweep" in json ? json : { sweep: 1, model: json, grid: [] };
  } else
    throw new SpecError(
      "model",
      `unknown preset; give one of ${PRESET_NAMES.join(", ")}, a spec or a sweep .json file`,
      model,
    );
  const grid = [...((base.grid as GridAxis[] | undefined) ?? [])];
  for (const arg of o.grid) {
    const axis = parseGridAxis(arg);
    const at = grid.findIndex((a) => a?.field === axis.field);
    if (at >= 0)
      grid[at] = axis; // the command line replaces a file's axis
    else grid.push(axis);
  }
  const figure = { ...((base.figure as Record<string, unknown> | undefined) ?? {}) };
  if (o.x !== undefined) figure.x = o.x;
  if (o.stat !== undefined) {
    if (!(SWEEP_STATISTICS as readonly string[]).includes(o.stat))
      throw new SpecError("--stat", `must be one of ${SWEEP_STATISTICS.join(", ")}`, o.stat);
    figure.statistic = o.stat;
  }
  if (o.logX !== undefined) figure.logX = o.logX;
  const raw: Record<string, unknown> = {
    ...base,
    grid,
    set: [...((base.set as string[] | undefined) ?? []), ...o.set],
    claims: [...((base.claims as string[] | undefined) ?? []), ...o.claim],
    figure,
  };
  if (o.observables !== undefined) raw.observables = splitObservableList(o.observables);
  if (o.samples !== undefined) raw.samples = parseCount("--samples", o.samples, 1, MAX_SAMPLES);
  if (o.seed !== undefined) raw.seed = parseCount("--seed", o.seed, 0, MAX_SEED);
  if (o.engine !== undefined) raw.engine = parseEngine(o.engine);
  if (o.name !== undefined) raw.name = o.name;
  return parseSweep(raw, o.yes === true);
}

/** Where a sweep keeps its cells' finished chunks (--checkpoint / --resume), inside its output folder. */
const cellCheckpoints = (out: string) => join(out, ".checkpoints", "sweep");

/**
 * One cell with its chunks checkpointed under dir/<plan hash> (simulate --checkpoint's format): with
 * resume, only the chunks missing there run; a checkpoint of another plan is refused naming it.
 */
async function checkpointedCell(
  spec: ModelSpec,
  opts: SimulateOptions,
  popts: ParallelOptions,
  ck: { dir: string; resume: boolean },
): Promise<SimulationResult> {
  const plan = makePlan(spec, opts);
  checkMemory(plan, popts.threads ?? 1);
  const dir = join(ck.dir, planHash(plan).slice(0, 24));
  return assemble(plan, await runCheckpointed(plan, dir, ck.resume, popts));
}

/** The simulate of a sweep's cells: the shared pool, one progress line for the whole sweep. */
function poolSimulate(
  def: SweepDefinition,
  cells: number,
  threads: number,
  quiet: boolean,
  ck: { dir: string; resume: boolean } | null,
): ExperimentContext["simulate"] {
  const progress = makeProgress(`sweep/${def.name}`, !quiet, "samples");
  const done = new Map<string, number>();
  let finished = 0;
  const total = cells * def.samples;
  return async (spec, opts, label) => {
    const key = label ?? String(done.size);
    try {
      const popts: ParallelOptions = {
        threads,
        // Every cell on the pool, even a one-chunk cell: the cells run side by side.
        workers: threads > 1,
        onProgress: (d) => {
          done.set(key, d);
          let sum = 0;
          for (const v of done.values()) sum += v;
          progress.update(Math.min(sum, total), total);
        },
        isStopped: () => stopRequested() !== null,
      };
      return await (ck ? checkpointedCell(spec, opts, popts, ck) : simulateParallel(spec, opts, popts));
    } finally {
      if (++finished === cells) progress.done();
    }
  };
}

async function sweepCommand(model: string, o: SweepCliOptions): Promise<void> {
  // Everything is validated (every cell's spec, observables and claims) before anything is sampled.
  const def = sweepFromArgs(model, o);
  const threads = parseThreads(o.threads);
  const exp = sweepExperiment(def);
  const cells = def.grid.reduce((k, a) => k * a.values.length, 1);
  if (o.save !== undefined) {
    writeFileAtomic(o.save, toJson(def));
    if (o.json) process.stdout.write(toJson({ saved: o.save, cells }));
    else
      console.log(`Wrote the sweep file ${o.save} (${cells} cells); run it with: deeplimits sweep ${o.save}`);
    return;
  }
  const opts = {
    samples: def.samples,
    seed: def.seed,
    engine: def.engine,
    threads,
    full: false,
    quiet: o.json === true,
    data: undefined,
    resume: false,
  };
  const out = o.out ?? join("runs", `sweep-${def.name}`);
  if (o.shard !== undefined) {
    await runExperimentShard(
      [exp],
      {
        command: "sweep",
        experiments: [exp.id],
        options: { samples: def.samples, seed: def.seed, engine: def.engine, full: false },
        sweep: def,
      },
      o.shard,
      o.out ?? join(out, "shards"),
      opts,
      o.json === true,
    );
    return;
  }
  const claim = claimOutput(out);
  try {
    const checkpointed = o.checkpoint === true || o.resume === true;
    const ck = checkpointed ? { dir: cellCheckpoints(claim.dir), resume: o.resume === true } : null;
    // A run without --resume never mixes in an earlier run's chunks.
    if (ck && !ck.resume) rmSync(ck.dir, { recursive: true, force: true });
    const simulate = poolSimulate(def, cells, threads, o.json === true, ck);
    const { run, files } = await sweepInto(claim, def, { ...opts, simulate }, exp);
    if (ck) rmSync(join(claim.dir, ".checkpoints"), { recursive: true, force: true });
    report(run, files, def, claim.dir, o);
  } finally {
    claim.release();
  }
}

/** Run a sweep (or assemble it from merged shards, via opts.simulate) into its result folder, whole. */
export async function sweepInto(
  claim: OutputClaim,
  def: SweepDefinition,
  opts: Parameters<typeof runExperiment>[1],
  exp = sweepExperiment(def),
): Promise<{ run: ExperimentRun; files: string[] }> {
  const run = await runExperiment(exp, opts);
  const files = await writeResultFolder(
    claim.dir,
    async (stage) => {
      const written = await writeExperimentFiles(stage, run);
      writeFileAtomic(join(stage, "sweep.json"), toJson(def));
      writeSectionPage(
        stage,
        { ...run, files: [{ file: "sweep.json", label: "sweep file" }, ...experimentFiles(run.out)] },
        {
          ...run.meta,
          command: "deeplimits sweep sweep.json",
          cells: def.grid.reduce((k, a) => k * a.values.length, 1),
        },
      );
      throwIfStopped();
      return {
        value: [...written, join(stage, "sweep.json"), join(stage, "index.html")],
        manifest: { kind: "sweep", sweep: def.name },
      };
    },
    claim,
  );
  return { run, files };
}

function report(
  run: ExperimentRun,
  files: string[],
  def: SweepDefinition,
  dir: string,
  o: SweepCliOptions,
): void {
  const claims = run.out.claims;
  const c = claimCounts(claims);
  strictExit(o.strict, claims);
  if (o.json) {
    process.stdout.write(
      toJson({
        ...run.meta,
        id: run.out.id,
        sweep: def,
        rows: run.out.summaries,
        theory: (run.out.results as { theory: unknown[] }).theory,
        claims,
        counts: c,
        out: dir,
        files: files.map((f) => f.slice(f.lastIndexOf("/") + 1)),
      }),
    );
    return;
  }
  console.log(`${run.out.title}\n`);
  console.log(run.out.table);
  if (claims.length > 0)
    console.log(
      `\n${c.total} claims, ${c.total - c.unexpected} as predicted (${c.falsifiableHolding} falsifiable), ${c.weak} weak, ${c.unexpected} unexpected.`,
    );
  console.log(
    `\n${run.wallSeconds.toFixed(2)} s on ${run.meta.threads} thread(s), ${machine().cores} cores. Wrote ${dir}/ (index.html, ${VERSION})`,
  );
}
