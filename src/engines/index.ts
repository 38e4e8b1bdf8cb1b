/**
 * The engines and the `auto` choice. An engine is a name and a description; what it does for a spec is
 * the kernel that the spec's family declares for it (src/families/<family>/). An engine serves a request
 * only when that kernel declares every requested observable and is exact for the spec; `auto` picks the
 * fastest such engine (product, then reduced, then dense; never sde, a limit).
 */
import { familyOf, type KernelDef, type ModelSpec } from "../families/index.js";
import { SpecError } from "../spec/errors.js";
import type { Observable } from "./observables.js";
import { ENGINE_NAMES, type Engine, type EngineChoice, type EngineName } from "./types.js";

export * from "./observables.js";
export * from "./types.js";

const DESCRIPTIONS: Record<EngineName, string> = {
  dense: "materialises every weight (ground truth); O(sum n_l n_{l-1}) per sample",
  reduced: "exact in law by W v = ||v|| g and Gaussian conditioning; O(width) per layer (Gaussian weights)",
  product: "exact law of the norms by products of chi-squares; O(d) per sample (one input, Gaussian weights)",
  sde: "Euler-Maruyama for the infinite-depth SDE dX = n^{-1/2} ||phi(X)|| dB on sdeSteps steps (the L -> infinity limit, not exact at finite L)",
};

function kernelOf(name: EngineName, spec: ModelSpec): KernelDef<ModelSpec> {
  const k = familyOf(spec).kernels[name];
  if (!k) throw new SpecError("engine", `${name} does not simulate family ${spec.family}`, name);
  return k;
}

function makeEngine(name: EngineName): Engine {
  return {
    name,
    description: DESCRIPTIONS[name],
    computes: (spec) => familyOf(spec).kernels[name]?.computes ?? [],
    unsupported(spec, observables) {
      const k = familyOf(spec).kernels[name];
      if (!k) return `does not simulate family ${spec.family}`;
      return k.unsupported?.(spec, observables) ?? null;
    },
    costPerSample: (spec, observables) => kernelOf(name, spec).cost(spec, observables),
    memory: (spec, observables) =>
      kernelOf(name, spec).memory?.(spec, observables) ?? { bytes: 0, wasmBytes: 0 },
    compile: (spec, observables) => kernelOf(name, spec).compile(spec, observables),
  };
}

export const denseEngine = makeEngine("dense");
export const reducedEngine = makeEngine("reduced");
export const productEngine = makeEngine("product");
export const sdeEngine = makeEngine("sde");

export const ENGINES: Record<string, Engine> = {
  dense: denseEngine,
  product: productEngine,
  reduced: reducedEngine,
  sde: sdeEngine,
};

/** Engines in order of preference for `auto` (fastest first; never sde, which is a limit, not exact). */
const AUTO_ORDER: Engine[] = [productEngine, reducedEngine, denseEngine];

/** Why engine e cannot serve the request (an observable it does not compute, or a spec it is not exact for), or null. */
function whyNot(e: Engine, spec: ModelSpec, observables: readonly Observable[]): string | null {
  const computes = new Set(e.computes(spec));
  const missing = [...new Set(observables.filter((o) => !computes.has(o.name)).map((o) => o.name))];
  if (missing.length > 0) return `does not compute ${missing.join(", ")} for family ${spec.family}`;
  return e.unsupported(spec, observables);
}

/** The engines that can serve a request, fastest first (sde last: a limit, never picked by auto). */
export function enginesFor(spec: ModelSpec, observables: readonly Observable[]): string[] {
  return [...AUTO_ORDER, sdeEngine].filter((e) => whyNot(e, spec, observables) === null).map((e) => e.name);
}

export function selectEngine(
  choice: EngineChoice,
  spec: ModelSpec,
  observables: readonly Observable[],
): Engine {
  if (choice === "auto") {
    for (const e of AUTO_ORDER) if (whyNot(e, spec, observables) === null) return e;
    throw new SpecError(
      "observables",
      `no engine computes this combination: ${AUTO_ORDER.map((e) => `${e.name} ${whyNot(e, spec, observables)}`).join("; ")}`,
      observables.map((o) => o.key).join(","),
    );
  }
  const e = ENGINES[choice];
  if (!e) throw new SpecError("engine", `must be one of auto, ${ENGINE_NAMES.join(", ")}`, choice);
  const why = whyNot(e, spec, observables);
  if (why !== null) {
    const others = enginesFor(spec, observables);
    throw new SpecError(
      "engine",
      `${choice} is not exact for this spec: it ${why}; ${others.length ? `engines that can serve it: ${others.join(", ")}` : "no engine serves this request"}`,
      choice,
    );
  }
  return e;
}
