/** The explorer's state: one flat record, kept in the URL query so that a view can be shared. */
import { familyNamed } from "../../src/families/index.js";
import { axisArgument, type GridAxis, parseGridAxis } from "../../src/sweep/grid.js";

export interface State {
  family: string;
  width: string;
  depth: number;
  nIn: number;
  nOut: number;
  activation: string;
  a: number;
  b: number;
  gain: number;
  law: string;
  input: string;
  alpha2: number;
  lambda2Depth: string;
  balanced: boolean;
  model: string;
  beta: number;
  correlation: string;
  hurst: number;
  observable: string;
  samples: number;
  seed: number;
  engine: string;
  view: "histogram" | "sweep";
  /** The swept form field (a key of SWEEP_AXES) and its values (docs/sweeps.md's grid syntax). */
  sweepParam: string;
  sweepValues: string;
  /** A second axis ("" for none): one line per value. */
  sweepParam2: string;
  sweepValues2: string;
}

export const DEFAULTS: State = {
  family: "mlp",
  width: "100",
  depth: 10,
  nIn: 10,
  nOut: 10,
  activation: "relu",
  a: 1,
  b: 0.2,
  gain: 2,
  law: "gaussian",
  input: "ones",
  alpha2: 0.5,
  lambda2Depth: "",
  balanced: false,
  model: "res3",
  beta: 0.5,
  correlation: "iid",
  hurst: 0.7,
  observable: "G",
  samples: 20000,
  seed: 1,
  engine: "auto",
  view: "histogram",
  sweepParam: "depth",
  sweepValues: "1,5,10,20,50,100",
  sweepParam2: "",
  sweepValues2: "",
};

const KEYS = Object.keys(DEFAULTS) as (keyof State)[];

export function stateFromQuery(query: string): State {
  const p = new URLSearchParams(query);
  const s: Record<string, unknown> = { ...DEFAULTS };
  for (const k of KEYS) {
    const v = p.get(k);
    if (v === null) continue;
    const d = DEFAULTS[k];
    s[k] = typeof d === "number" ? Number(v) : typeof d === "boolean" ? v === "1" || v === "true" : v;
  }
  return s as unknown as State;
}

/** Only the fields that differ from the defaults go into the URL. */
export function stateToQuery(s: State): string {
  const p = new URLSearchParams();
  for (const k of KEYS) {
    if (s[k] === DEFAULTS[k]) continue;
    p.set(k, typeof s[k] === "boolean" ? (s[k] ? "1" : "0") : String(s[k]));
  }
  return p.toString();
}

export function readForm(form: HTMLFormElement): State {
  const s: Record<string, unknown> = {};
  for (const k of KEYS) {
    const el = form.elements.namedItem(k) as HTMLInputElement | HTMLSelectElement | null;
    if (!el) continue;
    const d = DEFAULTS[k];
    if (el instanceof HTMLInputElement && el.type === "checkbox") s[k] = el.checked;
    else s[k] = typeof d === "number" ? (el.value.trim() === "" ? Number.NaN : Number(el.value)) : el.value;
  }
  return { ...DEFAULTS, ...s } as State;
}

export function writeForm(form: HTMLFormElement, s: State): void {
  for (const k of KEYS) {
    const el = form.elements.namedItem(k) as HTMLInputElement | HTMLSelectElement | null;
    if (!el) continue;
    if (el instanceof HTMLInputElement && el.type === "checkbox") el.checked = Boolean(s[k]);
    else el.value = String(s[k]);
  }
}

function activationJson(s: State): unknown {
  if (s.activation === "ou") return { name: "ou", alpha: s.a, beta: s.b };
  if (s.activation === "linear") return { name: "linear", a: s.a };
  if (s.activation === "two-slope") return { name: "two-slope", a: s.a, b: s.b };
  return { name: s.activation };
}

function parseWidth(w: string): number | number[] | string {
  const parts = w
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  if (parts.length > 1) return parts.map(Number);
  const v = Number(parts[0]);
  return Number.isFinite(v) ? v : w;
}

/** The JSON model spec the state describes (the family's form builds it; validated later by parseSpec). */
export function specJson(s: State): Record<string, unknown> {
  return familyNamed(s.family).form.toSpec({
    ...(s as unknown as Record<string, unknown>),
    width: parseWidth(s.width),
    activation: activationJson(s),
  });
}

const q = (v: unknown) => `'${(typeof v === "string" ? v : JSON.stringify(v)).replace(/'/g, "'\\''")}'`;

