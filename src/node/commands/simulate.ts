/** `deeplimits simulate`: one model, its summaries, optionally a result folder, a shard or a stream. */
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { splitObservableList } from "../../engines/observables.js";
import { MAX_SEED } from "../../rng/rng.js";
import {
  assemble,
  type ChunkResult,
  MAX_SAMPLES,
  makePlan,
  type Plan,
  type SimulationResult,
} from "../../simulate.js";
import { rowsText } from "../../report/tables.js";
import { tableFromRows, type TidyTable } from "../../runner/tidy.js";
import { describeSpec, type ModelSpec, PRESET_NAMES, SpecError } from "../../spec/index.js";
import { compareWithTheory, type TheoryComparison } from "../../theory/overlays.js";
import { collect, parseCount, parseEngine, parseThreads } from "../args.js";
import { partialSummary, runCheckpointed as runCheckpointedChunks } from "../formats/checkpoint.js";
import { claimOutput, writeResultFolder } from "../formats/result-folder.js";
import { parseShard, shardChunks, writeShard } from "../formats/shards.js";
import {
  deterministicSummary,
  simulationManifest,
  StreamedSimulationWriter,
  writeSimulation,
} from "../formats/simulation.js";
import { toJson, writeFileAtomic } from "../io.js";
import { checkMemory, runChunksParallel, streamChunks } from "../parallel.js";
import { makeProgress } from "../progress.js";
import { machine, VERSION } from "../reproduce.js";
import { stopRequested, throwIfStopped } from "../stop.js";
import { engineOption, loadModel, printStats } from "./common.js";

interface SimulateCliOptions {
  shard?: string;
  checkpoint?: boolean;
  stream?: boolean;
  resume?: boolean;
  set: string[];
  samples: string;
  seed: string;
  engine: string;
  observables?: string;
  threads?: string;
  out?: string;
  json?: boolean;
  theory?: boolean;
}

const isStopped = () => stopRequested() !== null;

export function registerSimulate(program: Command): void {
  program
    .command("simulate")
    .description("simulate a model (a preset or a spec .json) and print or write the summaries")
    .argument("<model>", `a preset (${PRESET_NAMES.join(", ")}) or a spec .json file`)
    .option(
      "--set <field=value>",
      "override a spec field, e.g. --set width=64 --set depth=32 (repeatable)",
      collect,
      [],
    )
    .option("--samples <n>", "number of sampled networks (32768, 1e5, 2^15)", "10000")
    .option("--seed <s>", "seed (integer)", "0")
    .addOption(engineOption())
    .option(
      "--observables <list>",
      "comma-separated observable names (docs/spec.md); default: G,logOutNorm2 (mlp, resnet), logPostNormGrowth,collapsed (hayou), relDisp,gradRelDisp (marion)",
    )
    .option("--threads <t>", "worker threads (default: all cores)")
    .option("--out <dir>", "write result.json, summaries.json, samples.arrow and samples.csv there")
    .option(
      "--shard <i/k>",
      "run only shard i of k (contiguous slices of the samples) and write a shard file to --out",
    )
    .option(
      "--stream",
      "write samples to --out chunk by chunk and keep only summaries in memory (any number of samples; no exact quantiles)",
    )
    .option("--checkpoint", "save each finished chunk under --out/.chunks (a killed run can --resume)")
    .option("--resume", "continue a checkpointed run in --out: only the missing chunks are run")
    .option(
      "--theory",
      "also print every theory that applies (the family's, as in the explorer and the report), with z-scores",
    )
    .option("--json", "print JSON only (no table, no progress)")
    .action(simulateCommand);
}

