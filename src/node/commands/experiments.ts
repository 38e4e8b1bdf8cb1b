/**
 * `deeplimits run`, `reproduce` and `merge`: registered experiments into result folders and the HTML
 * report, sharded runs and their merge. Result folders are staged and committed whole
 * (formats/result-folder.ts).
 */
import { rmdirSync, rmSync, statSync } from "node:fs";
import { totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import type { EngineChoice } from "../../engines/types.js";
import { EXPERIMENTS, findExperiment, holds, selectExperiments } from "../../experiments/index.js";
import type { Experiment, ExperimentContext, ExperimentOptions } from "../../experiments/types.js";
import { type ChunkResult, makePlan, type Plan } from "../../simulate.js";
import { SpecError } from "../../spec/errors.js";
import { DataError } from "../../train/data.js";
import { claimOutput, type OutputClaim, writeResultFolder } from "../formats/result-folder.js";
import {
  EXPERIMENT_SHARD,
  type ExperimentShardHeader,
  mergeExperimentShards,
  mergeShards,
  parseShard,
  shardChunks,
  shardFormat,
  writeExperimentShard,
} from "../formats/shards.js";
import { deterministicSummary, simulationManifest, writeSimulation } from "../formats/simulation.js";
import { toJson } from "../io.js";
import type { MemoEntry } from "../memo.js";
import { checkMemory, runChunksParallel } from "../parallel.js";
import { makeProgress } from "../progress.js";
import {
  machine,
  runExperiment,
  unavailableRun,
  VERSION,
  writeExperimentFiles,
  writeReport,
} from "../reproduce.js";
import { stopRequested, throwIfStopped } from "../stop.js";
import { type CliRunOptions, type ExpCliOptions, experimentOptions, runOptions } from "./common.js";

const isStopped = () => stopRequested() !== null;

/** The run options a shard file records (merge reruns the experiments with them). */
const shardHeaderOptions = (opts: CliRunOptions): ExperimentShardHeader["options"] => ({
  samples: opts.samples,
  seed: opts.seed,
  engine: opts.engine,
  full: opts.full,
  ...(opts.data ? { data: opts.data } : {}),
});

/**
 * run/reproduce --shard: the i-th of k slices of every simulation the experiments plan, and every k-th
 * unit of their other long work (training runs; resumable with --resume).
 */
async function runExperimentShard(
  selected: Experiment[],
  header: ExperimentShardHeader,
  shard: string,
  out: string,
  opts: CliRunOptions,
  json: boolean,
): Promise<void> {
  const { index, count } = parseShard(shard);
  if (statSafe(out)?.isFile())
    throw new SpecError("--out", `${resolve(out)} is a file: give a folder for the shard`, out);
  const threads = opts.threads;
  const seen = new Set<string>();
  const plans: { plan: Plan; results: ChunkResult[] }[] = [];
  for (const exp of selected) {
    for (const req of exp.plan(header.options as ExperimentOptions)) {
      const plan = makePlan(req.spec, req.options);
      const key = toJson(plan);
      if (seen.has(key)) continue;
      seen.add(key);
      const chunks = shardChunks(plan, index, count);
      checkMemory(plan, threads, "shard", chunks.length * plan.chunkSize);
      const progress = makeProgress(`${exp.id} ${req.label} shard ${index}/${count}`, !json);
      const results = await runChunksParallel(plan, chunks, {
        threads,
        onProgress: progress.update,
        isStopped,
      });
      progress.done();
      plans.push({ plan, results });
    }
  }
  const units: MemoEntry[] = [];
  const checkpointDir = join(resolve(out), ".checkpoints", `shard-${index}-of-${count}`);
  for (const exp of selected.filter((e) => e.memoUnits)) {
    await runExperiment(exp, {
      ...opts,
      quiet: json,
      checkpointDir: join(checkpointDir, ...exp.id.split("/")),
      shard: { index, count, units },
    });
  }
  throwIfStopped();
  const path = writeExperimentShard(resolve(out), header, index, count, plans, units, { version: VERSION });
  rmSync(checkpointDir, { recursive: true, force: true });
  try {
    rmdirSync(dirname(checkpointDir)); // the last shard to finish on a shared folder removes it
  } catch {
    // other shards still at work, or never created
  }
  if (json)
    process.stdout.write(
      toJson({ shard: { index, count }, simulations: plans.length, units: units.length, file: path }),
    );
  else
    console.log(
      `shard ${index}/${count}: ${plans.length} simulations, ${units.length} training runs -> ${path}`,
    );
}

const statSafe = (p: string) => {
  try {
    return statSync(p);
  } catch {
    return null;
  }
};

/**
 * Run experiments (from scratch, or from merged shard results via opts.simulate) into a report folder,
 * staged and committed whole.
 */
async function reproduceInto(
  claim: OutputClaim,
  selected: Experiment[],
  opts: CliRunOptions & { simulate?: ExperimentContext["simulate"]; units?: Map<string, unknown> },
  o: { only?: string; full?: boolean; samples?: string; seed?: string; json?: boolean },
): Promise<void> {
  const t0 = performance.now();
  const dir = claim.dir;
  const summary = await writeResultFolder(
    dir,
    async (stage) => {
      const runs = [];
      for (const exp of selected) {
        let run: Awaited<ReturnType<typeof runExperiment>>;
        try {
          run = await runExperiment(exp, {
            ...opts,
            // Training checkpoints live in the real folder, so that --resume finds them after a kill.
            checkpointDir: join(dir, ".checkpoints", ...exp.id.split("/")),
          });
        } catch (e) {
          // Missing training data: the report says what to provide instead of failing the whole run.
          if (!(e instanceof DataError)) throw e;
          run = unavailableRun(exp, e.message);
        }
        await writeExperimentFiles(join(stage, ...exp.id.split("/")), run);
        runs.push(run);
        if (!o.json) console.log(`${exp.id}: ${run.wallSeconds.toFixed(2)} s\n${run.out.table}\n`);
      }
      const wallSeconds = (performance.now() - t0) / 1000;
      const meta = {
        version: VERSION,
        date: new Date().toISOString(),
        command: `deeplimits reproduce${o.only ? ` --only '${o.only}'` : ""}${o.full ? " --full" : ""}${o.samples ? ` --samples ${o.samples}` : ""}${o.seed ? ` --seed ${o.seed}` : ""}`,
        experiments: selected.map((e) => e.id).join(", "),
        seed: opts.seed ?? "each experiment's default",
        samples:
          opts.samples ??
          (opts.full ? "the references' counts (--full)" : "each experiment's default budget"),
        engine: opts.engine,
        threads: opts.threads,
        wallSeconds: Number(wallSeconds.toFixed(2)),
        machine: machine(),
      };
      writeReport(stage, runs, meta);
      throwIfStopped();
      const claims = runs.flatMap((r) => r.out.claims);
      const unexpected = claims.filter((c) => !holds(c)).length;
      return {
        value: { meta, wallSeconds, claims: claims.length, unexpected },
        manifest: { kind: "report", experiments: selected.map((e) => e.id) },
      };
    },
    claim,
  );
  const path = join(dir, "index.html");
  if (o.json) {
    process.stdout.write(
      toJson({ ...summary.meta, report: path, claims: summary.claims, unexpected: summary.unexpected }),
    );
  } else {
    console.log(
      `${summary.claims} claims, ${summary.claims - summary.unexpected} as predicted, ${summary.unexpected} unexpected.`,
    );
    console.log(`Report: ${path} (${summary.wallSeconds.toFixed(1)} s)`);
  }
}

/** Run one experiment into a result folder, staged and committed whole. */
async function runInto(
  claim: OutputClaim,
  exp: Experiment,
  opts: CliRunOptions & { simulate?: ExperimentContext["simulate"]; units?: Map<string, unknown> },
) {
  const run = await runExperiment(exp, { ...opts, checkpointDir: join(claim.dir, ".checkpoints") });
  const files = await writeResultFolder(
    claim.dir,
    async (stage) => {
      const written = await writeExperimentFiles(stage, run);
      throwIfStopped();
      return { value: written, manifest: { kind: "experiment", experiment: exp.id } };
    },
    claim,
  );
  return { run, files };
}

export function registerExperimentCommands(program: Command): void {
  experimentOptions(
    program
      .command("run")
      .description("run one registered experiment and write its figure, data, claims and table")
      .argument("<experiment>", `one of: ${EXPERIMENTS.map((e) => e.id).join(", ")}`)
      .option("--out <dir>", "output folder (default: runs/<experiment id>)"),
  ).action(async (id: string, o: ExpCliOptions) => {
    const exp = findExperiment(id);
    if (!exp)
      throw new SpecError("experiment", `unknown; available: ${EXPERIMENTS.map((e) => e.id).join(", ")}`, id);
    const opts = runOptions(o);
    if (o.shard !== undefined) {
      const header: ExperimentShardHeader = {
        command: "run",
        experiments: [exp.id],
        options: shardHeaderOptions(opts),
      };
      await runExperimentShard(
        [exp],
        header,
        o.shard,
        o.out ?? join("runs", exp.id, "shards"),
        opts,
        o.json === true,
      );
      return;
    }
    const claim = claimOutput(o.out ?? join("runs", exp.id));
    try {
      const { run, files } = await runInto(claim, exp, opts);
      if (o.json) {
        process.stdout.write(
          toJson({
            ...run.meta,
            id: run.out.id,
            params: run.out.params,
            results: run.out.results,
            claims: run.out.claims,
            files,
          }),
        );
        return;
      }
      console.log(`${run.out.title} (${run.out.reference})\n`);
      console.log(run.out.table);
      console.log(`\n${run.wallSeconds.toFixed(2)} s on ${opts.threads} thread(s). Wrote ${claim.dir}/`);
    } finally {
      claim.release();
    }
  });

  experimentOptions(
    program
      .command("reproduce")
      .description("run every registered experiment (or those matching --only) and write an HTML report")
      .option("--only <glob>", "only experiments whose id matches, e.g. 'nica/*'")
      .option("--out <dir>", "report folder", "report"),
  ).action(async (o: ExpCliOptions & { only?: string; out: string }) => {
    const selected = selectExperiments(o.only);
    if (selected.length === 0) {
      throw new SpecError(
        "--only",
        `matches no experiment; available: ${EXPERIMENTS.map((e) => e.id).join(", ")}`,
        o.only,
      );
    }
    const opts = runOptions(o);
    if (o.shard !== undefined) {
      const header: ExperimentShardHeader = {
        command: "reproduce",
        experiments: selected.map((e) => e.id),
        only: o.only,
        options: shardHeaderOptions(opts),
      };
      await runExperimentShard(selected, header, o.shard, o.out, opts, o.json === true);
      return;
    }
    const claim = claimOutput(o.out);
    try {
      await reproduceInto(claim, selected, opts, o);
    } finally {
      claim.release();
    }
  });

  program
    .command("merge")
    .description(
      "merge shard files (from simulate|run|reproduce --shard i/k) into the result of the unsharded run",
    )
    .argument("<shards...>", "shard-i-of-k.dlshard files")
    .requiredOption("--out <dir>", "output folder")
    .option("--json", "print JSON only")
    .action(async (shards: string[], o: { out: string; json?: boolean }) => {
      checkMergeMemory(shards);
      if (shards.length > 0 && shardFormat(shards[0]) === EXPERIMENT_SHARD) {
        await mergeExperiments(shards, o);
        return;
      }
      const r = mergeShards(shards);
      const meta = { version: VERSION, mergedFrom: shards.length, machine: machine() };
      const claim = claimOutput(o.out);
      await writeResultFolder(
        claim.dir,
        async (stage) => {
          writeSimulation(stage, r, meta);
          return { value: null, manifest: simulationManifest(r.plan) };
        },
        claim,
      );
      if (o.json) process.stdout.write(toJson({ ...meta, ...deterministicSummary(r) }));
      else console.log(`merged ${shards.length} shard(s): ${r.plan.samples} samples -> ${claim.dir}`);
    });
}

/**
 * Refuse up front a merge that cannot fit: the shards' samples are held decoded, then assembled, sorted
 * for quantiles and written (about 4 times their bytes), plus the largest file while it is read.
 */
function checkMergeMemory(paths: readonly string[]): void {
  const sizes = paths.map((p) => statSafe(p)?.size ?? 0);
  const need = 4 * sizes.reduce((a, b) => a + b, 0) + sizes.reduce((a, b) => Math.max(a, b), 0) + 2 ** 26;
  if (need > 0.8 * totalmem()) {
    const gib = (b: number) => (b / 2 ** 30).toFixed(1);
    throw new SpecError(
      "merge",
      `merging these shards needs about ${gib(need)} GiB of memory; this machine has ${gib(totalmem())} GiB: merge on a larger machine, or rerun with fewer samples per simulation`,
    );
  }
}

/** Experiment shards: rerun the experiments on the merged simulations (no sampling happens). */
async function mergeExperiments(shards: string[], o: { out: string; json?: boolean }): Promise<void> {
  const { header, results, units } = mergeExperimentShards(shards);
  const selected = header.experiments.map((id) => {
    const e = findExperiment(id);
    if (!e) throw new SpecError("merge", `shards name an unknown experiment ${id}`);
    return e;
  });
  const simulate: ExperimentContext["simulate"] = async (spec, opts) => {
    const r = results.get(toJson(makePlan(spec, opts)));
    if (!r)
      throw new SpecError(
        "merge",
        "the shards lack a simulation this experiment needs (different version or options?)",
      );
    return r;
  };
  const opts = {
    samples: header.options.samples,
    seed: header.options.seed,
    full: header.options.full,
    engine: header.options.engine as EngineChoice,
    threads: 1,
    quiet: o.json === true,
    data: header.options.data,
    resume: false,
    simulate,
    units,
  };
  const claim = claimOutput(o.out);
  try {
    if (header.command === "run") {
      const { run } = await runInto(claim, selected[0], opts);
      if (o.json) process.stdout.write(toJson({ ...run.meta, id: run.out.id, claims: run.out.claims }));
      else console.log(`merged ${shards.length} shard(s) of ${selected[0].id} -> ${claim.dir}`);
    } else {
      await reproduceInto(claim, selected, opts, {
        only: header.only,
        full: header.options.full,
        json: o.json,
      });
    }
  } finally {
    claim.release();
  }
}
