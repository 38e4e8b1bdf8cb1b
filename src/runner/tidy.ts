/**
 * Tidy tables: one row per observation, one typed column per variable, the parameters of every
 * simulation as columns (never inside column names or free text). The runner builds them for every
 * experiment and `simulate`; src/node/exports.ts writes them as Parquet and CSV.
 */
import type { SimulationResult } from "../simulate.js";
import { DEFAULT_PROBS } from "../stats/quantile.js";

export type ColumnType = "INT32" | "DOUBLE" | "STRING" | "BOOLEAN";
export type CellValue = number | string | boolean | null;

export interface TidyColumn {
  name: string;
  type: ColumnType;
  /** Float64Array/Int32Array for numeric columns without nulls; arrays otherwise (null = missing). */
  values: ArrayLike<CellValue>;
}

/** A named table with its schema and key/value metadata (Parquet's key_value_metadata). */
export interface TidyTable {
  name: string;
  columns: TidyColumn[];
  metadata: Record<string, string>;
}

export const rowCount = (t: TidyTable) => t.columns[0]?.values.length ?? 0;

/** The type that holds every non-null value (integers in int32 range stay integers). */
export function columnType(values: readonly CellValue[], fallback: ColumnType = "DOUBLE"): ColumnType {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return fallback;
  if (present.every((v) => typeof v === "boolean")) return "BOOLEAN";
  if (present.every((v) => typeof v === "number")) {
    const ints = present.every((v) => Number.isInteger(v) && Math.abs(v as number) < 2 ** 31);
    return ints ? "INT32" : "DOUBLE";
  }
  return "STRING";
}

const fits = (v: CellValue, type: ColumnType) =>
  v === null ||
  v === undefined ||
  type === "STRING" ||
  (type === "BOOLEAN"
    ? typeof v === "boolean"
    : typeof v === "number" && (type === "DOUBLE" || (Number.isInteger(v) && Math.abs(v) < 2 ** 31)));

/**
 * A column of values: of the declared type when every value fits it, else of the inferred type (mixed
 * numbers and strings become strings); `declared` is also the type of a column of nulls.
 */
export function inferColumn(name: string, values: readonly CellValue[], declared?: ColumnType): TidyColumn {
  const type = declared && values.every((v) => fits(v, declared)) ? declared : columnType(values, declared);
  return {
    name,
    type,
    values:
      type === "STRING" ? values.map((v) => (v === null || v === undefined ? null : String(v))) : values,
  };
}

/** A table from row objects: the columns are the union of keys after `columns`, types inferred. */
export function tableFromRows(
  name: string,
  rows: readonly Record<string, unknown>[],
  columns: readonly (string | [string, ColumnType])[] = [],
  metadata: Record<string, string> = {},
): TidyTable {
  const declared = new Map<string, ColumnType | undefined>();
  for (const c of columns) {
    if (typeof c === "string") declared.set(c, undefined);
    else declared.set(c[0], c[1]);
  }
  for (const r of rows) for (const k of Object.keys(r)) if (!declared.has(k)) declared.set(k, undefined);
  return {
    name,
    metadata,
    columns: [...declared].map(([k, type]) =>
      inferColumn(
        k,
        rows.map((r) => (r[k] === undefined ? null : (r[k] as CellValue))),
        type ?? (rows.length === 0 ? "STRING" : undefined),
      ),
    ),
  };
}

// ---- parameters of a simulation -----------------------------------------------------------------

/** Arrays longer than this (per-layer widths, beta grids) stay in result.json, not in a column. */
const MAX_ARRAY_IN_COLUMN = 32;

/** A spec's scalar fields, nested objects flattened with dots, short arrays as JSON text. */
export function flattenSpec(spec: unknown, prefix = ""): Record<string, CellValue> {
  const out: Record<string, CellValue> = {};
  if (spec === null || typeof spec !== "object") return out;
  for (const [k, v] of Object.entries(spec as Record<string, unknown>)) {
    const name = prefix + k;
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) {
      if (v.length <= MAX_ARRAY_IN_COLUMN) out[name] = JSON.stringify(v);
    } else if (typeof v === "object") Object.assign(out, flattenSpec(v, `${name}.`));
    else if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") out[name] = v;
  }
  return out;
}

/** What one simulated cell contributes: its key, declared spec and the run's settings. */
export interface CellRecord {
  /** The parameters the experiment names the cell by. */
  key: Record<string, string | number | boolean>;
  label: string;
  spec: unknown;
  /** Its result (a streamed simulation has no samples in memory and no quantiles). */
  sim: Pick<SimulationResult, "plan" | "stats"> & Partial<Pick<SimulationResult, "samples" | "quantiles">>;
}

