/** Data exports: Apache Arrow IPC files (pandas, polars, DuckDB read them) and CSV. */
import { tableFromArrays, tableToIPC } from "apache-arrow";
import type { SampleTable } from "../runner/types.js";

/** Arrow IPC *file* format (Feather V2) bytes of equal-length numeric columns. */
export function arrowBytes(table: SampleTable): Uint8Array {
  return tableToIPC(tableFromArrays(table.columns), "file");
}

function csvCell(v: unknown): string {
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : v > 0 ? "inf" : v < 0 ? "-inf" : "nan";
  const s = String(v ?? "");
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV of objects; the header is the union of keys in first-seen order, after `columns` (so that an
 * empty table still has its header).
 */
export function toCsv(rows: readonly Record<string, unknown>[], columns: readonly string[] = []): string {
  const keys: string[] = [...columns];
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  return `${[keys.join(","), ...rows.map((r) => keys.map((k) => csvCell(r[k])).join(","))].join("\n")}\n`;
}