/** The CLI command that reproduces the histogram view's run (same spec, seed, engine: same numbers). */
export function cliCommand(s: State): string {
  const spec = specJson(s);
  const preset = familyNamed(s.family).form.preset;
  const sets = Object.entries(spec)
    .filter(([k]) => k !== "family")
    .map(([k, v]) => `--set ${k}=${q(v)}`);
  return [
    "deeplimits simulate",
    preset,
    ...sets,
    `--samples ${s.samples}`,
    `--seed ${s.seed}`,
    `--engine ${s.engine}`,
    `--observables ${s.observable}`,
  ].join(" ");
}

/** Observables offered in the menu for a family, with labels; the first is the family's default. */
export function observableOptions(family: string): [string, string][] {
  const f = familyNamed(family);
  return f.form.observables.map((k) => [k, f.observables[k].label]);
}

/** Defaults that change with the family (gain 1 for Hayou's network, 2 = He for the others). */
export function familyDefaults(family: string): Partial<State> {
  return familyNamed(family).form.defaults as Partial<State>;
}

/** Whether a family-specific form field (its name attribute) is shown for the family. */
export function showsField(family: string, field: string): boolean {
  return familyNamed(family).form.fields.includes(field);
}

// ---- sweeps -------------------------------------------------------------------------------------

/** Form fields a sweep can run over, and the spec field each one sets (the grid's field). */
export const SWEEP_AXES: Record<string, string> = {
  depth: "depth",
  width: "width",
  nIn: "nIn",
  nOut: "nOut",
  gain: "gain",
  beta: "beta",
  alpha2: "alpha2",
  activation: "activation",
  law: "weights.law",
};
const ALWAYS = ["depth", "width", "nIn", "activation", "law"];

/** The sweep axes the family's form offers. */
export function sweepAxisOptions(family: string): string[] {
  return Object.keys(SWEEP_AXES).filter((k) => ALWAYS.includes(k) || showsField(family, k));
}

/** The state's sweep axes as grid axes over spec fields (values in the grid syntax; errors name the field). */
export function sweepGrid(s: State): (GridAxis & { key: string })[] {
  const axes: [string, string][] = [[s.sweepParam, s.sweepValues]];
  if (s.sweepParam2 !== "" && s.sweepParam2 !== s.sweepParam) axes.push([s.sweepParam2, s.sweepValues2]);
  return axes.map(([key, text]) => {
    const field = SWEEP_AXES[key];
    if (!field)
      throw new Error(`sweep: ${key} cannot be swept; choose one of ${Object.keys(SWEEP_AXES).join(", ")}`);
    return { key, ...parseGridAxis(`${field}=${text}`) };
  });
}

/** The state of each cell of the sweep (first axis slowest), with its axis values. */
export function sweepCells(s: State): { state: State; values: (string | number | boolean)[] }[] {
  let cells: { state: State; values: (string | number | boolean)[] }[] = [{ state: s, values: [] }];
  for (const axis of sweepGrid(s))
    cells = cells.flatMap((c) =>
      axis.values.map((v) => {
        const value = Array.isArray(v) ? v.join(",") : v;
        const typed = axis.key === "width" ? String(value) : value;
        return { state: { ...c.state, [axis.key]: typed } as State, values: [...c.values, value] };
      }),
    );
  return cells;
}

/** The sweep file (docs/sweeps.md) of the sweep view: `deeplimits sweep FILE` gives the same numbers. */
export function sweepFile(s: State): Record<string, unknown> {
  const grid = sweepGrid(s);
  const model = specJson(s);
  return {
    sweep: 1,
    name: "explorer",
    model,
    grid: grid.map(({ field, values }) => ({ field, values })),
    observables: [s.observable],
    samples: s.samples,
    seed: s.seed,
    engine: s.engine,
    figure: { x: grid[0].field },
  };
}

/** The CLI command of the sweep view (the preset, every spec field but the swept ones, the grid). */
export function sweepCliCommand(s: State): string {
  const grid = sweepGrid(s);
  const swept = new Set(grid.map((a) => a.field.split(".")[0]));
  const spec = specJson(s);
  const preset = familyNamed(s.family).form.preset;
  const sets = Object.entries(spec)
    .filter(([k]) => k !== "family" && !swept.has(k))
    .map(([k, v]) => `--set ${k}=${q(v)}`);
  return [
    "deeplimits sweep",
    preset,
    ...sets,
    ...grid.map((a) => `--grid ${q(axisArgument(a))}`),
    `--observables ${s.observable}`,
    `--samples ${s.samples}`,
    `--seed ${s.seed}`,
    `--engine ${s.engine}`,
  ].join(" ");
}
