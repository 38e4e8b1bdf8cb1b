/** `deeplimits reproduce`: every registered experiment (or --only) into the HTML report (or a shard). */
import type { Command } from "commander";
import { EXPERIMENTS, selectExperiments } from "../../experiments/index.js";
import { SpecError } from "../../spec/errors.js";
import { claimOutput } from "../formats/result-folder.js";
import { type ExperimentShardHeader } from "../formats/shards.js";
import { type ExpCliOptions, experimentOptions, runOptions } from "./common.js";
import { reproduceInto, runExperimentShard, shardHeaderOptions } from "./experiment-runs.js";

export function registerReproduce(program: Command): void {
  experimentOptions(
    program
      .command("reproduce")
      .description("run every registered experiment (or those matching --only) and write an HTML report")
      .option(
        "--only <globs>",
        "only experiments whose id matches one of these comma-separated globs, e.g. 'nica/*,hayou/*'",
      )
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
}
