/** Claims as a tidy table (claims.parquet / claims.csv): one row per claim, typed columns. */
import { type ColumnType, tableFromRows, type TidyTable } from "../runner/tidy.js";
import type { Claim } from "./index.js";

/** The columns every claims table has, in order (an empty table keeps them). */
export const CLAIM_SCHEMA: [string, ColumnType][] = [
  ["id", "STRING"],
  ["experiment", "STRING"],
  ["statement", "STRING"],
  ["reference", "STRING"],
  ["test", "STRING"],
  ["alternative", "STRING"],
  ["theory", "DOUBLE"],
  ["simulated", "DOUBLE"],
  ["se", "DOUBLE"],
  ["statistic", "DOUBLE"],
  ["pValue", "DOUBLE"],
  ["threshold", "DOUBLE"],
  ["verdict", "STRING"],
  ["expected", "STRING"],
  ["explanation", "STRING"],
];

export function claimsTidyTable(claims: readonly Claim[], metadata: Record<string, string> = {}): TidyTable {
  const rows = claims.map((c) => {
    const row: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c))
      row[k] = v !== null && typeof v === "object" ? JSON.stringify(v) : v;
    row.alternative ??= c.test === "z" ? "two-sided" : null;
    return row;
  });
  return tableFromRows("claims", rows, CLAIM_SCHEMA, metadata);
}