async function simulateCommand(model: string, o: SimulateCliOptions): Promise<void> {
  // Everything is validated before anything is written or sampled.
  const spec = loadModel(model, o.set);
  const samples = parseCount("--samples", o.samples, 1, MAX_SAMPLES);
  const seed = parseCount("--seed", o.seed, 0, MAX_SEED);
  const engine = parseEngine(o.engine);
  const threads = parseThreads(o.threads);
  const observables = o.observables === undefined ? undefined : splitObservableList(o.observables);
  const plan = makePlan(spec, { samples, seed, engine, observables });
  const shard = o.shard === undefined ? null : parseShard(o.shard);
  const need = (what: string) => {
    if (!o.out) throw new SpecError("--out", `is required with ${what}`);
    return o.out;
  };
  if (o.stream && (o.checkpoint || o.resume))
    throw new SpecError(
      "--stream",
      "cannot be combined with --checkpoint / --resume (use --shard for huge runs)",
    );
  const progress = makeProgress("simulate", !o.json);
  const t0 = performance.now();
  const meta = () => ({
    version: VERSION,
    threads,
    wallSeconds: (performance.now() - t0) / 1000,
    machine: machine(),
  });

  if (shard) {
    const out = need("--shard (the folder for the shard file)");
    const chunks = shardChunks(plan, shard.index, shard.count);
    const held = chunks.reduce(
      (a, c) => a + Math.min(plan.samples, (c + 1) * plan.chunkSize) - c * plan.chunkSize,
      0,
    );
    checkMemory(plan, threads, "shard", held);
    const results = await runChunksParallel(plan, chunks, {
      threads,
      onProgress: progress.update,
      isStopped,
    });
    progress.done();
    throwIfStopped();
    const path = writeShard(resolve(out), plan, shard.index, shard.count, results, { version: VERSION });
    if (o.json) process.stdout.write(toJson({ shard, chunks: chunks.length, samples: held, file: path }));
    else
      console.log(
        `shard ${shard.index}/${shard.count}: ${held} samples in ${chunks.length} chunks -> ${path}`,
      );
    return;
  }

  if (o.stream) {
    const out = need("--stream (the samples are written there)");
    checkMemory(plan, threads, "stream");
    const det = await writeResultFolder(out, async (stage) => {
      const writer = new StreamedSimulationWriter(stage, plan);
      try {
        await streamChunks(plan, (c) => writer.write(c), { threads, onProgress: progress.update });
      } catch (e) {
        await writer.close().catch(() => undefined);
        throw e;
      }
      progress.done();
      throwIfStopped();
      const extra = (stats: SimulationResult["stats"]) => (o.theory ? [theoryTable(spec, stats)] : []);
      return { value: await writer.finish(meta(), extra), manifest: simulationManifest(plan) };
    });
    const m = meta();
    const theory = o.theory ? compareWithTheory(spec, det.stats) : undefined;
    if (o.json) {
      process.stdout.write(toJson({ ...m, spec, seed, samples, engine: plan.engine, ...det, theory }));
      return;
    }
    console.log(
      `${describeSpec(spec)}  engine=${plan.engine} samples=${samples} seed=${seed} (${m.wallSeconds.toFixed(2)} s, streamed)`,
    );
    printStats(plan.observables, det.stats);
    if (theory) printTheory(theory);
    console.log(
      `wrote ${resolve(out)}/{result.json,summaries.{json,csv,parquet},samples.{arrow,parquet${samples <= 1e6 ? ",csv" : ""}}${o.theory ? ",theory.{csv,parquet}" : ""},manifest.json}`,
    );
    return;
  }

  checkMemory(plan, threads);
  const checkpointed = o.checkpoint === true || o.resume === true;
  const out = checkpointed ? need("--checkpoint / --resume (the checkpoint lives there)") : o.out;
  const claim = out ? claimOutput(out) : null;
  let r: SimulationResult;
  try {
    const all = Array.from({ length: plan.chunks }, (_, c) => c);
    const got =
      checkpointed && claim
        ? await runCheckpointed(plan, claim.dir, o.resume === true, threads, progress.update)
        : assemble(
            plan,
            await runChunksParallel(plan, all, { threads, onProgress: progress.update, isStopped }),
          );
    if (got === null) return; // stopped: partial.json written, exit code 130
    throwIfStopped();
    r = got;
    if (claim)
      await writeResultFolder(
        claim.dir,
        async (stage) => {
          writeSimulation(stage, got, meta(), o.theory ? [theoryTable(spec, got.stats)] : []);
          throwIfStopped();
          return { value: null, manifest: simulationManifest(plan) };
        },
        claim,
      );
  } finally {
    claim?.release();
  }
  progress.done();
  const m = meta();
  const theory = o.theory ? compareWithTheory(spec, r.stats) : undefined;
  if (o.json) {
    process.stdout.write(
      toJson({ ...m, spec, seed, samples, engine: r.plan.engine, ...deterministicSummary(r), theory }),
    );
    return;
  }
  console.log(
    `${describeSpec(spec)}  engine=${r.plan.engine} samples=${samples} seed=${seed} (${m.wallSeconds.toFixed(2)} s)`,
  );
  printStats(r.plan.observables, r.stats);
  if (theory) printTheory(theory);
  if (o.out)
    console.log(
      `wrote ${resolve(o.out)}/{result.json,summaries.{json,csv,parquet},samples.{arrow,parquet${samples <= 1e6 ? ",csv" : ""}}${o.theory ? ",theory.{csv,parquet}" : ""},manifest.json}`,
    );
}

