/** The explorer's state: one flat record, kept in the URL query so that a view can be shared. */

export interface State {
  family: "mlp" | "resnet" | "hayou" | "marion";
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
  sweepParam: "depth" | "width";
  sweepValues: string;
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

/** The JSON model spec the state describes (validated later by parseSpec). */
export function specJson(s: State): Record<string, unknown> {
  const width = parseWidth(s.width);
  const common = {
    nIn: s.nIn,
    nOut: s.nOut,
    activation: activationJson(s),
    gain: s.gain,
    weights: { law: s.law },
    inputs: [s.input],
  };
  if (s.family === "mlp") {
    return { family: "mlp", width, ...(Array.isArray(width) ? {} : { depth: s.depth }), ...common };
  }
  if (s.family === "marion") {
    const correlation = s.correlation === "fbm" ? { kind: "fbm", H: s.hurst } : { kind: s.correlation };
    return {
      family: "marion",
      model: s.model,
      width,
      depth: s.depth,
      nIn: s.nIn,
      nOut: s.nOut,
      beta: s.beta,
      activation: activationJson(s),
      weights: { law: s.law },
      correlation,
    };
  }
  if (s.family === "hayou") {
    const { nOut: _unused, ...rest } = common;
    void _unused;
    return { family: "hayou", width, depth: s.depth, ...rest };
  }
  return {
    family: "resnet",
    width,
    depth: s.depth,
    alpha2: s.alpha2,
    balanced: s.balanced,
    ...(s.lambda2Depth.trim() === "" ? {} : { lambda2Depth: Number(s.lambda2Depth) }),
    ...common,
  };
}

const q = (v: unknown) => `'${(typeof v === "string" ? v : JSON.stringify(v)).replace(/'/g, "'\\''")}'`;

/** The CLI command that reproduces the histogram view's run (same spec, seed, engine: same numbers). */
export function cliCommand(s: State): string {
  const spec = specJson(s);
  const preset = { mlp: "nica-mlp", resnet: "lnr-resnet", hayou: "hayou-resnet", marion: "marion-res3" }[
    s.family
  ];
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

/** Observables offered for each family, with labels; the first is the family's default. */
export const OBSERVABLES: Record<State["family"], [string, string][]> = {
  mlp: [
    ["G", "G"],
    ["logOutNorm2", "ln ||z_out||^2"],
  ],
  resnet: [
    ["G", "G"],
    ["logOutNorm2", "ln ||z_out||^2"],
  ],
  hayou: [
    ["logPostNormGrowth", "ln(||phi(Y_L)|| / ||phi(Y_0)||)"],
    ["preact", "Y_L^1"],
    ["activeFraction", "active fraction at Y_L"],
    ["gradNorm", "||dloss/dY_0||"],
  ],
  marion: [
    ["log10NormRatio", "log10 ||h_L|| / ||h_0||"],
    ["log10RelDisp", "log10 ||h_L - h_0|| / ||h_0||"],
    ["log10GradNormRatio", "log10 ||p_0|| / ||p_L||"],
    ["log10GradRelDisp", "log10 ||p_0 - p_L|| / ||p_L||"],
  ],
};

/** Defaults that change with the family (gain 1 for Hayou's network, 2 = He for the others). */
export function familyDefaults(family: State["family"]): Partial<State> {
  if (family === "marion") {
    return {
      observable: "log10NormRatio",
      width: "40",
      depth: 200,
      nIn: 64,
      nOut: 1,
      law: "uniform",
      samples: 400,
      activation: "relu",
    };
  }
  return family === "hayou"
    ? { gain: 1, observable: "logPostNormGrowth", width: "10", depth: 100, nIn: 10, input: "unit" }
    : { gain: 2, observable: "G" };
}
