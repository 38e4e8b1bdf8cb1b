/**
 * Sweeps from the library (isomorphic):
 *
 *   import { sweep } from "deeplimits";
 *   const r = await sweep("nica-mlp", [{ field: "depth", values: [10, 20, 50] }, { field: "width", values: [32, 64] }],
 *                         { samples: 10_000, seed: 1, observables: ["G"], claims: ["mean(G) = theory"] });
 *   r.rows;    // one row per cell and observable: the grid's values, mean, SE, variance, quantiles
 *   r.theory;  // one row per cell, observable and theory: its mean and variance, z-scores
 *
 * Cells run one after another in this thread; pass `simulate` to run them elsewhere (Node:
 * `simulateParallel` from "deeplimits/node" runs each on the worker pool). A sweep file (JSON, as
 * `deeplimits sweep --save` writes it) is read with `parseSweep` and run with `runSweep`.
 */
import type { Claim } from "../claims/index.js";
import type { EngineChoice } from "../engines/types.js";
import type { CellValue } from "../runner/tidy.js";
import type { ExperimentContext, ExperimentOutput } from "../runner/types.js";
import { simulate as simulateHere } from "../simulate.js";
import type { GridAxis } from "./grid.js";
import { parseSweep, type SweepDefinition, type SweepFigure } from "./definition.js";
import { sweepExperiment } from "./experiment.js";

export {
  axisArgument,
  CONFIRM_CELLS,
  checkGrid,
  type GridAxis,
  type GridValue,
  gridCells,
  MAX_CELLS,
  parseGridAxis,
} from "./grid.js";
export {
  parseSweep,
  SWEEP_FORMAT,
  SWEEP_STATISTICS,
  type SweepDefinition,
  type SweepFigure,
  type SweepStatistic,
} from "./definition.js";
export { parseSweepClaim } from "./claims.js";
export { sweepCells, sweepExperiment } from "./experiment.js";

export interface SweepOptions {
  samples?: number;
  seed?: number;
  engine?: EngineChoice;
  observables?: string[];
  /** Overrides of the model applied to every cell (`field=value`, as --set). */
  set?: string[];
  claims?: string[];
  figure?: SweepFigure;
  name?: string;
  /** Allow more than CONFIRM_CELLS cells. */
  confirm?: boolean;
  /** Runs one cell's simulation (default: in this thread). */
  simulate?: ExperimentContext["simulate"];
}

export interface SweepResult {
  definition: SweepDefinition;
  /** One row per cell and observable (the summaries table). */
  rows: Record<string, CellValue>[];
  /** One row per cell, observable and theory that applies (the theory table). */
  theory: Record<string, CellValue>[];
  claims: Claim[];
  /** Everything else (figure, caption, tables with the samples), as an experiment's output. */
  output: ExperimentOutput;
}

/** The sweep definition of a model, grid and options (validated; errors name the field). */
export function sweepDefinition(
  model: string | Record<string, unknown>,
  grid: GridAxis[],
  o: Omit<SweepOptions, "simulate" | "confirm"> = {},
  confirm = false,
): SweepDefinition {
  return parseSweep(
    {
      sweep: 1,
      name: o.name,
      model,
      set: o.set,
      grid,
      observables: o.observables,
      samples: o.samples,
      seed: o.seed,
      engine: o.engine,
      claims: o.claims,
      figure: o.figure,
    },
    confirm,
  );
}

/** Run a validated sweep definition. */
export async function runSweep(
  def: SweepDefinition,
  simulate: ExperimentContext["simulate"] = async (spec, opts) => simulateHere(spec, opts),
): Promise<SweepResult> {
  const output = await sweepExperiment(def).run({ simulate }, {});
  const theory = output.results as { theory: Record<string, CellValue>[] };
  return { definition: def, rows: output.summaries, theory: theory.theory, claims: output.claims, output };
}

/** Simulate every cell of model x grid and compare each with every theory that applies. */
export async function sweep(
  model: string | Record<string, unknown>,
  grid: GridAxis[],
  options: SweepOptions = {},
): Promise<SweepResult> {
  const { simulate, confirm, ...rest } = options;
  return runSweep(sweepDefinition(model, grid, rest, confirm), simulate);
}
