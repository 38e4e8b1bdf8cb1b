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

export function selectEngine(
  choice: EngineChoice,
  spec: ModelSpec,
  observables: readonly Observable[],
): Engine {
  if (choice === "auto") {
    for (const e of AUTO_ORDER) if (e.unsupported(spec, observables) === null) return e;
    return denseEngine;
  }
  const e = ENGINES[choice];
  if (!e) throw new SpecError("engine", `must be one of auto, ${ENGINE_NAMES.join(", ")}`, choice);
  const why = e.unsupported(spec, observables);
  if (why !== null) throw new SpecError("engine", `${choice} is not exact for this spec: it ${why}`, choice);
  return e;
}
