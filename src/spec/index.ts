/**
 * Model specs: validation, presets and command-line overrides.
 * A spec is plain JSON (docs/spec.md); `parseSpec` validates it and derives what engines need.
 */
import type { z } from "zod";
import { SpecError } from "./errors.js";
import { type MlpSpec, mlpSchema } from "./mlp.js";
import { type HayouSpec, hayouSchema } from "./hayou.js";
import { type MarionSpec, marionSchema } from "./marion.js";
import { type ResNetSpec, resnetSchema } from "./resnet.js";
import { PRESET_NAMES, PRESETS } from "./presets.js";

export { formatValue, SpecError } from "./errors.js";
export { INPUT_KINDS, MAX_DEPTH, MAX_WIDTH, TANGENT_KINDS, WEIGHT_LAWS } from "./common.js";
export type { MlpSpec, MlpSpecInput } from "./mlp.js";
export type { HayouSpec } from "./hayou.js";
export type { MarionSpec } from "./marion.js";
export type { ResNetSpec } from "./resnet.js";
export { PRESET_NAMES, PRESETS } from "./presets.js";

export type ModelSpec = MlpSpec | ResNetSpec | HayouSpec | MarionSpec;
export const FAMILIES = ["mlp", "resnet", "hayou", "marion"] as const;

