/**
 * Engine registry and the `auto` choice: the fastest engine that is exact for the spec and the
 * requested observables (product, then reduced, then dense).
 */
import { SpecError } from "../spec/errors.js";
import type { ModelSpec } from "../spec/index.js";
import { denseEngine } from "./dense/index.js";
import type { Observable } from "./observables.js";
import { productEngine } from "./product/mlp.js";
import { sdeEngine } from "./hayou/index.js";
import { reducedEngine } from "./reduced/index.js";
import { ENGINE_NAMES, type Engine, type EngineChoice } from "./types.js";

export * from "./observables.js";
export * from "./types.js";
export { denseEngine, productEngine, reducedEngine, sdeEngine };

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
