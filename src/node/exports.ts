/**
 * Data exports: Parquet (hyparquet-writer: pure JavaScript, MIT; DuckDB, polars, pandas+pyarrow and
 * Spark read it) and CSV, from tidy tables (src/runner/tidy.ts). An empty table keeps its schema.
 */
import { type ColumnSource, parquetWriteBuffer } from "hyparquet-writer";
import type { TidyColumn, TidyTable } from "../runner/tidy.js";
import { rowCount } from "../runner/tidy.js";
import { VERSION } from "./version.js";

/** Rows per Parquet row group: large groups read fastest; one group for most of our tables. */
const ROW_GROUP = 1 << 20;

/**
 * hyparquet-writer's column sources, chosen by measurement (10^6 rows, one core): typed arrays and
 * columns without a missing value are REQUIRED (no definition levels: about half the time of a double
 * column, 25% less for strings); integer
 * columns are delta-encoded (37 ms against 114 ms for the dictionary, and smaller for our sorted
 * parameter and index columns); strings keep the dictionary without min/max statistics (91 vs 149 ms).
 */
export const columnSources = (columns: readonly TidyColumn[]): ColumnSource[] =>
  columns.map((c) => ({
    name: c.name,
    type: c.type,
    data: c.values as ColumnSource["data"],
    // REQUIRED unless a value is missing (no definition levels to write: about 25% less time).
    nullable: !ArrayBuffer.isView(c.values) && hasNull(c.values),
    ...(c.type === "INT32" && c.values instanceof Int32Array
      ? { encoding: "DELTA_BINARY_PACKED" as const }
      : {}),
    ...(c.type === "STRING" ? { statistics: false } : {}),
    // Continuous samples: PLAIN, and no min/max statistics (of no use to a filter on them).
    ...(c.type === "DOUBLE" && manyDistinct(c.values)
      ? { encoding: "PLAIN" as const, statistics: false }
      : {}),
  }));

function hasNull(values: ArrayLike<unknown>): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] === null || values[i] === undefined) return true;
  return false;
}

/**
 * Whether 1024 values spread over a column are mostly distinct: then a dictionary cannot pay and PLAIN
 * skips the writer's attempt to build one (1.1 s against 0.18 s for 10^6 continuous samples).
 */
function manyDistinct(values: ArrayLike<unknown>): boolean {
  const n = Math.min(values.length, 1024);
  const seen = new Set<unknown>();
  for (let i = 0; i < n; i++) seen.add(values[Math.floor((i * values.length) / n)]);
  return seen.size > n / 2;
}

/** Parquet bytes of a tidy table, with its key/value metadata (plus the writer's version). */
export function parquetBytes(table: TidyTable): Uint8Array {
  const columnData = columnSources(table.columns);
  const buffer = parquetWriteBuffer({
    columnData,
    rowGroupSize: ROW_GROUP,
    createdBy: `deeplimits ${VERSION} (hyparquet-writer)`,
    kvMetadata: Object.entries({ "deeplimits.version": VERSION, ...table.metadata }).map(([key, value]) => ({
      key,
      value,
    })),
  });
  return new Uint8Array(buffer);
}

/** One CSV cell: numbers as pandas reads them, strings quoted where they hold a comma, quote or newline. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : v > 0 ? "inf" : v < 0 ? "-inf" : "nan";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV of a tidy table: header always; missing values empty; +-inf and nan as words pandas reads. */
export function tableCsv(table: TidyTable): string {
  const n = rowCount(table);
  const lines = [table.columns.map((c) => csvCell(c.name)).join(",")];
  for (let i = 0; i < n; i++) lines.push(table.columns.map((c) => csvCell(c.values[i])).join(","));
  return `${lines.join("\n")}\n`;
}