function pathString(path: readonly PropertyKey[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || "spec";
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = obj;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function toSpecError(error: z.ZodError, input: unknown, allowedKeys: string[]): SpecError {
  const issue = error.issues[0];
  const field = pathString(issue.path);
  if (issue.code === "unrecognized_keys") {
    const keys = (issue as { keys: string[] }).keys;
    return new SpecError(
      field === "spec" ? keys[0] : `${field}.${keys[0]}`,
      `unknown field${field === "spec" ? `; allowed fields: ${allowedKeys.join(", ")}` : ""}`,
    );
  }
  // A shorthand such as activation: "softmax" is checked as activation.name: report the string itself.
  let value = valueAt(input, issue.path);
  let path = issue.path;
  if (value === undefined && path.length > 1 && typeof valueAt(input, path.slice(0, -1)) === "string") {
    path = path.slice(0, -1);
    value = valueAt(input, path);
  }
  return new SpecError(pathString(path), issue.message, value);
}

function checkVectors(p: { nIn: number; inputs: ModelSpec["inputs"]; tangent: ModelSpec["tangent"] }): void {
  p.inputs.forEach((x, i) => {
    if (x.kind === "vector" && x.values.length !== p.nIn) {
      throw new SpecError(`inputs[${i}].values`, `must have length nIn = ${p.nIn}`, x.values.length);
    }
    if (x.kind === "vector" && x.values.every((v) => v === 0)) {
      throw new SpecError(`inputs[${i}].values`, "must not be the zero vector (G is undefined for x = 0)");
    }
  });
  if (Array.isArray(p.tangent) && p.tangent.length !== p.nIn) {
    throw new SpecError("tangent", `must have length nIn = ${p.nIn}`, p.tangent.length);
  }
}

/** Validate a JSON spec. Throws SpecError naming the field, the value and what is allowed. */
export function parseSpec(input: unknown): ModelSpec {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new SpecError("spec", "must be a JSON object", input);
  }
  const family = (input as { family?: unknown }).family;
  if (family === "resnet") return parseResNet(input);
  if (family === "hayou") return parseHayou(input);
  if (family === "marion") return parseMarion(input);
  if (family !== "mlp") {
    throw new SpecError("family", `must be one of ${FAMILIES.join(", ")}`, family);
  }
  const r = mlpSchema.safeParse(input);
  if (!r.success) throw toSpecError(r.error, input, Object.keys(mlpSchema.shape));
  const p = r.data;
  let widths: number[];
  let depth: number;
  if (Array.isArray(p.width)) {
    widths = p.width;
    depth = widths.length - 1;
    if (p.depth !== undefined && p.depth !== depth) {
      throw new SpecError(
        "depth",
        `must equal the number of widths minus one (${depth}) when width is a list, or be left out`,
        p.depth,
      );
    }
  } else {
    if (p.depth === undefined) throw new SpecError("depth", "is required when width is a single integer");
    depth = p.depth;
    widths = new Array(depth + 1).fill(p.width);
  }
  checkVectors(p);
  return { ...p, width: p.width, depth, widths };
}

function parseMarion(input: object): MarionSpec {
  const r = marionSchema.safeParse(input);
  if (!r.success) throw toSpecError(r.error, input, Object.keys(marionSchema.shape));
  const p = r.data;
  return {
    ...p,
    widths: new Array(p.depth + 1).fill(p.width),
    gain: 1,
    inputs: Array.from({ length: p.nInputs }, () => ({ kind: "ones" as const })),
    tangent: "orthogonal",
    alpha: p.depth > 0 ? p.depth ** -p.beta : 1,
    alphas: (p.betas ?? [p.beta]).map((b) => (p.depth > 0 ? p.depth ** -b : 1)),
  };
}

function parseHayou(input: object): HayouSpec {
  const r = hayouSchema.safeParse(input);
  if (!r.success) throw toSpecError(r.error, input, Object.keys(hayouSchema.shape));
  const p = r.data;
  checkVectors({ ...p, tangent: "orthogonal" });
  if (p.y0 !== undefined) {
    if (p.inputs.length !== 1)
      throw new SpecError("y0", "fixes Y_0 for a single input: give exactly one input", p.inputs.length);
    if (Array.isArray(p.y0) && p.y0.length !== p.width)
      throw new SpecError("y0", `must have length width = ${p.width}`, p.y0.length);
  }
  // nOut and tangent are not part of this family; set so that shared code can read them.
  return { ...p, widths: new Array(p.depth + 1).fill(p.width), nOut: 1, tangent: "orthogonal" };
}

function parseResNet(input: object): ResNetSpec {
  const r = resnetSchema.safeParse(input);
  if (!r.success) throw toSpecError(r.error, input, Object.keys(resnetSchema.shape));
  const p = r.data;
  checkVectors(p);
  let lambda2 = 1 - p.alpha2;
  if (p.lambda2Depth !== undefined) {
    if (p.depth === 0 || p.lambda2Depth > p.depth) {
      throw new SpecError(
        "lambda2Depth",
        `must be at most depth (${p.depth}) so that lambda^2 = c/d <= 1`,
        p.lambda2Depth,
      );
    }
    lambda2 = p.lambda2Depth / p.depth;
  }
  return {
    ...p,
    alpha: Math.sqrt(1 - lambda2),
    lambda: Math.sqrt(lambda2),
    widths: new Array(p.depth + 1).fill(p.width),
  };
}

/** The JSON of a named preset (a fresh copy). */
export function presetSpec(name: string): Record<string, unknown> {
  const p = PRESETS[name];
  if (!p) throw new SpecError("preset", `unknown preset; available: ${PRESET_NAMES.join(", ")}`, name);
  return structuredClone(p.spec);
}

/** Parse the value of `--set path=value`: JSON when it parses (numbers, lists, objects), else a string. */
function parseOverrideValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

const FORBIDDEN_KEYS = new Set(["__proto__", "prototype", "constructor"]);

/**
 * Apply `--set` overrides such as `width=64`, `weights.law=uniform`, `width=[20,400]`, `activation=tanh`.
 * Setting `width` to a list without setting `depth` drops the preset's depth (it is implied by the list).
 */
export function applyOverrides(
  spec: Record<string, unknown>,
  sets: readonly string[],
): Record<string, unknown> {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new SpecError("spec", "must be a JSON object", spec === null ? "null" : typeof spec);
  }
  const out = structuredClone(spec);
  const setPaths = new Set<string>();
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new SpecError("--set", "must look like field=value, e.g. --set width=64", s);
    const path = s.slice(0, eq).trim();
    const value = parseOverrideValue(s.slice(eq + 1).trim());
    const keys = path.split(".");
    // Only the spec's own data fields: never the prototype chain (prototype pollution).
    const bad = keys.find((k) => k === "" || FORBIDDEN_KEYS.has(k));
    if (bad !== undefined)
      throw new SpecError("--set", `cannot set "${bad}": give a spec field such as width or weights.law`, s);
    let obj: Record<string, unknown> = out;
    for (let i = 0; i < keys.length - 1; i++) {
      const k = keys[i];
      const next = Object.hasOwn(obj, k) ? obj[k] : undefined;
      if (next === undefined || next === null || typeof next !== "object" || Array.isArray(next)) obj[k] = {};
      obj = obj[k] as Record<string, unknown>;
    }
    obj[keys[keys.length - 1]] = value;
    setPaths.add(path);
  }
  if (Array.isArray(out.width) && setPaths.has("width") && !setPaths.has("depth")) out.depth = undefined;
  return out;
}

