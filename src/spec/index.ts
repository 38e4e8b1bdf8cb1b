/**
 * Model specs: validation, presets and command-line overrides.
 * A spec is plain JSON (docs/spec.md); `parseSpec` validates it and derives what engines need.
 */
import type { z } from "zod";
import { SpecError } from "./errors.js";
import { type MlpSpec, mlpSchema } from "./mlp.js";
import { PRESET_NAMES, PRESETS } from "./presets.js";

export { formatValue, SpecError } from "./errors.js";
export type { MlpSpec, MlpSpecInput } from "./mlp.js";
export { INPUT_KINDS, MAX_DEPTH, MAX_WIDTH, WEIGHT_LAWS } from "./mlp.js";
export { PRESET_NAMES, PRESETS } from "./presets.js";

export type ModelSpec = MlpSpec;
export const FAMILIES = ["mlp"] as const;

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

/** Validate a JSON spec. Throws SpecError naming the field, the value and what is allowed. */
export function parseSpec(input: unknown): ModelSpec {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new SpecError("spec", "must be a JSON object", input);
  }
  const family = (input as { family?: unknown }).family;
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
  p.inputs.forEach((x, i) => {
    if (x.kind === "vector" && x.values.length !== p.nIn) {
      throw new SpecError(`inputs[${i}].values`, `must have length nIn = ${p.nIn}`, x.values.length);
    }
    if (x.kind === "vector" && x.values.every((v) => v === 0)) {
      throw new SpecError(`inputs[${i}].values`, "must not be the zero vector (G is undefined for x = 0)");
    }
  });
  return { ...p, width: p.width, depth, widths };
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

/**
 * Apply `--set` overrides such as `width=64`, `weights.law=uniform`, `width=[20,400]`, `activation=tanh`.
 * Setting `width` to a list without setting `depth` drops the preset's depth (it is implied by the list).
 */
export function applyOverrides(
  spec: Record<string, unknown>,
  sets: readonly string[],
): Record<string, unknown> {
  const out = structuredClone(spec);
  const setPaths = new Set<string>();
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new SpecError("--set", "must look like field=value, e.g. --set width=64", s);
    const path = s.slice(0, eq).trim();
    const value = parseOverrideValue(s.slice(eq + 1).trim());
    const keys = path.split(".");
    let obj: Record<string, unknown> = out;
    for (let i = 0; i < keys.length - 1; i++) {
      const k = keys[i];
      const next = obj[k];
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
  return `mlp ${w} d=${spec.depth} n_in=${spec.nIn} n_out=${spec.nOut} ${spec.activation.name} ${spec.weights.law}`;
}
