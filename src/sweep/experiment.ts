/**
 * A sweep as a declared experiment: its grid cells are the experiment's cells, so that the runner
 * does the planning, the shared worker pool, sharding, progress and the tidy exports exactly as for
 * the references' figures. The analysis adds the theory table (every theory that applies, with
 * z-scores), the figure (a statistic against one axis, a line per value of the others, +-2 SE bars,
 * theory dashed by source) and the claims given on the command line.
 */
import { buildExperiment, type Cell, type CellResults, cellLabel } from "../runner/define.js";
import { tableFromRows, type CellValue } from "../runner/tidy.js";
import type { Experiment } from "../runner/types.js";
import { rowsText } from "../report/tables.js";
import { makePlan } from "../simulate.js";
import { describeSpec } from "../spec/index.js";
import { SpecError } from "../spec/errors.js";
import { theoryMoments } from "../theory/overlays.js";
import { cellClaim, checkSweepClaim, parseSweepClaim, type SweepClaim } from "./claims.js";
import { cellSpec, type SweepDefinition, type SweepStatistic } from "./definition.js";
import { gridCells, keyValue } from "./grid.js";

/** The sweep's cells, validated (every spec, its observables and the claims) before anything is sampled. */
export function sweepCells(def: SweepDefinition): { cells: Cell[]; claims: SweepClaim[] } {
  const cells: Cell[] = gridCells(def.grid).map((assignment) => {
    const spec = cellSpec(def, assignment);
    const key = Object.fromEntries(assignment.map(({ field, value }) => [field, keyValue(value)]));
    let plan;
    try {
      plan = makePlan(spec, {
        samples: def.samples,
        seed: def.seed,
        engine: def.engine,
        observables: def.observables,
      });
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      const where = assignment.map(({ field, value }) => `${field}=${JSON.stringify(value)}`).join(" ");
      throw new SpecError(
        e.field === "observable" || e.field === "observables" ? "--observables" : e.field,
        `${e.detail} (cell ${where})`,
        e.value,
      );
    }
    return { key, spec, observables: plan.observables };
  });
  const claims = def.claims.map(parseSweepClaim);
  for (const c of claims) checkSweepClaim(c, cells);
  return { cells, claims };
}

/** The x axis of the figure: the declared one, else the first axis with numbers, else the first. */
function figureAxis(def: SweepDefinition): string {
  return (
    def.figure.x ??
    def.grid.find((a) => a.values.every((v) => typeof v === "number"))?.field ??
    def.grid[0].field
  );
}

/** A statistic of a summary and its standard error (sd: delta method). */
function statOf(
  st: SweepStatistic,
  s: { mean: number; seMean: number; variance: number; seVariance: number },
) {
  if (st === "mean") return { value: s.mean, se: s.seMean };
  if (st === "variance") return { value: s.variance, se: s.seVariance };
  const sd = Math.sqrt(s.variance);
  return { value: sd, se: s.seVariance / (2 * sd) };
}

const theoryStat = (st: SweepStatistic, m: { mean: number; variance: number }) =>
  st === "mean" ? m.mean : st === "variance" ? m.variance : Math.sqrt(m.variance);