/** The squared norm of an input vector and the vector itself. */
export function inputVector(spec: ModelSpec, index: number): Float64Array {
  const x = new Float64Array(spec.nIn);
  const inp = spec.inputs[index];
  switch (inp.kind) {
    case "ones":
      x.fill(1);
      break;
    case "unit":
      x.fill(1 / Math.sqrt(spec.nIn));
      break;
    case "e1":
      x[0] = 1;
      break;
    case "vector":
      x.set(inp.values);
      break;
  }
  return x;
}

/** A one-line description of a spec, for logs and figure titles. */
export function describeSpec(spec: ModelSpec): string {
  const uniform = spec.widths.every((w) => w === spec.widths[0]);
  const w = uniform ? `n=${spec.widths[0]}` : `widths=[${spec.widths.join(",")}]`;
  const tail = `d=${spec.depth} n_in=${spec.nIn} n_out=${spec.nOut} ${spec.activation.name} ${spec.weights.law}`;
  if (spec.family === "mlp") return `mlp ${w} ${tail}`;
  if (spec.family === "marion") {
    const c = spec.correlation;
    const corr = c.kind === "fbm" ? `fbm(H=${c.H})` : c.kind === "smooth" ? `smooth(${c.variant})` : "iid";
    const beta = spec.betas ? `betas=[${spec.betas.join(",")}]` : `beta=${spec.beta}`;
    const inputs = spec.nInputs > 1 ? ` inputs=${spec.nInputs}` : "";
    return `marion ${spec.model} d=${spec.width} L=${spec.depth} ${beta} ${spec.activation.name} ${spec.weights.law} ${corr}${inputs}`;
  }
  if (spec.family === "hayou")
    return `hayou-resnet ${w} L=${spec.depth} d=${spec.nIn} ${spec.activation.name} gain=${spec.gain}`;
  return `resnet${spec.balanced ? " (balanced)" : ""} ${w} ${tail} alpha^2=${(spec.alpha ** 2).toPrecision(4)}`;
}

/** Euclidean norm (Math.hypot's value; without spreading a long vector onto the call stack). */
function norm(x: Float64Array): number {
  if (x.length <= 4096) return Math.hypot(...x);
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (const v of x) s += (v / m) ** 2;
  return m * Math.sqrt(s);
}

/** Unit-free tangent direction u for the Jacobian-vector product at input `index` (spec.tangent). */
export function tangentVector(spec: ModelSpec, index: number): Float64Array {
  const x = inputVector(spec, index);
  if (Array.isArray(spec.tangent)) return Float64Array.from(spec.tangent);
  const n = spec.nIn;
  const xn = norm(x);
  // Gram-Schmidt of the coordinate vector least aligned with x.
  let best = 0;
  for (let i = 1; i < n; i++) if (Math.abs(x[i]) < Math.abs(x[best])) best = i;
  const u = new Float64Array(n);
  u[best] = 1;
  const proj = x[best] / (xn * xn);
  for (let i = 0; i < n; i++) u[i] -= proj * x[i];
  const un = norm(u);
  if (!(un > 1e-12))
    throw new SpecError(
      "tangent",
      "no direction orthogonal to the input exists (nIn = 1); give tangent values",
    );
  for (let i = 0; i < n; i++) u[i] /= un;
  if (spec.tangent === "orthogonal") return u;
  // diagonal: 45 degrees between x/||x|| and u
  return Float64Array.from(u, (v, i) => (v + x[i] / xn) / Math.SQRT2);
}
