/**
 * Declared experiments. An experiment declares its budgets, its cells (specs and observables keyed by
 * parameters, never by position) and an `analyse` step from the cells' results to estimates, claims, a
 * figure and a table. The runner derives the rest: the plan (`plan()`), the simulations, the summary
 * rows, the default sample export, the claims' experiment id and the claims table.
 */
import type { EngineChoice } from "../engines/types.js";
import type { EstimateRow, TheoryRow } from "../report/charts.js";
import { estimatesTable, rowsText } from "../report/tables.js";
import { estimateSeconds, makePlan, type SimulationResult } from "../simulate.js";
import type { ModelSpec } from "../spec/index.js";
import type { SummaryStats } from "../stats/summary.js";
import { type Claim, claimsTable } from "../claims/index.js";
import { type CellRecord, samplesTable, summariesTable, summaryRecords, type TidyTable } from "./tidy.js";
import type { Experiment, ExperimentContext, ExperimentOptions } from "./types.js";

export type CellKey = Record<string, string | number | boolean>;

/** One simulation of an experiment, named by its parameters. */
export interface Cell {
  key: CellKey;
  spec: ModelSpec;
  observables: readonly string[];
  /** This cell's sample count, seed or engine when they differ from the run's. */
  samples?: number;
  seed?: number;
  engine?: EngineChoice;
  /** The label of progress lines and summary rows (default: the key as `k=v ...`). */
  label?: string;
}

/** The run's budget: the declared default, the references' (`--full`), or the user's. */
export interface RunSettings {
  samples: number;
  seed: number;
  engine: EngineChoice;
  full: boolean;
}

const sameKey = (a: CellKey, b: CellKey) =>
  Object.keys(b).every((k) => a[k] === b[k]) && Object.keys(a).length === Object.keys(b).length;
const keyText = (k: CellKey) => JSON.stringify(k);

/** The simulated cells, looked up by their parameters. */
export class CellResults {
  constructor(readonly cells: readonly { cell: Cell; sim: SimulationResult }[]) {}
  private find(key: CellKey) {
    const hit = this.cells.find((c) => sameKey(c.cell.key, key));
    if (!hit)
      throw new Error(
        `internal: no cell ${keyText(key)} (cells: ${this.cells.map((c) => keyText(c.cell.key)).join(", ")})`,
      );
    return hit;
  }
  /** The result of the cell whose key equals `key` (every parameter). */
  get(key: CellKey): SimulationResult {
    return this.find(key).sim;
  }
  /**
   * The spec the cell declares: theory is computed from it, never from what the simulation reports,
   * so that a simulator that ran another model is caught by the claims.
   */
  spec(key: CellKey): ModelSpec {
    return this.find(key).cell.spec;
  }
  stats(key: CellKey, observable: string): SummaryStats {
    return this.get(key).stats[observable];
  }
  samples(key: CellKey, observable: string): Float64Array {
    return this.get(key).samples[observable];
  }
}

/** What an experiment's analysis returns; the runner adds the rest of the output. */
export interface Analysis {
  /** Parameters beyond the cells, samples, seed and engine (which the runner records). */
  params?: Record<string, unknown>;
  /** Simulated estimates (+-2 SE) and the theory values at the same (panel, config). */
  estimates?: EstimateRow[];
  theory?: TheoryRow[];
  /** Machine-readable results (default: the estimates and theory rows). */
  results?: unknown;
  claims: Claim[];
  figure: Record<string, unknown>;
  caption: string;
  /**
   * The terminal table's lines (default: the estimates against theory, or without estimates each cell's
   * observables: mean, SE, variance, non-finite count); the claims table is appended.
   */
  table?: string[];
  /**
   * Tables beyond the runner's own `samples` and `summaries` (which every experiment with cells gets):
   * data that are not samples of a cell, e.g. a heatmap's cells, trained weights, a curve.
   */
  tables?: TidyTable[];
}

export interface ExperimentDeclaration {
  title: string;
  reference: string;
  description: string;
  budgets: { default: { samples: number; seed: number }; full: { samples: number } };
  cells(run: RunSettings): Cell[];
  analyse(results: CellResults, run: RunSettings, ctx: ExperimentContext): Analysis | Promise<Analysis>;
  /**
   * Submit every cell at once, so that a thread pool never idles between them (each result depends only
   * on its own spec and seed, whatever the order they finish in).
   */
  concurrent?: boolean;
  /** See Experiment.memoUnits and extraSeconds (work outside the cells, e.g. training). */
  memoUnits?: boolean;
  extraSeconds?(run: RunSettings): number;
}

export const cellLabel = (c: Cell) =>
  c.label ??
  Object.entries(c.key)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");

/** Type a declaration (one file under src/experiments/; its id is its path there, given by the registry). */
export const defineExperiment = (d: ExperimentDeclaration): ExperimentDeclaration => d;

/**
 * The experiment a declaration describes, under its id (the declaring file's path under src/experiments,
 * without the extension). Claims declare local ids; the experiment's claims carry `<id>:<local id>`.
 */
