/** Plain-text tables for the terminal, built from an experiment's rows. */
import type { EstimateRow, TheoryRow } from "./charts.js";

const num = (v: number) =>
  !Number.isFinite(v) ? String(v) : v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(5)));
const cell = (v: unknown) => (typeof v === "number" ? num(v) : String(v ?? ""));

/** Rows as an aligned table of the given fields (numbers to 5 significant digits). */
export function rowsText<R extends object>(rows: readonly R[], fields: readonly (keyof R & string)[]): string[] {
  const text = rows.map((r) => fields.map((f) => cell(r[f])));
  const w = fields.map((f, j) => Math.max(f.length, ...text.map((t) => t[j].length)));
  const line = (t: readonly string[]) => t.map((x, j) => x.padStart(w[j])).join("  ");
  return [line(fields), ...text.map(line)];
}

/**
 * The estimates of an experiment with the theory values at the same (panel, config), as a plain-text
 * table: one line per estimate, value and its +-2 SE interval, then one column per theory source
 * (numbered; the sources are listed under the table).
 */
export function estimatesTable(estimates: EstimateRow[], theory: TheoryRow[]): string[] {
  const sources = [...new Set(theory.map((t) => t.source))];
  const f = (v: number | undefined) => (v === undefined ? "" : num(v));
  const w = (k: keyof EstimateRow) => Math.max(k.length, ...estimates.map((e) => String(e[k]).length));
  const [wp, wc, ws] = [w("panel"), w("config"), w("series")];
  const lines = [
    `${"panel".padEnd(wp)}  ${"config".padEnd(wc)}  ${"series".padEnd(ws)}  ${"value".padStart(11)}  ${"+-2 SE interval".padEnd(25)}${sources.map((_, i) => `[${i + 1}]`.padStart(12)).join("")}`,
  ];
  for (const e of estimates) {
    const th = sources.map((s) =>
      f(theory.find((t) => t.source === s && t.panel === e.panel && t.config === e.config)?.value).padStart(12),
    );
    lines.push(
      `${e.panel.padEnd(wp)}  ${e.config.padEnd(wc)}  ${e.series.padEnd(ws)}  ${f(e.value).padStart(11)}  ${`[${f(e.lo)}, ${f(e.hi)}]`.padEnd(25)}${th.join("")}`,
    );
  }
  return [...lines, ...sources.map((s, i) => `[${i + 1}] ${s}`)];
}