export function sweepExperiment(def: SweepDefinition): Experiment {
  const { cells, claims: claimSpecs } = sweepCells(def);
  const x = figureAxis(def);
  const others = def.grid.filter((a) => a.field !== x).map((a) => a.field);
  const xAxis = def.grid.find((a) => a.field === x)!;
  const numericX = xAxis.values.every((v) => typeof v === "number");
  const xs = xAxis.values as number[];
  const logX =
    def.figure.logX ?? (numericX && xs.every((v) => v > 0) && Math.max(...xs) / Math.min(...xs) >= 20);
  const statistic: SweepStatistic = def.figure.statistic ?? "mean";
  const seriesOf = (c: Cell) => others.map((f) => `${f}=${c.key[f]}`).join(" ") || "simulation";

  return buildExperiment(`sweep/${def.name}`, {
    title: `Sweep ${def.name}: ${def.grid.map((a) => a.field).join(" x ")} (${cells.length} cells)`,
    reference: "a user's sweep (docs/sweeps.md)",
    description: `${describeSpec(cells[0].spec)}, swept over ${def.grid.map((a) => `${a.field} (${a.values.length})`).join(", ")}`,
    budgets: { default: { samples: def.samples, seed: def.seed }, full: { samples: def.samples } },
    concurrent: true,
    cells: () => cells,
    analyse(results: CellResults) {
      const done = results.cells;
      // Every theory that applies to each cell's observables, with the z-scores of mean and variance.
      const theoryRows: Record<string, CellValue>[] = [];
      const figureRows: Record<string, unknown>[] = [];
      const tableRows: Record<string, string | number>[] = [];
      for (const { cell, sim } of done) {
        const label = cellLabel(cell);
        const series = seriesOf(cell);
        const xv = cell.key[x];
        for (const o of sim.plan.observables) {
          const s = sim.stats[o];
          const { value, se } = statOf(statistic, s);
          figureRows.push({
            kind: "sim",
            observable: o,
            x: xv,
            series,
            value,
            lo: value - 2 * se,
            hi: value + 2 * se,
          });
          const zs: string[] = [];
          for (const m of theoryMoments(cell.spec, o)) {
            const zMean = (s.mean - m.mean) / s.seMean;
            const zVariance = (s.variance - m.variance) / s.seVariance;
            theoryRows.push({
              cell: label,
              ...cell.key,
              observable: o,
              theory: m.name,
              source: m.source,
              exact: m.exact === true,
              theoryMean: m.mean,
              theoryVariance: m.variance,
              mean: s.mean,
              seMean: s.seMean,
              variance: s.variance,
              seVariance: s.seVariance,
              zMean,
              zVariance,
            });
            figureRows.push({
              kind: "theory",
              observable: o,
              x: xv,
              series,
              theory: `${m.name} [${m.source}]`,
              value: theoryStat(statistic, m),
            });
            zs.push(`${m.name}: z ${zMean.toFixed(1)}, ${zVariance.toFixed(1)}`);
          }
          tableRows.push({
            cell: label,
            observable: o,
            mean: s.mean,
            seMean: s.seMean,
            variance: s.variance,
            seVariance: s.seVariance,
            nonFinite: s.nonFinite,
            "theory (z of mean, variance)": zs.join("; ") || "-",
          });
        }
      }
      const claims = claimSpecs.flatMap((c, i) =>
        done.flatMap(({ cell, sim }) => {
          const claim = cellClaim(c, i, { label: cellLabel(cell), spec: cell.spec, stats: sim.stats });
          return claim ? [claim] : [];
        }),
      );
      const observables = [...new Set(done.flatMap((d) => d.sim.plan.observables))];
      const theoryTable = tableFromRows("theory", theoryRows, [
        ["cell", "STRING"],
        ...def.grid.map((a) => a.field),
        ["observable", "STRING"],
        ["theory", "STRING"],
        ["source", "STRING"],
        ["exact", "BOOLEAN"],
        ...[
          "theoryMean",
          "theoryVariance",
          "mean",
          "seMean",
          "variance",
          "seVariance",
          "zMean",
          "zVariance",
        ].map((n) => [n, "DOUBLE"] as [string, "DOUBLE"]),
      ]);
      return {
        params: { sweep: def },
        results: { theory: theoryRows, claimsChecked: claimSpecs.map((c) => c.text) },
        claims,
        figure: sweepChart({
          title: `${statistic} against ${x}`,
          rows: figureRows,
          x,
          numericX,
          logX,
          statistic,
          observables,
          series: others.join(", "),
          seriesOrder: [...new Set(cells.map(seriesOf))],
        }),
        caption: `${statistic} of ${observables.join(", ")} against ${x}${others.length ? `, one line per ${others.join(" x ")}` : ""}; bands +-2 SE; theory dashed, one dash per source. Every cell: ${def.samples} samples, seed ${def.seed} (common random numbers), engine ${def.engine}.`,
        table: rowsText(tableRows, [
          "cell",
          "observable",
          "mean",
          "seMean",
          "variance",
          "seVariance",
          "nonFinite",
          "theory (z of mean, variance)",
        ]),
        tables: [theoryTable],
      };
    },
  });
}

/** The sweep's figure (Vega-Lite): one panel per observable. */
function sweepChart(o: {
  title: string;
  rows: Record<string, unknown>[];
  x: string;
  numericX: boolean;
  logX: boolean;
  statistic: string;
  observables: string[];
  series: string;
  seriesOrder: string[];
}): Record<string, unknown> {
  const xEnc = o.numericX
    ? {
        field: "x",
        type: "quantitative",
        title: o.x,
        scale: o.logX ? { type: "log", nice: false } : { nice: false, zero: false },
      }
    : { field: "x", type: "nominal", title: o.x };
  const y = { type: "quantitative", title: o.statistic, scale: { zero: false } };
  const color = {
    field: "series",
    type: "nominal",
    title: o.series || null,
    sort: o.seriesOrder,
    legend: { orient: "bottom" },
  };
  // Theories are never solid (the simulation is): one dash pattern per source.
  const dashes = [
    [6, 3],
    [2, 2],
    [10, 3, 2, 3],
    [1, 4],
    [12, 6],
  ];
  const view = {
    width: 360,
    height: 240,
    layer: [
      {
        transform: [{ filter: "datum.kind === 'theory'" }],
        mark: { type: "line", strokeWidth: 1.2, opacity: 0.9 },
        encoding: {
          x: xEnc,
          y: { ...y, field: "value" },
          color,
          strokeDash: {
            field: "theory",
            type: "nominal",
            title: "theory (source)",
            scale: { range: dashes },
            legend: { orient: "bottom", direction: "vertical", labelLimit: 700 },
          },
          detail: { field: "series" },
        },
      },
      {
        transform: [{ filter: "datum.kind === 'sim'" }],
        // +-2 SE: a band along a numeric axis, a bar at each category otherwise.
        mark: o.numericX ? { type: "area", opacity: 0.22 } : { type: "rule", strokeWidth: 1.5 },
        encoding: { x: xEnc, y: { ...y, field: "lo" }, y2: { field: "hi" }, color },
      },
      {
        transform: [{ filter: "datum.kind === 'sim'" }],
        mark: {
          ...(o.numericX
            ? { type: "line", strokeWidth: 1, point: { filled: true, size: 30 } }
            : { type: "point", filled: true, size: 30 }),
          tooltip: true,
        },
        encoding: { x: xEnc, y: { ...y, field: "value" }, color },
      },
    ],
  };
  const head = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: o.title, fontSize: 14 },
    data: { values: o.rows },
    config: { font: "DejaVu Sans", view: { stroke: "#888" }, legend: { labelLimit: 700 } },
  };
  if (o.observables.length === 1)
    return { ...head, ...view, title: { text: `${o.observables[0]}: ${o.title}`, fontSize: 14 } };
  return {
    ...head,
    facet: { field: "observable", type: "nominal", title: null },
    columns: 2,
    resolve: { scale: { y: "independent" } },
    spec: view,
  };
}
