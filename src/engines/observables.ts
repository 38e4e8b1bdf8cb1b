/**
 * Observable names are a public contract (scripts and result files use them).
 *
 * MLP and log-Gaussian ResNet (families mlp, resnet):
 *   G                  ln(||z^d||^2 / n_d) - ln(||x||^2 / n_in)            (log-gaussian.md 1.2)
 *   logOutNorm2        ln ||z^out||^2
 *   logNorm2[l]        ln ||z^l||^2 at hidden layer l in 0..d (pre-activations)
 *   logJvpNorm2        ln ||(d z^out / dx) u||^2, u = the spec's tangent (log-gaussian.md 2.4)
 * Hayou ResNet (family hayou; hayou-infinite-depth.md):
 *   logPostNormGrowth[l]  ln(||phi(Y_l)|| / ||phi(Y_0)||), default l = L (-inf after a collapse)
 *   collapsed          1 if phi(Y_l) = 0 for some l <= L, else 0
 *   preact             Y_L^1, the first coordinate of the last pre-activation
 *   activeFraction[l]  fraction of coordinates of Y_l that are > 0, default l = L
 *   corr[l]            correlation <Y_l^a, Y_l^b> / (||Y_l^a|| ||Y_l^b||) of inputs a = 0 and b = 1
 *                      (b = k with the suffix @k), default l = L
 *   gradNorm[l]        ||dloss/dY_l|| with the last-layer gradient fixed to (1,...,1)/sqrt(n), default l = 0
 * Marion's ResNets (family marion; marion-scaling-resnets.md 1):
 *   relDisp = ||h_L - h_0|| / ||h_0||, normRatio = ||h_L|| / ||h_0||, gradRelDisp = ||p_0 - p_L|| / ||p_L||,
 *   gradNormRatio = ||p_0|| / ||p_L|| (p_k = dloss/dh_k, loss ||B h_L - y||^2), and log10RelDisp etc.
 *   (computed in log scale, finite where the linear value overflows).
 * A suffix "@k" selects input k of the spec (default 0); for Marion's family a suffix "#j" (before "@k")
 * selects betas[j] of a spec that batches several scalings over the same weights (default 0).
 */
import { SpecError } from "../spec/errors.js";
import type { ModelSpec } from "../spec/index.js";

export const OBSERVABLE_NAMES = [
  "G",
  "logOutNorm2",
  "logNorm2",
  "logJvpNorm2",
  "logPostNormGrowth",
  "collapsed",
  "preact",
  "activeFraction",
  "corr",
  "gradNorm",
  "relDisp",
  "normRatio",
  "gradRelDisp",
  "gradNormRatio",
  "log10RelDisp",
  "log10NormRatio",
  "log10GradRelDisp",
  "log10GradNormRatio",
] as const;
export type ObservableName = (typeof OBSERVABLE_NAMES)[number];

type Family = ModelSpec["family"];
interface Def {
  families: Family[];
  /** none: no [l]; required; or the default layer when [l] is absent. */
  layer: "none" | "required" | ((spec: ModelSpec) => number);
}

const LOG_GAUSSIAN: Family[] = ["mlp", "resnet"];
const DEFS: Record<ObservableName, Def> = {
  G: { families: LOG_GAUSSIAN, layer: "none" },
  logOutNorm2: { families: LOG_GAUSSIAN, layer: "none" },
  logNorm2: { families: LOG_GAUSSIAN, layer: "required" },
  logJvpNorm2: { families: LOG_GAUSSIAN, layer: "none" },
  logPostNormGrowth: { families: ["hayou"], layer: (s) => s.depth },
  collapsed: { families: ["hayou"], layer: "none" },
  preact: { families: ["hayou"], layer: "none" },
  activeFraction: { families: ["hayou"], layer: (s) => s.depth },
  corr: { families: ["hayou"], layer: (s) => s.depth },
  gradNorm: { families: ["hayou"], layer: () => 0 },
  relDisp: { families: ["marion"], layer: "none" },
  normRatio: { families: ["marion"], layer: "none" },
  gradRelDisp: { families: ["marion"], layer: "none" },
  gradNormRatio: { families: ["marion"], layer: "none" },
  log10RelDisp: { families: ["marion"], layer: "none" },
  log10NormRatio: { families: ["marion"], layer: "none" },
  log10GradRelDisp: { families: ["marion"], layer: "none" },
  log10GradNormRatio: { families: ["marion"], layer: "none" },
};

