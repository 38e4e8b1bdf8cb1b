/**
 * Sweep grids: axes over spec fields, written as `field=values` (docs/sweeps.md), and the cells of
 * their Cartesian product. Isomorphic: the CLI, the library and the explorer parse the same syntax.
 *
 *   depth=10,20,50,100       a list (numbers, strings, JSON values such as [20,400] or true)
 *   depth=10..100            every integer from 10 to 100
 *   depth=10..100 step 10    10, 20, ..., 100 (the end is kept when the steps land on it)
 *   depth=10..1000 log 7     7 log-spaced values; rounded to integers when both ends are (repeats dropped)
 *   alpha2=0.1..0.9 lin 5    5 evenly spaced values
 */
import { SpecError } from "../spec/errors.js";

export type GridValue = number | string | boolean | number[];

/** One axis: a spec field (dotted path, as --set) and the values it takes, in order. */
export interface GridAxis {
  field: string;
  values: GridValue[];
}

/** Values one axis may hold (a longer range is surely a typo). */
export const MAX_AXIS_VALUES = 10_000;
/** Cells a sweep may have without confirmation (`--yes`, or `confirm: true` in the library). */
export const CONFIRM_CELLS = 1000;
/** Cells a sweep may never exceed. */
export const MAX_CELLS = 100_000;

const FORBIDDEN = new Set(["__proto__", "prototype", "constructor", "family"]);

/** Split on commas that are not inside brackets (so that `width=[3,8,5],[4,4]` has two values). */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out.map((x) => x.trim());
}

function valueOf(field: string, raw: string): GridValue {
  if (raw === "")
    throw new SpecError(`--grid ${field}`, "has an empty value (two commas, or a trailing one)");
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    v = raw;
  }
  if (typeof v === "number" && !Number.isFinite(v))
    throw new SpecError(`--grid ${field}`, "values must be finite numbers", raw);
  if (Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x))) return v as number[];
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  throw new SpecError(
    `--grid ${field}`,
    "values must be numbers, strings, booleans or lists of numbers",
    raw,
  );
}

const RANGE = /^(-?[\d.eE+-]+)\s*\.\.\s*(-?[\d.eE+-]+)(?:\s+(step|log|lin)\s+([\d.eE+-]+))?$/;

function rangeValues(field: string, text: string, m: RegExpExecArray): number[] {
  const name = `--grid ${field}`;
  const a = Number(m[1]);
  const b = Number(m[2]);
  if (!Number.isFinite(a) || !Number.isFinite(b))
    throw new SpecError(name, "a range's ends must be numbers (e.g. 10..100 step 10)", text);
  if (b < a) throw new SpecError(name, "a range must go up (from..to with from <= to)", text);
  const kind = m[3] ?? "step";
  const arg = m[4] === undefined ? 1 : Number(m[4]);
  const ints = Number.isInteger(a) && Number.isInteger(b);
  let values: number[];
  if (kind === "step") {
    if (!(arg > 0) || !Number.isFinite(arg))
      throw new SpecError(name, "a range's step must be a positive number", text);
    const n = Math.floor((b - a) / arg + 1e-9) + 1;
    if (n > MAX_AXIS_VALUES)
      throw new SpecError(name, `a range may hold at most ${MAX_AXIS_VALUES} values (this one: ${n})`, text);
    // a + i step, rounded to the step's decimals so that 0.1..0.3 step 0.1 gives 0.1, 0.2, 0.3.
    const decimals = Math.min(12, Math.max(decimalsOf(m[1]), decimalsOf(String(arg))));
    values = Array.from({ length: n }, (_, i) => Number((a + i * arg).toFixed(decimals)));
  } else {
    if (!Number.isInteger(arg) || arg < 2 || arg > MAX_AXIS_VALUES)
      throw new SpecError(
        name,
        `the number of ${kind}-spaced values must be an integer from 2 to ${MAX_AXIS_VALUES}`,
        text,
      );
    if (kind === "log" && !(a > 0)) throw new SpecError(name, "a log-spaced range must start above 0", text);
    values = Array.from({ length: arg }, (_, i) => {
      const t = i / (arg - 1);
      const v = kind === "log" ? a * (b / a) ** t : a + (b - a) * t;
      return i === 0
        ? a
        : i === arg - 1
          ? b
          : ints && kind === "log"
            ? Math.round(v)
            : Number(v.toPrecision(12));
    });
    values = values.filter((v, i) => i === 0 || v !== values[i - 1]);
  }
  return values;
}

