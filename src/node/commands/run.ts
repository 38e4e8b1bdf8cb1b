/** `deeplimits run <experiment>`: one registered experiment into its result folder (or a shard). */
import { join } from "node:path";
import type { Command } from "commander";
import { EXPERIMENTS, findExperiment } from "../../experiments/index.js";
import { SpecError } from "../../spec/errors.js";
import { claimOutput } from "../formats/result-folder.js";
import { type ExperimentShardHeader } from "../formats/shards.js";
import { toJson } from "../io.js";
import { type ExpCliOptions, experimentOptions, runOptions, strictExit } from "./common.js";
import { runExperimentShard, runInto, shardHeaderOptions } from "./experiment-runs.js";

export function registerRun(program: Command): void {
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
      strictExit(o.strict, run.out.claims);
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
}
