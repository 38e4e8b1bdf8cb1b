/** The experiment interface: a named, one-command reproduction of a reference figure. */
import type { EngineChoice } from "../engines/types.js";
import type { SimulateOptions, SimulationResult } from "../simulate.js";
import type { ModelSpec } from "../spec/index.js";

/** How an experiment runs its simulations (sequential in a browser worker, a thread pool in Node). */
export interface ExperimentContext {
  simulate(spec: ModelSpec, opts: SimulateOptions, label?: string): Promise<SimulationResult>;
}

export interface ExperimentOptions {
  samples?: number;
  seed?: number;
  engine?: EngineChoice;
}

export interface ExperimentOutput {
  id: string;
  title: string;
  reference: string;
  /** Everything needed to rerun it. */
  params: Record<string, unknown>;
  /** Machine-readable results (summaries, fit statistics, theory values). */
  results: unknown;
  /** A Vega-Lite spec with its data embedded. */
  figure: Record<string, unknown>;
  /** A short plain-text table for the terminal. */
  table: string;
}

export interface Experiment {
  id: string;
  title: string;
  reference: string;
  description: string;
  defaults: { samples: number; seed: number };
  run(ctx: ExperimentContext, opts: ExperimentOptions): Promise<ExperimentOutput>;
}
