/**
 * What run, reproduce and merge share: experiments into a result folder or a report (staged and
 * committed whole, formats/result-folder.ts), and the experiment shard runner.
 */
import { rmdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { claimCounts, holds } from "../../experiments/index.js";
import type { Experiment, ExperimentContext, ExperimentOptions } from "../../runner/types.js";
import { type ChunkResult, makePlan, type Plan } from "../../simulate.js";
import { SpecError } from "../../spec/errors.js";
import { DataError } from "../../train/data.js";
import { type OutputClaim, writeResultFolder } from "../formats/result-folder.js";
import {
  type ExperimentShardHeader,
  parseShard,
  shardChunks,
  writeExperimentShard,
} from "../formats/shards.js";
import { toJson } from "../io.js";
import type { MemoEntry } from "../memo.js";
import { checkMemory, runChunksParallel } from "../parallel.js";
import { makeProgress } from "../progress.js";
import {
  machine,
  runExperiment,
  experimentFiles,
  unavailableRun,
  VERSION,
  writeExperimentFiles,
  writeReport,
} from "../reproduce.js";
import { stopRequested, throwIfStopped } from "../stop.js";
import { type CliRunOptions, strictExit } from "./common.js";

export const isStopped = () => stopRequested() !== null;

/** The run options a shard file records (merge reruns the experiments with them). */
export const shardHeaderOptions = (opts: CliRunOptions): ExperimentShardHeader["options"] => ({
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
export async function runExperimentShard(
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

export const statSafe = (p: string) => {
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
export async function reproduceInto(
  claim: OutputClaim,
  selected: Experiment[],
  opts: CliRunOptions & { simulate?: ExperimentContext["simulate"]; units?: Map<string, unknown> },
  o: { only?: string; full?: boolean; samples?: string; seed?: string; json?: boolean; strict?: boolean },
): Promise<void> {
  const t0 = performance.now();
  const dir = claim.dir;
  const summary = await writeResultFolder(
    dir,
    async (stage) => {
      const runs = [];
      const start = (exp: Experiment) => {
        const p = runExperiment(exp, {
          ...opts,
          // Training checkpoints live in the real folder, so that --resume finds them after a kill.
          checkpointDir: join(dir, ".checkpoints", ...exp.id.split("/")),
        }).catch((e: unknown) => {
          // Missing training data: the report says what to provide instead of failing the whole run.
          if (!(e instanceof DataError)) throw e;
          return unavailableRun(exp, (e as Error).message);
        });
        p.catch(() => undefined); // awaited below; a failure meanwhile is not unhandled
        return p;
      };
      let next = selected.length > 0 ? start(selected[0]) : null;
      for (const [i, exp] of selected.entries()) {
        const run = await next!;
        // The workers start on the next experiment while this thread writes this one's files.
        next = i + 1 < selected.length ? start(selected[i + 1]) : null;
        await writeExperimentFiles(join(stage, ...exp.id.split("/")), run);
        // The report needs the file list and the summaries, not the samples: let them go.
        runs.push({
          ...run,
          files: experimentFiles(run.out),
          out: { ...run.out, tables: run.out.tables.filter((t) => t.name !== "samples") },
        });
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
        value: { meta, wallSeconds, claims: claims.length, unexpected, all: claims },
        manifest: { kind: "report", experiments: selected.map((e) => e.id) },
      };
    },
    claim,
  );
  const path = join(dir, "index.html");
  if (o.json) {
    const c = claimCounts(summary.all);
    process.stdout.write(
      toJson({
        ...summary.meta,
        report: path,
        claims: summary.claims,
        unexpected: summary.unexpected,
        weak: c.weak,
        empirical: c.empirical,
        falsifiableHolding: c.falsifiableHolding,
      }),
    );
  } else {
    const c = claimCounts(summary.all);
    console.log(
      `${summary.claims} claims, ${summary.claims - summary.unexpected} as predicted (${c.falsifiableHolding} falsifiable), ${c.weak} weak (cannot fail at this sample size), ${c.empirical} empirical, ${summary.unexpected} unexpected.`,
    );
    console.log(`Report: ${path} (${summary.wallSeconds.toFixed(1)} s)`);
  }
  strictExit(o.strict, summary.all);
}

/** Run one experiment into a result folder, staged and committed whole. */
export async function runInto(
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
