/**
 * A sweep, as a committed file (`deeplimits sweep study.json`) and as the library takes it: the model
 * (a preset name or a spec object), overrides, the grid, observables, budget, claims and figure. Every
 * field is validated with an error that names it (SpecError: exit 2 on the command line).
 */
import { ENGINE_NAMES, type EngineChoice } from "../engines/types.js";
import { MAX_SEED } from "../rng/rng.js";
import { MAX_SAMPLES } from "../simulate.js";
import { SpecError } from "../spec/errors.js";
import {
  applyOverrides,
  PRESET_NAMES,
  PRESETS,
  presetSpec,
  type ModelSpec,
  parseSpec,
} from "../spec/index.js";
import { checkGrid, type GridAxis } from "./grid.js";

/** The statistics a sweep's figure can plot against a grid axis (theory exists for mean and variance). */
export const SWEEP_STATISTICS = ["mean", "variance", "sd"] as const;
export type SweepStatistic = (typeof SWEEP_STATISTICS)[number];

export interface SweepFigure {
  /** The grid axis on the x axis (default: the first numeric axis, else the first). */
  x?: string;
  statistic?: SweepStatistic;
  /** Log scales (default: x on a log scale when its values are positive and span 20x or more). */
  logX?: boolean;
}

/** The file format's version: a file with another version is refused, naming it. */
export const SWEEP_FORMAT = 1;

export interface SweepDefinition {
  /** Marks a sweep file (and its format version). */
  sweep: typeof SWEEP_FORMAT;
  /** Names the sweep (its id is `sweep/<name>`); letters, digits, '-', '_' and '.'. */
  name: string;
  /** A preset name or a spec object (docs/spec.md). */
  model: string | Record<string, unknown>;
  /** Overrides applied to every cell before the grid's values (as `--set field=value`). */
  set: string[];
  grid: GridAxis[];
  /** Observables of every cell (default: the family's). */
  observables?: string[];
  samples: number;
  /** Every cell uses this seed (common random numbers): a cell equals `simulate` of its spec and seed. */
  seed: number;
  engine: EngineChoice;
  /** Claims checked on every cell where they apply (docs/sweeps.md, "Claims"). */
  claims: string[];
  figure: SweepFigure;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function count(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
    throw new SpecError(field, `must be an integer from ${min} to ${max}`, v);
  return v;
}

function strings(field: string, v: unknown): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string"))
    throw new SpecError(field, "must be a list of strings", v);
  return [...(v as string[])];
}

const KNOWN = new Set([
  "sweep",
  "name",
  "model",
  "set",
  "grid",
  "observables",
  "samples",
  "seed",
  "engine",
  "claims",
  "figure",
]);

/**
 * Validate a sweep definition (a parsed sweep file, or the library's input with defaults filled in).
 * `confirmed` allows more than CONFIRM_CELLS cells.
 */
export function parseSweep(raw: unknown, confirmed = false): SweepDefinition {
  if (!isObject(raw)) throw new SpecError("sweep", "must be a JSON object (docs/sweeps.md)", raw);
  if (raw.sweep !== SWEEP_FORMAT)
    throw new SpecError(
      "sweep",
      `must be ${SWEEP_FORMAT} (the sweep file format this version reads)`,
      raw.sweep,
    );
  const unknown = Object.keys(raw).find((k) => !KNOWN.has(k));
  if (unknown) throw new SpecError(unknown, `is not a sweep field; allowed: ${[...KNOWN].join(", ")}`);
  const name = raw.name ?? "sweep";
  if (typeof name !== "string" || !NAME.test(name))
    throw new SpecError(
      "name",
      "must be 1-64 letters, digits, '.', '-' or '_' (starting with a letter or digit)",
      name,
    );
  const model = raw.model;
  if (typeof model === "string") {
    if (!PRESETS[model])
      throw new SpecError("model", `unknown preset; available: ${PRESET_NAMES.join(", ")}`, model);
  } else if (!isObject(model)) throw new SpecError("model", "must be a preset name or a spec object", model);
  const engine = raw.engine ?? "auto";
  if (engine !== "auto" && !(ENGINE_NAMES as readonly unknown[]).includes(engine))
    throw new SpecError("engine", `must be one of auto, ${ENGINE_NAMES.join(", ")}`, engine);
  const figure = raw.figure ?? {};
  if (!isObject(figure)) throw new SpecError("figure", "must be an object {x, statistic, logX}", figure);
  const badFig = Object.keys(figure).find((k) => !["x", "statistic", "logX"].includes(k));
  if (badFig) throw new SpecError(`figure.${badFig}`, "is not a figure field; allowed: x, statistic, logX");
  if (figure.statistic !== undefined && !(SWEEP_STATISTICS as readonly unknown[]).includes(figure.statistic))
    throw new SpecError(
      "figure.statistic",
      `must be one of ${SWEEP_STATISTICS.join(", ")}`,
      figure.statistic,
    );
  if (figure.logX !== undefined && typeof figure.logX !== "boolean")
    throw new SpecError("figure.logX", "must be true or false", figure.logX);
  const grid = checkGrid(raw.grid as GridAxis[], confirmed);
  if (figure.x !== undefined && !grid.some((a) => a.field === figure.x))
    throw new SpecError("figure.x", `must be a grid axis (${grid.map((a) => a.field).join(", ")})`, figure.x);
  const def: SweepDefinition = {
    sweep: SWEEP_FORMAT,
    name,
    model: typeof model === "string" ? model : structuredClone(model),
    set: raw.set === undefined ? [] : strings("set", raw.set),
    grid,
    ...(raw.observables === undefined ? {} : { observables: strings("observables", raw.observables) }),
    samples: count("samples", raw.samples ?? 10_000, 1, MAX_SAMPLES),
    seed: count("seed", raw.seed ?? 0, 0, MAX_SEED),
    engine: engine as EngineChoice,
    claims: raw.claims === undefined ? [] : strings("claims", raw.claims),
    figure: {
      ...(figure.x === undefined ? {} : { x: figure.x as string }),
      ...(figure.statistic === undefined ? {} : { statistic: figure.statistic as SweepStatistic }),
      ...(figure.logX === undefined ? {} : { logX: figure.logX as boolean }),
    },
  };
  if (def.observables?.length === 0) throw new SpecError("observables", "must name at least one observable");
  return def;
}

/** The base spec of every cell: the model with the sweep's overrides (not yet validated). */
export function baseSpec(def: Pick<SweepDefinition, "model" | "set">): Record<string, unknown> {
  const json = typeof def.model === "string" ? presetSpec(def.model) : def.model;
  return applyOverrides(json, def.set);
}

/** The validated spec of one cell: base spec, then the cell's values (errors name the grid field). */
export function cellSpec(
  def: Pick<SweepDefinition, "model" | "set">,
  assignment: readonly { field: string; value: unknown }[],
): ModelSpec {
  const sets = assignment.map(({ field, value }) => `${field}=${JSON.stringify(value)}`);
  const where = assignment.map(({ field, value }) => `${field}=${JSON.stringify(value)}`).join(" ");
  try {
    return parseSpec(applyOverrides(baseSpec(def), sets));
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    // Name the grid field when the spec's complaint is about it, else the cell.
    const axis = assignment.find(
      ({ field }) => e.field === field || e.field.startsWith(`${field}.`) || field.startsWith(`${e.field}.`),
    );
    throw new SpecError(
      axis ? `--grid ${axis.field}` : "--grid",
      `the cell ${where} is not a valid model: ${e.message}`,
    );
  }
}
