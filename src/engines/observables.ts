/**
 * Observable keys: a name declared by the spec's family (src/families/<family>/), an optional layer
 * `[l]`, an optional scaling `#j` (families that batch several scalings over the same weights) and an
 * optional input `@k` (default 0). Names are a public contract (scripts and result files use them);
 * docs/observables.md lists them per family.
 */
import { families, familyOf, type ModelSpec } from "../families/index.js";
import { SpecError } from "../spec/errors.js";

export { OBSERVABLE_NAMES } from "../families/index.js";
export type ObservableName = string;

/** Every observable name of a family (what its dense engine computes). */
export function familyObservables(family: string): string[] {
  return Object.keys(families().find((f) => f.name === family)?.observables ?? {});
}

export interface Observable {
  name: string;
  /** Layer index (resolved: defaults applied). */
  layer?: number;
  /** Input index (default 0); for a pairing observable (corr, ntkCross), the second input (default 1). */
  input: number;
  /** A pairing observable's first input (`@a,b`; default 0); absent otherwise. */
  pair?: number;
  /** Index into a Marion spec's betas (default 0; always 0 for other families). */
  beta: number;
  /** The canonical key, e.g. "logNorm2[3]@1", "logPostNormGrowth". */
  key: string;
}

const PATTERN = /^([A-Za-z0-9]+)(?:\[(\d+)\])?(?:#(\d+))?(?:@(\d+)(?:,(\d+))?)?$/;

export function observableKey(name: string, layer: number | undefined, input: number, beta = 0): string {
  return `${name}${layer === undefined ? "" : `[${layer}]`}${beta === 0 ? "" : `#${beta}`}${input === 0 ? "" : `@${input}`}`;
}

function allowedFor(spec: ModelSpec): string {
  return Object.keys(familyOf(spec).observables).join(", ");
}

/**
 * Split a comma-separated list of observable keys ("G,logNorm2[3]@1,ntkCross@1,2"): a comma followed by
 * a digit continues a pair of inputs (`@a,b`), since no observable name starts with a digit.
 */
export function splitObservableList(list: string): string[] {
  return list
    .split(/,(?!\s*\d)/)
    .map((s) => s.replace(/\s+/g, ""))
    .filter(Boolean);
}

/** Parse and check observable keys against a spec. */
export function parseObservables(keys: readonly string[], spec: ModelSpec): Observable[] {
  if (keys.length === 0) throw new SpecError("observables", `must name at least one of ${allowedFor(spec)}`);
  const family = familyOf(spec);
  const seen = new Set<string>();
  const out: Observable[] = [];
  for (const raw of keys) {
    const m = PATTERN.exec(raw.trim());
    const name = m?.[1];
    if (!m || !name || !Object.hasOwn(family.observables, name)) {
      throw new SpecError(
        "observables",
        `unknown observable for family ${spec.family}; allowed: ${allowedFor(spec)} (layer [l] in 0..${spec.depth} where it applies; @k for input k)`,
        raw,
      );
    }
    const def = family.observables[name];
    let layer = m[2] === undefined ? undefined : Number(m[2]);
    if (def.layer === "none" && layer !== undefined)
      throw new SpecError("observables", `${name} takes no layer index`, raw);
    if (def.layer === "required" && layer === undefined) {
      throw new SpecError("observables", `${name} needs a layer l in 0..${spec.depth}, as ${name}[l]`, raw);
    }
    if (layer !== undefined && layer > spec.depth) {
      throw new SpecError("observables", `layer index must be in 0..${spec.depth}`, raw);
    }
    const explicitLayer = layer;
    if (layer === undefined && typeof def.layer === "function") layer = def.layer(spec);
    const defaultInput = def.pairsInputs ? 1 : 0;
    // `@a,b` names both inputs of a pairing observable; `@b` pairs input 0 with b.
    if (m[5] !== undefined && !def.pairsInputs)
      throw new SpecError("observables", `${name} takes one input index (@k), not a pair`, raw);
    const pair = m[5] === undefined ? 0 : Number(m[4]);
    const input = m[5] !== undefined ? Number(m[5]) : m[4] === undefined ? defaultInput : Number(m[4]);
    const beta = m[3] === undefined ? 0 : Number(m[3]);
    if (m[3] !== undefined) {
      if (!family.betas)
        throw new SpecError(
          "observables",
          `the suffix #j (a beta of the list betas) is not for family ${spec.family}`,
          raw,
        );
      const nBetas = family.betas(spec);
      if (beta >= nBetas)
        throw new SpecError(
          "observables",
          `beta index #j must be in 0..${nBetas - 1} (the spec's betas)`,
          raw,
        );
    }
    if (input >= spec.inputs.length) {
      throw new SpecError(
        "observables",
        def.pairsInputs
          ? `${name} needs a second input (index ${input}); the spec has ${spec.inputs.length} input(s)`
          : `input index must be below the number of inputs (${spec.inputs.length})`,
        raw,
      );
    }
    if (def.pairsInputs && input === pair)
      throw new SpecError("observables", `${name} would pair input ${pair} with itself`, raw);
    if (pair >= spec.inputs.length)
      throw new SpecError(
        "observables",
        `input index must be below the number of inputs (${spec.inputs.length})`,
        raw,
      );
    // Canonical key: the layer only when given explicitly (so "logPostNormGrowth" stays as written).
    const inputs = pair !== 0 ? `@${pair},${input}` : input === 1 ? "" : `@${input}`;
    const key = def.pairsInputs
      ? `${name}${explicitLayer === undefined ? "" : `[${explicitLayer}]`}${beta === 0 ? "" : `#${beta}`}${inputs}`
      : observableKey(name, explicitLayer, input, beta);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(def.pairsInputs ? { name, layer, input, pair, beta, key } : { name, layer, input, beta, key });
  }
  return out;
}
