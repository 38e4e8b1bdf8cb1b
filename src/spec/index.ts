/**
 * Model specs: validation, presets and command-line overrides.
 * A spec is plain JSON (docs/spec.md); `parseSpec` hands it to its family's plugin (src/families/),
 * which validates it and derives what engines need.
 */
import { familyNamed, familyOf, type ModelSpec, PRESET_NAMES, PRESETS } from "../families/index.js";
import { SpecError } from "./errors.js";

export { formatValue, SpecError } from "./errors.js";
export { INPUT_KINDS, MAX_DEPTH, MAX_WIDTH, TANGENT_KINDS, WEIGHT_LAWS } from "./common.js";
export type { MlpSpec, MlpSpecInput } from "../families/mlp/schema.js";
export type { HayouSpec } from "../families/hayou/schema.js";
export type { MarionSpec } from "../families/marion/schema.js";
export type { ResNetSpec } from "../families/resnet/schema.js";
export type { SpecBase } from "./base.js";
export { FAMILIES, PRESET_NAMES, PRESETS, type ModelSpec } from "../families/index.js";
export { inputVector, tangentVector } from "./vectors.js";

/** Validate a JSON spec. Throws SpecError naming the field, the value and what is allowed. */
export function parseSpec(input: unknown): ModelSpec {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new SpecError("spec", "must be a JSON object", input);
  }
  return familyNamed((input as { family?: unknown }).family).parse(input);
}

/** A one-line description of a spec, for logs and figure titles. */
export function describeSpec(spec: ModelSpec): string {
  return familyOf(spec).describe(spec);
}

/** The JSON of a named preset (a fresh copy). */
export function presetSpec(name: string): Record<string, unknown> {
  const p = PRESETS[name];
  if (!p) throw new SpecError("preset", `unknown preset; available: ${PRESET_NAMES.join(", ")}`, name);
  return structuredClone(p.spec);
}

/** A validated spec: a named preset with some fields replaced. */
export const fromPreset = (name: string, fields: Record<string, unknown> = {}): ModelSpec =>
  parseSpec({ ...presetSpec(name), ...fields });

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