/** Every observable name of a family (what the dense engine computes). */
export function familyObservables(family: ModelSpec["family"]): ObservableName[] {
  return OBSERVABLE_NAMES.filter((n) => DEFS[n].families.includes(family));
}

export interface Observable {
  name: ObservableName;
  /** Layer index (resolved: defaults applied). */
  layer?: number;
  /** Input index (default 0); for corr, the second input of the pair (default 1). */
  input: number;
  /** Index into a Marion spec's betas (default 0; always 0 for other families). */
  beta: number;
  /** The canonical key, e.g. "logNorm2[3]@1", "logPostNormGrowth". */
  key: string;
}

const PATTERN = /^([A-Za-z0-9]+)(?:\[(\d+)\])?(?:#(\d+))?(?:@(\d+))?$/;

export function observableKey(
  name: ObservableName,
  layer: number | undefined,
  input: number,
  beta = 0,
): string {
  return `${name}${layer === undefined ? "" : `[${layer}]`}${beta === 0 ? "" : `#${beta}`}${input === 0 ? "" : `@${input}`}`;
}

function allowedFor(spec: ModelSpec): string {
  return OBSERVABLE_NAMES.filter((n) => DEFS[n].families.includes(spec.family)).join(", ");
}

/** Parse and check observable keys against a spec. */
export function parseObservables(keys: readonly string[], spec: ModelSpec): Observable[] {
  if (keys.length === 0) throw new SpecError("observables", `must name at least one of ${allowedFor(spec)}`);
  const seen = new Set<string>();
  const out: Observable[] = [];
  for (const raw of keys) {
    const m = PATTERN.exec(raw.trim());
    const name = m?.[1] as ObservableName | undefined;
    if (!m || !name || !OBSERVABLE_NAMES.includes(name) || !DEFS[name].families.includes(spec.family)) {
      throw new SpecError(
        "observables",
        `unknown observable for family ${spec.family}; allowed: ${allowedFor(spec)} (layer [l] in 0..${spec.depth} where it applies; @k for input k)`,
        raw,
      );
    }
    const def = DEFS[name];
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
    const defaultInput = name === "corr" ? 1 : 0;
    const input = m[4] === undefined ? defaultInput : Number(m[4]);
    const beta = m[3] === undefined ? 0 : Number(m[3]);
    if (m[3] !== undefined) {
      const nBetas = spec.family === "marion" ? spec.alphas.length : 0;
      if (spec.family !== "marion")
        throw new SpecError(
          "observables",
          "the suffix #j (a beta of the list betas) is for family marion only",
          raw,
        );
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
        name === "corr"
          ? `corr needs a second input (index ${input}); the spec has ${spec.inputs.length} input(s)`
          : `input index must be below the number of inputs (${spec.inputs.length})`,
        raw,
      );
    }
    if (name === "corr" && input === 0)
      throw new SpecError("observables", "corr@0 would correlate input 0 with itself", raw);
    // Canonical key: the layer only when given explicitly (so "logPostNormGrowth" stays as written).
    const key =
      name === "corr"
        ? `corr${explicitLayer === undefined ? "" : `[${explicitLayer}]`}${input === 1 ? "" : `@${input}`}`
        : observableKey(name, explicitLayer, input, beta);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name, layer, input, beta, key });
  }
  return out;
}
