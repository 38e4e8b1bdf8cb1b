/**
 * Observable names are a public contract (scripts and result files use them):
 *   G             ln(||z^d||^2 / n_d) - ln(||x||^2 / n_in)            (log-gaussian.md 1.2)
 *   logOutNorm2   ln ||z^out||^2
 *   logNorm2[l]   ln ||z^l||^2 at hidden layer l in 0..d (pre-activations)
 *   logJvpNorm2   ln ||(d z^out / dx) u||^2, u = the spec's tangent (log-gaussian.md 2.4)
 * A suffix "@k" selects input k of the spec (default 0): "G@1", "logNorm2[3]@2".
 */
import { SpecError } from "../spec/errors.js";
import type { ModelSpec } from "../spec/index.js";

export const OBSERVABLE_NAMES = ["G", "logOutNorm2", "logNorm2", "logJvpNorm2"] as const;
export type ObservableName = (typeof OBSERVABLE_NAMES)[number];

export interface Observable {
  name: ObservableName;
  /** Layer index for logNorm2. */
  layer?: number;
  /** Input index (default 0). */
  input: number;
  /** The canonical key, e.g. "logNorm2[3]@1". */
  key: string;
}

const PATTERN = /^([A-Za-z0-9]+)(?:\[(\d+)\])?(?:@(\d+))?$/;

export function observableKey(name: ObservableName, layer: number | undefined, input: number): string {
  return `${name}${layer === undefined ? "" : `[${layer}]`}${input === 0 ? "" : `@${input}`}`;
}

/** Parse and check observable keys against a spec. */
export function parseObservables(keys: readonly string[], spec: ModelSpec): Observable[] {
  if (keys.length === 0)
    throw new SpecError("observables", `must name at least one of ${OBSERVABLE_NAMES.join(", ")}`);
  const seen = new Set<string>();
  const out: Observable[] = [];
  for (const raw of keys) {
    const m = PATTERN.exec(raw.trim());
    const name = m?.[1] as ObservableName | undefined;
    if (!m || !name || !OBSERVABLE_NAMES.includes(name)) {
      throw new SpecError(
        "observables",
        `unknown observable; allowed: G, logOutNorm2, logNorm2[l] (l = 0..${spec.depth}), logJvpNorm2, each optionally with @k (input k)`,
        raw,
      );
    }
    const layer = m[2] === undefined ? undefined : Number(m[2]);
    const input = m[3] === undefined ? 0 : Number(m[3]);
    if (name === "logNorm2" && (layer === undefined || layer > spec.depth)) {
      throw new SpecError("observables", `logNorm2 needs a layer l in 0..${spec.depth}, as logNorm2[l]`, raw);
    }
    if (name !== "logNorm2" && layer !== undefined) {
      throw new SpecError("observables", `${name} takes no layer index`, raw);
    }
    if (input >= spec.inputs.length) {
      throw new SpecError(
        "observables",
        `input index must be below the number of inputs (${spec.inputs.length})`,
        raw,
      );
    }
    const key = observableKey(name, layer, input);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name, layer, input, key });
  }
  return out;
}