/**
 * Each cell's parameter values: its key, then `family` and every spec field whose value differs
 * between cells (flattened; with `every`, every spec field), then `engine`, `seed` and `samples`. Names
 * already used by the key are not repeated from the spec.
 */
export function parameterRows(cells: readonly CellRecord[], every = false): Record<string, CellValue>[] {
  const flat = cells.map((c) => flattenSpec(c.spec));
  const specFields: string[] = [];
  for (const f of flat) for (const k of Object.keys(f)) if (!specFields.includes(k)) specFields.push(k);
  const varying = specFields.filter(
    (k) => every || k === "family" || flat.some((f) => JSON.stringify(f[k]) !== JSON.stringify(flat[0][k])),
  );
  return cells.map((c, i) => {
    const row: Record<string, CellValue> = { ...c.key };
    for (const k of varying) if (!(k in row)) row[k] = flat[i][k] ?? null;
    row.engine = c.sim.plan.engine;
    row.seed = c.sim.plan.seed;
    row.samples = c.sim.plan.samples;
    return row;
  });
}

/** The parameter column names of cells, in order. */
const parameterNames = (params: readonly Record<string, CellValue>[]) => {
  const names: string[] = [];
  for (const p of params) for (const k of Object.keys(p)) if (!names.includes(k)) names.push(k);
  return names;
};

/** Names a column may not take (they are the table's own). */
const reserve = (name: string, taken: readonly string[]) => (taken.includes(name) ? `param_${name}` : name);

/**
 * A column holding values[i] counts[i] times in turn (typed as the values: typed arrays for numbers
 * without nulls).
 */
export function repeatedColumn(
  name: string,
  values: readonly CellValue[],
  counts: readonly number[],
): TidyColumn {
  const { type } = inferColumn(name, values);
  const total = counts.reduce((a, b) => a + b, 0);
  const numeric = (type === "INT32" || type === "DOUBLE") && values.every((v) => v !== null);
  const out: Int32Array | Float64Array | CellValue[] = numeric
    ? type === "INT32"
      ? new Int32Array(total)
      : new Float64Array(total)
    : new Array<CellValue>(total);
  let at = 0;
  values.forEach((v, i) => {
    const x = v === null || v === undefined ? null : type === "STRING" ? String(v) : v;
    (out as CellValue[]).fill(x as never, at, at + counts[i]);
    at += counts[i];
  });
  return { name, type, values: out };
}

/**
 * One row per sample of every cell: `cell` (its label), the parameter columns, `sample` (index within
 * the cell, an integer) and one column per observable (null where a cell did not compute it).
 */
export function samplesTable(cells: readonly CellRecord[], metadata: Record<string, string> = {}): TidyTable {
  const params = parameterRows(cells);
  const observables: string[] = [];
  for (const c of cells)
    for (const o of c.sim.plan.observables) if (!observables.includes(o)) observables.push(o);
  const names = parameterNames(params);
  const counts = cells.map((c) => c.sim.plan.samples);
  const columns: TidyColumn[] = [
    repeatedColumn(
      "cell",
      cells.map((c) => c.label),
      counts,
    ),
    ...names.map((k) =>
      repeatedColumn(
        reserve(k, ["cell", "sample", ...observables]),
        params.map((p) => p[k] ?? null),
        counts,
      ),
    ),
  ];
  const total = counts.reduce((a, b) => a + b, 0);
  const sample = new Int32Array(total);
  let at = 0;
  for (const c of cells) for (let s = 0; s < c.sim.plan.samples; s++) sample[at++] = s;
  columns.push({ name: "sample", type: "INT32", values: sample });
  for (const o of observables) {
    const complete = cells.every((c) => c.sim.plan.observables.includes(o));
    const values: Float64Array | CellValue[] = complete
      ? new Float64Array(total)
      : new Array(total).fill(null);
    let pos = 0;
    for (const c of cells) {
      const col = c.sim.samples?.[o];
      if (col) for (let s = 0; s < c.sim.plan.samples; s++) values[pos + s] = col[s];
      pos += c.sim.plan.samples;
    }
    columns.push({ name: o, type: "DOUBLE", values });
  }
  return { name: "samples", columns, metadata };
}

/** The columns of a summary row after the parameters (the quantiles follow). */
export const SUMMARY_STAT_COLUMNS = [
  "count",
  "n",
  "nonFinite",
  "mean",
  "seMean",
  "variance",
  "seVariance",
] as const;

/** The quantile levels every summary row carries (null when a streamed result has none). */
export const SUMMARY_QUANTILES = DEFAULT_PROBS;

/**
 * One row per cell and observable: `experiment`, `cell`, the parameter columns, `observable`, and
 * count, n, non-finite count, mean +- SE, variance +- SE and quantiles q0.001 ... q0.999.
 */
