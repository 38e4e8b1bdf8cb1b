/** `deeplimits merge`: shard files into the unsharded result (simulations or experiments). */
import { totalmem } from "node:os";
import type { Command } from "commander";
import type { EngineChoice } from "../../engines/types.js";
import { findExperiment } from "../../experiments/index.js";
import type { ExperimentContext } from "../../runner/types.js";
import { makePlan } from "../../simulate.js";
import { SpecError } from "../../spec/errors.js";
import { claimOutput, writeResultFolder } from "../formats/result-folder.js";
import { EXPERIMENT_SHARD, mergeExperimentShards, mergeShards, shardFormat } from "../formats/shards.js";
import { deterministicSummary, simulationManifest, writeSimulation } from "../formats/simulation.js";
import { toJson } from "../io.js";
import { machine, VERSION } from "../reproduce.js";
import { parseSweep, sweepExperiment } from "../../sweep/index.js";
import { reproduceInto, runInto, statSafe } from "./experiment-runs.js";
import { sweepInto } from "./sweep.js";

export function registerMerge(program: Command): void {
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
  const sweep = header.command === "sweep" ? parseSweep(header.sweep, true) : null;
  const selected = header.experiments.map((id) => {
    if (sweep) return sweepExperiment(sweep);
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
    if (sweep) {
      const { run } = await sweepInto(claim, sweep, opts);
      if (o.json) process.stdout.write(toJson({ ...run.meta, id: run.out.id, claims: run.out.claims }));
      else console.log(`merged ${shards.length} shard(s) of ${run.out.id} -> ${claim.dir}`);
    } else if (header.command === "run") {
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