/** Each cell's observables: mean, SE, variance and the count of non-finite samples. */
function cellsTable(done: readonly { cell: Cell; sim: SimulationResult }[]): string[] {
  const rows = done.flatMap(({ cell, sim }) =>
    sim.plan.observables.map((o) => {
      const s = sim.stats[o];
      return {
        cell: cellLabel(cell),
        observable: o,
        mean: s.mean,
        se: s.seMean,
        variance: s.variance,
        nonFinite: s.nonFinite,
      };
    }),
  );
  return rowsText(rows, ["cell", "observable", "mean", "se", "variance", "nonFinite"]);
}

export function buildExperiment(id: string, d: ExperimentDeclaration): Experiment {
  const settings = (opts: ExperimentOptions): RunSettings => ({
    samples: opts.samples ?? (opts.full ? d.budgets.full.samples : d.budgets.default.samples),
    seed: opts.seed ?? d.budgets.default.seed,
    engine: opts.engine ?? "auto",
    full: opts.full ?? false,
  });
  const requests = (run: RunSettings) =>
    d.cells(run).map((cell) => ({
      cell,
      label: cellLabel(cell),
      spec: cell.spec,
      options: {
        samples: cell.samples ?? run.samples,
        seed: cell.seed ?? run.seed,
        engine: cell.engine ?? run.engine,
        observables: cell.observables,
      },
    }));
  return {
    id,
    title: d.title,
    reference: d.reference,
    description: d.description,
    defaults: d.budgets.default,
    full: d.budgets.full,
    memoUnits: d.memoUnits,
    extraSeconds: d.extraSeconds && ((opts) => d.extraSeconds!(settings(opts))),
    plan: (opts) => requests(settings(opts)).map(({ label, spec, options }) => ({ label, spec, options })),
    async run(ctx, opts) {
      const run = settings(opts);
      const reqs = requests(run);
      const simulate = (r: (typeof reqs)[number]) => ctx.simulate(r.spec, r.options, r.label);
      const done: { cell: Cell; sim: SimulationResult }[] = [];
      if (d.concurrent) {
        const sims = await Promise.all(reqs.map(simulate));
        reqs.forEach((r, i) => done.push({ cell: r.cell, sim: sims[i] }));
      } else for (const r of reqs) done.push({ cell: r.cell, sim: await simulate(r) });
      const a = await d.analyse(new CellResults(done), run, ctx);
      const claims = a.claims.map((c) => ({
        ...c,
        id: `${id}:${c.id}`,
        experiment: id,
        reference: c.reference || d.reference,
      }));
      const records: CellRecord[] = done.map(({ cell, sim }) => ({
        key: cell.key,
        label: cellLabel(cell),
        spec: cell.spec,
        sim,
      }));
      const metadata = {
        "deeplimits.experiment": id,
        "deeplimits.run": JSON.stringify({
          samples: run.samples,
          seed: run.seed,
          engine: run.engine,
          full: run.full,
        }),
        "deeplimits.cells": JSON.stringify(
          done.map(({ cell, sim }) => ({ key: cell.key, spec: sim.plan.spec, engine: sim.plan.engine })),
        ),
      };
      const tables = [
        ...(done.length > 0 ? [samplesTable(records, metadata)] : []),
        summariesTable(id, records, metadata),
        ...(a.tables ?? []).map((t) => ({ ...t, metadata: { ...metadata, ...t.metadata } })),
      ];
      return {
        id: id,
        title: d.title,
        reference: d.reference,
        params: {
          ...a.params,
          // Every simulation, as planned: the spec, observables and engine of each cell.
          cells: done.map(({ cell, sim }) => ({
            key: cell.key,
            spec: sim.plan.spec,
            observables: sim.plan.observables,
            engine: sim.plan.engine,
          })),
          samples: run.samples,
          seed: run.seed,
          engine: run.engine,
        },
        results: a.results ?? (a.estimates ? { estimates: a.estimates, theory: a.theory ?? [] } : {}),
        summaries: summaryRecords(id, records),
        claims,
        tables,
        figure: a.figure,
        caption: a.caption,
        table: `${(a.table ?? (a.estimates ? estimatesTable(a.estimates, a.theory ?? []) : cellsTable(done))).join("\n")}\n\n${claimsTable(claims)}`,
      };
    },
  };
}

/** A matcher of ids by a glob (`*` any run of characters, `?` one character). */
export function globMatcher(glob: string): (id: string) => boolean {
  const re = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return (id) => re.test(id);
}

/** Estimated single-core seconds of the sampling an experiment will do, and of its other work. */
export function estimateExperimentSeconds(e: Experiment, opts: ExperimentOptions = {}): number {
  const sims = e.plan(opts).reduce((s, r) => s + estimateSeconds(makePlan(r.spec, r.options)), 0);
  return sims + (e.extraSeconds?.(opts) ?? 0);
}