export function summaryRecords(
  experiment: string,
  cells: readonly CellRecord[],
  every = false,
): Record<string, CellValue>[] {
  const params = parameterRows(cells, every);
  return cells.flatMap((c, i) =>
    c.sim.plan.observables.map((o) => {
      const s = c.sim.stats[o];
      const q = c.sim.quantiles?.[o] as Record<string, number> | undefined;
      return {
        experiment,
        cell: c.label,
        ...Object.fromEntries(Object.entries(params[i]).map(([k, v]) => [reserve(k, SUMMARY_RESERVED), v])),
        observable: o,
        count: s.count,
        n: s.n,
        nonFinite: s.nonFinite,
        mean: s.mean,
        seMean: s.seMean,
        variance: s.variance,
        seVariance: s.seVariance,
        ...Object.fromEntries(SUMMARY_QUANTILES.map((p) => [`q${p}`, q?.[String(p)] ?? null])),
      };
    }),
  );
}

const SUMMARY_RESERVED = ["experiment", "cell", "observable", ...SUMMARY_STAT_COLUMNS];

/** The typed header of a summaries table (also the whole schema of an empty one). */
export const SUMMARY_SCHEMA: [string, ColumnType][] = [
  ["experiment", "STRING"],
  ["cell", "STRING"],
  ["family", "STRING"],
  ["engine", "STRING"],
  ["seed", "INT32"],
  ["samples", "INT32"],
  ["observable", "STRING"],
  ["count", "INT32"],
  ["n", "INT32"],
  ["nonFinite", "INT32"],
  ["mean", "DOUBLE"],
  ["seMean", "DOUBLE"],
  ["variance", "DOUBLE"],
  ["seVariance", "DOUBLE"],
  ...SUMMARY_QUANTILES.map((p) => [`q${p}`, "DOUBLE"] as [string, ColumnType]),
];

/** Summaries as a typed table (columns in SUMMARY_SCHEMA's order, parameters after `cell`). */
export function summariesTable(
  experiment: string,
  cells: readonly CellRecord[],
  metadata: Record<string, string> = {},
  every = false,
): TidyTable {
  const rows = summaryRecords(experiment, cells, every);
  const paramNames = parameterNames(parameterRows(cells, every)).map((k) => reserve(k, SUMMARY_RESERVED));
  const order: (string | [string, ColumnType])[] = [
    ["experiment", "STRING"],
    ["cell", "STRING"],
    ...paramNames.filter((k) => !SUMMARY_SCHEMA.some(([n]) => n === k)),
    ...SUMMARY_SCHEMA.slice(2),
  ];
  return tableFromRows("summaries", rows, order, metadata);
}

/**
 * Tables stacked by column name (a column missing from a table is null there); a column that is an
 * integer in one table and a double in another becomes a double, any other mix strings.
 */
export function concatTables(
  name: string,
  tables: readonly TidyTable[],
  metadata: Record<string, string> = {},
): TidyTable {
  const types = new Map<string, ColumnType>();
  for (const t of tables)
    for (const c of t.columns) {
      const had = types.get(c.name);
      types.set(
        c.name,
        had === undefined || had === c.type
          ? c.type
          : [had, c.type].every((x) => x === "INT32" || x === "DOUBLE")
            ? "DOUBLE"
            : "STRING",
      );
    }
  const total = tables.reduce((s, t) => s + rowCount(t), 0);
  const columns: TidyColumn[] = [...types].map(([col, type]) => {
    const values: CellValue[] = new Array(total).fill(null);
    let at = 0;
    for (const t of tables) {
      const c = t.columns.find((x) => x.name === col);
      const n = rowCount(t);
      if (c)
        for (let i = 0; i < n; i++) {
          const v = c.values[i];
          values[at + i] = v === null || v === undefined ? null : type === "STRING" ? String(v) : v;
        }
      at += n;
    }
    return { name: col, type, values };
  });
  return { name, columns, metadata };
}

/**
 * The columns of samples start..end-1 of one simulation (`simulate`): every parameter of its spec,
 * engine, seed and sample count (constant columns, cheap in Parquet's dictionary encoding), the sample
 * index and one column per observable.
 */
export function simulationColumns(
  plan: SimulationResult["plan"],
  start: number,
  columns: readonly Float64Array[],
): TidyColumn[] {
  const n = columns[0]?.length ?? 0;
  const params = parameterRows([{ key: {}, label: "", spec: plan.spec, sim: { plan, stats: {} } }], true)[0];
  const names = Object.keys(params);
  return [
    ...names.map((k) => repeatedColumn(reserve(k, ["sample", ...plan.observables]), [params[k]], [n])),
    { name: "sample", type: "INT32" as const, values: Int32Array.from({ length: n }, (_, i) => start + i) },
    ...plan.observables.map((o, i) => ({ name: o, type: "DOUBLE" as const, values: columns[i] })),
  ];
}