/**
 * Run the chunks a checkpoint lacks, saving each as it finishes. On SIGINT / SIGTERM: write a valid
 * partial.json beside the checkpoint, say how to continue, exit code 130, and return null.
 */
async function runCheckpointed(
  plan: Plan,
  dir: string,
  resume: boolean,
  threads: number,
  onProgress: (done: number, total: number) => void,
): Promise<SimulationResult | null> {
  const done: ChunkResult[] = [];
  try {
    await runCheckpointedChunks(plan, dir, resume, { threads, isStopped, onProgress }, done);
    throwIfStopped();
  } catch (e) {
    if (!isStopped()) throw e;
    writeFileAtomic(join(dir, "partial.json"), toJson({ version: VERSION, ...partialSummary(plan, done) }));
    process.stderr.write(
      `deeplimits: stopped; ${done.length}/${plan.chunks} chunks saved. Continue with --resume.\n`,
    );
    process.exitCode = 130;
    return null;
  }
  return assemble(plan, done);
}

/** theory.parquet / theory.csv: one row per observable and theory, simulated and theory moments, z. */
function theoryTable(spec: ModelSpec, stats: SimulationResult["stats"]): TidyTable {
  const rows = compareWithTheory(spec, stats).map((t) => ({
    observable: t.observable,
    theory: t.name,
    source: t.source,
    simulatedMean: stats[t.observable].mean,
    seMean: stats[t.observable].seMean,
    theoryMean: t.mean,
    zMean: t.zMean,
    simulatedVariance: stats[t.observable].variance,
    seVariance: stats[t.observable].seVariance,
    theoryVariance: t.variance,
    zVariance: t.zVariance,
  }));
  return tableFromRows("theory", rows, [
    ["observable", "STRING"],
    ["theory", "STRING"],
    ["source", "STRING"],
    ["simulatedMean", "DOUBLE"],
    ["seMean", "DOUBLE"],
    ["theoryMean", "DOUBLE"],
    ["zMean", "DOUBLE"],
    ["simulatedVariance", "DOUBLE"],
    ["seVariance", "DOUBLE"],
    ["theoryVariance", "DOUBLE"],
    ["zVariance", "DOUBLE"],
  ]);
}

/** The theory values next to the simulated statistics (z = (simulated - theory) / SE). */
function printTheory(rows: TheoryComparison[]): void {
  if (rows.length === 0) {
    console.log("theory: none applies to these observables for this spec");
    return;
  }
  console.log("theory (z = (simulated - theory) / SE):");
  for (const line of rowsText(rows, ["observable", "name", "mean", "zMean", "variance", "zVariance"]))
    console.log(`  ${line}`);
  for (const s of [...new Set(rows.map((r) => `  ${r.name}: ${r.source}`))]) console.log(s);
}