const decimalsOf = (s: string) => {
  const m = /\.(\d+)/.exec(s);
  return m ? m[1].length : 0;
};

/** Parse one `field=values` argument (see the module comment). */
export function parseGridAxis(arg: string): GridAxis {
  const eq = arg.indexOf("=");
  if (eq <= 0)
    throw new SpecError(
      "--grid",
      "must look like field=values, e.g. --grid depth=10,20,50 or depth=10..100 step 10",
      arg,
    );
  const field = arg.slice(0, eq).trim();
  checkField(field);
  const text = arg.slice(eq + 1).trim();
  if (text === "") throw new SpecError(`--grid ${field}`, "has no values (e.g. depth=10,20,50)");
  const m = RANGE.exec(text);
  const values = m ? rangeValues(field, text, m) : splitTop(text).map((v) => valueOf(field, v));
  return checkAxis({ field, values });
}

function checkField(field: string): void {
  const bad = field.split(".").find((k) => k === "" || FORBIDDEN.has(k));
  if (bad !== undefined)
    throw new SpecError(
      "--grid",
      bad === "family"
        ? "cannot sweep the family (run one sweep per family)"
        : `cannot sweep "${bad}": give a spec field such as depth, width or weights.law`,
      field,
    );
}

/** Validate an axis (from the command line, a sweep file or the library). */
export function checkAxis(axis: GridAxis): GridAxis {
  if (typeof axis?.field !== "string") throw new SpecError("grid", "each axis needs a field name", axis);
  checkField(axis.field);
  const name = `--grid ${axis.field}`;
  if (!Array.isArray(axis.values) || axis.values.length === 0)
    throw new SpecError(name, "needs at least one value");
  if (axis.values.length > MAX_AXIS_VALUES)
    throw new SpecError(name, `may hold at most ${MAX_AXIS_VALUES} values`, axis.values.length);
  const seen = new Set<string>();
  for (const v of axis.values) {
    const ok =
      (typeof v === "number" && Number.isFinite(v)) ||
      typeof v === "string" ||
      typeof v === "boolean" ||
      (Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x)));
    if (!ok)
      throw new SpecError(name, "values must be finite numbers, strings, booleans or lists of numbers", v);
    const k = JSON.stringify(v);
    if (seen.has(k)) throw new SpecError(name, "lists a value twice", v);
    seen.add(k);
  }
  return { field: axis.field, values: [...axis.values] };
}

/** Validate a grid: at least one axis, no field twice, at most MAX_CELLS cells (CONFIRM_CELLS unless confirmed). */
export function checkGrid(grid: readonly GridAxis[], confirmed: boolean): GridAxis[] {
  if (!Array.isArray(grid) || grid.length === 0)
    throw new SpecError("--grid", "a sweep needs at least one axis, e.g. --grid depth=10,20,50");
  const axes = grid.map(checkAxis);
  const fields = axes.map((a) => a.field);
  const dup = fields.find((f, i) => fields.indexOf(f) !== i);
  if (dup) throw new SpecError(`--grid ${dup}`, "is given twice (one axis per field)");
  const cells = axes.reduce((n, a) => n * a.values.length, 1);
  if (cells > MAX_CELLS)
    throw new SpecError(
      "--grid",
      `a sweep may have at most ${MAX_CELLS} cells (this one: ${cells}); shard a larger study into several sweeps`,
      cells,
    );
  if (cells > CONFIRM_CELLS && !confirmed)
    throw new SpecError(
      "--grid",
      `the sweep has ${cells} cells, more than ${CONFIRM_CELLS}: confirm with --yes (library: confirm: true)`,
      cells,
    );
  return axes;
}

/** A grid value as a cell key (lists as JSON text). */
export const keyValue = (v: GridValue): string | number | boolean =>
  Array.isArray(v) ? JSON.stringify(v) : v;

/** The cells of the grid, first axis slowest: each an assignment of one value per axis. */
export function gridCells(grid: readonly GridAxis[]): { field: string; value: GridValue }[][] {
  let cells: { field: string; value: GridValue }[][] = [[]];
  for (const axis of grid)
    cells = cells.flatMap((c) => axis.values.map((value) => [...c, { field: axis.field, value }]));
  return cells;
}

/** An axis as the command line writes it (lists; ranges are expanded). */
export function axisArgument(axis: GridAxis): string {
  return `${axis.field}=${axis.values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(",")}`;
}
